import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DataLoader, TensorDataset, permutation } from '../../src/data/index.js';
import { Generator, ShapeError, ValueError, arange, tensor, type Tensor } from '../../src/index.js';

/** A dataset whose x row i is [i] and y row i is [10 i], so a batch shows which samples it holds. */
function numbered(n: number): TensorDataset {
  return new TensorDataset(arange(n).reshape([n, 1]), arange(n).mul(10).reshape([n, 1]));
}

function ids(x: Tensor): number[] {
  return Array.from(x.data());
}

function epoch(loader: DataLoader): number[][] {
  return [...loader].map((b) => ids(b.x));
}

test('TensorDataset.batch stacks the samples at the indices, x and y alike', () => {
  const ds = numbered(5);
  const b = ds.batch([3, 1]);
  assert.deepEqual(b.x.toArray(), [[3], [1]]);
  assert.deepEqual(b.y.toArray(), [[30], [10]]);
  assert.equal(ds.length, 5);
});

test('TensorDataset rejects inputs and targets with different numbers of rows', () => {
  assert.throws(() => new TensorDataset(tensor([[1], [2]]), tensor([[1]])), (e: unknown) => e instanceof ShapeError && /same first dimension/.test(e.message));
});

test('TensorDataset.split holds out the fraction, seeded, without overlap', () => {
  const ds = numbered(10);
  const [train, val] = ds.split(0.3, 7);
  assert.equal(train.length, 7);
  assert.equal(val.length, 3);
  const all = [...ids(train.x), ...ids(val.x)].sort((a, b) => a - b);
  assert.deepEqual(all, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const [train2] = ds.split(0.3, 7);
  assert.deepEqual(ids(train2.x), ids(train.x));
  assert.throws(() => ds.split(1), ValueError);
});

test('permutation(n, generator) is a seeded permutation of 0..n-1', () => {
  const p = permutation(50, new Generator(3));
  assert.deepEqual([...p].sort((a, b) => a - b), Array.from({ length: 50 }, (_, i) => i));
  assert.deepEqual(permutation(50, new Generator(3)), p);
  assert.notDeepEqual(permutation(50, new Generator(4)), p);
  assert.deepEqual(permutation(0, new Generator(0)), []);
});

test('DataLoader without shuffle gives batches in order, the last one partial', () => {
  const loader = new DataLoader(numbered(10), { batchSize: 4 });
  assert.equal(loader.length, 3);
  const batches = epoch(loader);
  assert.deepEqual(batches, [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]);
  const shapes = [...loader].map((b) => [b.x.shape, b.y.shape]);
  assert.deepEqual(shapes, [[[4, 1], [4, 1]], [[4, 1], [4, 1]], [[2, 1], [2, 1]]]);
});

test('DataLoader with dropLast drops the partial last batch', () => {
  const loader = new DataLoader(numbered(10), { batchSize: 4, dropLast: true });
  assert.equal(loader.length, 2);
  assert.deepEqual(epoch(loader), [[0, 1, 2, 3], [4, 5, 6, 7]]);
  const exact = new DataLoader(numbered(8), { batchSize: 4, dropLast: true });
  assert.equal(exact.length, 2);
  assert.deepEqual(epoch(exact), [[0, 1, 2, 3], [4, 5, 6, 7]]);
});

test('DataLoader with a batchSize larger than the dataset gives one short batch, or none with dropLast', () => {
  assert.deepEqual(epoch(new DataLoader(numbered(3), { batchSize: 8 })), [[0, 1, 2]]);
  const dropped = new DataLoader(numbered(3), { batchSize: 8, dropLast: true });
  assert.equal(dropped.length, 0);
  assert.deepEqual(epoch(dropped), []);
});

test('DataLoader with batchSize Infinity gives the whole dataset as one batch, even with dropLast', () => {
  const loader = new DataLoader(numbered(5), { batchSize: Infinity, dropLast: true });
  assert.equal(loader.batchSize, 5);
  assert.equal(loader.length, 1);
  assert.deepEqual(epoch(loader), [[0, 1, 2, 3, 4]]);
});

test('DataLoader uses batchSize 32 by default', () => {
  const loader = new DataLoader(numbered(70));
  assert.deepEqual(epoch(loader).map((b) => b.length), [32, 32, 6]);
});

test('DataLoader rejects a batchSize that is not a positive integer', () => {
  for (const batchSize of [0, -1, 1.5, NaN]) {
    assert.throws(() => new DataLoader(numbered(3), { batchSize }), (e: unknown) => e instanceof ValueError && e.message === `DataLoader: batchSize must be a positive integer, got ${batchSize}`);
  }
});

test('DataLoader with shuffle visits every sample once per epoch, x and y together', () => {
  const loader = new DataLoader(numbered(23), { batchSize: 5, shuffle: true, seed: 2 });
  for (let e = 0; e < 3; e++) {
    const seen: number[] = [];
    for (const { x, y } of loader) {
      const xs = ids(x);
      assert.deepEqual(ids(y), xs.map((v) => 10 * v));
      seen.push(...xs);
    }
    assert.deepEqual([...seen].sort((a, b) => a - b), Array.from({ length: 23 }, (_, i) => i));
  }
});

test('DataLoader with shuffle draws a new order every epoch', () => {
  const loader = new DataLoader(numbered(30), { batchSize: 30, shuffle: true, seed: 0 });
  const first = epoch(loader)[0];
  const second = epoch(loader)[0];
  assert.notDeepEqual(first, second);
  assert.notDeepEqual(first, Array.from({ length: 30 }, (_, i) => i));
});

test('two DataLoaders with the same seed give the same batches, epoch after epoch; another seed differs', () => {
  const make = (seed: number): DataLoader => new DataLoader(numbered(30), { batchSize: 7, shuffle: true, seed });
  const a = make(11);
  const b = make(11);
  const c = make(12);
  for (let e = 0; e < 3; e++) {
    const ea = epoch(a);
    assert.deepEqual(epoch(b), ea);
    assert.notDeepEqual(epoch(c), ea);
  }
});

test('DataLoader shuffle with dropLast drops the tail of the shuffled order', () => {
  const loader = new DataLoader(numbered(10), { batchSize: 3, shuffle: true, dropLast: true, seed: 5 });
  const batches = epoch(loader);
  assert.deepEqual(batches.map((b) => b.length), [3, 3, 3]);
  assert.equal(new Set(batches.flat()).size, 9);
});
