// Regressions found by the review of issue 14's library changes: each was a valid call refused,
// or a bad one let through, by the first version of the hardening.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SGD, ShapeError, TensorDataset, checkpoint, fit, load, mlp, mse, ones, tensor, trainMlp, writeFileAtomic, xor, zeros } from '../../src/index.js';

test('a checkpoint of a run that trains on through NaN (stopOnNonFinite: false) is written, its NaNs as null', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-ck-'));
  const model = mlp([2, 4, 1], { seed: 0 });
  const path = join(dir, 'ck.json');
  const h = fit(model, xor({ n: 16, seed: 0 }), { loss: mse, optimizer: new SGD(model.parameters(), { lr: 1e30 }), epochs: 4, stopOnNonFinite: false, callbacks: [checkpoint({ path })] });
  assert.ok(h.epochs.some((e) => !Number.isFinite(e.loss)), 'the run did diverge');
  const history = load(path).metadata['history'] as { epochs: { loss: number | null }[] };
  assert.equal(history.epochs.length, 4);
  assert.ok(history.epochs.some((e) => e.loss === null));
});

test('a temporary beside a 240-byte CJK file name fits (its stem is cut by bytes, at a character boundary)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-cjk-'));
  const name = `${'模'.repeat(78)}😀.json`; // 234 + 4 + 5 = 243 bytes, 84 UTF-16 units
  writeFileAtomic(join(dir, name), 'x');
  assert.equal(readFileSync(join(dir, name), 'utf8'), 'x');
  assert.deepEqual(readdirSync(dir), [name]);
});

test('backward takes a typed array as the gradient and null as no gradient (PyTorch\'s None)', () => {
  const x = tensor([1, 2], { requiresGrad: true });
  x.mul(3).backward(new Float32Array([1, 1]));
  assert.deepEqual(x.grad!.toArray(), [3, 3]);
  const y = tensor(2, { requiresGrad: true });
  y.mul(y).backward(null, { retainGraph: true });
  assert.equal(y.grad!.item(), 4);
});

test('a frozen shape is checked like any other: Object.freeze([0.5, 4]) is no shape', () => {
  assert.throws(() => zeros(Object.freeze([0.5, 4])), (e: unknown) => e instanceof ShapeError && /dimension 0 .* must be a non-negative integer, got 0\.5/.test(e.message));
  assert.throws(() => ones(Object.freeze([-1])), ShapeError);
  assert.deepEqual(zeros(Object.freeze([2, 3])).shape, [2, 3]);
});

test('trainMlp on 2 samples with the default split holds none out (20% of 2 rounds to 0), as before', () => {
  const ds = new TensorDataset(tensor([[0], [1]]), tensor([[0], [2]]));
  const run = trainMlp(ds, { epochs: 3, seed: 0 });
  assert.equal(run.history.epochs.length, 3);
  assert.ok(run.history.epochs.every((e) => Number.isFinite(e.loss) && e.metrics['valLoss'] === undefined));
});
