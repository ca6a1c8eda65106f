import { test } from 'node:test';
import assert from 'node:assert/strict';
import { arange, eye, full, fullLike, linspace, ones, onesLike, scalar, tensor, zeros, zerosLike, ValueError, ShapeError, DTypeError } from '../../src/index.js';

test('tensor() infers shape from nested arrays, row-major, float32 by default', () => {
  const x = tensor([[1, 2, 3], [4, 5, 6]]);
  assert.deepEqual([...x.shape], [2, 3]);
  assert.equal(x.dtype, 'float32');
  assert.equal(x.size, 6);
  assert.equal(x.ndim, 2);
  assert.ok(x.data() instanceof Float32Array);
  assert.deepEqual(Array.from(x.data()), [1, 2, 3, 4, 5, 6]);
  assert.deepEqual(x.toArray(), [[1, 2, 3], [4, 5, 6]]);
});

test('tensor() of a number is a 0-d scalar; item() reads it', () => {
  const s = tensor(0.25, { dtype: 'float64' });
  assert.deepEqual([...s.shape], []);
  assert.equal(s.ndim, 0);
  assert.equal(s.item(), 0.25);
  assert.equal(s.toArray(), 0.25);
  assert.equal(scalar(3, 'int32').item(), 3);
});

test('tensor() keeps a typed array\'s dtype and accepts a shape for flat data', () => {
  assert.equal(tensor(new Float64Array([1, 2])).dtype, 'float64');
  assert.equal(tensor(new Int32Array([1, 2])).dtype, 'int32');
  const m = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), { shape: [3, 2] });
  assert.deepEqual(m.toArray(), [[1, 2], [3, 4], [5, 6]]);
  assert.deepEqual(tensor([1, 2, 3, 4], { shape: [2, 2] }).toArray(), [[1, 2], [3, 4]]);
  assert.throws(() => tensor(new Float32Array(5), { shape: [2, 2] }), { name: 'ShapeError', message: 'tensor: 5 values do not fill shape [2,2] (4 elements)' });
});

test('data() is a copy: writing to it does not change the tensor', () => {
  const x = tensor([1, 2]);
  const d = x.data();
  d[0] = 100;
  assert.equal(x.toArray().toString(), '1,2');
});

test('float32 rounds, float64 keeps, int32 needs integers, booleans give bool', () => {
  assert.equal(tensor([0.1]).data()[0], Math.fround(0.1));
  assert.equal(tensor([0.1], { dtype: 'float64' }).data()[0], 0.1);
  assert.deepEqual(tensor([1, 2], { dtype: 'int32' }).toArray(), [1, 2]);
  assert.throws(() => tensor([1.5], { dtype: 'int32' }), { name: 'ValueError', message: 'tensor: dtype int32 needs integers, got 1.5 at flat index 0' });
  const b = tensor([true, false]);
  assert.equal(b.dtype, 'bool');
  assert.deepEqual(b.toArray(), [true, false]);
});

test('ragged nested arrays are an error naming where the mismatch is', () => {
  assert.throws(() => tensor([[1, 2], [3]]), { name: 'ValueError', message: 'tensor: ragged nested array: expected length 2 at [1], got length 1' });
  assert.throws(() => tensor([[1, 2], 3] as unknown as number[][]), ValueError);
  assert.throws(() => tensor([1, [2]] as unknown as number[]), /ragged nested array: element at \[1\] is an array/);
});

test('non-numeric elements and unknown dtypes are errors', () => {
  assert.throws(() => tensor(['a'] as unknown as number[]), { name: 'ValueError', message: 'tensor: element 0 is string; expected a number or boolean' });
  assert.throws(() => tensor([1], { dtype: 'float16' as 'float32' }), DTypeError);
});

test('empty tensors and any rank', () => {
  assert.deepEqual([...tensor([]).shape], [0]);
  assert.deepEqual([...zeros([2, 0, 3]).shape], [2, 0, 3]);
  assert.deepEqual([...ones([1, 1, 1, 1, 2]).shape], [1, 1, 1, 1, 2]);
});

test('zeros, ones, full and the *Like variants', () => {
  assert.deepEqual(zeros([2]).toArray(), [0, 0]);
  assert.deepEqual(ones(3, { dtype: 'int32' }).toArray(), [1, 1, 1]);
  assert.deepEqual(full([2, 1], 7).toArray(), [[7], [7]]);
  const like = tensor([[1, 2]], { dtype: 'float64' });
  assert.equal(zerosLike(like).dtype, 'float64');
  assert.deepEqual(onesLike(like).toArray(), [[1, 1]]);
  assert.deepEqual(fullLike(like, 3).toArray(), [[3, 3]]);
  assert.equal(zeros([2], { requiresGrad: true }).requiresGrad, true);
  assert.throws(() => zeros([-1]), ShapeError);
  assert.throws(() => full([1], 0.5, { dtype: 'int32' }), ValueError);
});

test('arange follows torch.arange: exclusive end, steps, int32 for integer arguments', () => {
  assert.deepEqual(arange(5).toArray(), [0, 1, 2, 3, 4]);
  assert.equal(arange(5).dtype, 'int32');
  assert.deepEqual(arange(2, 8, 3).toArray(), [2, 5]);
  assert.deepEqual(arange(0, 1, 0.25).toArray(), [0, 0.25, 0.5, 0.75]);
  assert.deepEqual(arange(3, 0, -1).toArray(), [3, 2, 1]);
  assert.deepEqual(arange(3, 0).toArray(), []);
  assert.throws(() => arange(0, 1, 0), { name: 'ValueError', message: 'arange: step must be a non-zero finite number, got 0' });
});

test('linspace includes both ends', () => {
  assert.deepEqual(linspace(0, 1, 5).toArray(), [0, 0.25, 0.5, 0.75, 1]);
  assert.deepEqual(linspace(2, 2, 1).toArray(), [2]);
  assert.deepEqual(linspace(0, 1, 0).toArray(), []);
  assert.equal(linspace(0, 0.3, 4, { dtype: 'float64' }).data()[3], 0.3);
});

test('eye makes square and rectangular identities', () => {
  assert.deepEqual(eye(2).toArray(), [[1, 0], [0, 1]]);
  assert.deepEqual(eye(2, 3).toArray(), [[1, 0, 0], [0, 1, 0]]);
});
