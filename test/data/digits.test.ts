import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DIGIT_PIXELS, DIGITS_TRAIN_PER_CLASS, digits } from '../../src/data/index.js';
import { ValueError } from '../../src/index.js';

function labelCounts(y: ArrayLike<number>): number[] {
  const out = new Array<number>(10).fill(0);
  for (let i = 0; i < y.length; i++) out[y[i]!] = (out[y[i]!] ?? 0) + 1;
  return out;
}

test('digits() is the training split: 8,000 images float32 [N, 784], int32 labels [N], 800 of each digit', () => {
  const train = digits();
  assert.equal(DIGIT_PIXELS, 784);
  assert.equal(DIGITS_TRAIN_PER_CLASS, 800);
  assert.deepEqual(train.x.shape, [8000, 784]);
  assert.deepEqual(train.y.shape, [8000]);
  assert.equal(train.x.dtype, 'float32');
  assert.equal(train.y.dtype, 'int32');
  assert.deepEqual(train.classes, ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9']);
  assert.deepEqual(labelCounts(train.y.data()), new Array<number>(10).fill(800));
});

test("digits({ split: 'test' }) is the other 2,000 images, with the package's uneven per-digit counts", () => {
  const test_ = digits({ split: 'test' });
  assert.deepEqual(test_.x.shape, [2000, 784]);
  assert.deepEqual(test_.y.shape, [2000]);
  assert.deepEqual(labelCounts(test_.y.data()), [201, 327, 191, 232, 180, 63, 214, 270, 144, 178]);
});

test('digits pixels lie in [0, 1], use the whole range, and labels in 0..9', () => {
  for (const split of ['train', 'test'] as const) {
    const ds = digits({ split });
    let min = Infinity;
    let max = -Infinity;
    for (const v of ds.x.data()) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    assert.equal(min, 0);
    assert.equal(max, 1);
    for (const v of ds.y.data()) assert.ok(Number.isInteger(v) && v >= 0 && v <= 9);
  }
});

test('digits: the split is fixed: first images and their labels pinned, train and test differ', () => {
  const train = digits({ split: 'train', limit: 10 });
  const test_ = digits({ split: 'test', limit: 10 });
  // The digits take turns, so the first ten images are one of each digit in order.
  assert.deepEqual(Array.from(train.y.data()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  assert.deepEqual(Array.from(test_.y.data()), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
  const first = (x: Float32Array | Float64Array | Int32Array | Uint8Array): number[] => Array.from(x.subarray(0, 784));
  const a = first(train.x.data());
  const b = first(test_.x.data());
  // The first training image: the package's first '0', 176 inked pixels, the first at index 127 (0.2).
  assert.equal(a.filter((v) => v > 0).length, 176);
  assert.equal(a.findIndex((v) => v > 0), 127);
  assert.equal(a[127], Math.fround(0.2));
  assert.equal(b.filter((v) => v > 0).length, 134);
  assert.notDeepEqual(a, b);
});

test('digits: no training image appears in the test split', () => {
  const key = (x: Float32Array | Float64Array | Int32Array | Uint8Array, i: number): string => Array.from(x.subarray(i * 784, (i + 1) * 784)).join(',');
  const train = digits({ split: 'train' });
  const test_ = digits({ split: 'test' });
  const seen = new Set<string>();
  const tx = train.x.data();
  for (let i = 0; i < train.length; i++) seen.add(key(tx, i));
  const sx = test_.x.data();
  let shared = 0;
  for (let i = 0; i < test_.length; i++) if (seen.has(key(sx, i))) shared++;
  // Exact duplicate images inside MNIST itself would show up here; there are none across the split.
  assert.equal(shared, 0);
});

test('digits: two calls give the same data; limit takes the first images of the split', () => {
  const all = digits({ split: 'test' });
  const some = digits({ split: 'test', limit: 25 });
  assert.deepEqual(some.x.shape, [25, 784]);
  assert.deepEqual(Array.from(some.x.data()), Array.from(all.x.data().subarray(0, 25 * 784)));
  assert.deepEqual(Array.from(some.y.data()), Array.from(all.y.data().subarray(0, 25)));
  assert.equal(digits({ split: 'test', limit: 5000 }).length, 2000);
});

test('digits: test labels run in turns, skipping a digit once its images are used up', () => {
  const y = Array.from(digits({ split: 'test' }).y.data());
  // Digit 5 has 63 test images, so from turn 64 on every turn lacks a 5.
  assert.deepEqual(y.slice(630, 649), [0, 1, 2, 3, 4, 6, 7, 8, 9, 0, 1, 2, 3, 4, 6, 7, 8, 9, 0]);
});

test('digits rejects a bad split or limit', () => {
  const bad: string = 'validation';
  assert.throws(() => digits({ split: bad as 'train' }), (e: unknown) => e instanceof ValueError && e.message === "digits: split must be 'train' or 'test', got 'validation'");
  assert.throws(() => digits({ limit: 0 }), (e: unknown) => e instanceof ValueError && e.message === 'digits: limit must be a positive integer, got 0');
  assert.throws(() => digits({ limit: 1.5 }), ValueError);
});
