// embedding, layerNorm, rmsNorm and scaledDotProductAttention are composites: their first and
// second derivatives come from autograd through gather, mean, sqrt, matmul, where and softmax.
// Checked against central differences in float64 (gradcheck's defaults): masks bool and float
// (and the float mask's own gradient), causal, custom scale, dropout with a fixed mask, the
// padding row, broadcasting of masks and batches, size-1 dimensions, and non-contiguous inputs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, concat, embedding, flatten, grad, gradcheck, layerNorm, randn, rmsNorm, scaledDotProductAttention, tensor, type Tensor } from '../../src/index.js';

const normal = (g: Generator, shape: readonly number[]) => randn(shape, { dtype: 'float64', generator: g });

/** First order, then the gradient of Σ u·f (all partials joined) as the checked function. */
function checkBoth(f: (...xs: Tensor[]) => Tensor, inputs: Tensor[], g: Generator): void {
  assert.equal(gradcheck(f, inputs).ok, true);
  const u = normal(g, f(...inputs).shape);
  const argnums = inputs.map((_, i) => i);
  const second = (...xs: Tensor[]) => {
    const w = xs[xs.length - 1]!;
    const parts = grad((...ys: Tensor[]) => f(...ys).mul(w).sum(), { argnums })(...xs.slice(0, -1));
    return concat(parts.map((p) => flatten(p!)));
  };
  assert.equal(gradcheck(second, [...inputs, u]).ok, true);
}

const int32 = (values: number[][]) => tensor(values, { dtype: 'int32' });

test('embedding: first and second derivatives w.r.t. the weight, with repeats, paddingIdx, and a transposed (non-contiguous) weight', () => {
  const g = new Generator(1);
  const idx = int32([[0, 3, 3], [1, 0, 2]]);
  // The lookup is linear in the weight; tanh makes its second derivative non-zero.
  checkBoth((w) => embedding(idx, w!).tanh(), [normal(g, [4, 3])], g);
  // The padding row passes no gradient (torch's rule, not the derivative), so it is a constant here.
  const padRow = normal(g, [1, 3]);
  checkBoth((w) => embedding(idx, concat([w!, padRow]), { paddingIdx: 3 }).tanh(), [normal(g, [3, 3])], g);
  checkBoth((w) => embedding(idx, w!.transpose()).sin(), [normal(g, [2, 4])], g);
  checkBoth((w) => embedding(tensor(2, { dtype: 'int32' }), w!).square(), [normal(g, [4, 1])], g);
});

test('embedding: the padding row\'s gradient is exactly 0 in first and second order', () => {
  const w = randn([3, 2], { dtype: 'float64', generator: new Generator(2), requiresGrad: true });
  const idx = int32([[1, 2, 1]]);
  const [g1] = [grad((x: Tensor) => embedding(idx, x, { paddingIdx: 1 }).square().sum())(w)];
  assert.deepEqual((g1.toArray() as number[][])[1], [0, 0]);
  const hv = grad((x: Tensor) => grad((y: Tensor) => embedding(idx, y, { paddingIdx: 1 }).pow(3).sum())(x).sum())(w);
  assert.deepEqual((hv.toArray() as number[][])[1], [0, 0]);
});

const NORM_SHAPES: readonly [readonly number[], readonly number[]][] = [
  [[2, 3, 4], [4]],
  [[2, 3, 4], [3, 4]],
  [[3, 1, 5], [5]], // a size-1 batch dimension
  [[4, 2], [2]], // two values per slice
  [[5], [5]], // one slice, no batch
];

NORM_SHAPES.forEach(([shape, normalized], k) => {
  test(`layerNorm and rmsNorm on [${shape.join(', ')}] over [${normalized.join(', ')}]: first and second derivatives, with and without weight and bias`, () => {
    const g = new Generator(10 + k);
    checkBoth((x, w, b) => layerNorm(x!, normalized, { weight: w!, bias: b! }), [normal(g, shape), normal(g, normalized), normal(g, normalized)], g);
    checkBoth((x) => layerNorm(x!, normalized, { eps: 1e-3 }), [normal(g, shape)], g);
    checkBoth((x, w) => rmsNorm(x!, normalized, { weight: w! }), [normal(g, shape), normal(g, normalized)], g);
    checkBoth((x) => rmsNorm(x!, normalized, { eps: 1e-4 }), [normal(g, shape)], g);
  });
});

test('layerNorm and rmsNorm of a permuted (non-contiguous) input: first and second derivatives', () => {
  const g = new Generator(20);
  checkBoth((x, w) => layerNorm(x!.permute([2, 1, 0]), 4, { weight: w! }), [normal(g, [4, 3, 2]), normal(g, [4])], g);
  checkBoth((x) => rmsNorm(x!.permute([2, 1, 0]), [3, 4]), [normal(g, [4, 3, 2])], g);
});

const allowed = tensor([[true, false, true, true], [true, true, false, false], [false, true, true, false]]);

test('scaledDotProductAttention: first and second derivatives of q, k and v without a mask, with a custom scale, and with broadcast batches', () => {
  const g = new Generator(30);
  checkBoth((q, k, v) => scaledDotProductAttention(q!, k!, v!), [normal(g, [2, 3, 2]), normal(g, [2, 4, 2]), normal(g, [2, 4, 3])], g);
  checkBoth((q, k, v) => scaledDotProductAttention(q!, k!, v!, { scale: 0.7 }), [normal(g, [3, 2]), normal(g, [4, 2]), normal(g, [4, 2])], g);
  checkBoth((q, k, v) => scaledDotProductAttention(q!, k!, v!), [normal(g, [2, 1, 3, 2]), normal(g, [1, 2, 4, 2]), normal(g, [4, 1])], g);
});

test('scaledDotProductAttention with masks: bool (true = allowed), float (its own gradient too), causal, masks broadcast over batch and heads', () => {
  const g = new Generator(31);
  const qkv = (): Tensor[] => [normal(g, [2, 3, 2]), normal(g, [2, 4, 2]), normal(g, [2, 4, 2])];
  checkBoth((q, k, v) => scaledDotProductAttention(q!, k!, v!, { attnMask: allowed }), qkv(), g);
  checkBoth((q, k, v, m) => scaledDotProductAttention(q!, k!, v!, { attnMask: m! }), [...qkv(), normal(g, [3, 4])], g);
  checkBoth((q, k, v) => scaledDotProductAttention(q!, k!, v!, { isCausal: true }), qkv(), g);
  // [1, 1, L, S] bool and [2, 1, 1, S] float masks on [2, 2, L, S] scores (batch 2, heads 2).
  const q4 = (): Tensor[] => [normal(g, [2, 2, 3, 2]), normal(g, [2, 2, 4, 2]), normal(g, [2, 2, 4, 1])];
  checkBoth((q, k, v) => scaledDotProductAttention(q!, k!, v!, { attnMask: allowed.reshape([1, 1, 3, 4]) }), q4(), g);
  checkBoth((q, k, v, m) => scaledDotProductAttention(q!, k!, v!, { attnMask: m! }), [...q4(), normal(g, [2, 1, 1, 4])], g);
});

test('scaledDotProductAttention: size-1 dimensions (one query, one key, E = 1) and the causal mask with L > S', () => {
  const g = new Generator(32);
  checkBoth((q, k, v) => scaledDotProductAttention(q!, k!, v!), [normal(g, [1, 1, 1]), normal(g, [1, 1, 1]), normal(g, [1, 1, 2])], g);
  checkBoth((q, k, v) => scaledDotProductAttention(q!, k!, v!, { isCausal: true }), [normal(g, [1, 2]), normal(g, [3, 2]), normal(g, [3, 2])], g);
  checkBoth((q, k, v) => scaledDotProductAttention(q!, k!, v!, { isCausal: true }), [normal(g, [4, 2]), normal(g, [2, 2]), normal(g, [2, 1])], g);
});

test('scaledDotProductAttention of non-contiguous q, k, v (head-split views, as attention layers make them): first and second derivatives', () => {
  const g = new Generator(33);
  // [N, L, H·d] viewed as [N, H, L, d]: the permuted layout multi-head attention produces.
  const heads = (x: Tensor) => x.reshape([1, x.shape[1]!, 2, 2]).permute([0, 2, 1, 3]);
  checkBoth((q, k, v) => scaledDotProductAttention(heads(q!), heads(k!), heads(v!), { isCausal: true }), [normal(g, [1, 3, 4]), normal(g, [1, 3, 4]), normal(g, [1, 3, 4])], g);
  checkBoth((q, k, v) => scaledDotProductAttention(q!.transpose(), k!, v!.slice(null, [0, 2])), [normal(g, [2, 3]), normal(g, [4, 2]), normal(g, [4, 3])], g);
});

test('scaledDotProductAttention with dropout: a fixed generator makes the mask a constant factor, so the derivatives are checked too', () => {
  const g = new Generator(34);
  checkBoth((q, k, v) => scaledDotProductAttention(q!, k!, v!, { dropoutP: 0.3, generator: new Generator(7) }), [normal(g, [2, 3, 2]), normal(g, [2, 4, 2]), normal(g, [2, 4, 2])], g);
});
