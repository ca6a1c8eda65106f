// batchNorm, groupNorm and dropout2d are composites: their first and second derivatives come
// from autograd through mean, sub, mul, div and sqrt. Checked here against central differences
// in float64 (gradcheck's defaults), over ranks, affine or not, batch 1 and channel 1.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, Tensor, batchNorm, concat, dropout2d, flatten, grad, gradcheck, groupNorm, rand, randn, tensor, zeros } from '../../src/index.js';

const normal = (g: Generator, shape: readonly number[]) => randn(shape, { dtype: 'float64', generator: g });
const positive = (g: Generator, shape: readonly number[]) => rand(shape, { dtype: 'float64', generator: g }).add(0.5);

/** First order, then the gradient of Σ u·f (all partials joined) as the checked function. */
function checkBoth(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], outShape: readonly number[], g: Generator): void {
  assert.equal(gradcheck(f, inputs).ok, true);
  const u = normal(g, outShape);
  const argnums = inputs.map((_, i) => i);
  const second = (...xs: Tensor[]) => {
    const w = xs[xs.length - 1]!;
    const parts = grad((...ys: Tensor[]) => f(...ys).mul(w).sum(), { argnums })(...xs.slice(0, -1));
    return concat(parts.map((p) => flatten(p!)));
  };
  assert.equal(gradcheck(second, [...inputs, u]).ok, true);
}

const SHAPES: readonly (readonly number[])[] = [
  [4, 3], // (N, C)
  [2, 3, 4], // (N, C, L)
  [2, 2, 3, 3], // (N, C, H, W)
  [1, 2, 5], // batch 1: 5 values per channel, allowed in training
  [1, 2, 2, 3],
  [3, 1, 2, 2], // channel 1
];

SHAPES.forEach((shape, k) => {
  const c = shape[1]!;
  for (const affine of [true, false]) {
    test(`batchNorm training on [${shape.join(', ')}]${affine ? ' with weight and bias' : ''}: first and second derivatives`, () => {
      const g = new Generator(100 + k);
      const x = normal(g, shape);
      // Running statistics are updated on every call gradcheck makes; the output never reads them.
      const rm = zeros([c], { dtype: 'float64' });
      const rv = zeros([c], { dtype: 'float64' }).add(1);
      if (affine) checkBoth((a, w, b) => batchNorm(a!, rm, rv, { weight: w!, bias: b!, training: true }), [x, normal(g, [c]), normal(g, [c])], shape, g);
      else checkBoth((a) => batchNorm(a!, null, null, { training: true }), [x], shape, g);
    });
    test(`batchNorm eval on [${shape.join(', ')}]${affine ? ' with weight and bias' : ''}: first and second derivatives (the running statistics too)`, () => {
      const g = new Generator(200 + k);
      const x = normal(g, shape);
      const stats = [normal(g, [c]), positive(g, [c])];
      if (affine) checkBoth((a, m, v, w, b) => batchNorm(a!, m!, v!, { weight: w!, bias: b! }), [x, ...stats, normal(g, [c]), normal(g, [c])], shape, g);
      else checkBoth((a, m, v) => batchNorm(a!, m!, v!), [x, ...stats], shape, g);
    });
  }
});

test('batchNorm of a constant channel stays finite: output 0, gradient γ/√eps·(δ − mean δ) (eps keeps it so)', () => {
  const x = tensor([[2, 1], [2, 3], [2, 5]], { dtype: 'float64', requiresGrad: true });
  const weight = tensor([0.5, 1], { dtype: 'float64' });
  const y = batchNorm(x, null, null, { weight, training: true, eps: 1e-5 });
  const delta = tensor([[1, 0], [2, 0], [6, 0]], { dtype: 'float64' });
  y.backward(delta);
  assert.deepEqual(Array.from(y.data()).filter((_, i) => i % 2 === 0), [0, 0, 0]);
  const gradient = Array.from(x.grad!.data()).filter((_, i) => i % 2 === 0);
  const expected = [1 - 3, 2 - 3, 6 - 3].map((d) => (0.5 / Math.sqrt(1e-5)) * d);
  gradient.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-9 * Math.abs(expected[i]!), `${v} vs ${expected[i]}`));
});

const GROUPS: readonly [readonly number[], number][] = [
  [[2, 4, 3], 2],
  [[2, 6, 2, 2], 3],
  [[1, 4, 5], 4], // batch 1, one channel per group
  [[2, 1, 4], 1], // channel 1
  [[3, 4], 2], // (N, C): two values per group
];

GROUPS.forEach(([shape, groups], k) => {
  const c = shape[1]!;
  test(`groupNorm on [${shape.join(', ')}] in ${groups} groups: first and second derivatives, with and without weight and bias`, () => {
    const g = new Generator(300 + k);
    checkBoth((a, w, b) => groupNorm(a!, groups, { weight: w!, bias: b! }), [normal(g, shape), normal(g, [c]), normal(g, [c])], shape, g);
    checkBoth((a) => groupNorm(a!, groups), [normal(g, shape)], shape, g);
  });
});

test('dropout2d with a fixed generator: first and second derivatives (the mask is a constant factor)', () => {
  const g = new Generator(400);
  for (const shape of [[2, 3, 2, 2], [3, 2, 4]]) {
    checkBoth((a) => dropout2d(a!, { p: 0.4, generator: new Generator(7) }), [normal(g, shape)], shape, g);
  }
});
