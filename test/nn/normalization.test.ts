// BatchNorm1d/2d, GroupNorm and the functional batchNorm/groupNorm against PyTorch 1.13 (float64),
// as printed by scripts/oracles/norm.py into test/fixtures/norm.json; then their errors, modes,
// configs and summaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BatchNorm1d,
  BatchNorm2d,
  Dropout2d,
  GroupNorm,
  SGD,
  Sequential,
  ShapeError,
  Linear,
  Tensor,
  ValueError,
  batchNorm,
  dropout2d,
  evaluate,
  fit,
  groupNorm,
  moduleFromConfig,
  narrow,
  mse,
  ones,
  predict,
  randn,
  Generator,
  tensor,
  zeros,
} from '../../src/index.js';

interface Step {
  readonly output: number[];
  readonly inputGrad: number[];
  readonly weightGrad?: number[];
  readonly biasGrad?: number[];
  readonly runningMean: number[];
  readonly runningVar: number[];
  readonly numBatchesTracked: number;
}
interface BatchNormCase {
  readonly layer: 'BatchNorm1d' | 'BatchNorm2d';
  readonly shape: number[];
  readonly affine: boolean;
  readonly momentum: number | null;
  readonly steps: Step[];
  readonly eval: Omit<Step, 'runningMean' | 'runningVar' | 'numBatchesTracked'>;
}
interface GroupNormCase {
  readonly shape: number[];
  readonly groups: number;
  readonly affine: boolean;
  readonly output: number[];
  readonly inputGrad: number[];
  readonly weightGrad?: number[];
  readonly biasGrad?: number[];
}
interface FunctionalCase {
  readonly shape: number[];
  readonly noStats: { readonly output: number[]; readonly inputGrad: number[] };
  readonly eval: { readonly output: number[]; readonly inputGrad: number[] };
}
interface Fixture {
  readonly batchNorm: BatchNormCase[];
  readonly groupNorm: GroupNormCase[];
  readonly functional: FunctionalCase[];
}

// Compiled to dist/test/nn/normalization.test.js: the repository root is three levels up.
const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/norm.json', import.meta.url), 'utf8')) as Fixture;

const f64 = { dtype: 'float64' } as const;
const size = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);
/** The oracle's inputs: ((37 i + 11 k + 5) mod 101) / 25 − 2, exact in both languages. */
const seq = (shape: readonly number[], k: number) => tensor(Float64Array.from({ length: size(shape) }, (_, i) => ((37 * i + 11 * k + 5) % 101) / 25 - 2), { shape, ...f64 });
const weightOf = (c: number) => Array.from({ length: c }, (_, i) => 0.5 + ((13 * i + 3) % 7) / 10);
const biasOf = (c: number) => Array.from({ length: c }, (_, i) => ((5 * i + 2) % 9) / 8 - 0.5);
const upstream = (shape: readonly number[]) => tensor(Float64Array.from({ length: size(shape) }, (_, i) => ((29 * i + 7) % 17) / 8 - 1), { shape, ...f64 });

/** Within 1e-10 relative (1e-12 absolute where PyTorch's value is near 0: cancelled gradients). */
function close(actual: Tensor | null | undefined, expected: readonly number[] | undefined, what: string): void {
  assert.ok(actual, `${what}: missing`);
  assert.ok(expected, `${what}: not in the fixture`);
  const a = actual.data();
  assert.equal(a.length, expected.length, `${what}: length`);
  expected.forEach((e, i) => {
    const d = Math.abs(a[i]! - e);
    assert.ok(d <= 1e-12 + 1e-10 * Math.abs(e), `${what}[${i}]: ${a[i]} vs PyTorch's ${e} (difference ${d})`);
  });
}

for (const c of fixture.batchNorm) {
  const label = `${c.layer}(${c.shape[1]}, momentum ${c.momentum}${c.affine ? '' : ', no affine'}) on [${c.shape.join(', ')}]`;
  test(`${label}: outputs, gradients and running statistics of 3 training steps, then eval, match PyTorch`, () => {
    const Layer = c.layer === 'BatchNorm1d' ? BatchNorm1d : BatchNorm2d;
    const channels = c.shape[1]!;
    const m = new Layer(channels, { momentum: c.momentum, affine: c.affine, dtype: 'float64' });
    if (c.affine) m.loadStateDict({ ...m.stateDict(), weight: tensor(weightOf(channels), f64), bias: tensor(biasOf(channels), f64) });
    const compare = (k: number, expected: BatchNormCase['eval'], what: string) => {
      const x = seq(c.shape, k).requiresGrad_(true);
      m.zeroGrad();
      const y = m.forward(x);
      y.backward(upstream(c.shape));
      close(y, expected.output, `${what} output`);
      close(x.grad, expected.inputGrad, `${what} input gradient`);
      if (c.affine) {
        close(m.weight?.grad, expected.weightGrad, `${what} weight gradient`);
        close(m.bias?.grad, expected.biasGrad, `${what} bias gradient`);
      }
    };
    c.steps.forEach((step, k) => {
      compare(k, step, `step ${k}`);
      close(m.runningMean, step.runningMean, `step ${k} running_mean`);
      close(m.runningVar, step.runningVar, `step ${k} running_var`);
      assert.equal(m.numBatchesTracked, step.numBatchesTracked);
    });
    m.eval();
    const before = m.stateDict();
    compare(7, c.eval, 'eval');
    // Evaluation leaves every buffer as it was.
    for (const [name, t] of Object.entries(m.stateDict())) assert.deepEqual(Array.from(t.data()), Array.from(before[name]!.data()), name);
  });
}

for (const c of fixture.groupNorm) {
  test(`groupNorm on [${c.shape.join(', ')}] in ${c.groups} groups${c.affine ? '' : ' (no affine)'}: output and gradients match PyTorch`, () => {
    const channels = c.shape[1]!;
    const x = seq(c.shape, 3).requiresGrad_(true);
    const weight = tensor(weightOf(channels), { ...f64, requiresGrad: true });
    const bias = tensor(biasOf(channels), { ...f64, requiresGrad: true });
    const y = groupNorm(x, c.groups, c.affine ? { weight, bias } : {});
    y.backward(upstream(c.shape));
    close(y, c.output, 'output');
    close(x.grad, c.inputGrad, 'input gradient');
    if (c.affine) {
      close(weight.grad, c.weightGrad, 'weight gradient');
      close(bias.grad, c.biasGrad, 'bias gradient');
      // The module computes the same.
      const m = new GroupNorm(c.groups, channels, { dtype: 'float64' });
      m.loadStateDict({ weight: tensor(weightOf(channels), f64), bias: tensor(biasOf(channels), f64) });
      close(m.forward(seq(c.shape, 3)), c.output, 'GroupNorm module output');
    }
  });
}

for (const c of fixture.functional) {
  test(`batchNorm on [${c.shape.join(', ')}] without running statistics (training) and with them (eval) matches F.batch_norm`, () => {
    const channels = c.shape[1]!;
    const x = seq(c.shape, 5).requiresGrad_(true);
    const y = batchNorm(x, null, null, { weight: tensor(weightOf(channels), f64), bias: tensor(biasOf(channels), f64), training: true, eps: 1e-3 });
    y.backward(upstream(c.shape));
    close(y, c.noStats.output, 'training output');
    close(x.grad, c.noStats.inputGrad, 'training input gradient');
    const rm = tensor(Array.from({ length: channels }, (_, i) => 0.1 * i - 0.2), f64);
    const rv = tensor(Array.from({ length: channels }, (_, i) => 0.5 + 0.25 * i), f64);
    const x2 = seq(c.shape, 6).requiresGrad_(true);
    const y2 = batchNorm(x2, rm, rv);
    y2.backward(upstream(c.shape));
    close(y2, c.eval.output, 'eval output');
    close(x2.grad, c.eval.inputGrad, 'eval input gradient');
  });
}

// ---------------------------------------------------------------- errors

test('batchNorm errors name the op, the shapes and the fix', () => {
  const x = randn([4, 3]);
  assert.throws(() => batchNorm(x, zeros([2]), ones([2])), (e: unknown) => e instanceof ShapeError && e.message === 'batchNorm: runningMean has shape [2] but the input [4,3] has 3 channels: it must be [3]');
  assert.throws(() => batchNorm(x, zeros([3]), ones([3]), { weight: ones([4]) }), /batchNorm: weight has shape \[4\] but the input \[4,3\] has 3 channels/);
  assert.throws(() => batchNorm(x, null, null), (e: unknown) => e instanceof ValueError && /without running statistics \(null\) there is nothing to normalize with in evaluation: pass training: true/.test(e.message));
  assert.throws(() => batchNorm(x, zeros([3]), null, { training: true }), /pass both running statistics/);
  assert.throws(() => batchNorm(randn([3]), null, null, { training: true }), /expected an input of at least 2 dimensions \(N, C, …\), got shape \[3\]/);
  assert.throws(() => batchNorm(x, null, null, { training: true, momentum: 1.5 }), /momentum must be a number in \[0, 1\], got 1.5/);
  assert.throws(() => batchNorm(x, null, null, { training: true, eps: -1 }), /eps must be a finite number ≥ 0, got -1/);
  assert.throws(() => batchNorm(tensor([[1, 2]], { dtype: 'int32' }), null, null, { training: true }), /the input must be float32 or float64, got int32/);
});

test('a batch of one value per channel in training is a ValueError, as PyTorch; (1, C, H, W) and eval are fine', () => {
  const bn = new BatchNorm1d(3);
  assert.throws(() => bn.forward(randn([1, 3])), (e: unknown) => e instanceof ValueError && e.message === 'batchNorm: expected more than 1 value per channel when training, got input size [1,3] (use a batch of at least 2, or eval())');
  assert.throws(() => bn.forward(randn([1, 3, 1])), /more than 1 value per channel/);
  assert.equal(bn.numBatchesTracked, 0, 'a refused batch is not counted');
  assert.deepEqual(new BatchNorm2d(2).forward(randn([1, 2, 2, 2])).shape, [1, 2, 2, 2]);
  assert.deepEqual(bn.eval().forward(randn([1, 3])).shape, [1, 3]);
});

test('BatchNorm and GroupNorm layers check the input rank and channel count', () => {
  assert.throws(() => new BatchNorm2d(3).forward(randn([2, 4, 5, 5])), (e: unknown) => e instanceof ShapeError && e.message === 'BatchNorm2d(3): expected 3 channels (dimension 1) in the input, got shape [2,4,5,5]');
  assert.throws(() => new BatchNorm2d(3).forward(randn([2, 3, 5])), /BatchNorm2d\(3\): expected a 4-d \(N, C, H, W\) input, got shape \[2,3,5\]/);
  assert.throws(() => new BatchNorm1d(3).forward(randn([2, 3, 2, 2])), /BatchNorm1d\(3\): expected a 2-d \(N, C\) or 3-d \(N, C, L\) input/);
  assert.throws(() => new GroupNorm(2, 4).forward(randn([2, 6, 3])), /GroupNorm\(2, 4\): expected an input \(N, 4, …\) with 4 channels in dimension 1, got shape \[2,6,3\]/);
  assert.throws(() => new BatchNorm1d(0), /BatchNorm1d: numFeatures must be a positive integer, got 0/);
  assert.throws(() => new BatchNorm1d(2, { momentum: -0.1 }), /momentum must be a number in \[0, 1\], or null for a cumulative average/);
  assert.throws(() => new BatchNorm1d(2, { dtype: 'int32' }), /BatchNorm1d: parameters must be float32 or float64, got dtype int32/);
});

test('groupNorm: numGroups must divide the channels', () => {
  assert.throws(() => groupNorm(randn([2, 6, 3]), 4), (e: unknown) => e instanceof ValueError && e.message === 'groupNorm: expected the number of channels (6, input shape [2,6,3]) to be divisible by numGroups (4)');
  assert.throws(() => groupNorm(randn([2, 6, 3]), 0), /numGroups must be a positive integer, got 0/);
  assert.throws(() => new GroupNorm(4, 6), /GroupNorm: numChannels \(6\) must be divisible by numGroups \(4\)/);
});

// ---------------------------------------------------------------- modes

test('fit trains BatchNorm in training mode (running statistics move); evaluate and predict use eval mode and leave them alone', () => {
  const g = new Generator(1);
  const x = randn([16, 3], { generator: g }).mul(3).add(2);
  const y = randn([16, 1], { generator: g });
  const bn = new BatchNorm1d(3);
  const model = new Sequential(bn, new Linear(3, 1, { seed: 0 }));
  fit(model, { x, y }, { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 2, batchSize: 8 });
  assert.equal(bn.numBatchesTracked, 4);
  const stats = model.stateDict();
  assert.ok(Array.from(stats['0.running_mean']!.data()).every((v) => Math.abs(v) > 0.1), 'the running mean moved towards the data mean 2');
  model.train();
  evaluate(model, { x, y }, { loss: mse });
  const out = predict(model, narrow(x, 0, 0, 1)); // a batch of 1: only possible in eval mode
  assert.equal(model.training, true, 'the mode is put back');
  for (const [name, t] of Object.entries(model.stateDict())) assert.deepEqual(Array.from(t.data()), Array.from(stats[name]!.data()), name);
  const manual = batchNorm(narrow(x, 0, 0, 1), bn.runningMean, bn.runningVar, { weight: bn.weight, bias: bn.bias });
  assert.deepEqual(Array.from(out.data()), Array.from((model.at(1) as Linear).forward(manual).data()));
});

test('trackRunningStats false: batch statistics in both modes and no buffers; momentum null averages the batches equally', () => {
  const bn = new BatchNorm1d(2, { trackRunningStats: false, affine: false });
  assert.deepEqual(Object.keys(bn.stateDict()), []);
  const x = tensor([[1, 10], [3, 20]]);
  const expected = [-1 / Math.sqrt(1 + 1e-5), -5 / Math.sqrt(25 + 1e-5), 1 / Math.sqrt(1 + 1e-5), 5 / Math.sqrt(25 + 1e-5)];
  const near = (t: Tensor) => Array.from(t.data()).forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) < 1e-6));
  near(bn.forward(x));
  near(bn.eval().forward(x));
  const cumulative = new BatchNorm1d(1, { momentum: null, dtype: 'float64' });
  for (const v of [[1, 3], [5, 7], [0, 2]]) cumulative.forward(tensor(v.map((a) => [a]), { dtype: 'float64' }));
  assert.ok(Math.abs(cumulative.runningMean!.item() - (2 + 6 + 1) / 3) < 1e-12, 'the mean of the three batch means');
});

// ---------------------------------------------------------------- configs

test('BatchNorm1d/2d, GroupNorm and Dropout2d rebuild from their config; bad fields are named', () => {
  const layers = [
    new BatchNorm1d(4, { momentum: null, eps: 1e-3, affine: false }),
    new BatchNorm2d(3, { trackRunningStats: false, dtype: 'float64' }),
    new GroupNorm(2, 6, { eps: 1e-4 }),
    new Dropout2d(0.25, { seed: 3 }),
  ];
  for (const layer of layers) {
    const rebuilt = moduleFromConfig(JSON.parse(JSON.stringify(layer.config())) as ReturnType<typeof layer.config>);
    assert.deepEqual(rebuilt.config(), layer.config());
    assert.equal(rebuilt.describe(), layer.describe());
    assert.deepEqual(Object.keys(rebuilt.stateDict()), Object.keys(layer.stateDict()));
  }
  assert.deepEqual(layers.map((l) => l.describe()), ['BatchNorm1d(4, no affine)', 'BatchNorm2d(3, no running stats)', 'GroupNorm(2, 6)', 'Dropout2d(0.25)']);
  assert.throws(() => moduleFromConfig({ type: 'BatchNorm2d', numFeatures: 3, momentum: 2 }), /model: BatchNorm2d\.momentum must be a number in \[0, 1\] or null, got 2/);
  assert.throws(() => moduleFromConfig({ type: 'BatchNorm1d', numFeatures: 0 }), /BatchNorm1d\.numFeatures must be an integer ≥ 1, got 0/);
  assert.throws(() => moduleFromConfig({ type: 'BatchNorm1d', numFeatures: 2, eps: 'small' }), /BatchNorm1d\.eps must be a finite number ≥ 0/);
  assert.throws(() => moduleFromConfig({ type: 'GroupNorm', numGroups: 4, numChannels: 6 }), /GroupNorm\.numChannels must be a multiple of numGroups \(4\), got 6/);
  assert.throws(() => moduleFromConfig({ type: 'BatchNorm1d', numFeatures: 1e9 }, { maxParameters: 100 }), /asks for at least 4,000,000,001 parameter values/);
});

// ---------------------------------------------------------------- dropout2d

test('dropout2d zeroes whole channels with the 1/(1 − p) scale, one draw per (sample, channel) in order', () => {
  const y = dropout2d(ones([2, 5, 3, 3], { dtype: 'float64' }), { p: 0.5, generator: new Generator(0) });
  const g = new Generator(0);
  const expected = Array.from({ length: 10 }, () => (g.uniform() < 0.5 ? 0 : 2));
  assert.ok(expected.includes(0) && expected.includes(2));
  const data = y.data();
  for (let c = 0; c < 10; c++) for (let k = 0; k < 9; k++) assert.equal(data[c * 9 + k], expected[c]);
  const x = randn([2, 3, 4]);
  assert.equal(dropout2d(x, { p: 0 }), x);
  assert.equal(dropout2d(x, { training: false }), x);
  assert.ok(Array.from(dropout2d(x, { p: 1 }).data()).every((v) => v === 0));
  assert.throws(() => dropout2d(randn([2, 3]), {}), (e: unknown) => e instanceof ShapeError && /dropout2d: expected a 3-d \(N, C, L\) or 4-d \(N, C, H, W\) input, got shape \[2,3\]/.test(e.message));
  assert.throws(() => dropout2d(x, { p: 2 }), /p must be a probability in \[0, 1\], got 2/);
});

test('Dropout2d drops channels in training and is the identity after eval(); a seeded one registers its generator', () => {
  const drop = new Dropout2d(0.5, { seed: 4 });
  const y = drop.forward(ones([1, 8, 2, 2]));
  const g = new Generator(4);
  assert.deepEqual(Array.from(y.sum([2, 3]).data()), Array.from({ length: 8 }, () => (g.uniform() < 0.5 ? 0 : 8)));
  const x = randn([1, 8, 2, 2]);
  assert.equal(drop.eval().forward(x), x);
  assert.deepEqual(drop.namedGenerators().map(([name]) => name), ['generator']);
  assert.throws(() => drop.train().forward(randn([8, 2])), /Dropout2d\(0.5\): expected a 3-d/);
});
