// Per-group options: every option an optimizer takes may be set per parameter group, over the
// constructor's options, as in PyTorch; a name it does not take is an error, not ignored.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, ValueError, type Tensor } from '../../src/index.js';
import {
  Adagrad,
  Adam,
  AdamW,
  createOptimizer,
  RMSprop,
  SGD,
  type AdagradOptions,
  type AdamOptions,
  type Optimizer,
  type OptimizerState,
  type ParamGroupSpec,
  type RMSpropOptions,
  type SGDOptions,
} from '../../src/optim/index.js';
import { assertIdentical, values } from './problem.js';

const f64 = { dtype: 'float64', requiresGrad: true } as const;

/** Two parameters and a loss that is a sum of one term per parameter, so their updates are independent. */
function makeA(): Tensor {
  return tensor([0.7, -1.2, 0.3], f64);
}
function makeB(): Tensor {
  return tensor([[0.5, -0.25], [1.5, 2]], f64);
}
function lossA(a: Tensor): Tensor {
  return a.sub(0.2).square().sum().add(a.tanh().sum());
}
function lossB(b: Tensor): Tensor {
  return b.mul(b.sin()).sum().add(b.square().sum().mul(0.1));
}

function run(opt: Optimizer, loss: () => Tensor, steps: number): void {
  for (let k = 0; k < steps; k++) {
    opt.zeroGrad();
    loss().backward();
    opt.step();
  }
}

interface Case<O extends object> {
  readonly name: string;
  readonly make: (params: readonly Tensor[] | readonly ({ readonly params: readonly Tensor[] } & O)[], options: O) => Optimizer;
  readonly defaults: O;
  /** The options of the groups of a and b: each differs from the defaults in every option it sets. */
  readonly a: O;
  readonly b: O;
}

const STEPS = 6;

function checkCase<O extends object>(c: Case<O>): void {
  test(`${c.name}: a two-group run equals two single-group runs with each group's options (${JSON.stringify(c.a)}, ${JSON.stringify(c.b)})`, () => {
    const [a, b] = [makeA(), makeB()];
    const grouped = c.make([{ params: [a], ...c.a }, { params: [b], ...c.b }], c.defaults);
    run(grouped, () => lossA(a).add(lossB(b)), STEPS);

    const [a1, b1] = [makeA(), makeB()];
    run(c.make([a1], { ...c.defaults, ...c.a }), () => lossA(a1), STEPS);
    run(c.make([b1], { ...c.defaults, ...c.b }), () => lossB(b1), STEPS);
    assertIdentical(values([a, b]), values([a1, b1]), `${c.name} grouped vs single`);

    // And the group options did something: with the defaults alone the run differs.
    const [a0, b0] = [makeA(), makeB()];
    run(c.make([a0, b0], c.defaults), () => lossA(a0).add(lossB(b0)), STEPS);
    assert.notDeepEqual(values([a]), values([a0]), `${c.name}: group a's options changed nothing`);
    assert.notDeepEqual(values([b]), values([b0]), `${c.name}: group b's options changed nothing`);
  });

  test(`${c.name}: the state keeps each group's options and resumes bit-identically`, () => {
    const [a, b] = [makeA(), makeB()];
    const opt = c.make([{ params: [a], ...c.a }, { params: [b], ...c.b }], c.defaults);
    const loss = (x: Tensor, y: Tensor) => (): Tensor => lossA(x).add(lossB(y));
    run(opt, loss(a, b), 3);
    const state: OptimizerState = JSON.parse(JSON.stringify(opt.stateDict())) as OptimizerState;
    assert.deepEqual(state.groups, opt.groups.map((g) => g.options));
    assert.notDeepEqual(state.groups[0], state.groups[1]);

    // Restored into an optimizer made with the groups' options swapped: the saved ones win, as in PyTorch.
    const [a2, b2] = [tensor(a, f64), tensor(b, f64)];
    const fresh = c.make([{ params: [a2], ...c.b }, { params: [b2], ...c.a }], c.defaults);
    fresh.loadStateDict(state);
    assert.deepEqual(fresh.stateDict(), opt.stateDict());
    run(opt, loss(a, b), 3);
    run(fresh, loss(a2, b2), 3);
    assertIdentical(values([a2, b2]), values([a, b]), `${c.name} resumed`);
  });
}

checkCase<SGDOptions>({
  name: 'SGD',
  make: (p, o) => new SGD(p, o),
  defaults: { lr: 0.05, momentum: 0.9 },
  a: { lr: 0.02, weightDecay: 0.3, nesterov: true },
  b: { momentum: 0.5, dampening: 0.25 },
});
checkCase<AdamOptions>({
  name: 'Adam',
  make: (p, o) => new Adam(p, o),
  defaults: { lr: 0.05 },
  a: { betas: [0.8, 0.99], weightDecay: 0.2, amsgrad: true },
  b: { lr: 0.01, eps: 1e-2 },
});
checkCase<AdamOptions>({
  name: 'AdamW',
  make: (p, o) => new AdamW(p, o),
  defaults: { lr: 0.05, weightDecay: 0.1 },
  a: { weightDecay: 0.5, amsgrad: true },
  b: { weightDecay: 0, betas: [0.5, 0.9], eps: 1e-3 },
});
checkCase<RMSpropOptions>({
  name: 'RMSprop',
  make: (p, o) => new RMSprop(p, o),
  defaults: { lr: 0.01 },
  a: { alpha: 0.9, centered: true, momentum: 0.5 },
  b: { lr: 0.03, eps: 1e-3, weightDecay: 0.2 },
});
checkCase<AdagradOptions>({
  name: 'Adagrad',
  make: (p, o) => new Adagrad(p, o),
  defaults: { lr: 0.1 },
  a: { lrDecay: 0.1, initialAccumulatorValue: 0.5 },
  b: { weightDecay: 0.3, eps: 1e-2 },
});

test('AdamW decays each group by its own weightDecay (one step with a zero gradient: a = 1 − lr·0.5, b = 1)', () => {
  const a = tensor([1], f64);
  const b = tensor([1], f64);
  const opt = new AdamW([{ params: [a], weightDecay: 0.5 }, { params: [b], weightDecay: 0 }], { lr: 0.1 });
  a.add(b).mul(0).sum().backward();
  opt.step();
  assert.deepEqual([a.item(), b.item()], [0.95, 1]);
  assert.deepEqual(opt.groups.map((g) => g.options.weightDecay), [0.5, 0]);
});

test('createOptimizer passes each group its own options', () => {
  const [a, b] = [tensor([1, 2], f64), tensor([3], f64)];
  const opt = createOptimizer('rmsprop', [{ params: [a], centered: true }, { params: [b], momentum: 0.9 }], { lr: 0.01, alpha: 0.9 });
  assert.deepEqual(
    opt.groups.map((g) => g.options),
    [
      { lr: 0.01, alpha: 0.9, eps: 1e-8, weightDecay: 0, momentum: 0, centered: true },
      { lr: 0.01, alpha: 0.9, eps: 1e-8, weightDecay: 0, momentum: 0.9, centered: false },
    ],
  );
});

type SGDGroup = ParamGroupSpec<SGDOptions>;
type AdamGroup = ParamGroupSpec<AdamOptions>;

// Options as they may come from JavaScript or a config file: typed code cannot misspell them.
const misspelt = { lr: 0.1, weightdecay: 0.5 };
const aGroup = { params: [tensor([1], f64)] };
const misspeltGroup = { params: [tensor([2], f64)], weightdecay: 0.5 };
const wrongType: SGDGroup = { params: [tensor([1], f64)] };
Reflect.set(wrongType, 'nesterov', 1);
const badBetas: AdamGroup = { params: [tensor([1], f64)] };
Reflect.set(badBetas, 'betas', [0.9]);
const refused: [string, () => unknown, string][] = [
  ['a misspelt constructor option', () => new AdamW([tensor([1], f64)], misspelt), "AdamW: unknown option 'weightdecay' (options: lr, betas, eps, weightDecay, amsgrad)"],
  ['a misspelt group option', () => new AdamW([aGroup, misspeltGroup], { lr: 0.1 }), "AdamW: unknown option 'weightdecay' in parameter group 1 (options: lr, betas, eps, weightDecay, amsgrad)"],
  ['an option another optimizer takes, in a group', () => new SGD([{ ...aGroup, ...{ betas: [0.9, 0.99] } }]), "SGD: unknown option 'betas' in parameter group 0 (options: lr, momentum, dampening, nesterov, weightDecay)"],
  ['a group option of the wrong type', () => new SGD([wrongType], { momentum: 0.9 }), "SGD: option 'nesterov' in parameter group 0 must be a boolean, got 1"],
  ['group betas that are not two numbers', () => new Adam([badBetas]), "Adam: option 'betas' in parameter group 0 must be two numbers, got [0.9]"],
  ['an invalid group option', () => new Adam([{ params: [tensor([1], f64)], betas: [1, 0.999] }]), 'Adam: betas[0] must be in [0, 1), got 1'],
  ['Nesterov without momentum in one group', () => new SGD([{ ...aGroup }, { params: [tensor([2], f64)], nesterov: true }], { lr: 0.1 }), 'SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum 0 and dampening 0'],
  ['a misspelt group option through createOptimizer', () => createOptimizer('adagrad', [misspeltGroup]), "Adagrad: unknown option 'weightdecay' in parameter group 0 (options: lr, lrDecay, weightDecay, initialAccumulatorValue, eps)"],
];
for (const [what, make, message] of refused) {
  test(`the optimizers refuse ${what} with a ValueError naming it`, () => {
    assert.throws(make, (e: unknown) => e instanceof ValueError && e.message === message);
  });
}

test('the constructor options are checked even when every group overrides them (as PyTorch checks its defaults)', () => {
  const p = () => tensor([1], { requiresGrad: true });
  assert.throws(() => new SGD([{ params: [p()], momentum: 0.9 }], { momentum: -1 }), (e: unknown) => e instanceof ValueError && /SGD: momentum/.test(e.message));
  assert.throws(() => new SGD([{ params: [p()], momentum: 0.9 }], { nesterov: true }), (e: unknown) => e instanceof ValueError && /Nesterov/.test(e.message));
  const oneBeta: AdamOptions = JSON.parse('{"betas": [0.9]}') as AdamOptions;
  assert.throws(() => new Adam([p()], oneBeta), (e: unknown) => e instanceof ValueError && e.message.includes('got [0.9]'));
});
