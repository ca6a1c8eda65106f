// multinomial: reproducible by seed, empirical frequencies within a few standard errors of the
// weights (not PyTorch's random stream), distinct draws without replacement, and PyTorch's errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DTypeError, Generator, ShapeError, ValueError, manualSeed, multinomial, tensor } from '../../src/index.js';

test('multinomial: the same seed gives the same samples, another seed others', () => {
  const p = tensor([[0.1, 0.2, 0.3, 0.4], [4, 0, 1, 1]]);
  const a = multinomial(p, 20, { replacement: true, generator: new Generator(3) });
  const b = multinomial(p, 20, { replacement: true, generator: new Generator(3) });
  const c = multinomial(p, 20, { replacement: true, generator: new Generator(4) });
  assert.deepEqual(a.toArray(), b.toArray());
  assert.notDeepEqual(a.toArray(), c.toArray());
  assert.equal(a.dtype, 'int32');
  assert.deepEqual([...a.shape], [2, 20]);
  manualSeed(11);
  const d = multinomial(tensor([1, 1, 1]), 2);
  manualSeed(11);
  assert.deepEqual(multinomial(tensor([1, 1, 1]), 2).toArray(), d.toArray());
});

test('multinomial with replacement: frequencies of 40,000 draws match the normalised weights (within 4.5 standard errors), zero weights never drawn', () => {
  const weights = [2, 0, 5, 1, 2];
  const n = 40000;
  const draws = multinomial(tensor(weights, { dtype: 'float64' }), n, { replacement: true, generator: new Generator(12345) }).data();
  const counts = new Array<number>(weights.length).fill(0);
  for (const k of draws) counts[k] = counts[k]! + 1;
  const total = weights.reduce((s, w) => s + w, 0);
  weights.forEach((w, k) => {
    const p = w / total;
    const se = Math.sqrt((p * (1 - p)) / n);
    assert.ok(Math.abs(counts[k]! / n - p) <= 4.5 * se + 1e-12, `category ${k}: frequency ${counts[k]! / n}, expected ${p}`);
  });
  assert.equal(counts[1], 0);
});

test('multinomial without replacement: distinct categories per row, the first draw following the weights', () => {
  const g = new Generator(99);
  const p = tensor([0.5, 0.25, 0.125, 0.125, 0]);
  let firstIsZero = 0;
  const trials = 4000;
  for (let t = 0; t < trials; t++) {
    const s = Array.from(multinomial(p, 4, { generator: g }).data());
    assert.equal(new Set(s).size, 4);
    assert.ok(!s.includes(4), 'a zero weight was drawn');
    if (s[0] === 0) firstIsZero++;
  }
  const se = Math.sqrt((0.5 * 0.5) / trials);
  assert.ok(Math.abs(firstIsZero / trials - 0.5) <= 4.5 * se, `first draw was category 0 in ${firstIsZero} of ${trials}`);
});

test('multinomial refuses negative, NaN, infinite and all-zero rows, too many draws without replacement, and bad shapes or dtypes', () => {
  assert.throws(() => multinomial(tensor([1, -1]), 1), new ValueError('multinomial: row 0 of probs holds -1; weights must be finite and non-negative'));
  assert.throws(() => multinomial(tensor([[1,1], [NaN, 1]]), 1), new ValueError('multinomial: row 1 of probs holds NaN; weights must be finite and non-negative'));
  assert.throws(() => multinomial(tensor([Infinity, 1]), 1), ValueError);
  assert.throws(() => multinomial(tensor([0,0]), 1, { replacement: true }), new ValueError('multinomial: row 0 of probs sums to 0; at least one weight must be positive'));
  assert.throws(
    () => multinomial(tensor([1, 2, 3]), 4),
    new ValueError('multinomial: cannot draw 4 samples from 3 categories without replacement; pass { replacement: true } or ask for at most 3'),
  );
  assert.throws(() => multinomial(tensor([1,0,3]), 3), new ValueError('multinomial: row 0 of probs has 2 non-zero weights, too few to draw 3 distinct categories without replacement'));
  assert.throws(() => multinomial(tensor([1,2]), 0), new ValueError('multinomial: numSamples must be positive, got 0'));
  assert.throws(() => multinomial(tensor([1,2], { dtype: 'int32' }), 1), new DTypeError('multinomial: probs must be float32 or float64, got int32'));
  assert.throws(() => multinomial(tensor([[[1]]]), 1), new ShapeError('multinomial: probs must be 1-D or 2-D, got shape [1,1,1]'));
});
