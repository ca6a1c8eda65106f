// The wasm backend's float32 elementwise kernels (src/backend/wasm/elementwise.ts): the exact
// ops bit for bit against the cpu kernels in every broadcast layout, and the vector
// approximations against the reference backend computing in float64, over dense sweeps, to the
// error bounds docs/performance.md states.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, rand, tensor, withBackend, exp, sigmoid } from '../../src/index.js';
import type { KernelArgs, PrimitiveName, Shape, TypedArray } from '../../src/index.js';
import { wasmBackend } from '../../src/backend/wasm/index.js';
import { SMALL_ELEMENTWISE, SMALL_TRANSCENDENTAL } from '../../src/backend/wasm/elementwise.js';
import { cpuKernels } from '../../src/backend/cpu/kernels.js';
import { referenceKernels } from '../../src/backend/reference/index.js';
import { broadcastShapes } from '../../src/tensor/shape.js';

const size = (s: Shape): number => s.reduce((p, d) => p * d, 1);

/** Float32 values with every special sprinkled in: ±0, ±∞, NaN, denormals, extremes. */
function values(n: number, seed: number, scale = 8): Float32Array {
  const g = new Generator(seed);
  const x = Float32Array.from(rand([n], { generator: g })._data, (v) => (Number(v) - 0.5) * scale);
  const specials = [0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, 3.4028234e38, -3.4028234e38, 1, -1];
  for (let i = 0; i < n; i += 7) x[i] = specials[(i / 7) % specials.length]!;
  return x;
}

function run(kernels: typeof cpuKernels, op: PrimitiveName, inputs: TypedArray[], shapes: Shape[], out: TypedArray, outShape: Shape): TypedArray {
  const args: KernelArgs<PrimitiveName> = { inputs, shapes, out, outShape, params: {} as never };
  (kernels[op] as (a: KernelArgs<PrimitiveName>) => void)(args);
  return out;
}

function assertSameBits(actual: TypedArray, expected: TypedArray, where: string): void {
  assert.equal(actual.length, expected.length);
  for (let i = 0; i < expected.length; i++) {
    const a = Number(actual[i]);
    const e = Number(expected[i]);
    if (!Object.is(a, e) && !(Number.isNaN(a) && Number.isNaN(e))) assert.fail(`${where}: element ${i} is ${Object.is(a, -0) ? '-0' : a}, cpu gives ${Object.is(e, -0) ? '-0' : e}`);
  }
}

const LAYOUTS: [Shape, Shape][] = [
  [[1031], [1031]],
  [[1031], [1]],
  [[1], [1031]],
  [[37, 29], [29]],
  [[37, 29], [37, 1]],
  [[29], [37, 29]],
  [[37, 1], [1, 29]],
  [[3, 1, 45], [4, 1]],
  [[2, 5, 3, 17], [5, 1, 17]],
  [[6, 7, 9], [6, 7, 9]],
];

test('wasm binary float32 kernels give the cpu kernels\' values bit for bit in every broadcast layout (NaN, −0, division by zero included)', () => {
  const ops: PrimitiveName[] = ['add', 'sub', 'mul', 'div', 'maximum', 'minimum', 'reluGrad', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'];
  LAYOUTS.forEach(([sa, sb], k) => {
    const outShape = broadcastShapes('test', sa, sb);
    assert.ok(size(outShape) >= SMALL_ELEMENTWISE);
    const a = values(size(sa), 10 + k);
    const b = values(size(sb), 20 + k);
    // Equal pairs, so eq/le/ge and maximum(−0, +0) see ties.
    for (let i = 0; i < Math.min(a.length, b.length); i += 5) b[i] = i % 2 === 0 ? a[i]! : -a[i]!;
    for (const op of ops) {
      const bool = ['eq', 'ne', 'lt', 'le', 'gt', 'ge'].includes(op);
      const make = (): TypedArray => (bool ? new Uint8Array(size(outShape)) : new Float32Array(size(outShape)));
      const expected = run(cpuKernels, op, [a, b], [sa, sb], make(), outShape);
      const actual = run(wasmBackend.kernels, op, [a, b], [sa, sb], make(), outShape);
      assertSameBits(actual, expected, `${op} ${JSON.stringify(sa)} with ${JSON.stringify(sb)}`);
    }
  });
});

test('wasm unary float32 kernels neg, abs, sqrt, relu and sign, pow(x, 2) and where match the cpu kernels bit for bit', () => {
  for (const n of [SMALL_ELEMENTWISE, 1027, 4096]) {
    const x = values(n, n);
    for (const op of ['neg', 'abs', 'sqrt', 'relu', 'sign'] as const) {
      assertSameBits(run(wasmBackend.kernels, op, [x], [[n]], new Float32Array(n), [n]), run(cpuKernels, op, [x], [[n]], new Float32Array(n), [n]), `${op} of ${n}`);
    }
    const two = new Float32Array([2]);
    assertSameBits(run(wasmBackend.kernels, 'pow', [x, two], [[n], []], new Float32Array(n), [n]), run(cpuKernels, 'pow', [x, two], [[n], []], new Float32Array(n), [n]), `pow(x, 2) of ${n}`);
  }
  LAYOUTS.forEach(([sa, sb], k) => {
    const sc: Shape = k % 2 === 0 ? sa : sb;
    const outShape = broadcastShapes('test', sc, sa, sb);
    const c = Uint8Array.from(values(size(sc), 30 + k), (v) => +(v > 0));
    const a = values(size(sa), 40 + k);
    const b = values(size(sb), 50 + k);
    const expected = run(cpuKernels, 'where', [c, a, b], [sc, sa, sb], new Float32Array(size(outShape)), outShape);
    assertSameBits(run(wasmBackend.kernels, 'where', [c, a, b], [sc, sa, sb], new Float32Array(size(outShape)), outShape), expected, `where ${JSON.stringify([sc, sa, sb])}`);
  });
});

/** The spacing of float32 at |y| (the ulp of y's float32 rounding; denormals' below 2⁻¹²⁶). */
function ulp(y: number): number {
  const a = Math.abs(Math.fround(y));
  if (a < 2 ** -126) return 2 ** -149;
  const e = Math.floor(Math.log2(a));
  return 2 ** (Math.fround(a) < 2 ** e ? e - 24 : e - 23);
}

/** Dense sweeps: 10⁶ points across [lo, hi], ±10⁵ log-spaced magnitudes over float32's range, and the specials. */
function sweep(lo: number, hi: number): Float32Array {
  const n = 1_000_000;
  const m = 100_000;
  const x = new Float32Array(n + 2 * m + 12);
  for (let i = 0; i < n; i++) x[i] = lo + ((hi - lo) * i) / (n - 1);
  for (let i = 0; i < m; i++) {
    const v = Math.exp(Math.log(1e-45) + ((Math.log(3.4e38) - Math.log(1e-45)) * i) / (m - 1));
    x[n + 2 * i] = v;
    x[n + 2 * i + 1] = -v;
  }
  x.set([0, -0, Infinity, -Infinity, NaN, 2 ** -149, -(2 ** -149), 2 ** -126, 3.4028234e38, -3.4028234e38, 88.72283, -103.5], n + 2 * m);
  return x;
}

/** Max error bounds in float32 ulps of the float64 result (docs/performance.md); measured maxima are a little lower. */
const BOUNDS: [PrimitiveName, number, number, number][] = [
  ['exp', 1.5, -110, 92],
  ['log', 1.5, 0, 100],
  ['log1p', 2, -1, 100],
  ['sigmoid', 3, -110, 110],
  ['tanh', 2, -12, 12],
  ['erf', 2, -5, 5],
];

for (const [op, bound, lo, hi] of BOUNDS) {
  test(`wasm float32 ${op} is within ${bound} ulp of the reference (float64) over a dense sweep, with ∞, NaN, ±0 and denormals as the cpu kernel gives them`, () => {
    const x = sweep(lo, hi);
    const n = x.length;
    const actual = run(wasmBackend.kernels, op, [x], [[n]], new Float32Array(n), [n]);
    const exact = run(referenceKernels, op, [x], [[n]], new Float64Array(n), [n]);
    const cpu = run(cpuKernels, op, [x], [[n]], new Float32Array(n), [n]);
    let worst = 0;
    let at = 0;
    for (let i = 0; i < n; i++) {
      const a = actual[i]!;
      const e = exact[i]!;
      const c = cpu[i]!;
      // Where the float32 answer is not finite or is zero, it is the cpu kernel's exactly.
      if (!Number.isFinite(c) || c === 0) {
        if (!Object.is(a, c) && !(Number.isNaN(a) && Number.isNaN(c))) assert.fail(`${op}(${x[i]}) is ${Object.is(a, -0) ? '-0' : a}, the cpu kernel gives ${Object.is(c, -0) ? '-0' : c}`);
        continue;
      }
      assert.ok(Number.isFinite(a), `${op}(${x[i]}) is ${a}, expected ${e}`);
      const err = Math.abs(a - e) / ulp(e);
      if (err > worst) [worst, at] = [err, x[i]!];
    }
    assert.ok(worst <= bound, `${op}: ${worst.toFixed(2)} ulp at x = ${at} (bound ${bound})`);
  });
}

test('wasm sigmoidGrad and tanhGrad are within 3 ulp of the float64 formula, and relative to g where 1 − t² cancels', () => {
  const n = 200_000;
  const g = values(n, 7, 20).map((v) => (Number.isFinite(v) ? v : 1));
  const s = Float32Array.from({ length: n }, (_, i) => Math.fround(i / (n - 1)));
  const t = Float32Array.from({ length: n }, (_, i) => Math.fround((2 * i) / (n - 1) - 1));
  for (const [op, y] of [['sigmoidGrad', s], ['tanhGrad', t]] as const) {
    const actual = run(wasmBackend.kernels, op, [g, y], [[n], [n]], new Float32Array(n), [n]);
    const exact = run(referenceKernels, op, [g, y], [[n], [n]], new Float64Array(n), [n]);
    for (let i = 0; i < n; i++) {
      const e = exact[i]!;
      if (e === 0 || Math.abs(e) < 2 ** -126) assert.ok(Math.abs(actual[i]!) <= 2 ** -125, `${op}: element ${i}`);
      else assert.ok(Math.abs(actual[i]! - e) <= 3 * ulp(e), `${op}(${g[i]}, ${y[i]}) is ${actual[i]}, expected ${e}`);
    }
  }
});

test('the public ops on the wasm backend use the kernels on tensors of every size (blocks and small JS arrays alike)', () => {
  for (const n of [1, 3, SMALL_TRANSCENDENTAL, 100, SMALL_ELEMENTWISE, 5000]) {
    const x = rand([n], { generator: new Generator(n) }).sub(0.5).mul(10);
    const want = sigmoid(exp(x).add(x))._data;
    const got = withBackend('wasm', () => sigmoid(exp(x).add(x)))._data;
    for (let i = 0; i < n; i++) assert.ok(Math.abs(Number(got[i]) - Number(want[i])) <= 1e-6 * Math.max(1, Math.abs(Number(want[i]))), `n = ${n}, element ${i}`);
  }
  // Other dtypes run the cpu kernel: float64 exactly as it.
  const d = tensor([0.5, -2, 3, 1e-3], { dtype: 'float64' });
  assert.deepEqual(withBackend('wasm', () => sigmoid(d)).toArray(), sigmoid(d).toArray());
});
