import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  ChainruleError,
  History,
  SGD,
  TensorDataset,
  TrainingDivergedError,
  fit,
  isAnomalyEnabled,
  mlp,
  mse,
  tensor,
  xor,
  type Tensor,
} from '../../src/index.js';

const weights = (params: readonly Tensor[]) => params.map((p) => Array.from(p.data()));

function diverged(run: () => unknown): TrainingDivergedError {
  let caught: unknown;
  assert.throws(() => {
    try {
      run();
    } catch (e) {
      caught = e;
      throw e;
    }
  });
  assert.ok(caught instanceof TrainingDivergedError, `expected a TrainingDivergedError, got ${String(caught)}`);
  assert.ok(caught instanceof ChainruleError);
  assert.ok(!caught.message.includes('\n'), 'one line');
  assert.equal(isAnomalyEnabled(), false, 'anomaly mode is switched off again');
  return caught;
}

test('fit stops at the first NaN loss and names the epoch, the batch and the op that made it (regression: trained on to loss NaN)', () => {
  const model = mlp([2, 4, 1], { seed: 0 });
  const before = weights(model.parameters());
  const e = diverged(() => fit(model, xor({ n: 16, seed: 0 }), { loss: (p, t) => p.sub(t).log().mean(), optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 3, batchSize: 8 }));
  assert.match(e.message, /^fit: training diverged at epoch 1\/3, batch 1\/2: the loss is NaN; the first non-finite value: log produced NaN at flat index \d+ in its output \(forward\); inputs \[8,1\]; created at .*divergence\.test/);
  assert.deepEqual([e.epoch, e.batch], [0, 0]);
  assert.ok(Number.isNaN(e.loss));
  assert.ok(e.history instanceof History);
  assert.equal(e.history.epochs.length, 0);
  // The check comes before the update: the weights are those that gave the last finite loss.
  assert.deepEqual(weights(model.parameters()), before);
});

test('a divergence in a later epoch keeps the epochs before it on error.history', () => {
  // Finite data, a learning rate far too large: the weights blow up within a few batches.
  const model = mlp([2, 8, 1], { seed: 0 });
  const e = diverged(() => fit(model, xor({ n: 64, seed: 0 }), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 1e18 }), epochs: 50, batchSize: 16 }));
  assert.match(e.message, new RegExp(`^fit: training diverged at epoch ${e.epoch + 1}/50, batch ${e.batch + 1}/4: the (loss|gradient norm) is (NaN|Infinity|-Infinity); `));
  assert.equal(e.history.epochs.length, e.epoch);
  assert.ok(e.history.loss.every(Number.isFinite));
  assert.match(e.origin, /non-finite value: \w+ produced|the parameter '[\w.]+' already holds/);
});

test('non-finite data is named as the origin, not the first op that reads it (regression: a CSV with 1e308 trained to NaN)', () => {
  // 1e308 is finite in float64 but Infinity in float32, as a CSV loader reads it.
  const x = tensor([[1e308, 1], [0, 1], [1, 0], [1, 1]], { dtype: 'float32' });
  const y = tensor([[0], [1], [1], [0]]);
  const model = mlp([2, 4, 1], { seed: 0 });
  const e = diverged(() => fit(model, new TensorDataset(x, y), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 2, shuffle: false }));
  assert.match(e.message, /epoch 1\/2, batch 1\/1: the loss is NaN; the batch's inputs hold Infinity at flat index 0 \(the data itself is not finite, or too large for float32\)$/);
});

test('a non-finite gradient with a finite loss stops training too, naming the backward that made it', () => {
  // sqrt(0) is 0, but its gradient is infinite; multiplied by 0 it is NaN.
  const model = mlp([2, 3, 1], { seed: 0 });
  const e = diverged(() => fit(model, xor({ n: 8, seed: 0 }), { loss: (p) => p.mul(0).sqrt().sum(), optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 1 }));
  assert.match(e.message, /: the gradient norm is NaN; the first non-finite value: the backward of (sqrt|mul) produced (NaN|-?Infinity)/);
  assert.equal(e.loss, 0);
});

test('a non-finite validation loss stops training, naming the validation data', () => {
  const model = mlp([2, 4, 1], { seed: 0 });
  const validation = new TensorDataset(tensor([[Infinity, 0]]), tensor([[1]]));
  const e = diverged(() => fit(model, xor({ n: 8, seed: 0 }), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 3, validation }));
  assert.match(e.message, /^fit: training diverged at epoch 1\/3: the validation loss is NaN; the validation inputs hold Infinity at flat index 0$/);
  assert.equal(e.batch, -1);
});

test('a last update that overflows the weights is caught after the loop', () => {
  // One sample, one batch: the loss is finite, the SGD step of 1e308 × the gradient is not.
  const model = mlp([1, 1], { seed: 0, dtype: 'float64' });
  const data = new TensorDataset(tensor([[10]], { dtype: 'float64' }), tensor([[100]], { dtype: 'float64' }));
  const e = diverged(() => fit(model, data, { loss: mse, optimizer: new SGD(model.parameters(), { lr: 1e308 }), epochs: 1 }));
  assert.match(e.message, /^fit: training diverged at epoch 1\/1: a parameter is not finite after the last update; the parameter '[\w.]+' already holds -?Infinity at flat index 0/);
  assert.equal(e.history.epochs.length, 1);
});

test('stopOnNonFinite: false trains on through NaN, as before', () => {
  const model = mlp([2, 4, 1], { seed: 0 });
  const h = fit(model, xor({ n: 16, seed: 0 }), { loss: (p, t) => p.sub(t).log().mean(), optimizer: new SGD(model.parameters(), { lr: 0.1 }), epochs: 2, stopOnNonFinite: false });
  assert.equal(h.epochs.length, 2);
  assert.ok(h.loss.every(Number.isNaN));
});
