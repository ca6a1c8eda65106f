// A run with BatchNorm and Dropout saved and resumed: the model file carries the buffers
// (running statistics), the checkpoint the random state (default and per-layer generators), so
// 2 epochs + resume 2 end bit-identical to 4 epochs uninterrupted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  BatchNorm1d,
  Dropout,
  Generator,
  Linear,
  ModelFileError,
  ReLU,
  SGD,
  Sequential,
  checkpoint,
  fit,
  load,
  loadFromText,
  loadRandomState,
  manualSeed,
  modelFileText,
  mse,
  predict,
  randn,
  randomState,
  save,
  type Module,
  ValueError,
} from '../../src/index.js';
import { crc32 } from '../../src/io/crc32.js';

const g = new Generator(42);
const x = randn([40, 4], { generator: g });
const y = randn([40, 1], { generator: g });

function build(): Sequential {
  // Dropout(0.3) draws from the default generator, Dropout(0.2, seed) from its own.
  return new Sequential(new Linear(4, 6, { seed: 1 }), new BatchNorm1d(6), new ReLU(), new Dropout(0.3), new Linear(6, 6, { seed: 2 }), new Dropout(0.2, { seed: 5 }), new Linear(6, 1, { seed: 3 }));
}

const options = (model: Module, optimizer: SGD) => ({ loss: mse, optimizer, epochs: 4, batchSize: 8, seed: 9, validation: 0.2 });
const state = (model: Module) => Object.entries(model.stateDict()).map(([name, t]) => [name, Array.from(t.data())] as const);

test('checkpoint resume with BatchNorm and Dropout is bit-identical: 4 epochs vs 2 + resume 2 (parameters and buffers)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-resume-bn-'));
  manualSeed(123);
  const full = build();
  const fullOpt = new SGD(full.parameters(), { lr: 0.05, momentum: 0.9 });
  const fullHistory = fit(full, { x, y }, { ...options(full, fullOpt), callbacks: [checkpoint({ path: join(dir, 'ckpt-{epoch}.json'), every: 2 })] });

  const resume = (restoreRandom: boolean) => {
    manualSeed(999); // a new process: the default generator is elsewhere
    const saved = load(join(dir, 'ckpt-2.json'));
    assert.equal(saved.metadata['epochsCompleted'], 2);
    const model = saved.model;
    assert.equal((model as Sequential).at(1) instanceof BatchNorm1d, true);
    assert.notDeepEqual(Array.from(model.stateDict()['1.running_mean']!.data()), [0, 0, 0, 0, 0, 0]);
    const optimizer = new SGD(model.parameters(), { lr: 0.05, momentum: 0.9 });
    optimizer.loadStateDict(saved.optimizerState!);
    if (restoreRandom) loadRandomState(model, saved.metadata['randomState']);
    const history = fit(model, { x, y }, { ...options(model, optimizer), initialEpoch: 2 });
    return { model, history };
  };
  const resumed = resume(true);
  assert.deepEqual(state(resumed.model), state(full));
  assert.deepEqual(resumed.history.loss, fullHistory.loss.slice(2));
  assert.equal((resumed.model.stateDict()['1.num_batches_tracked']!.item()), 4 * 4); // 32 training samples in batches of 8
  // Without the random state the masks differ, and so does the result: the state is what matters.
  assert.notDeepEqual(state(resume(false).model), state(full));
});

test('a model with BatchNorm saved mid-training and reloaded gives identical eval outputs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-bn-save-'));
  manualSeed(5);
  const model = build();
  fit(model, { x, y }, { ...options(model, new SGD(model.parameters(), { lr: 0.05 })), epochs: 2 });
  const path = join(dir, 'model.json');
  save(model, path);
  const loaded = load(path).model;
  assert.deepEqual(state(loaded), state(model));
  assert.deepEqual(Array.from(predict(loaded, x).data()), Array.from(predict(model, x).data()));
  // The buffers do the work: with fresh running statistics the same weights predict otherwise.
  const fresh = build();
  const params = Object.fromEntries(Object.entries(model.stateDict()).filter(([name]) => !name.startsWith('1.running') && !name.startsWith('1.num')));
  fresh.loadStateDict(params, { strict: false });
  assert.notDeepEqual(Array.from(predict(fresh, x).data()), Array.from(predict(model, x).data()));
});

test('a model file without the buffers of its BatchNorm is refused, naming them; one of a model without buffers loads as before', () => {
  const model = new Sequential(new Linear(2, 3, { seed: 0 }), new BatchNorm1d(3));
  const text = modelFileText(model, { timestamp: false });
  const outer = JSON.parse(text) as { payload: string };
  const payload = JSON.parse(outer.payload) as { parameters: Record<string, unknown> };
  assert.deepEqual(Object.keys(payload.parameters), ['0.weight', '0.bias', '1.weight', '1.bias', '1.running_mean', '1.running_var', '1.num_batches_tracked']);
  delete payload.parameters['1.running_var'];
  const legacy = new Sequential(new Linear(2, 3, { seed: 0 }));
  assert.equal(loadFromText('legacy.json', modelFileText(legacy)).model.parameters().length, 2);
  // Re-encoded with a valid checksum, as a writer that knew no buffers would have written it.
  const broken = JSON.stringify({ ...(JSON.parse(text) as object), payload: JSON.stringify(payload), checksum: crc32(JSON.stringify(payload)) }) + '\n';
  assert.throws(() => loadFromText('bn.json', broken), (e: unknown) => e instanceof ModelFileError && /missing '1\.running_var'/.test(e.message));
});

test('loadRandomState refuses a state of another model, and changes nothing then', () => {
  const model = new Sequential(new Dropout(0.5, { seed: 1 }));
  const other = new Sequential(new Linear(1, 1, { seed: 0 }), new Dropout(0.5, { seed: 1 }));
  const before = randomState(model);
  assert.throws(() => loadRandomState(model, randomState(other)), (e: unknown) => e instanceof ValueError && /missing '0\.generator'; unexpected '1\.generator'/.test(e.message));
  assert.throws(() => loadRandomState(model, { default: { words: [0, 0, 0, 0], spareNormal: null }, modules: before.modules }), /Generator\.setState: expected/);
  assert.deepEqual(randomState(model), before);
  assert.throws(() => loadRandomState(model, null), /expected \{ default, modules \}/);
});
