// Products too large for the wasm module's memory (1 GiB shared with worker threads) fall back to
// the cpu kernel for that op instead of failing with a raw WebAssembly memory trace (regression:
// `--layers 2,100000000,1` died after 24 s with "WebAssembly.Memory.grow(): Maximum memory size exceeded").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, linear, matmul, rand, SGD, tensor, withBackend } from '../../src/index.js';
import { setWasmMemoryLimitForTesting, wasmHeapStats, wasmMemoryLimit, wasmProductBytes } from '../../src/backend/wasm/index.js';

const GiB = 2 ** 30;

test('wasmProductBytes sizes a product before growing: the CLI\'s 2 → 100,000,000 layer needs more than the 1 GiB limit', () => {
  assert.ok([GiB, 4 * GiB].includes(wasmMemoryLimit()), `limit ${wasmMemoryLimit()}`);
  // x [1, 2] · Wᵀ with W [1e8, 2]: m = 1, k = 2, n = 1e8.
  assert.ok(wasmProductBytes(1, 2, 1e8) > GiB);
  assert.equal(wasmProductBytes(4, 8, 8), 65536 + 4 * (4 * 8 + 8 * 8 + 4 * 8 + 8 * 8));
  // Rows round up to 4 and columns to 8, also past 2^31 (where (m + 3) & ~3 would wrap negative).
  assert.equal(wasmProductBytes(2 ** 31 - 1, 1, 1), 65536 + 4 * (2 ** 31 + 1 + 2 ** 31 * 8 + 8));
});

test('a product that does not fit the wasm memory runs on the cpu kernel instead (same values as cpu, bit for bit)', () => {
  // Made on cpu (JS arrays), larger than the whole wasm memory now, which may not grow: neither
  // their copies nor the products' outputs fit, so every op runs its cpu kernel.
  const limit = wasmHeapStats().memoryBytes;
  const k = Math.ceil(limit / (4 * 96)) + 8;
  const [a, b, w, bias, cpu] = withBackend('cpu', () => {
    const g = new Generator(5);
    const a = rand([96, k], { generator: g }).sub(0.5);
    const b = rand([k, 80], { generator: g }).sub(0.5);
    const w = rand([80, k], { generator: g });
    const bias = rand([80], { generator: g });
    return [a, b, w, bias, [matmul(a, b), linear(a, w, bias)]] as const;
  });
  const previous = setWasmMemoryLimitForTesting(limit);
  try {
    const wasm = withBackend('wasm', () => [matmul(a, b), linear(a, w, bias), a.T.matmul(a)]);
    assert.deepEqual(Array.from(wasm[0]!._data), Array.from(cpu[0]!._data));
    assert.deepEqual(Array.from(wasm[1]!._data), Array.from(cpu[1]!._data));
    assert.deepEqual([...wasm[2]!.shape], [k, k]);
    assert.equal(wasmHeapStats().memoryBytes, limit, 'the memory did not grow past the limit');
    // The optimizer's wasm update falls back to the JS loop too.
    const p = withBackend('cpu', () => tensor(new Float32Array(limit / 4 + 64).fill(1), { requiresGrad: true }));
    p.mul(2).sum().backward();
    withBackend('wasm', () => new SGD([p], { lr: 0.5 }).step());
    assert.ok(Array.from(p._data).every((v) => v === 0));
  } finally {
    setWasmMemoryLimitForTesting(previous);
  }
});
