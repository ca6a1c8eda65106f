// Products with fewer than 4 rows of A on the wasm backend (batch-1 inference, a batch's last
// rows) take gemvT/gemvN: B read in place, not packed. Each element is checked against the
// float64 product within float32's bound for a k-term sum, γₖ·Σ|a||b| (γₖ = k·u/(1 − k·u)).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, linear, matmul, randn, withBackend, type Tensor } from '../../src/index.js';

const U = 2 ** -24;

function check(actual: Tensor, a: Float64Array[], b: (p: number, j: number) => number, k: number, n: number, where: string): void {
  const out = actual._data;
  const gamma = (k * U) / (1 - k * U);
  a.forEach((row, i) => {
    for (let j = 0; j < n; j++) {
      let exact = 0;
      let abs = 0;
      for (let p = 0; p < k; p++) {
        exact += row[p]! * b(p, j);
        abs += Math.abs(row[p]! * b(p, j));
      }
      const got = out[i * n + j]!;
      assert.ok(Math.abs(got - exact) <= gamma * abs + 1e-30, `${where}: C[${i}, ${j}] = ${got}, exact ${exact}, bound ${gamma * abs}`);
    }
  });
}

for (const [m, k, n] of [
  [1, 784, 256],
  [2, 257, 131],
  [3, 130, 67],
  [1, 4097, 3],
  [1, 5, 1000],
] as const) {
  test(`wasm: a ${m} × ${k} product by ${k} × ${n} (both layouts of B) is within float32's bound of the exact product`, () => {
    const g = new Generator(m * 1000 + n);
    const x = randn([m, k], { generator: g });
    const w = randn([n, k], { generator: g });
    const bT = randn([k, n], { generator: g });
    const rows = Array.from({ length: m }, (_, i) => Float64Array.from(x._data.subarray(i * k, (i + 1) * k)));
    const W = w._data;
    const B = bT._data;
    const [yT, yN] = withBackend('wasm', () => [linear(x, w), matmul(x, bT)]);
    check(yT!, rows, (p, j) => W[j * k + p]!, k, n, 'x·Wᵀ');
    check(yN!, rows, (p, j) => B[p * n + j]!, k, n, 'x·B');
  });
}
