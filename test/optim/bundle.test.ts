// Optimizer and scheduler states saved by minified code (as in the playground's Vite bundle, where
// SGD is a class with a one-letter name) carry stable type names, and load in the unbundled library,
// and the other way round. The library's sources are bundled here with Vite, minification on.
import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build } from 'vite';
import * as dist from '../../src/index.js';
import type { LRScheduler, Optimizer, OptimizerState, SchedulerState, Tensor } from '../../src/index.js';

const EXPORTS = ['tensor', 'SGD', 'Adam', 'AdamW', 'RMSprop', 'Adagrad', 'StepLR', 'ExponentialLR', 'CosineAnnealingLR', 'ReduceLROnPlateau'] as const;
type Lib = Pick<typeof dist, (typeof EXPORTS)[number]>;

// Compiled to dist/test/optim/bundle.test.js: the repository root is three levels up.
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

let bundled: Lib | undefined;
function lib(): Lib {
  if (bundled === undefined) throw new Error('the bundle was not built');
  return bundled;
}

before(async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-bundle-'));
  try {
    const entry = join(dir, 'entry.ts');
    writeFileSync(entry, `export { ${EXPORTS.join(', ')} } from ${JSON.stringify(join(ROOT, 'src', 'index.ts'))};\n`);
    const result = await build({
      configFile: false,
      logLevel: 'silent',
      root: dir,
      build: { write: false, minify: true, target: 'es2022', lib: { entry, formats: ['es'], fileName: 'bundle' } },
    });
    const output = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
    const chunk = output.find((o) => o.type === 'chunk');
    if (chunk === undefined || chunk.type !== 'chunk') throw new Error('vite produced no chunk');
    const file = join(dir, 'bundle.mjs');
    writeFileSync(file, chunk.code);
    bundled = await import(pathToFileURL(file).href);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

type MakeOptimizer = (l: Lib, params: Tensor[]) => Optimizer;
const optimizers: [string, MakeOptimizer][] = [
  ['SGD', (l, [a, b]) => new l.SGD([{ params: [a ?? l.tensor(0)], nesterov: true }, { params: [b ?? l.tensor(0)], lr: 0.05 }], { lr: 0.1, momentum: 0.9 })],
  ['Adam', (l, [a, b]) => new l.Adam([{ params: [a ?? l.tensor(0)], amsgrad: true }, { params: [b ?? l.tensor(0)], betas: [0.8, 0.9] }], { lr: 0.1 })],
  ['AdamW', (l, [a, b]) => new l.AdamW([{ params: [a ?? l.tensor(0)], weightDecay: 0.5 }, { params: [b ?? l.tensor(0)], weightDecay: 0 }], { lr: 0.1 })],
  ['RMSprop', (l, [a, b]) => new l.RMSprop([{ params: [a ?? l.tensor(0)], centered: true }, { params: [b ?? l.tensor(0)], momentum: 0.5 }], { lr: 0.01 })],
  ['Adagrad', (l, [a, b]) => new l.Adagrad([{ params: [a ?? l.tensor(0)], lrDecay: 0.1 }, { params: [b ?? l.tensor(0)], initialAccumulatorValue: 0.5 }], { lr: 0.1 })],
];

type MakeScheduler = (l: Lib, opt: Optimizer) => LRScheduler;
const schedulers: [string, MakeScheduler][] = [
  ['StepLR', (l, o) => new l.StepLR(o, { stepSize: 2, gamma: 0.5 })],
  ['ExponentialLR', (l, o) => new l.ExponentialLR(o, { gamma: 0.9 })],
  ['CosineAnnealingLR', (l, o) => new l.CosineAnnealingLR(o, { totalSteps: 10, warmupSteps: 2 })],
  ['ReduceLROnPlateau', (l, o) => new l.ReduceLROnPlateau(o, { patience: 0, factor: 0.5 })],
];

function params(l: Lib, from?: readonly Tensor[]): Tensor[] {
  const init = from?.map((p) => Array.from(p._data)) ?? [[0.7, -1.2, 0.3], [0.5, 2]];
  return init.map((v) => l.tensor(v, { dtype: 'float64', requiresGrad: true }));
}

function train(opt: Optimizer, ps: readonly Tensor[], steps: number): void {
  for (let k = 0; k < steps; k++) {
    opt.zeroGrad();
    let loss: Tensor | null = null;
    for (const p of ps) {
      const term = p.mul(p.sin()).sum();
      loss = loss === null ? term : loss.add(term);
    }
    loss?.backward();
    opt.step();
  }
}

function json<T>(state: T): T {
  return JSON.parse(JSON.stringify(state)) as T;
}

function flat(ps: readonly Tensor[]): number[][] {
  return ps.map((p) => Array.from(p._data));
}

test('the bundle really is minified: its classes have other names', () => {
  const l = lib();
  for (const name of EXPORTS.slice(1)) assert.notEqual(l[name].name, name, `${name} kept its name in the bundle`);
});

for (const [name, make] of optimizers) {
  for (const [from, to] of [['bundle', 'dist'], ['dist', 'bundle']] as const) {
    test(`${name}: a state saved by the ${from} code is tagged '${name}' and resumes in the ${to} code bit-identically`, () => {
      const [saver, loader] = from === 'bundle' ? [lib(), dist] : [dist, lib()];
      const ps = params(saver);
      const opt = make(saver, ps);
      train(opt, ps, 3);
      const state: OptimizerState = json(opt.stateDict());
      assert.equal(state.type, name);
      assert.equal(opt.typeName, name);

      const resumed = params(loader, ps);
      const fresh = make(loader, resumed);
      fresh.loadStateDict(state);
      assert.deepEqual(fresh.stateDict(), opt.stateDict());
      train(opt, ps, 3);
      train(fresh, resumed, 3);
      assert.deepEqual(flat(resumed), flat(ps));
    });
  }
}

for (const [name, make] of schedulers) {
  for (const [from, to] of [['bundle', 'dist'], ['dist', 'bundle']] as const) {
    test(`${name}: a state saved by the ${from} code is tagged '${name}' and loads in the ${to} code`, () => {
      const [saver, loader] = from === 'bundle' ? [lib(), dist] : [dist, lib()];
      const opt = new saver.SGD(params(saver), { lr: 0.1 });
      const sched = make(saver, opt);
      for (const metric of [1, 2, 3, 4]) sched.step(metric);
      const state: SchedulerState = json(sched.stateDict());
      assert.equal(state.type, name);

      const freshOpt = new loader.SGD(params(loader), { lr: 0.1 });
      const fresh = make(loader, freshOpt);
      fresh.loadStateDict(state);
      assert.deepEqual(fresh.stateDict(), sched.stateDict());
      assert.deepEqual(freshOpt.groups.map((g) => g.options.lr), opt.groups.map((g) => g.options.lr));
    });
  }
}

test('the bundled code names the stable types in its messages', () => {
  const l = lib();
  const adam = new l.Adam(params(l));
  const sgd = new l.SGD(params(l));
  assert.throws(() => sgd.loadStateDict(adam.stateDict()), { name: 'ValueError', message: 'SGD.loadStateDict: the state is for Adam, not SGD' });
  assert.throws(() => new l.AdamW(params(l), { lr: -1 }), { message: 'AdamW: lr must be a non-negative finite number, got -1' });
  const step = new l.StepLR(sgd, { stepSize: 1 });
  assert.throws(() => step.loadStateDict(new l.ExponentialLR(sgd, { gamma: 0.5 }).stateDict()), { message: 'StepLR.loadStateDict: the state is for ExponentialLR, not StepLR' });
});
