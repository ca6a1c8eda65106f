import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  Adam,
  DataLoader,
  History,
  SGD,
  StepLR,
  ReduceLROnPlateau,
  bceWithLogits,
  checkpoint,
  circles,
  crossEntropy,
  earlyStopping,
  evaluate,
  fit,
  halfSquaredError,
  load,
  mlp,
  mse,
  predict,
  progress,
  spirals,
  tensor,
  blobs,
  xor,
  gradNorm,
  TensorDataset,
  ValueError,
  zeros,
  type Callback,
  type EpochLog,
  type SchedulerState,
} from '../../src/index.js';

const withoutTimes = (h: History) => h.epochs.map(({ time, ...rest }) => (assert.ok(time >= 0), rest));

function run(seed: number, epochs = 6) {
  const model = mlp([2, 8, 8, 1], { activation: 'tanh', seed });
  const optimizer = new Adam(model.parameters(), { lr: 0.02 });
  const history = fit(model, circles({ n: 120, seed }), {
    loss: bceWithLogits,
    optimizer,
    epochs,
    batchSize: 16,
    seed,
    validation: 0.25,
    metrics: ['accuracy'],
    logits: true,
  });
  return { model, optimizer, history };
}

test('fit is reproducible: the same seed gives a bit-identical History and weights', () => {
  const a = run(7);
  const b = run(7);
  assert.deepEqual(withoutTimes(a.history), withoutTimes(b.history));
  assert.deepEqual(a.model.parameters().map((p) => Array.from(p.data())), b.model.parameters().map((p) => Array.from(p.data())));
  // A different seed is a different run.
  const c = run(8);
  assert.notDeepEqual(withoutTimes(a.history), withoutTimes(c.history));
});

test('History records loss, gradient norm, lr, accuracy, validation metrics and time per epoch', () => {
  const { history } = run(1, 5);
  assert.equal(history.epochs.length, 5);
  assert.deepEqual(history.epochs.map((e) => e.epoch), [0, 1, 2, 3, 4]);
  assert.deepEqual(history.metricNames(), ['accuracy', 'valLoss', 'valAccuracy']);
  for (const e of history.epochs) {
    assert.ok(e.loss > 0 && Number.isFinite(e.loss));
    assert.ok(e.gradNorm > 0);
    assert.equal(e.lr, 0.02);
    assert.ok(e.metrics['accuracy']! >= 0 && e.metrics['accuracy']! <= 1);
  }
  assert.ok(history.loss[4]! < history.loss[0]!, `loss falls: ${history.loss}`);
  const csv = history.toCsv().trim().split('\n');
  assert.equal(csv[0], 'epoch,loss,gradNorm,lr,time,accuracy,valLoss,valAccuracy');
  assert.equal(csv.length, 6);
  assert.equal(Number(csv[1]!.split(',')[1]), history.loss[0]);
});

test('the epoch loss is the sample-weighted mean of the batch losses; gradNorm the mean of the batch norms', () => {
  const model = mlp([2, 3, 1], { seed: 0, dtype: 'float64' });
  const data = xor({ n: 10, seed: 0, dtype: 'float64' });
  const batchLosses: [number, number][] = [];
  const norms: number[] = [];
  const history = fit(model, new DataLoader(data, { batchSize: 4, shuffle: false }), {
    loss: mse,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    epochs: 1,
    callbacks: [{ onBatchEnd: (l) => void (batchLosses.push([l.loss, l.size]), norms.push(l.gradNorm)) }],
  });
  assert.deepEqual(batchLosses.map(([, s]) => s), [4, 4, 2]);
  const expected = batchLosses.reduce((a, [l, s]) => a + l * s, 0) / 10;
  assert.ok(Math.abs(history.loss[0]! - expected) < 1e-15);
  assert.ok(Math.abs(history.gradNorm[0]! - (norms[0]! + norms[1]! + norms[2]!) / 3) < 1e-15);
});

test('the tutorial network trained with fit matches the reference program step for step', () => {
  // Built from nn, halfSquaredError, SGD and fit: y = w2·σ(w1·x + b1) + b2.
  const net = mlp([1, 1, 1], { activation: 'sigmoid', dtype: 'float64', seed: 0 });
  net.loadStateDict({
    '0.weight': tensor([[0.4]], { dtype: 'float64' }),
    '0.bias': tensor([0.1], { dtype: 'float64' }),
    '2.weight': tensor([[0.3]], { dtype: 'float64' }),
    '2.bias': tensor([0.2], { dtype: 'float64' }),
  });
  const history = fit(net, { x: tensor([[0.5]], { dtype: 'float64' }), y: tensor([[0.6]], { dtype: 'float64' }) }, {
    loss: halfSquaredError,
    optimizer: new SGD(net.parameters(), { lr: 0.1 }),
    epochs: 60,
    batchSize: 1,
  });
  let [w1, b1, w2, b2] = [0.4, 0.1, 0.3, 0.2];
  for (let epoch = 0; epoch < 60; epoch++) {
    const h = 1 / (1 + Math.exp(-(w1 * 0.5 + b1)));
    const y = w2 * h + b2;
    const dy = y - 0.6;
    const dz = dy * w2 * h * (1 - h);
    assert.ok(Math.abs(history.loss[epoch]! - 0.5 * dy * dy) < 1e-15, `epoch ${epoch} loss`);
    assert.ok(Math.abs(history.gradNorm[epoch]! - Math.hypot(dz * 0.5, dz, dy * h, dy)) < 1e-14, `epoch ${epoch} gradNorm`);
    [w1, b1, w2, b2] = [w1 - 0.1 * dz * 0.5, b1 - 0.1 * dz, w2 - 0.1 * dy * h, b2 - 0.1 * dy];
  }
  const p = net.parameters().map((t) => t.item());
  assert.deepEqual(p.map((v) => v.toFixed(12)), [w1, b1, w2, b2].map((v) => v.toFixed(12)));
});

test('callbacks run in order: train, epoch and batch begin/end', () => {
  const events: string[] = [];
  const cb: Callback = {
    onTrainBegin: () => void events.push('train<'),
    onEpochBegin: (e) => void events.push(`epoch${e}<`),
    onBatchBegin: (b) => void events.push(`b${b}<`),
    onBatchEnd: (l) => void events.push(`b${l.batch}>`),
    onEpochEnd: (log) => void events.push(`epoch${log.epoch}>`),
    onTrainEnd: () => void events.push('train>'),
  };
  const model = mlp([2, 2, 1], { seed: 0 });
  fit(model, xor({ n: 6, seed: 0 }), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 2, batchSize: 4, callbacks: [cb] });
  assert.deepEqual(events, ['train<', 'epoch0<', 'b0<', 'b0>', 'b1<', 'b1>', 'epoch0>', 'epoch1<', 'b0<', 'b0>', 'b1<', 'b1>', 'epoch1>', 'train>']);
});

test('earlyStopping stops when the monitored value stops improving, and says so in the History', () => {
  const model = mlp([2, 4, 1], { seed: 0 });
  // lr 0 never improves: the validation loss is constant after the first epoch.
  const history = fit(model, xor({ n: 40, seed: 0 }), {
    loss: mse,
    optimizer: new SGD(model.parameters(), { lr: 0 }),
    epochs: 50,
    validation: 0.25,
    callbacks: [earlyStopping({ patience: 3 })],
  });
  assert.equal(history.epochs.length, 4);
  assert.match(history.stoppedEarly ?? '', /valLoss/);
});

test('a scheduler is stepped once per epoch and the History records each epoch lr', () => {
  const model = mlp([2, 4, 1], { seed: 0 });
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const history = fit(model, xor({ n: 16, seed: 0 }), { loss: mse, optimizer, epochs: 5, scheduler: new StepLR(optimizer, { stepSize: 2, gamma: 0.5 }) });
  assert.deepEqual(history.lr, [0.1, 0.1, 0.05, 0.05, 0.025]);
  // Reduce-on-plateau reads the loss fit passes it.
  const m2 = mlp([2, 4, 1], { seed: 0 });
  const o2 = new SGD(m2.parameters(), { lr: 0 + 0.1 });
  const seen: number[] = [];
  const plateau = new ReduceLROnPlateau(o2, { patience: 0, factor: 0.5 });
  const step = plateau.step.bind(plateau);
  plateau.step = (metric?: number) => (seen.push(metric ?? NaN), step(metric));
  const h2 = fit(m2, xor({ n: 16, seed: 0 }), { loss: mse, optimizer: o2, epochs: 3, scheduler: plateau });
  assert.deepEqual(seen, h2.loss);
});

test('clipNorm clips each batch gradient to the given global norm (the History keeps the norm before clipping)', () => {
  const model = mlp([2, 8, 1], { seed: 0 });
  const after: number[] = [];
  const before: number[] = [];
  const cb: Callback = {
    onBatchEnd: (logs) => {
      before.push(logs.gradNorm);
      after.push(gradNorm(model.parameters()));
    },
  };
  fit(model, xor({ n: 32, seed: 0 }), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.01 }), epochs: 1, clipNorm: 1e-3, callbacks: [cb] });
  assert.ok(before.every((n) => n > 1e-3));
  for (const n of after) assert.ok(Math.abs(n - 1e-3) < 1e-6, `clipped norm ${n}`);
});

test('resuming from a checkpoint gives the same result as training without the interruption', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-resume-'));
  const data = spirals({ n: 200, seed: 3 });
  const options = (model: ReturnType<typeof mlp>, optimizer: Adam) => ({
    loss: bceWithLogits,
    optimizer,
    batchSize: 16,
    seed: 11,
    validation: 0.2,
    metrics: ['accuracy'] as const,
    logits: true,
    scheduler: new StepLR(optimizer, { stepSize: 3, gamma: 0.5 }),
  });
  // Uninterrupted: 10 epochs.
  const full = mlp([2, 16, 1], { activation: 'tanh', seed: 5 });
  const fullOpt = new Adam(full.parameters(), { lr: 0.03 });
  const fullHistory = fit(full, data, { ...options(full, fullOpt), epochs: 10 });
  // Interrupted: 4 epochs with a checkpoint, then a new process would load it and go on.
  const first = mlp([2, 16, 1], { activation: 'tanh', seed: 5 });
  const firstOpt = new Adam(first.parameters(), { lr: 0.03 });
  const path = join(dir, 'ckpt.json');
  fit(first, data, { ...options(first, firstOpt), epochs: 4, callbacks: [checkpoint({ path, every: 2 })] });
  const saved = load(path);
  assert.equal(saved.metadata['epochsCompleted'], 4);
  const resumed = saved.model;
  const resumedOpt = new Adam(resumed.parameters(), { lr: 0.03 });
  assert.ok(saved.optimizerState);
  resumedOpt.loadStateDict(saved.optimizerState);
  const opts = options(resumed as ReturnType<typeof mlp>, resumedOpt);
  // The checkpoint holds the schedule's state too, as PyTorch users save scheduler.state_dict().
  opts.scheduler.loadStateDict(saved.metadata['scheduler'] as SchedulerState);
  assert.equal(resumedOpt.lr, 0.015);
  const rest = fit(resumed, data, { ...opts, epochs: 10, initialEpoch: 4 });
  assert.deepEqual(rest.epochs.map((e) => e.epoch), [4, 5, 6, 7, 8, 9]);
  assert.deepEqual(withoutTimes(rest), withoutTimes(fullHistory).slice(4));
  assert.deepEqual(resumed.parameters().map((p) => Array.from(p.data())), full.parameters().map((p) => Array.from(p.data())));
});

test('checkpoint saves every N epochs and after the last; {epoch} in the path names each file', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-ckpt-'));
  const model = mlp([2, 4, 1], { seed: 0 });
  fit(model, xor({ n: 16, seed: 0 }), {
    loss: mse,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    epochs: 5,
    callbacks: [checkpoint({ path: join(dir, 'ckpt-{epoch}.json'), every: 2 })],
  });
  for (const e of [2, 4, 5]) assert.equal(load(join(dir, `ckpt-${e}.json`)).metadata['epochsCompleted'], e);
  assert.throws(() => load(join(dir, 'ckpt-3.json')), /no such file/);
});

test('progress writes plain lines when not a terminal, and a redrawn bar with ETA on one', () => {
  let plain = '';
  const model = mlp([2, 4, 1], { seed: 0 });
  fit(model, xor({ n: 16, seed: 0 }), {
    loss: mse,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    epochs: 3,
    metrics: ['accuracy'],
    callbacks: [progress({ stream: { write: (s: string) => (plain += s), isTTY: false }, every: 1 })],
  });
  const lines = plain.trim().split('\n');
  assert.equal(lines.length, 3);
  assert.match(lines[0]!, /^epoch 1\/3 - loss \d\.\d{4} - accuracy \d\.\d{4} - gradNorm \S+ - \d+\.\ds$/);
  assert.ok(!plain.includes('\r'));
  let tty = '';
  fit(model, xor({ n: 16, seed: 0 }), {
    loss: mse,
    optimizer: new SGD(model.parameters(), { lr: 0.1 }),
    epochs: 3,
    callbacks: [progress({ stream: { write: (s: string) => (tty += s), isTTY: true, columns: 100 } })],
  });
  assert.ok(tty.includes('\r'), 'the bar is redrawn in place');
  assert.match(tty, /epoch 3\/3 █+ 100% loss \d\.\d{4} ETA/);
  assert.ok(tty.endsWith('\n'), 'the bar ends with a newline');
});

test('evaluate and predict run in eval mode without a graph and restore the mode', () => {
  const model = mlp([2, 8, 3], { seed: 0, dropout: 0.5 });
  const data = blobs({ n: 60, classes: 3, seed: 0 });
  model.train();
  const a = evaluate(model, data, { loss: crossEntropy, metrics: ['accuracy'] });
  const b = evaluate(model, data, { loss: crossEntropy, metrics: ['accuracy'] });
  assert.equal(a.loss, b.loss, 'dropout is off: evaluation is deterministic');
  assert.ok(a['accuracy']! >= 0 && a['accuracy']! <= 1);
  assert.equal(model.training, true);
  const out = predict(model, data.x);
  assert.deepEqual(out.shape, [60, 3]);
  assert.equal(out.requiresGrad, false);
});

test('fit rejects bad options with clear errors', () => {
  const model = mlp([2, 4, 1], { seed: 0 });
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  assert.throws(() => fit(model, xor({ n: 8 }), { loss: mse, optimizer, epochs: -1 }), /fit: epochs must be an integer from 0 to 1,000,000 \(MAX_EPOCHS\), got -1/);
  assert.throws(() => fit(model, xor({ n: 8 }), { loss: mse, optimizer, epochs: 2, initialEpoch: 1.5 }), /initialEpoch must be a non-negative integer/);
  // A model whose output does not match the targets names the shapes.
  const wide = mlp([2, 4, 3], { seed: 0 });
  assert.throws(() => fit(wide, xor({ n: 8 }), { loss: mse, optimizer: new SGD(wide.parameters(), { lr: 0.1 }), epochs: 1 }), /\[8,3\]|\[8, 3\]|shape/);
});

test('EpochLog is what the callbacks see', () => {
  const seen: EpochLog[] = [];
  const model = mlp([2, 4, 1], { seed: 0 });
  const h = fit(model, xor({ n: 8, seed: 0 }), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 2, callbacks: [{ onEpochEnd: (l) => void seen.push(l) }] });
  assert.deepEqual(seen, h.epochs);
  assert.deepEqual(JSON.parse(JSON.stringify(h.toJSON())).epochs.length, 2);
  void readFileSync;
});

test('fit refuses empty data and validation splits that leave a side empty (regression: 0 samples trained and reported NaN)', () => {
  const model = mlp([2, 4, 1], { seed: 0 });
  const optimizer = new SGD(model.parameters(), { lr: 0.1 });
  const base = { loss: mse, optimizer, epochs: 2 };
  const is = (pattern: RegExp) => (e: unknown) => e instanceof ValueError && pattern.test(e.message);
  const empty = new TensorDataset(zeros([0, 2]), zeros([0, 1]));
  assert.throws(() => fit(model, empty, base), is(/^fit: the training data is empty \(0 samples\)$/));
  assert.throws(() => fit(model, { x: zeros([0, 2]), y: zeros([0, 1]) }, base), is(/training data is empty/));
  assert.throws(
    () => fit(model, xor({ n: 8 }), { ...base, validation: 0.999 }),
    is(/^fit: a validation split of 0\.999 of 8 samples leaves 0 for training and 8 for validation; each needs at least one/),
  );
  assert.throws(() => fit(model, xor({ n: 2 }), { ...base, validation: 0.2 }), is(/split of 0\.2 of 2 samples leaves 2 for training and 0 for validation/));
  assert.throws(() => fit(model, xor({ n: 8 }), { ...base, validation: empty }), is(/^fit: the validation data is empty \(0 samples\)$/));
  assert.throws(() => fit(model, xor({ n: 8 }), { ...base, validation: NaN }), is(/validation \(a fraction\) must be in \[0, 1\), got NaN/));
  assert.throws(
    () => fit(model, new DataLoader(xor({ n: 8 }), { batchSize: 16, dropLast: true }), base),
    is(/^fit: the loader yields no batches: 8 training samples, batchSize 16 with dropLast$/),
  );
  // A fraction of 0 is no validation at all, not an empty set with a NaN loss.
  const h = fit(model, xor({ n: 8 }), { ...base, validation: 0 });
  assert.deepEqual(h.metricNames(), []);
  assert.ok(h.loss.every(Number.isFinite));
});

test('fit with 0 epochs returns an empty History; epochs past MAX_EPOCHS are refused (regression: 1e20 epochs ran forever)', () => {
  const model = mlp([2, 4, 1], { seed: 0 });
  const before = model.parameters().map((p) => Array.from(p.data()));
  const h = fit(model, xor({ n: 8 }), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 0 });
  assert.deepEqual(h.epochs, []);
  assert.deepEqual(h.loss, []);
  assert.equal(h.stoppedEarly, null);
  assert.equal(h.toCsv(), 'epoch,loss,gradNorm,lr,time\n');
  assert.deepEqual(model.parameters().map((p) => Array.from(p.data())), before);
  for (const epochs of [1e20, 1_000_001, Infinity]) {
    assert.throws(
      () => fit(model, xor({ n: 8 }), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs }),
      (e: unknown) => e instanceof ValueError && e.message === `fit: epochs must be an integer from 0 to 1,000,000 (MAX_EPOCHS), got ${epochs}`,
    );
  }
});
