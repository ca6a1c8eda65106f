import { test } from 'node:test';
import assert from 'node:assert/strict';
import { concat, crossEntropy, narrow, tensor } from '../../src/index.js';

const logits = () => tensor([[2, 0, -1], [0.5, 1, 0], [0, 0, 3], [1, -2, 0.25]], { dtype: 'float64', requiresGrad: true });

test('crossEntropy ignoreIndex: the mean is over the kept rows, and ignored rows get no gradient', () => {
  const x = logits();
  const loss = crossEntropy(x, tensor([0, -1, 2, -1], { dtype: 'int32' }), { ignoreIndex: -1 });
  const kept = logits();
  const expected = crossEntropy(concat([narrow(kept, 0, 0, 1), narrow(kept, 0, 2, 1)]), tensor([0, 2], { dtype: 'int32' }));
  assert.ok(Math.abs(loss.item() - expected.item()) < 1e-12, `${loss.item()} vs ${expected.item()}`);
  loss.backward();
  const g = x.grad!.toArray() as number[][];
  assert.deepEqual(g[1], [0, 0, 0]);
  assert.deepEqual(g[3], [0, 0, 0]);
  assert.ok(g[0]!.some((v) => v !== 0));
});

test('crossEntropy ignoreIndex defaults to −100 as in PyTorch; sum and none keep zeros at ignored rows', () => {
  const labels = tensor([1, -100, 2, 0], { dtype: 'int32' });
  const none = crossEntropy(logits(), labels, { reduction: 'none' }).toArray() as number[];
  assert.equal(none[1], 0);
  const all = crossEntropy(logits(), tensor([1, 1, 2, 0], { dtype: 'int32' }), { reduction: 'none' }).toArray() as number[];
  assert.ok(Math.abs(none[0]! - all[0]!) < 1e-12 && Math.abs(none[3]! - all[3]!) < 1e-12);
  const sum = crossEntropy(logits(), labels, { reduction: 'sum' }).item();
  assert.ok(Math.abs(sum - (all[0]! + all[2]! + all[3]!)) < 1e-12);
  assert.ok(Math.abs(crossEntropy(logits(), labels).item() - sum / 3) < 1e-12);
});

test('crossEntropy ignoreIndex: every row ignored gives NaN (as PyTorch); a label that is neither a class nor ignored is named', () => {
  assert.ok(Number.isNaN(crossEntropy(logits(), tensor([-1, -1, -1, -1], { dtype: 'int32' }), { ignoreIndex: -1 }).item()));
  assert.throws(() => crossEntropy(logits(), tensor([0, -1, 7, 0], { dtype: 'int32' }), { ignoreIndex: -1 }), /label 7 \(row 2\) is out of range for 3 classes.*or the ignored label -1/);
});
