import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, tensor, zeros } from '../../src/index.js';

test('toString shows values, shape, dtype and requiresGrad of a leaf', () => {
  assert.equal(tensor([1, 2.5]).toString(), 'tensor([1.0000, 2.5000], shape=[2], dtype=float32)');
  assert.equal(tensor(3, { requiresGrad: true, name: 'w' }).toString(), 'tensor(3.0000, shape=[], dtype=float32, name=w, requiresGrad=true)');
});

test('toString shows the op that made a tensor, and aligns rows', () => {
  const x = tensor([[1, -2], [30, 4]], { requiresGrad: true });
  assert.equal(x.mul(1).toString(), 'tensor([[ 1.0000, -2.0000],\n        [30.0000,  4.0000]], shape=[2,2], dtype=float32, op=mul)');
});

test('toString formats int32, bool, NaN, infinities and tiny numbers', () => {
  assert.equal(tensor([1, 2], { dtype: 'int32' }).toString(), 'tensor([1, 2], shape=[2], dtype=int32)');
  assert.equal(tensor([true, false]).toString(), 'tensor([ true, false], shape=[2], dtype=bool)');
  assert.equal(tensor([NaN, Infinity, -Infinity, 1e-9], { dtype: 'float64' }).toString(), 'tensor([      nan,       inf,      -inf, 1.0000e-9], shape=[4], dtype=float64)');
});

test('toString summarizes tensors over 1000 elements', () => {
  const s = arange(2000).toString();
  assert.ok(s.startsWith('tensor([   0,    1,    2, ..., 1997, 1998, 1999], shape=[2000], dtype=int32'), s);
});

test('String(zeros([1e6])) prints a summary, as PyTorch does (regression: Maximum call stack size exceeded)', () => {
  assert.equal(String(zeros([1e6])), 'tensor([0.0000, 0.0000, 0.0000, ..., 0.0000, 0.0000, 0.0000], shape=[1000000], dtype=float32)');
  const big = arange(1e6, undefined, 1, { dtype: 'float64' }).reshape(1000, 1000).toString().split('\n');
  assert.equal(big.length, 7);
  assert.equal(big[0], 'tensor([[     0.0000,      1.0000,      2.0000, ...,    997.0000,    998.0000,    999.0000],');
  assert.equal(big[3], '        ...,');
  assert.equal(big[6], '        [999000.0000, 999001.0000, 999002.0000, ..., 999997.0000, 999998.0000, 999999.0000]], shape=[1000,1000], dtype=float64)');
});
