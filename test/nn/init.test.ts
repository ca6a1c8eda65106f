import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Generator, ValueError, type Tensor } from '../../src/index.js';
import { init } from '../../src/nn/index.js';

function stats(t: Tensor): { mean: number; std: number; min: number; max: number } {
  const v = Array.from(t._data);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  const variance = v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length;
  return { mean, std: Math.sqrt(variance), min: Math.min(...v), max: Math.max(...v) };
}

// [out, in] = [200, 300]: fanIn 300, fanOut 200; 60 000 samples, so the sample std is within ~0.5 % of its expectation.
const SHAPE = [200, 300] as const;
const FAN_IN = 300;
const FAN_OUT = 200;

function assertUniform(t: Tensor, bound: number): void {
  const s = stats(t);
  assert.ok(s.min >= -bound && s.max <= bound, `values outside ±${bound}: [${s.min}, ${s.max}]`);
  assert.ok(s.min < -0.99 * bound && s.max > 0.99 * bound, `values do not reach ±${bound}: [${s.min}, ${s.max}]`);
  assert.ok(Math.abs(s.mean) < 0.01 * bound, `mean ${s.mean}`);
  const expectedStd = bound / Math.sqrt(3);
  assert.ok(Math.abs(s.std / expectedStd - 1) < 0.02, `std ${s.std}, expected ${expectedStd}`);
}

function assertNormal(t: Tensor, std: number, mean = 0): void {
  const s = stats(t);
  assert.ok(Math.abs(s.mean - mean) < 0.02 * std, `mean ${s.mean}, expected ${mean}`);
  assert.ok(Math.abs(s.std / std - 1) < 0.02, `std ${s.std}, expected ${std}`);
  assert.ok(s.max > mean + 3 * std && s.min < mean - 3 * std, 'normal tails are present');
}

test('init.zeros and init.constant fill the shape', () => {
  assert.deepEqual(init.zeros([2, 2]).toArray(), [[0, 0], [0, 0]]);
  assert.deepEqual(init.constant([3], 0.25, { dtype: 'float64' }).toArray(), [0.25, 0.25, 0.25]);
  assert.equal(init.constant([3], 0.25).dtype, 'float32');
});

test('init.uniform(low, high) stays in [low, high] with the uniform mean and std', () => {
  const t = init.uniform([...SHAPE], { low: 1, high: 3, seed: 0, dtype: 'float64' });
  const s = stats(t);
  assert.ok(s.min >= 1 && s.max <= 3);
  assert.ok(Math.abs(s.mean - 2) < 0.01);
  assert.ok(Math.abs(s.std - 2 / Math.sqrt(12)) < 0.01);
  const unit = stats(init.uniform([1000], { seed: 1 }));
  assert.ok(unit.min >= 0 && unit.max < 1);
});

test('init.normal(mean, std) has the given mean and std', () => {
  assertNormal(init.normal([...SHAPE], { mean: 0.5, std: 2, seed: 0, dtype: 'float64' }), 2, 0.5);
});

test('init.xavierUniform: U(−b, b) with b = gain·√(6/(fanIn+fanOut))', () => {
  assertUniform(init.xavierUniform([...SHAPE], { seed: 0 }), Math.sqrt(6 / (FAN_IN + FAN_OUT)));
  assertUniform(init.xavierUniform([...SHAPE], { seed: 1, gain: 5 / 3 }), (5 / 3) * Math.sqrt(6 / (FAN_IN + FAN_OUT)));
});

test('init.xavierNormal: N(0, s²) with s = gain·√(2/(fanIn+fanOut))', () => {
  assertNormal(init.xavierNormal([...SHAPE], { seed: 0, dtype: 'float64' }), Math.sqrt(2 / (FAN_IN + FAN_OUT)));
});

test('init.kaimingUniform: bound √2·√(3/fanIn) by default (ReLU gain); fanOut and leaky ReLU slopes change it', () => {
  assertUniform(init.kaimingUniform([...SHAPE], { seed: 0 }), Math.SQRT2 * Math.sqrt(3 / FAN_IN));
  assertUniform(init.kaimingUniform([...SHAPE], { seed: 0, nonlinearity: 'relu' }), Math.sqrt(6 / FAN_IN));
  assertUniform(init.kaimingUniform([...SHAPE], { seed: 0, mode: 'fanOut' }), Math.sqrt(6 / FAN_OUT));
  // PyTorch's nn.Linear weight init kaiming_uniform(a=√5) has bound 1/√fanIn.
  assertUniform(init.kaimingUniform([...SHAPE], { seed: 0, a: Math.sqrt(5) }), 1 / Math.sqrt(FAN_IN));
});

test('init.kaimingNormal: std √2/√fanIn by default', () => {
  assertNormal(init.kaimingNormal([...SHAPE], { seed: 0 }), Math.SQRT2 / Math.sqrt(FAN_IN));
  assertNormal(init.kaimingNormal([...SHAPE], { seed: 0, mode: 'fanOut', nonlinearity: 'tanh' }), 5 / 3 / Math.sqrt(FAN_OUT));
});

test("init.linearDefault (the 'default' init) is U(−1/√fanIn, 1/√fanIn), for a bias with the layer's fanIn", () => {
  assertUniform(init.linearDefault([...SHAPE], { seed: 0 }), 1 / Math.sqrt(FAN_IN));
  assertUniform(init.linearDefault([20000], { seed: 0, fanIn: 16 }), 0.25);
  assert.deepEqual(init.linearDefault([3, 0], { seed: 0 }).toArray(), [[], [], []]);
});

test('init.calculateGain and init.computeFans follow PyTorch', () => {
  assert.equal(init.calculateGain('linear'), 1);
  assert.equal(init.calculateGain('sigmoid'), 1);
  assert.equal(init.calculateGain('tanh'), 5 / 3);
  assert.equal(init.calculateGain('relu'), Math.SQRT2);
  assert.equal(init.calculateGain('leakyRelu'), Math.sqrt(2 / (1 + 0.01 ** 2)));
  assert.equal(init.calculateGain('leakyRelu', 0.2), Math.sqrt(2 / 1.04));
  assert.equal(init.calculateGain('selu'), 0.75);
  assert.deepEqual(init.computeFans([8, 2]), { fanIn: 2, fanOut: 8 });
  assert.deepEqual(init.computeFans([4, 3, 5, 5]), { fanIn: 75, fanOut: 100 });
});

test('initializers are seeded: the same seed gives the same tensor, another seed another', () => {
  for (const name of ['uniform', 'normal', 'xavierUniform', 'xavierNormal', 'kaimingUniform', 'kaimingNormal', 'default'] as const) {
    const a = init.initTensor([5, 4], name, { seed: 42 });
    const b = init.initTensor([5, 4], name, { seed: 42 });
    const c = init.initTensor([5, 4], name, { seed: 43 });
    assert.deepEqual(a.toArray(), b.toArray(), name);
    assert.notDeepEqual(a.toArray(), c.toArray(), name);
    const g = new Generator(42);
    assert.deepEqual(init.initTensor([5, 4], name, { generator: g }).toArray(), a.toArray(), `${name} with a generator`);
    assert.notDeepEqual(init.initTensor([5, 4], name, { generator: g }).toArray(), a.toArray(), `${name}: the generator advanced`);
  }
});

test('initTensor takes parameterized specs', () => {
  assert.deepEqual(init.initTensor([2], { name: 'constant', value: 3 }).toArray(), [3, 3]);
  const u = stats(init.initTensor([1000], { name: 'uniform', low: -0.1, high: 0.1 }, { seed: 0 }));
  assert.ok(u.min >= -0.1 && u.max <= 0.1);
  assertNormal(init.initTensor([...SHAPE], { name: 'kaimingNormal', nonlinearity: 'relu', mode: 'fanOut' }, { seed: 0 }), Math.sqrt(2 / FAN_OUT));
});

test('initializers report bad input clearly', () => {
  assert.throws(() => init.xavierUniform([8], { seed: 0 }), (e: unknown) => e instanceof ValueError && e.message === 'xavierUniform: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape [8]); pass fanIn/fanOut explicitly');
  assert.throws(() => init.initTensor([2], 'constant'), /'constant' needs a value; pass \{ name: 'constant', value: 0\.1 \}/);
  assert.throws(() => init.initTensor([2], 'ones' as 'zeros'), /initializer: unknown name 'ones'; valid names: default, zeros, constant, uniform, normal, xavierUniform, xavierNormal, kaimingUniform, kaimingNormal/);
  assert.throws(() => init.uniform([2], { low: 1, high: 0 }), /uniform: low must not exceed high/);
  assert.throws(() => init.normal([2], { std: -1 }), /normal: std must be non-negative/);
  assert.throws(() => init.uniform([2], { seed: 1, generator: new Generator(1) }), /pass either a seed or a generator, not both/);
  assert.throws(() => init.kaimingUniform([2, 2], { mode: 'both' as 'fanIn' }), /kaimingUniform: mode must be 'fanIn' or 'fanOut'/);
});
