import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  MAX_ACTIVATION_ELEMENTS,
  MAX_EPOCHS,
  MAX_PARAMETERS,
  TensorDataset,
  TrainingDivergedError,
  ValueError,
  blobs,
  inferTask,
  outputsFor,
  tensor,
  trainMlp,
  xor,
  zeros,
} from '../../src/index.js';

const valueError = (pattern: RegExp) => (e: unknown) => e instanceof ValueError && pattern.test(e.message);

test('outputsFor counts the classes of 200,000 labels (regression: Math.max(...labels) overflowed the call stack)', () => {
  const n = 200_000;
  const labels = Int32Array.from({ length: n }, (_, i) => i % 5);
  const ds = new TensorDataset(zeros([n, 2]), tensor(labels, { shape: [n] }));
  assert.equal(inferTask(ds), 'multiclass');
  assert.equal(outputsFor('multiclass', ds), 5);
  // Declared classes that the labels do not all use still count.
  const named = new TensorDataset(zeros([n, 2]), tensor(labels, { shape: [n] }), ['a', 'b', 'c', 'd', 'e', 'f']);
  assert.equal(outputsFor('multiclass', named), 6);
});

test('trainMlp trains one epoch on a 200,000-row multiclass dataset (regression: RangeError in outputsFor)', () => {
  const run = trainMlp(blobs({ n: 200_000, seed: 0 }), { epochs: 1, batchSize: 20_000, valSplit: 0.1, layers: [2, 4, 3] });
  assert.equal(run.task, 'multiclass');
  assert.equal(run.history.epochs.length, 1);
  assert.ok(Number.isFinite(run.history.loss[0]));
});

test('trainMlp refuses a classification target with one class, naming it (regression: a 1-output model with accuracy 0)', () => {
  const n = 6;
  const oneLabel = new TensorDataset(zeros([n, 2]), tensor(new Int32Array(n), { shape: [n] }), ['a']);
  assert.throws(() => trainMlp(oneLabel, { epochs: 1 }), valueError(/^train: the target has one class \('a'\) in all 6 samples; classification needs at least 2$/));
  // Binary 0/1 numbers that are all 0 (or all 1) are one class too.
  const zerosOnly = new TensorDataset(zeros([n, 2]), zeros([n, 1]));
  assert.throws(() => trainMlp(zerosOnly, { epochs: 1 }), valueError(/^train: the target has one class \(0\) in all 6 samples; classification needs at least 2$/));
  const onesOnly = new TensorDataset(zeros([n, 2]), tensor(new Float32Array(n).fill(1), { shape: [n, 1] }), ['no', 'yes']);
  assert.throws(() => trainMlp(onesOnly, { epochs: 1 }), valueError(/one class \('yes'\)/));
});

test('trainMlp refuses empty data, 0 epochs and splits that leave a side empty (regression: loss undefined / NaN, model saved)', () => {
  assert.throws(() => trainMlp(new TensorDataset(zeros([0, 2]), zeros([0, 1])), { epochs: 1 }), valueError(/^train: the dataset is empty \(0 samples\)$/));
  for (const epochs of [0, -1, 1.5, NaN, 1e20, MAX_EPOCHS + 1]) {
    assert.throws(() => trainMlp(xor({ n: 20 }), { epochs }), valueError(new RegExp(`^train: epochs must be an integer from 1 to 1,000,000 \\(MAX_EPOCHS\\), got ${epochs}$`)));
  }
  assert.throws(() => trainMlp(xor({ n: 5 }), { epochs: 1, valSplit: 0.999 }), valueError(/split of 0\.999 of 5 samples leaves 0 for training and 5 for validation/));
  for (const valSplit of [NaN, -0.1, 1]) {
    assert.throws(() => trainMlp(xor({ n: 20 }), { epochs: 1, valSplit }), valueError(/^train: valSplit must be a fraction in \[0, 1\), got/));
  }
});

test('trainMlp checks layer sizes against MAX_PARAMETERS and MAX_ACTIVATION_ELEMENTS before allocating (regression: a WebAssembly memory trace after 24 s)', () => {
  assert.equal(MAX_PARAMETERS, 25_000_000);
  assert.equal(MAX_ACTIVATION_ELEMENTS, 2 ** 27);
  const started = performance.now();
  assert.throws(
    () => trainMlp(xor({ n: 20 }), { epochs: 1, layers: [2, 100_000_000, 1] }),
    valueError(/^train: layers \[2, 100000000, 1\] make 400,000,001 parameters, over the limit of 25,000,000 \(MAX_PARAMETERS\); use narrower layers$/),
  );
  assert.throws(
    () => trainMlp(xor({ n: 64 }), { epochs: 1, layers: [2, 5_000_000, 1], batchSize: 32 }),
    valueError(/^train: layers \[2, 5000000, 1\] with batches of 32 samples make activations of 32 × 5000000 = 160,000,000 values, over the limit of 134,217,728 \(MAX_ACTIVATION_ELEMENTS\)/),
  );
  assert.ok(performance.now() - started < 2000, 'refused up front, not after allocating');
  for (const layers of [[2, 0, 1], [2, 1.5, 1], [2, -3, 1], [2, NaN, 1], [2]]) {
    assert.throws(() => trainMlp(xor({ n: 20 }), { epochs: 1, layers }), valueError(/^train: layers must be two or more positive integers/));
  }
});

test('trainMlp throws TrainingDivergedError on data that overflows float32, so no NaN model is returned to be saved', () => {
  // As a CSV holding 1e308 arrives: Infinity in float32.
  const x = tensor([[1e308, 1], [0, 1], [1, 0], [1, 1], [0, 0], [2, 2]]);
  const y = tensor([[0.5], [1], [1], [0], [0], [0.25]]);
  assert.throws(
    () => trainMlp(new TensorDataset(x, y), { epochs: 5, valSplit: 0, batchSize: 6 }),
    (e: unknown) =>
      e instanceof TrainingDivergedError &&
      /^fit: training diverged at epoch 1\/5, batch 1\/1: the loss is NaN; the batch's inputs hold Infinity at flat index \d+ \(the data itself is not finite, or too large for float32\)$/.test(e.message),
  );
});
