import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AnomalyError,
  grad,
  SGD,
  sumToShape,
  AutogradError,
  detectAnomaly,
  DTypeError,
  ShapeError,
  Tensor,
  gradients,
  noGrad,
  enableGrad,
  isGradEnabled,
  ones,
  randn,
  manualSeed,
  tensor,
  zeros,
} from '../../src/index.js';
import { assertClose } from '../helpers/assert.js';

const gradOf = (t: Tensor): Tensor | null => t.grad;
const f64 = { dtype: 'float64' as const, requiresGrad: true };

test('backward() of b = a + a gives a gradient of 2 (reuse of one input)', () => {
  const a = tensor([1, 2, 3], f64);
  a.add(a).sum().backward();
  assertClose(a.grad!, [2, 2, 2]);
});

test('backward() through a diamond sums both paths', () => {
  const x = tensor(1.5, f64);
  const b = x.mul(2);
  const c = x.exp();
  b.mul(c).backward(); // d/dx (2x·eˣ) = 2eˣ + 2x·eˣ
  assertClose(x.grad!, 2 * Math.exp(1.5) + 2 * 1.5 * Math.exp(1.5), 1e-12);
});

test('an input that the output does not use keeps a null grad; gradients() gives it zeros', () => {
  const used = tensor([1, 2], f64);
  const unused = tensor([3, 4, 5], f64);
  const y = used.mul(3).sum();
  y.backward();
  assert.equal(unused.grad, null);
  const [gUsed, gUnused] = gradients([used.mul(3).sum()], [used, unused]);
  assertClose(gUsed!, [3, 3]);
  assertClose(gUnused!, [0, 0, 0]);
});

test('a broadcast input receives the gradient summed over the broadcast axes', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]], f64); // [2,3]
  const row = tensor([10, 20, 30], f64); // [3] → broadcast over rows
  const col = tensor([[1], [2]], f64); // [2,1] → broadcast over columns
  const s = tensor(2, f64); // 0-d → broadcast everywhere
  x.mul(row).add(col).mul(s).sum().backward();
  assertClose(row.grad!, [2 * (1 + 4), 2 * (2 + 5), 2 * (3 + 6)]);
  assert.deepEqual([...col.grad!.shape], [2, 1]);
  assertClose(col.grad!, tensor([[6], [6]], { dtype: 'float64' }));
  assertClose(s.grad!, 1 * 10 + 2 * 20 + 3 * 30 + 4 * 10 + 5 * 20 + 6 * 30 + 3 * 1 + 3 * 2);
});

test('.grad accumulates across backward() calls until zeroGrad()', () => {
  const w = tensor(2, f64);
  w.mul(w).backward();
  w.mul(w).backward();
  assert.equal(w.grad?.item(), 8);
  w.zeroGrad();
  assert.ok(w.grad === null);
  w.mul(3).backward();
  assert.equal(gradOf(w)?.item(), 3);
});

test('backward() with an explicit seed works on a non-scalar tensor', () => {
  const x = tensor([1, 2, 3], f64);
  x.mul(x).backward(tensor([1, 0.5, 2], { dtype: 'float64' }));
  assertClose(x.grad!, [2, 2, 12]);
});

test('backward() on a non-scalar without a seed throws an AutogradError naming the shape', () => {
  const x = tensor([[1, 2]], f64);
  assert.throws(() => x.mul(2).backward(), {
    name: 'AutogradError',
    message: 'backward: a seed gradient is needed for a non-scalar tensor of shape [1,2]; pass one of the same shape, e.g. y.backward(onesLike(y))',
  });
});

test('backward() with a seed of the wrong shape throws a ShapeError', () => {
  const x = tensor([1, 2], f64);
  assert.throws(() => x.mul(2).backward(ones([3])), ShapeError);
  assert.throws(() => x.mul(2).backward(ones([3])), /seed gradient has shape \[3\] but the tensor has shape \[2\]/);
});

test('backward() on a tensor that does not require grad throws an AutogradError', () => {
  assert.throws(() => tensor([1]).sum().backward(), {
    name: 'AutogradError',
    message: 'backward: this tensor does not require grad and has no recorded op; create its inputs with { requiresGrad: true } (and not inside noGrad)',
  });
});

test('an int32 tensor cannot require grad: DTypeError', () => {
  assert.throws(() => tensor([1, 2], { dtype: 'int32', requiresGrad: true }), {
    name: 'DTypeError',
    message: 'requiresGrad: only float32 and float64 tensors can require gradients; this one is int32',
  });
  assert.throws(() => tensor([1, 2], { dtype: 'int32' }).requiresGrad_(), DTypeError);
  assert.throws(() => tensor([true]).requiresGrad_(), DTypeError);
});

test('requiresGrad cannot be set on a non-leaf', () => {
  const x = tensor([1], f64);
  assert.throws(() => x.mul(2).requiresGrad_(false), AutogradError);
});

test('noGrad() records nothing and restores the mode, even after a throw', () => {
  const w = tensor([1, 2], f64);
  const y = noGrad(() => w.mul(2));
  assert.equal(y.requiresGrad, false);
  assert.equal(y.op, null);
  assert.equal(isGradEnabled(), true);
  assert.throws(() => noGrad(() => { throw new Error('boom'); }));
  assert.equal(isGradEnabled(), true);
  const z = noGrad(() => enableGrad(() => w.mul(2)));
  assert.equal(z.requiresGrad, true);
});

test('detach() cuts the graph: no gradient flows through the detached branch', () => {
  const x = tensor(3, f64);
  const y = x.mul(x.detach()); // d/dx = x.detach() = 3, not 2x
  y.backward();
  assert.equal(x.grad?.item(), 3);
  assert.equal(x.detach().requiresGrad, false);
  assert.equal(x.detach().isLeaf, true);
});

test('retainGrad() keeps an intermediate gradient; others are not kept', () => {
  const x = tensor([1, 2], f64);
  const h = x.mul(3).retainGrad();
  const other = h.exp();
  other.sum().backward();
  assertClose(h.grad!, [Math.exp(3), Math.exp(6)], 1e-12);
  assert.equal(other.grad, null);
  assert.throws(() => tensor([1]).retainGrad(), AutogradError);
});

test('name is carried on tensors and through detach()', () => {
  const w = tensor(0.4, { requiresGrad: true, name: 'w1' });
  assert.equal(w.name, 'w1');
  assert.equal(w.mul(2).named('z').name, 'z');
  assert.equal(w.detach().name, 'w1');
});

test('a chain of 100,000 ops back-propagates without a stack overflow', () => {
  const x = tensor(0.5, f64);
  let y: Tensor = x;
  for (let i = 0; i < 100_000; i++) y = y.add(1e-6);
  y = y.mul(2);
  y.backward();
  assert.equal(x.grad?.item(), 2);
  assert.ok(Math.abs(y.item() - 2 * (0.5 + 0.1)) < 1e-9);
});

test('float32 leaves get float32 gradients, float64 leaves float64, even when mixed', () => {
  const a = tensor([1, 2], { requiresGrad: true });
  const b = tensor([3, 4], f64);
  const y = a.mul(b).sum();
  assert.equal(y.dtype, 'float64');
  y.backward();
  assert.equal(a.grad?.dtype, 'float32');
  assert.equal(b.grad?.dtype, 'float64');
  assertClose(a.grad!, [3, 4]);
});

test('gradients() leaves .grad untouched and checks seeds', () => {
  const x = tensor([1, 2], f64);
  const [g] = gradients([x.mul(x).sum()], [x]);
  assertClose(g!, [2, 4]);
  assert.equal(x.grad, null);
  assert.throws(() => gradients([x.mul(2)], [x]), AutogradError);
  const [g2] = gradients([x.mul(2)], [x], { gradOutputs: [tensor([1, 1], { dtype: 'float64' })] });
  assertClose(g2!, [2, 2]);
});

test('gradients of an intermediate (non-leaf) input', () => {
  const x = tensor([1, 2], f64);
  const h = x.mul(2);
  const [gh] = gradients([h.square().sum()], [h]);
  assertClose(gh!, [4, 8]);
});

test('a fresh graph per step: training a tiny model twice gives identical gradients (no hidden state)', () => {
  manualSeed(3);
  const w = randn([3, 2], { dtype: 'float64', requiresGrad: true });
  const x = randn([4, 3], { dtype: 'float64' });
  const step = () => {
    w.zeroGrad();
    x.matmul(w).tanh().square().mean().backward();
    return Array.from(w.grad!.data());
  };
  assert.deepEqual(step(), step());
  assert.ok(zeros([1]) instanceof Tensor);
});

test('a backward that threw leaves nothing behind: the next backward over the same tensors gets exact gradients (regression: pending gradients are kept on tensors)', () => {
  const x = tensor([0], { requiresGrad: true });
  const y = x.mul(3);
  const m = y.mul(2);
  const L = y.sqrt().add(m).sum();
  // ∂√y/∂y is infinite at 0: anomaly detection throws in the middle of the backward pass.
  assert.throws(() => detectAnomaly(() => L.backward()), AnomalyError);
  x.zeroGrad();
  m.sum().backward();
  assert.deepEqual(x.grad?.toArray(), [6]);
});

test('a bias gradient un-broadcast by reshaping (sizes equal) is exact, and stays differentiable when the backward pass is recorded', () => {
  const b = tensor([0.5], { requiresGrad: true });
  const x = tensor([[2]]);
  x.add(b).mul(3).sum().backward();
  assert.deepEqual(b.grad?.shape, [1]);
  assert.deepEqual(b.grad?.toArray(), [3]);
  // d/db (x + b)² = 2(x + b) = 5, and d²/db² = 2: the reshape of the gradient is recorded under createGraph.
  const first = grad((v: Tensor) => x.add(v).square().sum());
  assert.deepEqual(first(b).toArray(), [5]);
  assert.deepEqual(grad((v: Tensor) => first(v).sum())(b).toArray(), [2]);
});

test('sumToShape outside a backward pass copies: under noGrad its result does not alias the input (regression: it shared a parameter\'s storage and changed with the optimizer step)', () => {
  const w = tensor([[1, 2, 3]], { requiresGrad: true });
  const summed = noGrad(() => sumToShape(w, [3]));
  assert.deepEqual(summed.toArray(), [1, 2, 3]);
  w.mul(tensor([[1, 1, 1]])).sum().backward();
  new SGD([w], { lr: 1 }).step();
  assert.deepEqual(w.toArray(), [[0, 1, 2]]);
  assert.deepEqual(summed.toArray(), [1, 2, 3]);
});
