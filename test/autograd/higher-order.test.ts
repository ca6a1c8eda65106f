import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, grad, valueAndGrad, manualSeed, randn, tensor, mul, sum, AutogradError } from '../../src/index.js';

test('grad(grad(x³)) at x = 2 is 6x = 12', () => {
  const d2 = grad(grad((x: Tensor) => x.pow(3)));
  assert.equal(d2(tensor(2, { dtype: 'float64' })).item(), 12);
});

test('grad(grad(grad(x³))) is the constant 6', () => {
  const d3 = grad(grad(grad((x: Tensor) => x.mul(x).mul(x))));
  assert.ok(Math.abs(d3(tensor(-1.3, { dtype: 'float64' })).item() - 6) < 1e-12);
});

test('backward({ createGraph: true }) makes .grad differentiable', () => {
  const x = tensor(1.5, { dtype: 'float64', requiresGrad: true });
  x.pow(3).backward(undefined, { createGraph: true });
  const g = x.grad!;
  assert.ok(g.requiresGrad);
  x.zeroGrad();
  g.backward();
  assert.ok(Math.abs(x.grad!.item() - 6 * 1.5) < 1e-12);
});

test('valueAndGrad returns the value and the gradients for several argnums', () => {
  const f = (a: Tensor, b: Tensor) => a.mul(b).add(a.square()).sum();
  const [value, [da, db]] = valueAndGrad(f, { argnums: [0, 1] })(tensor([1, 2], { dtype: 'float64' }), tensor([3, 4], { dtype: 'float64' }));
  assert.equal(value.item(), 1 * 3 + 2 * 4 + 1 + 4);
  assert.deepEqual(Array.from(da!.data()), [3 + 2, 4 + 4]);
  assert.deepEqual(Array.from(db!.data()), [1, 2]);
  assert.equal(value.requiresGrad, false);
});

test('grad refuses a non-scalar result and a non-tensor argument', () => {
  assert.throws(() => grad((x: Tensor) => x.mul(2))(tensor([1, 2])), { name: 'AutogradError', message: 'grad: f must return a scalar tensor, got [2]' });
  assert.throws(() => grad((x: Tensor) => x, { argnums: 1 })(tensor(1)), AutogradError);
});

// A small network's loss, its Hessian-vector product by double backward, and the same by
// central differences of the gradient.
function networkLoss(w: Tensor, x: Tensor, t: Tensor): Tensor {
  const w1 = w.slice([0, 6]).reshape([2, 3]);
  const w2 = w.slice([6, 9]).reshape([3, 1]);
  const h = x.matmul(w1).tanh();
  const y = h.matmul(w2).sigmoid();
  return y.sub(t).square().mean();
}

test('a Hessian-vector product of a small network loss matches finite differences of its gradient', () => {
  manualSeed(7);
  const x = randn([5, 2], { dtype: 'float64' });
  const t = randn([5, 1], { dtype: 'float64' });
  const w = randn([9], { dtype: 'float64' });
  const v = randn([9], { dtype: 'float64' });
  const gradL = grad((p: Tensor) => networkLoss(p, x, t));
  const hvp = grad((p: Tensor) => sum(mul(gradL(p), v)))(w);
  const eps = 1e-5;
  const plus = gradL(w.add(v.mul(eps))).data();
  const minus = gradL(w.sub(v.mul(eps))).data();
  const fd = Array.from(plus, (p, i) => (p - (minus[i] ?? 0)) / (2 * eps));
  const got = Array.from(hvp.data());
  got.forEach((g, i) => assert.ok(Math.abs(g - (fd[i] ?? 0)) < 1e-6, `element ${i}: ${g} vs ${fd[i]}`));
  assert.ok(got.some((g) => Math.abs(g) > 1e-4), 'the HVP is not trivially zero');
});
