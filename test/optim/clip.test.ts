import { test } from 'node:test';
import assert from 'node:assert/strict';
import { noGrad, tensor, ValueError, type Tensor } from '../../src/index.js';
import { clipGradNorm, gradNorm } from '../../src/optim/index.js';
import { assertAllClose, fixture, lossAt, makeParams, values } from './problem.js';

/** √(Σ g²), summed naively in float64: the independent computation gradNorm must match. */
function naiveNorm(params: readonly Tensor[]): number {
  let s = 0;
  for (const p of params) for (const v of p.grad?._data ?? []) s += v * v;
  return Math.sqrt(s);
}

function withGrads(): Tensor[] {
  const params = makeParams();
  lossAt(params, 0).backward();
  return params;
}

test('gradNorm equals the square root of the sum of squares of every gradient', () => {
  const params = withGrads();
  const norm = gradNorm(params);
  assert.ok(Math.abs(norm - naiveNorm(params)) <= 1e-15 * norm);
  assert.ok(Math.abs(norm - (fixture.clip[0]?.norm ?? NaN)) <= 1e-14 * norm, 'and PyTorch’s total norm');
});

test('gradNorm skips parameters without a gradient and is 0 when none has one', () => {
  const params = withGrads();
  const extra = tensor([100, 100], { requiresGrad: true });
  assert.equal(gradNorm([...params, extra]), gradNorm(params));
  assert.equal(gradNorm([extra]), 0);
  assert.equal(gradNorm([]), 0);
});

test('gradNorm is exact on a 3-4-5 triangle, without overflow or underflow at the extremes', () => {
  const w = tensor([0, 0], { dtype: 'float64', requiresGrad: true });
  for (const scale of [1, 1e200, 1e-200, 2 ** -1070]) {
    w.grad = tensor([3 * scale, 4 * scale], { dtype: 'float64' });
    const norm = gradNorm([w]);
    assert.ok(Math.abs(norm - 5 * scale) <= 4e-16 * 5 * scale || (scale < 1e-300 && Math.abs(norm - 5 * scale) <= 2 * Number.MIN_VALUE), `scale ${scale}: ${norm}`);
  }
});

test('gradNorm uses compensated summation', () => {
  const w = tensor([0, 0, 0, 0], { dtype: 'float64', requiresGrad: true });
  // 1e8² + 1 + 1 + 1: a naive running sum loses the ones (1e16 + 1 rounds to 1e16).
  w.grad = tensor([1e8, 1, 1, 1], { dtype: 'float64' });
  assert.equal(naiveNorm([w]), 1e8);
  assert.equal(gradNorm([w]), Math.sqrt(1e16 + 4));
  assert.notEqual(Math.sqrt(1e16 + 4), 1e8);
});

test('gradNorm propagates NaN and infinity', () => {
  const w = tensor([0, 0], { dtype: 'float64', requiresGrad: true });
  w.grad = tensor([1, NaN], { dtype: 'float64' });
  assert.ok(Number.isNaN(gradNorm([w])));
  w.grad = tensor([Infinity, 1], { dtype: 'float64' });
  assert.equal(gradNorm([w]), Infinity);
  w.grad = tensor([1e300, 1e300], { dtype: 'float64' });
  assert.ok(Math.abs(gradNorm([w]) - Math.SQRT2 * 1e300) <= 1e-15 * 1e300);
});

for (const c of fixture.clip) {
  test(`clipGradNorm(params, ${c.maxNorm}) returns the norm before clipping and leaves the gradients PyTorch's clip_grad_norm_ leaves`, () => {
    const params = withGrads();
    const norm = clipGradNorm(params, c.maxNorm);
    assert.ok(Math.abs(norm - c.norm) <= 1e-14 * c.norm);
    assertAllClose(params.map((p) => Array.from(p.grad?._data ?? [])), c.grads, 1e-14, `maxNorm ${c.maxNorm}`);
  });
}

test('clipGradNorm scales the global norm to the maximum', () => {
  const params = withGrads();
  const before = gradNorm(params);
  assert.ok(before > 2);
  clipGradNorm(params, 2);
  const after = gradNorm(params);
  assert.ok(Math.abs(after - (2 * before) / (before + 1e-6)) <= 1e-14);
  assert.ok(after <= 2);
});

test('clipGradNorm replaces the gradient tensors and leaves a shared gradient tensor unmodified', () => {
  const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
  const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
  a.mul(3).add(b.mul(3)).sum().backward();
  const shared = noGrad(() => tensor([3, 4], { dtype: 'float64' }));
  a.grad = shared;
  b.grad = shared; // one tensor as the gradient of two parameters, as the engine may hand out
  const norm = clipGradNorm([a, b], 1);
  assert.equal(norm, Math.sqrt(50));
  assert.deepEqual(Array.from(shared._data), [3, 4], 'the shared tensor is unchanged');
  assert.notEqual(a.grad, shared);
  assert.notEqual(b.grad, shared);
  assert.notEqual(a.grad, b.grad);
  const scale = 1 / (Math.sqrt(50) + 1e-6);
  assert.deepEqual(Array.from(a.grad?._data ?? []), [3 * scale, 4 * scale]);
  assert.deepEqual(Array.from(b.grad?._data ?? []), [3 * scale, 4 * scale]);
  assert.equal(a.grad?.requiresGrad, false, 'the new gradient is outside the graph');
});

test('clipGradNorm leaves gradients below the maximum as they are (same tensors)', () => {
  const params = withGrads();
  const grads = params.map((p) => p.grad);
  const before = values(params.map((p) => p.grad ?? p));
  clipGradNorm(params, 1e6);
  assert.deepEqual(params.map((p) => p.grad), grads);
  assert.deepEqual(values(params.map((p) => p.grad ?? p)), before);
});

test('clipGradNorm keeps the gradient dtype', () => {
  const w = tensor([3, 4], { requiresGrad: true });
  w.mul(tensor([3, 4])).sum().backward();
  clipGradNorm([w], 1);
  assert.equal(w.grad?.dtype, 'float32');
});

test('clipGradNorm refuses a negative or NaN maximum', () => {
  const params = withGrads();
  assert.throws(() => clipGradNorm(params, -1), (e: unknown) => e instanceof ValueError && e.message === 'clipGradNorm: maxNorm must be a non-negative number, got -1');
  assert.throws(() => clipGradNorm(params, NaN), (e: unknown) => e instanceof ValueError && e.message === 'clipGradNorm: maxNorm must be a non-negative number, got NaN');
});
