import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError, Generator, ShapeError, ValueError, linear, manualSeed, noGrad, tensor, zeros } from '../../src/index.js';
import { Linear } from '../../src/nn/index.js';
import { assertClose } from '../helpers/assert.js';

test('Linear with explicit weights computes x·Wᵀ + b for a batch', () => {
  const layer = new Linear(3, 2, { weight: [[1, 2, 3], [-1, 0, 0.5]], biasValues: [0.5, -2], dtype: 'float64' });
  const x = [
    [1, 0, 2],
    [-1, 4, 0.25],
  ];
  const y = layer.forward(tensor(x, { dtype: 'float64' }));
  const W = [
    [1, 2, 3],
    [-1, 0, 0.5],
  ];
  const b = [0.5, -2];
  const expected = x.map((row) => W.map((w, j) => row.reduce((s, v, k) => s + v * (w[k] ?? 0), b[j] ?? 0)));
  assert.deepEqual(y.toArray(), expected);
  assert.equal(y.dtype, 'float64');
});

test('Linear accepts any leading dimensions and a single vector', () => {
  const layer = new Linear(2, 3, { seed: 0 });
  assert.deepEqual([...layer.forward(zeros([4, 5, 2])).shape], [4, 5, 3]);
  assert.deepEqual([...layer.forward(zeros([2])).shape], [3]);
  const x = tensor([[1, 2]]);
  assertClose(layer.forward(tensor([1, 2])), Array.from(layer.forward(x)._data), 1e-6);
});

test('Linear casts its input to the layer dtype', () => {
  const layer = new Linear(1, 1, { weight: [[2]], biasValues: [1] });
  const y = layer.forward(tensor([[3]], { dtype: 'float64' }));
  assert.equal(y.dtype, 'float32');
  assert.equal(y.item(), 7);
  assert.equal(layer.forward(tensor([[3]], { dtype: 'int32' })).item(), 7);
});

test('Linear explicit weights may be tensors; they are copied, not aliased', () => {
  const w = tensor([[0.5, -0.5]]);
  const layer = new Linear(2, 1, { weight: w, biasValues: tensor([0]) });
  w._data[0] = 100;
  assert.deepEqual(layer.weight.toArray(), [[0.5, -0.5]]);
  assert.notEqual(layer.weight, w);
});

test("Linear parameters are named 'weight' and 'bias', shaped [out, in] and [out], and require grad", () => {
  const layer = new Linear(2, 8, { seed: 0 });
  assert.deepEqual(
    layer.namedParameters().map(([n, p]) => [n, p.name, [...p.shape], p.requiresGrad]),
    [
      ['weight', 'weight', [8, 2], true],
      ['bias', 'bias', [8], true],
    ],
  );
  assert.equal(layer.describe(), 'Linear(2 → 8)');
  assert.deepEqual(layer.config(), { type: 'Linear', inFeatures: 2, outFeatures: 8, bias: true, dtype: 'float32' });
});

test('Linear({ bias: false }) has only a weight', () => {
  const layer = new Linear(2, 3, { bias: false, seed: 0, dtype: 'float64' });
  assert.equal(layer.bias, null);
  assert.deepEqual(layer.namedParameters().map(([n]) => n), ['weight']);
  assert.equal(layer.describe(), 'Linear(2 → 3, no bias)');
  assert.deepEqual(layer.config(), { type: 'Linear', inFeatures: 2, outFeatures: 3, bias: false, dtype: 'float64' });
  assert.deepEqual(layer.forward(tensor([[0, 0]], { dtype: 'float64' })).toArray(), [[0, 0, 0]]);
});

test('Linear backward gives ∂/∂W = gᵀx and ∂/∂b = Σg', () => {
  const layer = new Linear(2, 1, { weight: [[0.3, -0.7]], biasValues: [0.1], dtype: 'float64' });
  layer.forward(tensor([[1, 2], [3, -1]], { dtype: 'float64' })).sum().backward();
  assert.deepEqual(layer.weight.grad?.toArray(), [[4, 1]]);
  assert.deepEqual(layer.bias?.grad?.toArray(), [2]);
});

test('Linear with the same seed draws the same weights; another seed, other weights', () => {
  const a = new Linear(4, 3, { seed: 7 });
  const b = new Linear(4, 3, { seed: 7 });
  const c = new Linear(4, 3, { seed: 8 });
  assert.deepEqual(a.weight.toArray(), b.weight.toArray());
  assert.deepEqual(a.bias?.toArray(), b.bias?.toArray());
  assert.notDeepEqual(a.weight.toArray(), c.weight.toArray());
  // An explicit generator advances: two layers from one generator differ.
  const g = new Generator(7);
  const d = new Linear(4, 3, { generator: g });
  const e = new Linear(4, 3, { generator: g });
  assert.deepEqual(d.weight.toArray(), a.weight.toArray());
  assert.notDeepEqual(e.weight.toArray(), d.weight.toArray());
  // Without seed or generator: the default generator set by manualSeed.
  manualSeed(7);
  assert.deepEqual(new Linear(4, 3).weight.toArray(), a.weight.toArray());
});

test("Linear's default init is PyTorch's: weight and bias in U(−1/√in, 1/√in)", () => {
  const layer = new Linear(16, 64, { seed: 3, dtype: 'float64' });
  const bound = 1 / Math.sqrt(16);
  const w = Array.from(layer.weight._data);
  const b = Array.from(layer.bias?._data ?? []);
  assert.ok(w.every((v) => Math.abs(v) <= bound));
  assert.ok(b.every((v) => Math.abs(v) <= bound));
  assert.ok(Math.max(...w.map(Math.abs)) > 0.9 * bound);
  assert.ok(b.some((v) => v !== 0));
});

test('Linear with another init gets zero biases unless biasInit says otherwise', () => {
  const a = new Linear(3, 5, { init: 'xavierUniform', seed: 0 });
  assert.deepEqual(a.bias?.toArray(), [0, 0, 0, 0, 0]);
  const b = new Linear(3, 5, { init: 'kaimingNormal', biasInit: { name: 'constant', value: 0.5 }, seed: 0 });
  assert.deepEqual(b.bias?.toArray(), [0.5, 0.5, 0.5, 0.5, 0.5]);
  const c = new Linear(3, 5, { init: { name: 'normal', std: 0.01 }, seed: 0 });
  assert.ok(Array.from(c.weight._data).every((v) => Math.abs(v) < 0.1));
});

test('Linear rejects weights of the wrong shape, bad sizes, bad dtypes and bad inputs with clear errors', () => {
  assert.throws(() => new Linear(2, 8, { weight: [[1, 2, 3]] }), (e: unknown) => e instanceof ShapeError && e.message === 'Linear(2 → 8): weight has shape [1,3] but must be [8,2] ([outFeatures, inFeatures])');
  assert.throws(() => new Linear(2, 1, { weight: [[1, 2]], biasValues: [1, 2] }), (e: unknown) => e instanceof ShapeError && e.message === 'Linear(2 → 1): biasValues has shape [2] but must be [1] ([outFeatures])');
  assert.throws(() => new Linear(2, 1, { bias: false, biasValues: [1] }), /Linear\(2 → 1\): biasValues were given but bias is false/);
  assert.throws(() => new Linear(1.5, 2), (e: unknown) => e instanceof ValueError && e.message === 'Linear: inFeatures must be a non-negative integer, got 1.5');
  assert.throws(() => new Linear(2, 2, { dtype: 'int32' }), (e: unknown) => e instanceof DTypeError && /parameters must be float32 or float64, got dtype int32/.test(e.message));
  assert.throws(() => new Linear(2, 2, { seed: 1, generator: new Generator(1) }), /pass either a seed or a generator, not both/);
  assert.throws(() => new Linear(2, 2, { init: 'glorot' as 'zeros' }), /Linear\(2 → 2\): unknown initializer 'glorot'; valid names: default, zeros, constant/);
  const layer = new Linear(2, 8, { seed: 0 });
  assert.throws(
    () => layer.forward(zeros([4, 3])),
    (e: unknown) => e instanceof ShapeError && e.message === 'Linear(2 → 8): expected an input whose last dimension is 2 (e.g. [batch, 2]), got shape [4,3]',
  );
});

test('linear() broadcasts a one-element bias over every output, recorded or not (regression: the fused path rejected a bias [1])', () => {
  const x = tensor([[1, 2]], { dtype: 'float64' });
  const w = tensor([[3, 4], [5, 6]], { dtype: 'float64', requiresGrad: true });
  const b = tensor([0.5], { dtype: 'float64', requiresGrad: true });
  assert.deepEqual(noGrad(() => linear(x, w, b)).toArray(), [[11.5, 17.5]]);
  const y = linear(x, w, b);
  assert.deepEqual(y.toArray(), [[11.5, 17.5]]);
  y.sum().backward();
  assert.deepEqual(b.grad?.toArray(), [2]);
  assert.deepEqual(w.grad?.toArray(), [[1, 2], [1, 2]]);
});
