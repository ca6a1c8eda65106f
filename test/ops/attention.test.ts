// embedding, layerNorm, rmsNorm and scaledDotProductAttention against PyTorch 1.13 in float64
// (test/fixtures/attention.json, from scripts/oracles/attention.py) on every backend; then their
// semantics (masks, causal, padding row, dropout) and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  AnomalyError,
  DTypeError,
  detectAnomaly,
  Generator,
  ShapeError,
  ValueError,
  embedding,
  layerNorm,
  listBackends,
  ones,
  randn,
  rmsNorm,
  scaledDotProductAttention,
  softmax,
  tensor,
  withBackend,
  zeros,
  type Tensor,
} from '../../src/index.js';
import { assertMatches, bool, f64, fixture, int32 } from '../helpers/attentionFixture.js';

for (const backend of listBackends()) {
  test(`embedding on ${backend} matches PyTorch ${fixture.torch}: rows and the weight's gradient (padding row none)`, () => {
    withBackend(backend, () => {
      for (const c of fixture.embedding) {
        const w = f64(c.weight, true);
        const y = embedding(int32(c.indices), w, { paddingIdx: c.paddingIdx });
        assertMatches(y, c.output, `paddingIdx ${c.paddingIdx}: output`);
        y.mul(f64(c.upstream)).sum().backward();
        assertMatches(w.grad, c.weightGrad, `paddingIdx ${c.paddingIdx}: ∂/∂weight`);
      }
    });
  });

  test(`embedding with maxNorm on ${backend} matches PyTorch: the used rows renormalized in place, then looked up`, () => {
    withBackend(backend, () => {
      for (const c of fixture.embeddingRenorm) {
        const w = f64(c.weight, true);
        const y = embedding(int32(c.indices), w, { maxNorm: c.maxNorm, normType: c.normType });
        assertMatches(y, c.output, `maxNorm ${c.maxNorm}: output`);
        assertMatches(w, c.weightAfter, `maxNorm ${c.maxNorm}: the weight after`);
        y.mul(f64(c.upstream)).sum().backward();
        assertMatches(w.grad, c.weightGrad, `maxNorm ${c.maxNorm}: ∂/∂weight`);
      }
    });
  });

  test(`layerNorm and rmsNorm on ${backend} match PyTorch: values and gradients of input, weight and bias`, () => {
    withBackend(backend, () => {
      for (const c of fixture.norms) {
        const where = `${c.kind} [${c.normalizedShape.join(',')}] eps ${c.eps}`;
        const x = f64(c.x, true);
        const weight = c.weight === undefined ? null : f64(c.weight, true);
        const bias = c.bias === undefined ? null : f64(c.bias, true);
        const y = c.kind === 'layerNorm' ? layerNorm(x, c.normalizedShape, { weight, bias, eps: c.eps ?? 1e-5 }) : rmsNorm(x, c.normalizedShape, { weight, eps: c.eps });
        assertMatches(y, c.output, `${where}: output`);
        y.mul(f64(c.upstream)).sum().backward();
        assertMatches(x.grad, c.xGrad, `${where}: ∂/∂x`);
        if (c.weightGrad !== undefined) assertMatches(weight!.grad, c.weightGrad, `${where}: ∂/∂weight`);
        if (c.biasGrad !== undefined) assertMatches(bias!.grad, c.biasGrad, `${where}: ∂/∂bias`);
      }
    });
  });

  test(`scaledDotProductAttention on ${backend} matches torch 2's definition: bool and float masks, causal, scale, broadcast batch, unbatched`, () => {
    withBackend(backend, () => {
      for (const c of fixture.sdpa) {
        const [q, k, v] = [f64(c.q, true), f64(c.k, true), f64(c.v, true)];
        const attnMask = c.attnMask === undefined ? null : c.maskDtype === 'bool' ? bool(c.attnMask) : f64(c.attnMask);
        const y = scaledDotProductAttention(q, k, v, { attnMask, isCausal: c.isCausal, scale: c.scale });
        assertMatches(y, c.output, `${c.name}: output`);
        y.mul(f64(c.upstream)).sum().backward();
        assertMatches(q.grad, c.qGrad, `${c.name}: ∂/∂q`);
        assertMatches(k.grad, c.kGrad, `${c.name}: ∂/∂k`);
        assertMatches(v.grad, c.vGrad, `${c.name}: ∂/∂v`);
      }
    });
  });
}

const f = (values: number[][], dtype: 'float64' | 'float32' = 'float64'): Tensor => tensor(values, { dtype });

test('embedding(indices of any shape) appends the embedding dimension: [] → [D], [2, 3, 1] → [2, 3, 1, D]', () => {
  const w = f([[0, 1], [2, 3], [4, 5]]);
  assert.deepEqual(embedding(tensor(2, { dtype: 'int32' }), w).toArray(), [4, 5]);
  assert.deepEqual(embedding(zeros([2, 3, 1], { dtype: 'int32' }), w).shape, [2, 3, 1, 2]);
  assert.deepEqual(embedding(zeros([0], { dtype: 'int32' }), w).shape, [0, 2]);
});

test('embedding: a repeated index adds its gradients; paddingIdx -1 is the last row, which gets none', () => {
  const w = f([[1, 1], [1, 1], [1, 1]]).requiresGrad_(true);
  embedding(tensor([0, 0, 2, 1, 2], { dtype: 'int32' }), w, { paddingIdx: -1 }).sum().backward();
  assert.deepEqual(w.grad!.toArray(), [[2, 2], [1, 1], [0, 0]]);
});

test('embedding names an out-of-range index, its position and the valid range; refuses float indices and a bad paddingIdx', () => {
  const w = ones([4, 2]);
  assert.throws(() => embedding(tensor([[1, 4]], { dtype: 'int32' }), w), (e: unknown) => e instanceof ShapeError && e.message === 'embedding: index 4 (at flat position 1 of indices [1,2]) is out of range for an embedding of 4 rows (weight [4,2]; valid: 0..3)');
  assert.throws(() => embedding(tensor([-1], { dtype: 'int32' }), w), /embedding: index -1 .*out of range/);
  assert.throws(() => embedding(tensor([1.5]), w), (e: unknown) => e instanceof DTypeError && /indices must be int32, got float32/.test(e.message));
  assert.throws(() => embedding(tensor([1], { dtype: 'int32' }), w, { paddingIdx: 4 }), (e: unknown) => e instanceof ValueError && /paddingIdx must be an integer within the 4 embeddings/.test(e.message));
  assert.throws(() => embedding(tensor([1], { dtype: 'int32' }), ones([4])), /weight must be 2-D/);
});

test('embedding maxNorm: only rows used and longer than maxNorm change; an op result as weight is refused', () => {
  const w = f([[3, 4], [0.3, 0.4], [6, 8]]);
  embedding(tensor([0, 1], { dtype: 'int32' }), w, { maxNorm: 1 });
  const [r0, r1, r2] = w.toArray() as number[][];
  assert.ok(Math.abs(Math.hypot(r0![0]!, r0![1]!) - 1) < 1e-6);
  assert.deepEqual([r1, r2], [[0.3, 0.4], [6, 8]]);
  assert.throws(() => embedding(tensor([0], { dtype: 'int32' }), w.requiresGrad_(true).mul(2), { maxNorm: 1 }), (e: unknown) => e instanceof ValueError && /must be a leaf tensor \(a parameter\), not the result of mul/.test(e.message));
  assert.throws(() => embedding(tensor([0], { dtype: 'int32' }), ones([2, 2]), { maxNorm: -1 }), /maxNorm must be a finite number ≥ 0/);
});

test('layerNorm normalizes each trailing slice to mean 0 and biased variance 1; a constant row gives bias, not NaN', () => {
  const y = layerNorm(f([[1, 2, 3, 4], [5, 5, 5, 5]]), 4, { eps: 1e-12 });
  const row = y.toArray() as number[][];
  assert.ok(Math.abs(row[0]!.reduce((a, b) => a + b, 0)) < 1e-12);
  assert.ok(Math.abs(row[0]!.reduce((a, b) => a + b * b, 0) / 4 - 1) < 1e-9);
  assert.deepEqual(row[1], [0, 0, 0, 0]);
  const withBias = layerNorm(f([[5, 5]]), 2, { bias: tensor([1, -1], { dtype: 'float64' }) });
  assert.deepEqual(withBias.toArray(), [[1, -1]]);
});

test('rmsNorm with eps omitted uses the dtype\'s machine epsilon (torch.finfo(dtype).eps)', () => {
  const x64 = f([[1e-9, 0]]);
  const expected = 1e-9 / Math.sqrt(1e-18 / 2 + Number.EPSILON);
  assert.ok(Math.abs((rmsNorm(x64, 2).toArray() as number[][])[0]![0]! - expected) < 1e-12 * expected);
  const x32 = tensor([[1e-4, 0]]);
  const expected32 = 1e-4 / Math.sqrt(1e-8 / 2 + 2 ** -23);
  assert.ok(Math.abs((rmsNorm(x32, 2).toArray() as number[][])[0]![0]! - expected32) < 1e-5 * expected32);
});

test('layerNorm and rmsNorm check the normalized shape against the input, weight and bias', () => {
  const x = ones([2, 3]);
  assert.throws(() => layerNorm(x, 4), (e: unknown) => e instanceof ShapeError && e.message === 'layerNorm: given normalizedShape [4], expected an input of shape [*, 4], got [2,3]');
  assert.throws(() => layerNorm(x, [3], { weight: ones([2]) }), /layerNorm: weight has shape \[2\] but must be the normalizedShape \[3\]/);
  assert.throws(() => rmsNorm(x, [2, 3], { weight: ones([3]) }), /rmsNorm: weight has shape \[3\] but must be the normalizedShape \[2,3\]/);
  assert.throws(() => layerNorm(x, []), /normalizedShape must be a positive integer or a non-empty list/);
  assert.throws(() => layerNorm(x, 3, { eps: -1 }), /eps must be a finite number ≥ 0/);
  assert.throws(() => rmsNorm(tensor([[1, 2]], { dtype: 'int32' }), 2), DTypeError);
});

test('scaledDotProductAttention: a bool mask keeps where true, a float mask of 0/−∞ does the same, isCausal is tril(ones(L, S))', () => {
  const g = new Generator(3);
  const [q, k, v] = [randn([2, 3, 4], { dtype: 'float64', generator: g }), randn([2, 5, 4], { dtype: 'float64', generator: g }), randn([2, 5, 2], { dtype: 'float64', generator: g })];
  const allowed = tensor([[true, false, false, false, false], [true, true, false, false, false], [true, true, true, false, false]]);
  const additive = tensor([[0, -Infinity, -Infinity, -Infinity, -Infinity], [0, 0, -Infinity, -Infinity, -Infinity], [0, 0, 0, -Infinity, -Infinity]], { dtype: 'float64' });
  const byBool = scaledDotProductAttention(q, k, v, { attnMask: allowed }).toArray();
  assert.deepEqual(scaledDotProductAttention(q, k, v, { attnMask: additive }).toArray(), byBool);
  assert.deepEqual(scaledDotProductAttention(q, k, v, { isCausal: true }).toArray(), byBool);
  // The first query sees only the first key, so its output is that key's value.
  assert.deepEqual((byBool as number[][][])[1]![0], (v.toArray() as number[][][])[1]![0]);
});

test('scaledDotProductAttention is softmax(q·kᵀ·scale)·v, the scale 1/√E by default', () => {
  const q = f([[1, 0], [0, 2]]);
  const k = f([[1, 1], [2, 0], [0, -1]]);
  const v = f([[1, 0], [0, 1], [1, 1]]);
  for (const scale of [undefined, 0.25]) {
    const s = scale ?? 1 / Math.sqrt(2);
    const p = softmax(q.matmul(k.transpose()).mul(s), -1);
    const got = scaledDotProductAttention(q, k, v, scale === undefined ? {} : { scale }).data();
    p.matmul(v).data().forEach((e, i) => assert.ok(Math.abs(got[i]! - e) < 1e-14, `scale ${scale}: ${got[i]} vs ${e}`));
  }
});

test('scaledDotProductAttention: a query with every key masked gives NaN, as PyTorch (documented, not an error)', () => {
  const y = scaledDotProductAttention(ones([2, 2], { dtype: 'float64' }), ones([3, 2], { dtype: 'float64' }), ones([3, 2], { dtype: 'float64' }), {
    attnMask: tensor([[false, false, false], [true, false, false]]),
  });
  const rows = y.toArray() as number[][];
  assert.ok(rows[0]!.every(Number.isNaN));
  assert.deepEqual(rows[1], [1, 1]);
});

test('scaledDotProductAttention under anomaly mode: masked keys raise nothing (no −∞ is made), a fully masked query is reported', () => {
  const g = new Generator(4);
  const q = randn([2, 3, 2], { dtype: 'float64', generator: g, requiresGrad: true });
  detectAnomaly(() => scaledDotProductAttention(q, q, q, { isCausal: true }).sum().backward());
  assert.ok(q.grad!.data().every(Number.isFinite));
  const none = tensor([[true, true, true], [false, false, false], [true, false, true]]);
  assert.throws(() => detectAnomaly(() => scaledDotProductAttention(q, q, q, { attnMask: none })), (e: unknown) => e instanceof AnomalyError && /produced NaN/.test(e.message));
});

test('scaledDotProductAttention dropout: only when dropoutP > 0, seeded by its generator, kept weights scaled by 1/(1 − p)', () => {
  const q = zeros([1, 4, 2], { dtype: 'float64' });
  const v = tensor([[[1], [1], [1], [1]]], { dtype: 'float64' });
  const plain = scaledDotProductAttention(q, q, v);
  assert.deepEqual(plain.toArray(), [[[1], [1], [1], [1]]]);
  const a = scaledDotProductAttention(q, q, v, { dropoutP: 0.5, generator: new Generator(5) }).toArray() as number[][][];
  const b = scaledDotProductAttention(q, q, v, { dropoutP: 0.5, generator: new Generator(5) }).toArray() as number[][][];
  assert.deepEqual(a, b);
  // Each weight is 1/4; a row keeps k of its 4 weights, each doubled: the output is k/2.
  for (const [value] of a[0]!) assert.ok([0, 0.5, 1, 1.5, 2].includes(value!), `${value}`);
  assert.ok(a[0]!.some(([value]) => value !== 1), 'the mask drops some weights');
});

test('scaledDotProductAttention errors name the op, the shapes and the problem', () => {
  const q = ones([2, 3, 4]);
  assert.throws(() => scaledDotProductAttention(q, ones([2, 5, 3]), ones([2, 5, 2])), (e: unknown) => e instanceof ShapeError && e.message === 'scaledDotProductAttention: query [2,3,4] and key [2,5,3] must have the same last dimension E (4 vs 3)');
  assert.throws(() => scaledDotProductAttention(q, ones([2, 5, 4]), ones([2, 4, 2])), /key \[2,5,4\] and value \[2,4,2\] must have the same number of keys S/);
  assert.throws(() => scaledDotProductAttention(q, ones([3, 5, 4]), ones([3, 5, 2])), /batch dimensions .* do not broadcast/);
  assert.throws(() => scaledDotProductAttention(q, ones([2, 5, 4]), ones([2, 5, 2]), { attnMask: ones([4, 5]) }), /attnMask of shape \[4,5\] does not broadcast to the attention scores' shape \[2,3,5\]/);
  assert.throws(() => scaledDotProductAttention(q, q, q, { attnMask: ones([3, 3]), isCausal: true }), (e: unknown) => e instanceof ValueError && /either attnMask or isCausal/.test(e.message));
  assert.throws(() => scaledDotProductAttention(q, q, q, { attnMask: ones([3, 3], { dtype: 'int32' }) }), DTypeError);
  assert.throws(() => scaledDotProductAttention(q, q, q, { dropoutP: 1.5 }), /dropout probability must be in \[0, 1\]/);
  assert.throws(() => scaledDotProductAttention(ones([4]), q, q), /need at least 2 dimensions/);
  assert.throws(() => scaledDotProductAttention(q, q.cast('float64'), q), /same dtype/);
});
