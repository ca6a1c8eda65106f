// The parameters of Embedding, LayerNorm, RMSNorm, MultiheadAttention and TransformerEncoderLayer
// (small, float64): their gradients and the gradients of their gradients (Hessian-vector products)
// against central differences, perturbing the module's own parameters in place (gradcheck copies
// its inputs, so it cannot reach a module's tensors).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Embedding,
  Generator,
  LayerNorm,
  MultiheadAttention,
  RMSNorm,
  TransformerEncoderLayer,
  gradients,
  noGrad,
  randn,
  tensor,
  type Tensor,
} from '../../src/index.js';

const normal = (g: Generator, shape: readonly number[]) => randn(shape, { dtype: 'float64', generator: g });
/** An input checked beside the parameters. */
const leaf = (g: Generator, shape: readonly number[]) => randn(shape, { dtype: 'float64', generator: g, requiresGrad: true });
const EPS = 1e-6;
const ATOL = 1e-5;
const RTOL = 1e-3;

/** Central differences of the scalar `f` w.r.t. every element of `params`, against `analytic`. */
function compare(params: readonly Tensor[], f: () => number, analytic: readonly Tensor[], where: string): void {
  params.forEach((p, i) => {
    const a = analytic[i]!.data();
    for (let j = 0; j < p.size; j++) {
      const orig = p._data[j]!;
      p._data[j] = orig + EPS;
      const plus = f();
      p._data[j] = orig - EPS;
      const minus = f();
      p._data[j] = orig;
      const numeric = (plus - minus) / (2 * EPS);
      assert.ok(Math.abs(a[j]! - numeric) <= ATOL + RTOL * Math.abs(numeric), `${where}: parameter ${i} element ${j}: analytic ${a[j]}, numeric ${numeric}`);
    }
  });
}

/**
 * First order: ∂(Σ u·out)/∂params. Second order: ∂/∂params of Σᵢ vᵢ·∂(Σ u·out)/∂paramsᵢ (a
 * Hessian-vector product), the inner gradient recorded with createGraph.
 */
function checkModule(params: readonly Tensor[], out: () => Tensor, g: Generator, where: string): void {
  const u = normal(g, out().shape);
  const loss = (): Tensor => out().mul(u).sum();
  compare(params, () => noGrad(() => loss().item()), gradients([loss()], [...params]), `${where} (first order)`);
  const v = params.map((p) => normal(g, p.shape));
  const hvp = (createGraph: boolean): Tensor => {
    const gs = gradients([loss()], [...params], { createGraph });
    return gs.map((gi, i) => gi.mul(v[i]!).sum()).reduce((a, b) => a.add(b));
  };
  compare(params, () => hvp(false).item(), gradients([hvp(true)], [...params]), `${where} (second order)`);
}

test('Embedding parameters: first and second order (rows used twice, once, and not at all)', () => {
  const g = new Generator(1);
  const emb = new Embedding(4, 3, { seed: 1, dtype: 'float64' });
  const idx = tensor([[0, 3, 3], [1, 0, 2]], { dtype: 'int32' });
  checkModule(emb.parameters(), () => emb.forward(idx).tanh(), g, 'Embedding');
});

test('LayerNorm and RMSNorm parameters (and their inputs): first and second order, one and two normalized dimensions', () => {
  const g = new Generator(2);
  for (const shape of [[3], [2, 3]]) {
    const ln = new LayerNorm(shape, { dtype: 'float64' });
    const rms = new RMSNorm(shape, { dtype: 'float64' });
    // Away from the initial 1 and 0, so the checks do not start at a special point.
    noGrad(() => [...ln.parameters(), ...rms.parameters()].forEach((p) => p._data.set(normal(g, p.shape)._data)));
    const x = leaf(g, [2, ...shape]);
    checkModule([...ln.parameters(), x], () => ln.forward(x).tanh(), g, `LayerNorm([${shape.join(', ')}])`);
    checkModule([...rms.parameters(), x], () => rms.forward(x).tanh(), g, `RMSNorm([${shape.join(', ')}])`);
  }
});

test('MultiheadAttention parameters and inputs: first and second order, self- and cross-attention, masks, kdim/vdim, the weights output too', () => {
  const g = new Generator(3);
  const mha = new MultiheadAttention(4, 2, { seed: 3, dtype: 'float64' });
  noGrad(() => [mha.inProjBias!, mha.outProj.bias!].forEach((b) => b._data.set(normal(g, b.shape).mul(0.3)._data)));
  const x = leaf(g, [3, 2, 4]);
  const padding = tensor([[false, false, true], [false, false, false]]);
  checkModule([...mha.parameters(), x], () => {
    const [out, w] = mha.forward(x, x, x, { keyPaddingMask: padding, isCausal: true });
    return out.sum().add(w!.mul(w!).sum());
  }, g, 'MultiheadAttention self-attention, causal, key padding');
  const cross = new MultiheadAttention(4, 2, { kdim: 3, vdim: 2, batchFirst: true, seed: 4, dtype: 'float64' });
  const [q, k, v] = [leaf(g, [2, 2, 4]), leaf(g, [2, 3, 3]), leaf(g, [2, 3, 2])];
  const floatMask = normal(g, [2, 3]);
  checkModule([...cross.parameters(), q, k, v], () => cross.forward(q, k, v, { attnMask: floatMask, averageAttnWeights: false })[0], g, 'MultiheadAttention kdim 3, vdim 2, float mask');
});

test('TransformerEncoderLayer parameters and input: first and second order, post-norm relu and pre-norm gelu with a causal mask', () => {
  const g = new Generator(5);
  for (const [normFirst, activation] of [[false, 'relu'], [true, 'gelu']] as const) {
    const layer = new TransformerEncoderLayer(4, 2, { dimFeedforward: 5, normFirst, activation, batchFirst: true, seed: 6, dtype: 'float64' }).eval();
    noGrad(() => layer.parameters().forEach((p) => p._data.set(normal(g, p.shape).mul(0.5)._data)));
    const src = leaf(g, [2, 3, 4]);
    checkModule([...layer.parameters(), src], () => layer.forward(src, { isCausal: true }), g, `TransformerEncoderLayer normFirst ${normFirst}`);
  }
});
