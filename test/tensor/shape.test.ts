import { test } from 'node:test';
import assert from 'node:assert/strict';
import { broadcastShapes, frozenShape } from '../../src/tensor/shape.js';
import { ShapeError, Tensor, tensor, zeros } from '../../src/index.js';

test('a tensor shape is frozen and independent of the array it was made from, small or large, every rank', () => {
  for (const dims of [[], [3], [2, 5], [1, 1], [2000, 1], [2, 3, 4], [1023, 1023], [1024, 2]]) {
    const shape = [...dims];
    const t = new Tensor(new Float32Array(dims.reduce((a, b) => a * b, 1)), shape, 'float32');
    shape.push(7);
    assert.deepEqual([...t.shape], dims);
    assert.ok(Object.isFrozen(t.shape), `shape ${JSON.stringify(dims)} is frozen`);
    assert.throws(() => (t.shape as number[]).push(1), TypeError);
  }
  // Small shapes are shared (no array per tensor), and still equal what was asked.
  assert.equal(zeros([1, 1]).shape, zeros([1, 1]).shape);
  assert.deepEqual([...frozenShape([4, 9])], [4, 9]);
  assert.deepEqual([...frozenShape([7])], [7]);
  const big = [5000, 3];
  assert.notEqual(frozenShape(big), big);
  assert.deepEqual([...frozenShape(big)], big);
});

test('broadcastShapes of two shapes: trailing alignment, size-1 stretching, and the error naming both shapes', () => {
  assert.deepEqual(broadcastShapes('add', [1, 1], [1]), [1, 1]);
  assert.deepEqual(broadcastShapes('add', [], [2, 3]), [2, 3]);
  assert.deepEqual(broadcastShapes('add', [4, 1, 3], [5, 1]), [4, 5, 3]);
  assert.deepEqual(broadcastShapes('add', [2, 0], [1]), [2, 0]);
  assert.throws(() => broadcastShapes('add', [2, 3], [4]), (e: unknown) => e instanceof ShapeError && e.message === 'add: cannot broadcast shapes [2,3] and [4]: dimension -1 is 3 in one and 4 in another (sizes must match or be 1)');
  assert.deepEqual(tensor([[1], [2]]).add(tensor([10, 20])).toArray(), [[11, 21], [12, 22]]);
});
