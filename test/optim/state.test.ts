import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, ValueError, type Tensor } from '../../src/index.js';
import {
  Adam,
  createOptimizer,
  CosineAnnealingLR,
  ExponentialLR,
  ReduceLROnPlateau,
  SGD,
  StepLR,
  type LRScheduler,
  type Optimizer,
  type OptimizerState,
  type SchedulerState,
} from '../../src/optim/index.js';
import { assertIdentical, cloneParams, fixture, makeParams, train, values } from './problem.js';

function build(name: string, params: Tensor[], c: (typeof fixture.optimizers)[number]): Optimizer {
  if (c.groupLrs === undefined) return createOptimizer(name, params, c.options);
  const [x, ...rest] = params;
  if (x === undefined) throw new Error('no parameters');
  return createOptimizer(name, [{ params: [x], lr: c.groupLrs[0] ?? 0 }, { params: rest }], c.options);
}

function roundTrip<T>(state: T): T {
  return JSON.parse(JSON.stringify(state)) as T;
}

const STEPS = 8;
for (const c of fixture.optimizers) {
  for (const split of [1, 3, 4]) {
    test(`${c.name} ${JSON.stringify(c.options)}: stateDict → JSON → loadStateDict after ${split} steps resumes bit-identically`, () => {
      const reference = makeParams();
      train(build(c.name, reference, c), reference, 0, STEPS);

      const first = makeParams();
      const opt = build(c.name, first, c);
      train(opt, first, 0, split);
      const state = roundTrip(opt.stateDict());
      const resumed = cloneParams(first);
      const fresh = build(c.name, resumed, c);
      fresh.loadStateDict(state);
      assert.equal(fresh.stepCount, split);
      assert.deepEqual(fresh.stateDict(), opt.stateDict());
      train(fresh, resumed, split, STEPS);
      assertIdentical(values(resumed), values(reference), `${c.name} resumed after ${split}`);
    });
  }
}

test('loadStateDict restores the learning rate and options of each group', () => {
  const params = makeParams();
  const opt = new SGD([{ params: params.slice(0, 1), lr: 0.3 }, { params: params.slice(1) }], { lr: 0.1, momentum: 0.9 });
  opt.lr = 0.02;
  const fresh = new SGD([{ params: params.slice(0, 1) }, { params: params.slice(1) }], { lr: 0.5, momentum: 0.9 });
  fresh.loadStateDict(roundTrip(opt.stateDict()));
  assert.deepEqual(fresh.groups.map((g) => g.options.lr), [0.02, 0.02]);
});

function trained(): { opt: SGD; params: Tensor[]; state: OptimizerState } {
  const params = makeParams();
  const opt = new SGD(params, { lr: 0.1, momentum: 0.9 });
  train(opt, params, 0, 2);
  return { opt, params, state: roundTrip(opt.stateDict()) };
}

const badStates: [string, (s: OptimizerState) => unknown, string][] = [
  ['another optimizer type', (s) => ({ ...s, type: 'Adam' }), 'SGD.loadStateDict: the state is for Adam, not SGD'],
  ['not an object', () => null, 'SGD.loadStateDict: expected a state object from stateDict(), got null'],
  ['a negative step', (s) => ({ ...s, step: -1 }), "SGD.loadStateDict: 'step' must be a non-negative integer, got -1"],
  ['another number of groups', (s) => ({ ...s, groups: [...s.groups, ...s.groups] }), 'SGD.loadStateDict: the state has 2 parameter groups, the optimizer 1'],
  [
    'other options',
    (s) => ({ ...s, groups: [{ lr: 0.1, beta1: 0.9 }] }),
    'SGD.loadStateDict: group 0 has options (beta1, lr), SGD takes (dampening, lr, momentum, nesterov, weightDecay)',
  ],
  [
    'an option of the wrong type',
    (s) => ({ ...s, groups: [{ ...s.groups[0], nesterov: 1 }] }),
    "SGD.loadStateDict: option 'nesterov' of group 0 must be a boolean, got 1",
  ],
  ['an invalid option', (s) => ({ ...s, groups: [{ ...s.groups[0], momentum: -1 }] }), 'SGD.loadStateDict: SGD: momentum must be a non-negative finite number, got -1'],
  [
    'a buffer of the wrong size',
    (s) => ({ ...s, buffers: { ...s.buffers, '0': { momentumBuffer: [1, 2] } } }),
    "SGD.loadStateDict: buffer 'momentumBuffer' of parameter 0 has 2 values, the parameter 3",
  ],
  [
    'buffers for a parameter that does not exist',
    (s) => ({ ...s, buffers: { ...s.buffers, '7': { momentumBuffer: [1] } } }),
    'SGD.loadStateDict: the state has buffers for parameter 7, but there are 3 parameters',
  ],
  [
    'a NaN written as null by JSON',
    (s) => ({ ...s, buffers: { ...s.buffers, '2': { momentumBuffer: [0.5, null] } } }),
    "SGD.loadStateDict: value 1 of buffer 'momentumBuffer' of parameter 2 is null, not a number (a NaN or infinity written as JSON?)",
  ],
  [
    'buffers without an update count',
    (s) => ({ ...s, steps: { '0': 2, '1': 2 } }),
    "SGD.loadStateDict: parameter 2 has buffers but no update count in 'steps'",
  ],
  ['a missing steps record', (s) => ({ ...s, steps: undefined }), "SGD.loadStateDict: 'steps' must be an object of per-parameter update counts"],
];
for (const [what, edit, message] of badStates) {
  test(`Optimizer.loadStateDict refuses a state with ${what}, changing nothing`, () => {
    const { state } = trained();
    const { opt } = trained();
    const before = opt.stateDict();
    const bad: unknown = edit(state);
    assert.throws(() => opt.loadStateDict(bad as OptimizerState), (e: unknown) => e instanceof ValueError && e.message === message);
    assert.deepEqual(opt.stateDict(), before);
  });
}

test('Adam.loadStateDict refuses an SGD state', () => {
  const { state } = trained();
  const opt = new Adam(makeParams());
  assert.throws(() => opt.loadStateDict(state), { name: 'ValueError', message: 'Adam.loadStateDict: the state is for SGD, not Adam' });
});

// ---- schedulers ---------------------------------------------------------------------------

type Make = (opt: Optimizer) => LRScheduler;
const schedulers: [string, Make, boolean][] = [
  ['StepLR', (o) => new StepLR(o, { stepSize: 3, gamma: 0.5 }), false],
  ['ExponentialLR', (o) => new ExponentialLR(o, { gamma: 0.9 }), false],
  ['CosineAnnealingLR', (o) => new CosineAnnealingLR(o, { totalSteps: 20, warmupSteps: 4, minLr: 0.001 }), false],
  ['ReduceLROnPlateau', (o) => new ReduceLROnPlateau(o, { patience: 1, factor: 0.5, cooldown: 1 }), true],
];
const metrics = fixture.schedulers.metrics;

/** Trains the problem one step per epoch from `from` to `to`, stepping the scheduler after each. */
function epochs(opt: Optimizer, params: Tensor[], sched: LRScheduler, plateau: boolean, from: number, to: number, lrs: number[][]): void {
  for (let e = from; e < to; e++) {
    train(opt, params, e, e + 1);
    if (plateau) sched.step(metrics[e] ?? 0);
    else sched.step();
    lrs.push(sched.getLastLr());
  }
}

for (const [name, make, plateau] of schedulers) {
  test(`${name}: optimizer and scheduler stateDict → JSON → loadStateDict resume bit-identically`, () => {
    const reference = makeParams();
    const refOpt = new Adam([{ params: reference.slice(0, 1), lr: 0.05 }, { params: reference.slice(1) }], { lr: 0.02 });
    const refLrs: number[][] = [];
    epochs(refOpt, reference, make(refOpt), plateau, 0, 24, refLrs);

    const first = makeParams();
    const opt = new Adam([{ params: first.slice(0, 1), lr: 0.05 }, { params: first.slice(1) }], { lr: 0.02 });
    const sched = make(opt);
    const lrs: number[][] = [];
    epochs(opt, first, sched, plateau, 0, 11, lrs);
    const saved = roundTrip({ optimizer: opt.stateDict(), scheduler: sched.stateDict() });

    const resumed = cloneParams(first);
    const freshOpt = new Adam([{ params: resumed.slice(0, 1), lr: 0.05 }, { params: resumed.slice(1) }], { lr: 0.02 });
    const freshSched = make(freshOpt);
    freshOpt.loadStateDict(saved.optimizer);
    freshSched.loadStateDict(saved.scheduler);
    assert.deepEqual(freshSched.stateDict(), sched.stateDict());
    assert.deepEqual(freshSched.getLastLr(), sched.getLastLr());
    epochs(freshOpt, resumed, freshSched, plateau, 11, 24, lrs);
    assertIdentical(lrs, refLrs, `${name} lrs`);
    assertIdentical(values(resumed), values(reference), `${name} parameters`);
  });
}

test('a scheduler loadStateDict alone sets the optimizer lr and restores the options', () => {
  const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
  const sched = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
  for (let i = 0; i < 5; i++) sched.step();
  const state = roundTrip(sched.stateDict());
  const opt2 = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
  const sched2 = new StepLR(opt2, { stepSize: 7 });
  sched2.loadStateDict(state);
  assert.equal(opt2.lr, 0.025);
  assert.equal(sched2.lastEpoch, 5);
  sched2.step();
  assert.deepEqual(sched2.getLastLr(), [0.0125]);
});

test('ReduceLROnPlateau saves an infinite best metric as a string that survives JSON', () => {
  const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
  const fresh = new ReduceLROnPlateau(opt, { mode: 'max' });
  assert.deepEqual(fresh.stateDict().counters, { best: '-Infinity', numBadEpochs: 0, cooldownCounter: 0 });
  const other = new ReduceLROnPlateau(opt, { mode: 'max' });
  other.step(3);
  other.loadStateDict(roundTrip(fresh.stateDict()));
  other.step(-1e300); // better than -Infinity: not a bad epoch
  assert.deepEqual(other.stateDict().counters, { best: -1e300, numBadEpochs: 0, cooldownCounter: 0 });
});

function schedState(): SchedulerState {
  const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
  const sched = new ReduceLROnPlateau(opt, { patience: 2 });
  sched.step(1);
  return roundTrip(sched.stateDict());
}

const badSchedulerStates: [string, (s: SchedulerState) => unknown, string][] = [
  ['another scheduler type', (s) => ({ ...s, type: 'StepLR' }), 'ReduceLROnPlateau.loadStateDict: the state is for StepLR, not ReduceLROnPlateau'],
  ['not an object', () => 'state', 'ReduceLROnPlateau.loadStateDict: expected a state object from stateDict(), got string'],
  ['a fractional epoch', (s) => ({ ...s, lastEpoch: 1.5 }), "ReduceLROnPlateau.loadStateDict: 'lastEpoch' must be a non-negative integer, got 1.5"],
  ['lrs for two groups', (s) => ({ ...s, baseLrs: [0.1, 0.1], lastLrs: [0.1, 0.1] }), 'ReduceLROnPlateau.loadStateDict: the state has learning rates for 2 parameter groups, the optimizer has 1'],
  ['a null lr', (s) => ({ ...s, lastLrs: [null] }), "ReduceLROnPlateau.loadStateDict: 'baseLrs' and 'lastLrs' must be arrays of finite numbers"],
  [
    'other options',
    (s) => ({ ...s, options: { stepSize: 2, gamma: 0.1 } }),
    'ReduceLROnPlateau.loadStateDict: the state has options (gamma, stepSize), ReduceLROnPlateau takes (cooldown, eps, factor, minLr, mode, patience, threshold, thresholdMode)',
  ],
  ['an invalid option', (s) => ({ ...s, options: { ...s.options, mode: 'lowest' } }), "ReduceLROnPlateau.loadStateDict: ReduceLROnPlateau: mode must be 'min' or 'max', got lowest"],
  ['an invalid counter', (s) => ({ ...s, counters: { ...s.counters, numBadEpochs: -1 } }), 'ReduceLROnPlateau.loadStateDict: ReduceLROnPlateau: numBadEpochs must be an integer ≥ 0, got -1'],
];
for (const [what, edit, message] of badSchedulerStates) {
  test(`LRScheduler.loadStateDict refuses a state with ${what}, changing nothing`, () => {
    const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
    const sched = new ReduceLROnPlateau(opt, { patience: 2 });
    sched.step(1);
    sched.step(2);
    const before = sched.stateDict();
    const bad: unknown = edit(schedState());
    assert.throws(() => sched.loadStateDict(bad as SchedulerState), (e: unknown) => e instanceof ValueError && e.message === message);
    assert.deepEqual(sched.stateDict(), before);
    assert.equal(opt.lr, 0.1);
  });
}

test('states saved before the stable type names (tagged with the class name) still load', () => {
  // As the previous code wrote them, after one step of sum(w²) from w = [1, 2] with lr 0.1.
  const sgdState = '{"type":"SGD","step":1,"groups":[{"lr":0.1,"momentum":0.9,"dampening":0,"nesterov":false,"weightDecay":0}],"steps":{"0":1},"buffers":{"0":{"momentumBuffer":[2,4]}}}';
  const adamState = '{"type":"Adam","step":1,"groups":[{"lr":0.1,"beta1":0.9,"beta2":0.999,"eps":1e-8,"weightDecay":0,"amsgrad":false}],"steps":{"0":1},"buffers":{"0":{"expAvg":[0.19999999999999996,0.3999999999999999],"expAvgSq":[0.0040000000000000036,0.016000000000000014]}}}';
  const stepState = '{"type":"StepLR","lastEpoch":1,"baseLrs":[0.1],"lastLrs":[0.1],"options":{"stepSize":2,"gamma":0.5},"counters":{}}';
  const runs: [string, (w: Tensor) => Optimizer][] = [
    [sgdState, (w) => new SGD([w], { lr: 0.1, momentum: 0.9 })],
    [adamState, (w) => new Adam([w], { lr: 0.1 })],
  ];
  for (const [saved, make] of runs) {
    const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
    const reference = make(w);
    const stepOnce = (opt: Optimizer, p: Tensor): void => {
      opt.zeroGrad();
      p.square().sum().backward();
      opt.step();
    };
    stepOnce(reference, w);
    assert.deepEqual(reference.stateDict(), JSON.parse(saved));
    const restored = make(tensor(w, { dtype: 'float64', requiresGrad: true }));
    restored.loadStateDict(JSON.parse(saved) as OptimizerState);
    const [p] = restored.params();
    if (p === undefined) throw new Error('no parameter');
    stepOnce(reference, w);
    stepOnce(restored, p);
    assert.deepEqual(Array.from(p._data), Array.from(w._data));
  }
  const sched = new StepLR(new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 }), { stepSize: 2, gamma: 0.5 });
  sched.loadStateDict(JSON.parse(stepState) as SchedulerState);
  sched.step();
  assert.deepEqual(sched.getLastLr(), [0.05]);
});
