import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, ValueError, type Tensor } from '../../src/index.js';
import { Adagrad, Adam, AdamW, createOptimizer, OPTIMIZER_NAMES, Optimizer, RMSprop, SGD, type OptimizerOptions } from '../../src/optim/index.js';
import { assertAllClose, fixture, makeParams, train, values } from './problem.js';

function describe(c: { name: string; options: OptimizerOptions; groupLrs?: readonly number[] }): string {
  return `${c.name} ${JSON.stringify(c.options)}${c.groupLrs === undefined ? '' : ` groups lr ${JSON.stringify(c.groupLrs)}`}`;
}

function build(name: string, params: Tensor[], options: OptimizerOptions, groupLrs?: readonly number[]): Optimizer {
  if (groupLrs === undefined) return createOptimizer(name, params, options);
  const [x, ...rest] = params;
  if (x === undefined) throw new Error('no parameters');
  return createOptimizer(name, [{ params: [x], lr: groupLrs[0] ?? 0 }, { params: rest }], options);
}

test(`the fixture came from PyTorch (${fixture.torch}) and covers every optimizer`, () => {
  const names = new Set(fixture.optimizers.map((c) => c.name));
  assert.deepEqual([...names].sort(), [...OPTIMIZER_NAMES].sort());
  assert.ok(fixture.optimizers.length >= 25);
});

for (const c of fixture.optimizers) {
  test(`${describe(c)} follows PyTorch's trajectory to 1e-10 over ${fixture.problem.steps} steps`, () => {
    const params = makeParams();
    const opt = build(c.name, params, c.options, c.groupLrs);
    c.trajectory.forEach((expected, k) => {
      train(opt, params, k, k + 1);
      assertAllClose(values(params), expected, 1e-10, `${describe(c)} after step ${k + 1}`);
    });
    assert.equal(opt.stepCount, fixture.problem.steps);
  });
}

test('SGD with lr 0.1 and no momentum is exactly p − 0.1·g (the tutorial update)', () => {
  const w = tensor([0.4, -0.3, 0.123456789], { dtype: 'float64', requiresGrad: true });
  const before = Array.from(w._data);
  w.mul(tensor([0.7, 1.3, -2.9], { dtype: 'float64' })).tanh().sum().backward();
  const g = Array.from(w.grad?._data ?? []);
  new SGD([w], { lr: 0.1 }).step();
  assert.deepEqual(Array.from(w._data), before.map((p, i) => p - 0.1 * (g[i] ?? NaN)));
});

test('SGD on a float32 parameter rounds p − lr·g to float32', () => {
  const w = tensor([0.4, -0.3], { requiresGrad: true });
  w.mul(tensor([0.7, 1.3])).sum().backward();
  const g = Array.from(w.grad?._data ?? []);
  const before = Array.from(w._data);
  new SGD([w], { lr: 0.1 }).step();
  assert.equal(w.dtype, 'float32');
  assert.deepEqual(Array.from(w._data), before.map((p, i) => Math.fround(p - 0.1 * (g[i] ?? NaN))));
});

test('step() skips parameters without a gradient and never writes into gradients', () => {
  for (const name of OPTIMIZER_NAMES) {
    const a = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const b = tensor([3, 4], { dtype: 'float64', requiresGrad: true });
    const unused = tensor([5, 6], { dtype: 'float64', requiresGrad: true });
    a.add(b).sum().backward(); // the engine may hand one gradient tensor to both inputs of add
    const ga = a.grad;
    const gb = b.grad;
    const opt = createOptimizer(name, [a, b, unused], { lr: 0.1, weightDecay: 0.5 });
    opt.step();
    opt.step();
    assert.equal(a.grad, ga, `${name}: .grad is the same object`);
    assert.equal(b.grad, gb, `${name}: .grad is the same object`);
    assert.deepEqual(Array.from(ga?._data ?? []), [1, 1], `${name}: a's gradient unchanged`);
    assert.deepEqual(Array.from(gb?._data ?? []), [1, 1], `${name}: b's gradient unchanged`);
    assert.deepEqual(Array.from(unused._data), [5, 6], `${name}: a parameter without gradient is not updated`);
    assert.notDeepEqual(Array.from(a._data), [1, 2], `${name}: a parameter with a gradient is updated`);
    assert.deepEqual(Object.keys(opt.stateDict().steps), ['0', '1'], `${name}: no state for the unused parameter`);
  }
});

test('the optimizers default to PyTorch hyper-parameters', () => {
  const p = (): Tensor[] => [tensor([1], { requiresGrad: true })];
  assert.deepEqual(new SGD(p()).groups[0]?.options, { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 });
  assert.deepEqual(new Adam(p()).groups[0]?.options, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false });
  assert.deepEqual(new AdamW(p()).groups[0]?.options, { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 1e-2, amsgrad: false });
  assert.deepEqual(new RMSprop(p()).groups[0]?.options, { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false });
  assert.deepEqual(new Adagrad(p()).groups[0]?.options, { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 });
});

test('lr reads the first group and sets every group', () => {
  const [a, b] = [tensor([1], { requiresGrad: true }), tensor([2], { requiresGrad: true })];
  const opt = new SGD([{ params: [a], lr: 0.5 }, { params: [b] }], { lr: 0.1 });
  assert.equal(opt.lr, 0.5);
  assert.deepEqual(opt.groups.map((g) => g.options.lr), [0.5, 0.1]);
  opt.lr = 0.01;
  assert.deepEqual(opt.groups.map((g) => g.options.lr), [0.01, 0.01]);
  assert.deepEqual(opt.params(), [a, b]);
  assert.throws(() => {
    opt.lr = -1;
  }, { name: 'ValueError', message: 'SGD: lr must be a non-negative finite number, got -1' });
});

test('zeroGrad clears every gradient', () => {
  const params = makeParams();
  const opt = new Adam(params);
  train(opt, params, 0, 1);
  opt.zeroGrad();
  assert.ok(params.every((p) => p.grad === null));
});

const p = (): Tensor[] => [tensor([1, 2], { requiresGrad: true })];
const invalid: [string, () => unknown, string][] = [
  ['SGD negative lr', () => new SGD(p(), { lr: -0.1 }), 'SGD: lr must be a non-negative finite number, got -0.1'],
  ['SGD NaN lr', () => new SGD(p(), { lr: NaN }), 'SGD: lr must be a non-negative finite number, got NaN'],
  ['SGD negative momentum', () => new SGD(p(), { lr: 0.1, momentum: -0.5 }), 'SGD: momentum must be a non-negative finite number, got -0.5'],
  ['SGD negative weight decay', () => new SGD(p(), { lr: 0.1, weightDecay: -1 }), 'SGD: weightDecay must be a non-negative finite number, got -1'],
  ['SGD Nesterov without momentum', () => new SGD(p(), { lr: 0.1, nesterov: true }), 'SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0 and dampening 0'],
  ['SGD Nesterov with dampening', () => new SGD(p(), { lr: 0.1, nesterov: true, momentum: 0.9, dampening: 0.1 }), 'SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0.9 and dampening 0.1'],
  ['Adam beta1 = 1', () => new Adam(p(), { betas: [1, 0.999] }), 'Adam: betas[0] must be in [0, 1), got 1'],
  ['Adam negative beta2', () => new Adam(p(), { betas: [0.9, -0.1] }), 'Adam: betas[1] must be in [0, 1), got -0.1'],
  ['Adam negative eps', () => new Adam(p(), { eps: -1e-8 }), 'Adam: eps must be a non-negative finite number, got -1e-8'],
  ['AdamW negative weight decay', () => new AdamW(p(), { weightDecay: -0.01 }), 'AdamW: weightDecay must be a non-negative finite number, got -0.01'],
  ['RMSprop negative alpha', () => new RMSprop(p(), { alpha: -0.9 }), 'RMSprop: alpha must be a non-negative finite number, got -0.9'],
  ['RMSprop negative momentum', () => new RMSprop(p(), { momentum: -1 }), 'RMSprop: momentum must be a non-negative finite number, got -1'],
  ['Adagrad negative lrDecay', () => new Adagrad(p(), { lrDecay: -1 }), 'Adagrad: lrDecay must be a non-negative finite number, got -1'],
  ['Adagrad negative initial accumulator', () => new Adagrad(p(), { initialAccumulatorValue: -1 }), 'Adagrad: initialAccumulatorValue must be a non-negative finite number, got -1'],
  ['a negative group lr', () => new SGD([{ params: p(), lr: -1 }], { lr: 0.1 }), 'SGD: group 0 lr must be a non-negative finite number, got -1'],
  ['an empty parameter list', () => new Adam([]), 'Adam: got an empty parameter list'],
  ['a non-leaf parameter', () => new Adam([tensor([1], { requiresGrad: true }).mul(2)]), 'Adam: every parameter must be a leaf tensor that requires grad'],
  ['a tensor without requiresGrad', () => new Adam([tensor([1])]), 'Adam: every parameter must be a leaf tensor that requires grad'],
  ['a repeated parameter', () => {
    const w = tensor([1], { requiresGrad: true });
    return new SGD([{ params: [w] }, { params: [w] }], { lr: 0.1 });
  }, 'SGD: a parameter appears more than once (in one group or in two)'],
];
for (const [what, make, message] of invalid) {
  test(`the optimizers refuse ${what} with a ValueError`, () => {
    assert.throws(make, (e: unknown) => e instanceof ValueError && e.message === message);
  });
}

test('createOptimizer takes names case-insensitively', () => {
  const expected: Record<string, string> = { sgd: 'SGD', adam: 'Adam', adamw: 'AdamW', rmsprop: 'RMSprop', adagrad: 'Adagrad' };
  for (const name of OPTIMIZER_NAMES) {
    for (const spelled of [name, name.toUpperCase()]) {
      const opt = createOptimizer(spelled, [tensor([1], { requiresGrad: true })], { lr: 0.5 });
      assert.equal(opt.constructor.name, expected[name]);
      assert.equal(opt.lr, 0.5);
    }
  }
  assert.ok(createOptimizer('AdamW', [tensor([1], { requiresGrad: true })]) instanceof AdamW);
});

test('createOptimizer refuses an unknown name, listing the valid ones', () => {
  assert.throws(() => createOptimizer('adadelta', [tensor([1], { requiresGrad: true })]), {
    name: 'ValueError',
    message: "createOptimizer: unknown optimizer 'adadelta'; choose one of sgd, adam, adamw, rmsprop, adagrad",
  });
});

test('createOptimizer refuses an option the optimizer does not take', () => {
  assert.throws(() => createOptimizer('sgd', [tensor([1], { requiresGrad: true })], { lr: 0.1, betas: [0.9, 0.99] }), {
    name: 'ValueError',
    message: "createOptimizer: sgd does not take the option 'betas'; it takes lr, momentum, dampening, nesterov, weightDecay",
  });
  assert.throws(() => createOptimizer('adam', [tensor([1], { requiresGrad: true })], { momentum: 0.9 }), {
    name: 'ValueError',
    message: "createOptimizer: adam does not take the option 'momentum'; it takes lr, betas, eps, weightDecay, amsgrad",
  });
});

test('Adam keeps a step count per parameter, as PyTorch (bias correction of a parameter that skipped steps)', () => {
  // c has a gradient only on even steps: after 6 steps it has had 3 updates.
  const params = makeParams();
  const opt = new Adam(params, { lr: 0.01 });
  train(opt, params, 0, 6);
  assert.deepEqual(opt.stateDict().steps, { '0': 6, '1': 6, '2': 3 });
  assert.equal(opt.stepCount, 6);
});

test("Adam's first two steps, computed by hand on f(p) = p² from p = 1 (lr 0.1, betas 0.9/0.999, eps 1e-8)", () => {
  // Step 1: g = 2, m = 0.2, v = 0.004, m̂ = 2, v̂ = 4, p = 1 − 0.1·2/(2 + 1e-8) = 0.9000000005.
  // Step 2: g = 1.800000001, m = 0.36, v = 0.007236, m̂ = 0.36/0.19 = 1.8947368…, v̂ = 0.007236/0.001999 = 3.6198099…,
  //         p = 0.9000000005 − 0.1·1.8947368/(1.9025798 + 1e-8) = 0.80041222869.
  const p = tensor(1, { dtype: 'float64', requiresGrad: true });
  const adam = new Adam([p], { lr: 0.1 });
  const expected = [0.9000000005, 0.80041222869];
  for (const value of expected) {
    adam.zeroGrad();
    p.square().backward();
    adam.step();
    assert.ok(Math.abs(p.item() - value) < 1e-11, `p = ${p.item()}, expected ${value}`);
  }
});
