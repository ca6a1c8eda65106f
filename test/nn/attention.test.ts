// nn.MultiheadAttention and nn.TransformerEncoderLayer against PyTorch 1.13 (float64, eval mode),
// with the torch-initialised state dicts of test/fixtures/attention.json (scripts/oracles/attention.py)
// loaded by loadStateDict: outputs, attention weights and the gradients of every parameter and
// input. Then Embedding, LayerNorm and RMSNorm; initialization, state-dict names, configs,
// model-file factories, descriptions and errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  DTypeError,
  Embedding,
  Generator,
  LayerNorm,
  MultiheadAttention,
  RMSNorm,
  ShapeError,
  TransformerEncoderLayer,
  ValueError,
  listBackends,
  moduleFromConfig,
  ones,
  randn,
  tensor,
  withBackend,
  zeros,
  type Module,
  type ModuleConfig,
  type StateDict,
  type Tensor,
} from '../../src/index.js';
import { ATTENTION_MODULE_FACTORIES } from '../../src/nn/attentionFactories.js';
import type { AnyModule } from '../../src/nn/module.js';
import type { FromConfigContext } from '../../src/nn/registry.js';
import { assertMatches, bool, f64, fixture, type Stored } from '../helpers/attentionFixture.js';

const stateOf = (stored: Record<string, Stored>): StateDict => Object.fromEntries(Object.entries(stored).map(([k, v]) => [k, f64(v)]));

function assertGrads(module: AnyModule, expected: Record<string, Stored>, where: string): void {
  const params = module.namedParameters();
  assert.deepEqual(params.map(([name]) => name).sort(), Object.keys(expected).sort(), `${where}: parameter names`);
  for (const [name, p] of params) assertMatches(p.grad, expected[name]!, `${where}: ∂/∂${name}`);
}

for (const backend of listBackends()) {
  test(`MultiheadAttention on ${backend} matches PyTorch ${fixture.torch}: output, weights, parameter and input gradients (${fixture.multiheadAttention.length} cases)`, () => {
    withBackend(backend, () => {
      for (const c of fixture.multiheadAttention) {
        const mha = new MultiheadAttention(c.embedDim, c.numHeads, { batchFirst: c.batchFirst, kdim: c.kdim, vdim: c.vdim, dtype: 'float64', seed: 1 });
        assert.deepEqual(Object.keys(mha.stateDict()), Object.keys(c.state), `${c.name}: state-dict keys in PyTorch's order`);
        mha.loadStateDict(stateOf(c.state));
        mha.eval();
        const q = f64(c.query, true);
        const k = c.key === undefined ? q : f64(c.key, true);
        const v = c.value === undefined ? q : f64(c.value, true);
        const attnMask = c.attnMask === undefined ? null : c.maskDtype === 'bool' ? bool(c.attnMask) : f64(c.attnMask);
        const keyPaddingMask = c.keyPaddingMask === undefined ? null : bool(c.keyPaddingMask);
        const [out, weights] = mha.call(q, k, v, { attnMask, keyPaddingMask, averageAttnWeights: c.averageAttnWeights });
        assertMatches(out, c.output, `${c.name}: output`);
        assertMatches(weights, c.weights, `${c.name}: weights`);
        out.mul(f64(c.upstream)).sum().add(weights!.mul(f64(c.upstreamWeights)).sum()).backward();
        assertGrads(mha, c.grads, c.name);
        assertMatches(q.grad, c.queryGrad, `${c.name}: ∂/∂query`);
        if (c.keyGrad !== undefined) assertMatches(k.grad, c.keyGrad, `${c.name}: ∂/∂key`);
        if (c.valueGrad !== undefined) assertMatches(v.grad, c.valueGrad, `${c.name}: ∂/∂value`);
      }
    });
  });

  test(`TransformerEncoderLayer on ${backend} matches PyTorch: post- and pre-norm, relu and gelu, both layouts, causal, key padding`, () => {
    withBackend(backend, () => {
      for (const c of fixture.transformerEncoderLayer) {
        const layer = new TransformerEncoderLayer(c.dModel, c.nhead, { dimFeedforward: c.dimFeedforward, activation: c.activation, batchFirst: c.batchFirst, normFirst: c.normFirst, dtype: 'float64', seed: 2 });
        assert.deepEqual(Object.keys(layer.stateDict()), Object.keys(c.state), `${c.name}: state-dict keys in PyTorch's order`);
        layer.loadStateDict(stateOf(c.state));
        layer.eval();
        const src = f64(c.src, true);
        const srcKeyPaddingMask = c.srcKeyPaddingMask === undefined ? null : bool(c.srcKeyPaddingMask);
        const y = layer.call(src, { isCausal: c.isCausal, srcKeyPaddingMask });
        assertMatches(y, c.output, `${c.name}: output`);
        y.mul(f64(c.upstream)).sum().backward();
        assertGrads(layer, c.grads, c.name);
        assertMatches(src.grad, c.srcGrad, `${c.name}: ∂/∂src`);
      }
    });
  });
}

test('TransformerEncoderLayer: srcMask (bool, true = not allowed) above the diagonal is the same as isCausal', () => {
  const layer = new TransformerEncoderLayer(8, 2, { dimFeedforward: 8, dropout: 0, dtype: 'float64', seed: 3 });
  const src = randn([4, 2, 8], { dtype: 'float64', generator: new Generator(4) });
  const above = tensor([[false, true, true, true], [false, false, true, true], [false, false, false, true], [false, false, false, false]]);
  assert.deepEqual(layer.forward(src, { srcMask: above }).toArray(), layer.forward(src, { isCausal: true }).toArray());
});

test('MultiheadAttention: key and value default to the query; unbatched (L, E) inputs give (L, E) and (L, S); needWeights false gives null', () => {
  const mha = new MultiheadAttention(4, 2, { seed: 0, dtype: 'float64' });
  const x = randn([3, 1, 4], { dtype: 'float64', generator: new Generator(1) });
  const [a, wa] = mha.forward(x);
  const [b] = mha.forward(x, x, x);
  assert.deepEqual(a.toArray(), b.toArray());
  const [u, wu] = mha.forward(x.reshape([3, 4]));
  assert.deepEqual(u.shape, [3, 4]);
  assert.deepEqual(wu!.shape, [3, 3]);
  u.data().forEach((val, i) => assert.ok(Math.abs(val - a.data()[i]!) < 1e-14));
  assert.deepEqual(wa!.shape, [1, 3, 3]);
  assert.equal(mha.forward(x, x, x, { needWeights: false })[1], null);
  assert.deepEqual(mha.forward(x, x, x, { averageAttnWeights: false })[1]!.shape, [1, 2, 3, 3]);
});

test('MultiheadAttention masks: a padded key gets weight 0; a float mask of −∞ equals a bool true; isCausal equals the bool mask above the diagonal', () => {
  const mha = new MultiheadAttention(4, 2, { batchFirst: true, seed: 0, dtype: 'float64' });
  const x = randn([2, 3, 4], { dtype: 'float64', generator: new Generator(2) });
  const [, w] = mha.forward(x, x, x, { keyPaddingMask: tensor([[false, false, true], [true, false, false]]) });
  const weights = w!.toArray() as number[][][];
  for (const row of weights[0]!) assert.equal(row[2], 0);
  for (const row of weights[1]!) assert.equal(row[0], 0);
  const above = tensor([[false, true, true], [false, false, true], [false, false, false]]);
  const minusInf = tensor([[0, -Infinity, -Infinity], [0, 0, -Infinity], [0, 0, 0]], { dtype: 'float64' });
  const [byBool] = mha.forward(x, x, x, { attnMask: above });
  assert.deepEqual(mha.forward(x, x, x, { attnMask: minusInf })[0].toArray(), byBool.toArray());
  assert.deepEqual(mha.forward(x, x, x, { isCausal: true })[0].toArray(), byBool.toArray());
});

test('MultiheadAttention: a float −∞ in attnMask and a padded key that together close every key of a query give NaN there, as PyTorch', () => {
  const mha = new MultiheadAttention(2, 1, { batchFirst: true, seed: 0, dtype: 'float64' });
  const x = randn([2, 2, 2], { dtype: 'float64', generator: new Generator(5) });
  const attnMask = tensor([[0, -Infinity], [0, 0]], { dtype: 'float64' });
  const [out, w] = mha.forward(x, x, x, { attnMask, keyPaddingMask: tensor([[true, false], [false, false]]) });
  const rows = out.toArray() as number[][][];
  assert.ok(rows[0]![0]!.every(Number.isNaN), 'query 0 of sample 0 has no key left');
  assert.ok([...rows[0]![1]!, ...rows[1]!.flat()].every(Number.isFinite));
  assert.deepEqual((w!.toArray() as number[][][])[0]![1], [0, 1]);
});

test("MultiheadAttention's initialization is PyTorch's: in_proj xavier-uniform, zero biases, out_proj Linear's U(±1/√E)", () => {
  const e = 32;
  const mha = new MultiheadAttention(e, 4, { seed: 5 });
  const bound = Math.sqrt(6 / (e + 3 * e));
  const w = Array.from(mha.inProjWeight!.data());
  assert.deepEqual(mha.inProjWeight!.shape, [3 * e, e]);
  assert.ok(w.every((v) => Math.abs(v) <= bound) && Math.max(...w.map(Math.abs)) > 0.9 * bound);
  assert.ok(mha.inProjBias!.data().every((v) => v === 0));
  assert.ok(mha.outProj.bias!.data().every((v) => v === 0));
  const out = Array.from(mha.outProj.weight.data());
  assert.ok(out.every((v) => Math.abs(v) <= 1 / Math.sqrt(e)) && Math.max(...out.map(Math.abs)) > 0.9 / Math.sqrt(e));
  const separate = new MultiheadAttention(6, 3, { kdim: 2, vdim: 5, bias: false, seed: 0 });
  assert.deepEqual(Object.keys(separate.stateDict()), ['q_proj_weight', 'k_proj_weight', 'v_proj_weight', 'out_proj.weight']);
  assert.deepEqual(separate.kProjWeight!.shape, [6, 2]);
});

test('MultiheadAttention dropout: active in training from its seeded generator, off after eval()', () => {
  const make = () => new MultiheadAttention(4, 1, { dropout: 0.5, seed: 9, dtype: 'float64' });
  const x = randn([5, 2, 4], { dtype: 'float64', generator: new Generator(3) });
  const [a, b] = [make(), make()];
  const wa = a.forward(x)[1]!;
  assert.deepEqual(wa.toArray(), b.forward(x)[1]!.toArray());
  assert.ok(Array.from(wa.data()).some((v) => v === 0), 'some weights are dropped');
  a.eval();
  const [, evalWeights] = a.forward(x);
  const sums = evalWeights!.sum(-1).data();
  sums.forEach((s) => assert.ok(Math.abs(s - 1) < 1e-12));
});

test('MultiheadAttention errors follow PyTorch\'s checks', () => {
  assert.throws(() => new MultiheadAttention(6, 4), (e: unknown) => e instanceof ValueError && e.message === 'MultiheadAttention: embedDim (6) must be divisible by numHeads (4)');
  const mha = new MultiheadAttention(4, 2, { seed: 0 });
  const x = zeros([3, 2, 4]);
  assert.throws(() => mha.forward(zeros([3, 2, 5])), (e: unknown) => e instanceof ShapeError && /expected query with embedding dimension 4/.test(e.message));
  assert.throws(() => mha.forward(x, x, x, { attnMask: zeros([3, 4]) }), /the shape of the 2D attnMask is \[3,4\], but should be \[3,3\]/);
  assert.throws(() => mha.forward(x, x, x, { attnMask: zeros([2, 3, 3]) }), /the shape of the 3D attnMask is \[2,3,3\], but should be \[4,3,3\]/);
  assert.throws(() => mha.forward(x, x, x, { keyPaddingMask: zeros([3, 2], { dtype: 'bool' }) }), /expected keyPaddingMask of shape \[2,3\] \(N, S\)/);
  assert.throws(() => mha.forward(x, x, x, { keyPaddingMask: zeros([2, 3], { dtype: 'int32' }) }), DTypeError);
  assert.throws(() => mha.forward(x, zeros([4, 3, 4]), zeros([4, 3, 4])), /different batch sizes/);
  assert.throws(() => mha.forward(zeros([4])), /expected a 3-d \(L, N, E\) or unbatched 2-d \(L, E\) query/);
});

test('Embedding: weight N(0, 1) with the padding row zeroed, which stays untrained; PyTorch names and describe()', () => {
  const emb = new Embedding(50, 20, { paddingIdx: 3, seed: 0, dtype: 'float64' });
  const w = Array.from(emb.weight.data());
  const row3 = w.slice(60, 80);
  assert.ok(row3.every((v) => v === 0));
  const rest = w.filter((_, i) => i < 60 || i >= 80);
  const mean = rest.reduce((a, b) => a + b, 0) / rest.length;
  const variance = rest.reduce((a, b) => a + (b - mean) ** 2, 0) / rest.length;
  assert.ok(Math.abs(mean) < 0.1 && Math.abs(variance - 1) < 0.15, `mean ${mean}, variance ${variance}`);
  emb.forward(tensor([[3, 1], [3, 3]], { dtype: 'int32' })).sum().backward();
  const grad = emb.weight.grad!.toArray() as number[][];
  assert.ok(grad[3]!.every((v) => v === 0));
  assert.ok(grad[1]!.every((v) => v === 1));
  assert.deepEqual(Object.keys(emb.stateDict()), ['weight']);
  assert.equal(emb.describe(), 'Embedding(50 → 20, paddingIdx 3)');
  assert.equal(new Embedding(4, 2, { paddingIdx: -1 }).paddingIdx, 3);
  assert.throws(() => new Embedding(4, 2, { paddingIdx: 4 }), /paddingIdx must be an integer within the 4 embeddings/);
});

test('LayerNorm and RMSNorm: PyTorch parameters (weight 1, bias 0), elementwiseAffine false and bias false leave them out', () => {
  const ln = new LayerNorm([2, 3]);
  assert.deepEqual(Object.keys(ln.stateDict()), ['weight', 'bias']);
  assert.deepEqual(ln.weight!.shape, [2, 3]);
  assert.deepEqual(Object.keys(new LayerNorm(4, { bias: false }).stateDict()), ['weight']);
  assert.deepEqual(Object.keys(new LayerNorm(4, { elementwiseAffine: false }).stateDict()), []);
  assert.deepEqual(Object.keys(new RMSNorm(4).stateDict()), ['weight']);
  assert.deepEqual(Object.keys(new RMSNorm(4, { elementwiseAffine: false }).stateDict()), []);
  assert.equal(ln.describe(), 'LayerNorm(2×3)');
  const y = ln.forward(tensor([[[1, 2, 3], [4, 5, 6]]]));
  assert.deepEqual(y.shape, [1, 2, 3]);
  assert.throws(() => ln.forward(ones([3, 2])), /layerNorm: given normalizedShape \[2,3\], expected an input of shape \[\*, 2, 3\], got \[3,2\]/);
});

/** A factory context as moduleFromConfig makes one (no budget). */
const context = (): FromConfigContext => ({ generator: new Generator(0), build: (c) => moduleFromConfig(c as ModuleConfig), reserve: () => undefined });
const rebuild = (config: ModuleConfig): AnyModule => {
  const entry = ATTENTION_MODULE_FACTORIES.find(([type]) => type === config.type);
  assert.ok(entry !== undefined, `no factory for ${config.type}`);
  return entry[1](config, context(), 'model');
};

test('Embedding, LayerNorm and RMSNorm rebuild from their config (model files) and load their weights', () => {
  const x = tensor([[0, 2], [1, 1]], { dtype: 'int32' });
  const emb = new Embedding(3, 4, { paddingIdx: 0, seed: 1 });
  const copy = moduleFromConfig(JSON.parse(JSON.stringify(emb.config())) as ModuleConfig) as Module;
  copy.loadStateDict(emb.stateDict());
  assert.deepEqual(copy.forward(x).toArray(), emb.forward(x).toArray());
  assert.equal(copy.describe(), emb.describe());
  const bounded = new Embedding(3, 4, { maxNorm: 0.5, normType: 1, seed: 2 });
  const rebuiltBounded = moduleFromConfig(JSON.parse(JSON.stringify(bounded.config())) as ModuleConfig) as Module;
  assert.deepEqual(rebuiltBounded.config(), bounded.config());
  rebuiltBounded.loadStateDict(bounded.stateDict());
  assert.deepEqual(rebuiltBounded.forward(x).toArray(), bounded.forward(x).toArray());
  for (const norm of [new LayerNorm([3], { eps: 1e-3, bias: false, dtype: 'float64' }), new RMSNorm(3, { eps: 1e-4 }), new RMSNorm(3)]) {
    const rebuilt = moduleFromConfig(JSON.parse(JSON.stringify(norm.config())) as ModuleConfig) as Module;
    assert.deepEqual(rebuilt.config(), norm.config());
    const input = randn([2, 3], { generator: new Generator(1) });
    assert.deepEqual(rebuilt.forward(input).toArray(), norm.forward(input).toArray());
  }
  assert.throws(() => moduleFromConfig({ type: 'Embedding', numEmbeddings: 0, embeddingDim: 2 }), /model: Embedding.numEmbeddings must be a positive integer, got 0/);
  assert.throws(() => moduleFromConfig({ type: 'LayerNorm', normalizedShape: [] }), /LayerNorm.normalizedShape must be a non-empty list of positive integers/);
});

test('MultiheadAttention and TransformerEncoderLayer rebuild from their config and give the same outputs once their weights are loaded', () => {
  const mha = new MultiheadAttention(6, 2, { batchFirst: true, kdim: 3, vdim: 4, bias: false, seed: 1, dtype: 'float64' });
  const copy = rebuild(JSON.parse(JSON.stringify(mha.config())) as ModuleConfig);
  assert.ok(copy instanceof MultiheadAttention);
  assert.deepEqual(copy.config(), mha.config());
  copy.loadStateDict(mha.stateDict());
  const g = new Generator(6);
  const [q, k, v] = [randn([2, 3, 6], { dtype: 'float64', generator: g }), randn([2, 4, 3], { dtype: 'float64', generator: g }), randn([2, 4, 4], { dtype: 'float64', generator: g })];
  assert.deepEqual(copy.forward(q, k, v)[0].toArray(), mha.forward(q, k, v)[0].toArray());
  const layer = new TransformerEncoderLayer(8, 4, { dimFeedforward: 16, activation: 'gelu', normFirst: true, dropout: 0.2, layerNormEps: 1e-6, seed: 4 });
  const rebuilt = rebuild(JSON.parse(JSON.stringify(layer.config())) as ModuleConfig);
  assert.ok(rebuilt instanceof TransformerEncoderLayer);
  assert.deepEqual(rebuilt.config(), layer.config());
  assert.equal(rebuilt.describe(), 'TransformerEncoderLayer(8, heads 4, ff 16, gelu, pre-norm)');
  rebuilt.loadStateDict(layer.stateDict());
  layer.eval();
  rebuilt.eval();
  const src = randn([5, 2, 8], { generator: g });
  assert.deepEqual(rebuilt.forward(src, { isCausal: true }).toArray(), layer.forward(src, { isCausal: true }).toArray());
  assert.throws(() => rebuild({ type: 'TransformerEncoderLayer', dModel: 6, nhead: 4 }), /TransformerEncoderLayer.dModel \(6\) must be divisible by nhead \(4\)/);
  assert.throws(() => rebuild({ type: 'MultiheadAttention', embedDim: 4, numHeads: 2, dropout: 2 }), /MultiheadAttention.dropout must be a probability in \[0, 1\], got 2/);
});

test('TransformerEncoderLayer: PyTorch sub-module names; dropout in training from its seed, repeatable; off in eval', () => {
  const make = () => new TransformerEncoderLayer(4, 2, { dimFeedforward: 8, seed: 11, dtype: 'float64' });
  const layer = make();
  assert.deepEqual(layer.children().map(([name]) => name), ['self_attn', 'linear1', 'dropout', 'linear2', 'norm1', 'norm2', 'dropout1', 'dropout2']);
  const src = randn([3, 2, 4], { dtype: 'float64', generator: new Generator(8) });
  const trained: Tensor = layer.forward(src);
  assert.deepEqual(make().forward(src).toArray(), trained.toArray());
  layer.eval();
  assert.notDeepEqual(layer.forward(src).toArray(), trained.toArray());
  assert.throws(() => rebuild({ type: 'TransformerEncoderLayer', dModel: 4, nhead: 2, activation: 'tanh' }), /TransformerEncoderLayer.activation must be 'relu' or 'gelu', got "tanh"/);
});
