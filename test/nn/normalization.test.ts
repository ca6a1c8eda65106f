// BatchNorm1d/2d, GroupNorm and the functional batchNorm/groupNorm against PyTorch 1.13 (float64),
// as printed by scripts/oracles/norm.py into test/fixtures/norm.json; then their errors, modes,
// configs and summaries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import {
  BatchNorm1d,
  BatchNorm2d,
  GroupNorm,
  SGD,
  Sequential,
  ShapeError,
  Linear,
  Tensor,
  ValueError,
  batchNorm,
  evaluate,
  fit,
  groupNorm,
  moduleFromConfig,
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
