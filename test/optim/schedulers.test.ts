import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, ValueError } from '../../src/index.js';
import {
  CosineAnnealingLR,
  ExponentialLR,
  LRScheduler,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  type CosineAnnealingLRInit,
  type Optimizer,
  type ReduceLROnPlateauOptions,
} from '../../src/optim/index.js';
import { fixture, type SchedulerCase } from './problem.js';

function optimizerWith(lrs: readonly number[]): SGD {
  return new SGD(
    lrs.map((lr) => ({ params: [tensor([0], { requiresGrad: true })], lr })),
    { lr: lrs[0] ?? 0.1 },
  );
}

function cosineInit(o: Readonly<Record<string, number | string>>): CosineAnnealingLRInit {
  const extra = {
    ...(typeof o['warmupSteps'] === 'number' ? { warmupSteps: o['warmupSteps'] } : {}),
    ...(typeof o['minLr'] === 'number' ? { minLr: o['minLr'] } : {}),
  };
  return typeof o['totalSteps'] === 'number' ? { totalSteps: o['totalSteps'], ...extra } : { tMax: Number(o['tMax']), ...extra };
}

function makeScheduler(c: SchedulerCase, opt: Optimizer): LRScheduler {
  switch (c.name) {
    case 'StepLR':
      return new StepLR(opt, c.options as { stepSize: number; gamma?: number });
    case 'ExponentialLR':
      return new ExponentialLR(opt, c.options as { gamma: number });
    case 'CosineAnnealingLR':
      return new CosineAnnealingLR(opt, cosineInit(c.options));
    case 'ReduceLROnPlateau':
      return new ReduceLROnPlateau(opt, c.options as Partial<ReduceLROnPlateauOptions>);
  }
}

function assertLrsClose(actual: readonly (readonly number[])[], expected: readonly (readonly number[])[], message: string): void {
  assert.equal(actual.length, expected.length, `${message}: number of epochs`);
  actual.forEach((row, e) => {
    const exp = expected[e] ?? [];
    assert.equal(row.length, exp.length, `${message}: groups at epoch ${e}`);
    row.forEach((v, g) => {
      const x = exp[g] ?? NaN;
      assert.ok(Math.abs(v - x) <= 1e-10 * Math.abs(x), `${message}: epoch ${e} group ${g}: lr ${v}, PyTorch ${x}`);
    });
  });
}

test('the scheduler fixture covers every scheduler over 30 epochs', () => {
  assert.deepEqual([...new Set(fixture.schedulers.cases.map((c) => c.name))].sort(), ['CosineAnnealingLR', 'ExponentialLR', 'ReduceLROnPlateau', 'StepLR']);
  assert.equal(fixture.schedulers.epochs, 30);
});

for (const c of fixture.schedulers.cases) {
  test(`${c.name} ${JSON.stringify(c.options)} with base lrs ${JSON.stringify(c.baseLrs)} gives PyTorch's lrs to 1e-10`, () => {
    const opt = optimizerWith(c.baseLrs);
    const sched = makeScheduler(c, opt);
    const lrs = [sched.getLastLr()];
    assert.deepEqual(opt.groups.map((g) => g.options.lr), sched.getLastLr(), 'the optimizer has the lr of epoch 0');
    for (let e = 0; e < fixture.schedulers.epochs; e++) {
      opt.step();
      if (c.name === 'ReduceLROnPlateau') sched.step(fixture.schedulers.metrics[e] ?? NaN);
      else sched.step();
      lrs.push(sched.getLastLr());
      assert.deepEqual(opt.groups.map((g) => g.options.lr), sched.getLastLr(), `epoch ${e + 1}: the optimizer has the scheduler's lr`);
    }
    assertLrsClose(lrs, c.lrs, `${c.name} ${JSON.stringify(c.options)}`);
    assert.equal(sched.lastEpoch, fixture.schedulers.epochs);
  });
}

test('StepLR multiplies by gamma = 0.1 by default', () => {
  const opt = optimizerWith([1]);
  const sched = new StepLR(opt, { stepSize: 1 });
  sched.step();
  assert.equal(opt.lr, 0.1);
});

test('a closed-form schedule overrides a manual lr change at the next step', () => {
  const opt = optimizerWith([0.1]);
  const sched = new ExponentialLR(opt, { gamma: 0.5 });
  opt.lr = 7;
  sched.step();
  assert.equal(opt.lr, 0.05);
});

test('CosineAnnealingLR stays at minLr after totalSteps', () => {
  const opt = optimizerWith([0.1]);
  const sched = new CosineAnnealingLR(opt, { totalSteps: 5, minLr: 0.01 });
  for (let e = 0; e < 9; e++) sched.step();
  assert.deepEqual(sched.getLastLr(), [0.01]);
});

test('CosineAnnealingLR: tMax is the cosine part, totalSteps includes the warm-up', () => {
  const a = new CosineAnnealingLR(optimizerWith([0.1]), { tMax: 20, warmupSteps: 10 });
  const b = new CosineAnnealingLR(optimizerWith([0.1]), { totalSteps: 30, warmupSteps: 10 });
  for (let e = 0; e < 35; e++) {
    assert.deepEqual(a.getLastLr(), b.getLastLr());
    a.step();
    b.step();
  }
  assert.deepEqual(a.stateDict().options, { totalSteps: 30, warmupSteps: 10, minLr: 0 });
});

test('ReduceLROnPlateau counts a NaN metric as a bad epoch', () => {
  const opt = optimizerWith([0.1]);
  const sched = new ReduceLROnPlateau(opt, { patience: 1 });
  sched.step(1);
  sched.step(NaN);
  assert.equal(opt.lr, 0.1);
  sched.step(NaN);
  assert.equal(opt.lr, 0.010000000000000002);
});

test('ReduceLROnPlateau fits the EpochScheduler shape fit() uses', () => {
  const schedulers: { step(metric?: number): void }[] = [new ReduceLROnPlateau(optimizerWith([0.1])), new StepLR(optimizerWith([0.1]), { stepSize: 2 })];
  for (const s of schedulers) s.step(0.5);
});

const p = (): SGD => optimizerWith([0.1]);
const invalid: [string, () => unknown, string][] = [
  ['StepLR with stepSize 0', () => new StepLR(p(), { stepSize: 0 }), 'StepLR: stepSize must be an integer ≥ 1, got 0'],
  ['StepLR with a fractional stepSize', () => new StepLR(p(), { stepSize: 2.5 }), 'StepLR: stepSize must be an integer ≥ 1, got 2.5'],
  ['ExponentialLR with a negative gamma', () => new ExponentialLR(p(), { gamma: -0.5 }), 'ExponentialLR: gamma must be a finite number ≥ 0, got -0.5'],
  [
    'CosineAnnealingLR with both totalSteps and tMax',
    // as an untyped (JavaScript) caller could
    () => new CosineAnnealingLR(p(), JSON.parse('{ "totalSteps": 10, "tMax": 10 }')),
    'CosineAnnealingLR: give either totalSteps (warm-up included) or tMax (the cosine part alone), not both or neither',
  ],
  ['CosineAnnealingLR with a warm-up as long as the schedule', () => new CosineAnnealingLR(p(), { totalSteps: 5, warmupSteps: 5 }), 'CosineAnnealingLR: totalSteps must be an integer ≥ 6, got 5'],
  ['CosineAnnealingLR with a negative minLr', () => new CosineAnnealingLR(p(), { tMax: 5, minLr: -1 }), 'CosineAnnealingLR: minLr must be a finite number ≥ 0, got -1'],
  ['ReduceLROnPlateau with factor 1', () => new ReduceLROnPlateau(p(), { factor: 1 }), 'ReduceLROnPlateau: factor must be below 1 (it multiplies the lr), got 1'],
  ['ReduceLROnPlateau with a fractional patience', () => new ReduceLROnPlateau(p(), { patience: 0.5 }), 'ReduceLROnPlateau: patience must be an integer ≥ 0, got 0.5'],
  ['ReduceLROnPlateau.step without a metric', () => new ReduceLROnPlateau(p()).step(), 'ReduceLROnPlateau.step: pass the metric it watches, e.g. scheduler.step(valLoss)'],
];
for (const [what, make, message] of invalid) {
  test(`the schedulers refuse ${what} with a ValueError`, () => {
    assert.throws(make, (e: unknown) => e instanceof ValueError && e.message === message);
  });
}

test('a scheduler is an LRScheduler', () => {
  assert.ok(new StepLR(p(), { stepSize: 1 }) instanceof LRScheduler);
  assert.ok(new ReduceLROnPlateau(p()) instanceof LRScheduler);
});
