import { test } from 'node:test';
import assert from 'node:assert/strict';
import { CharVocabulary, IGNORE_TARGET, lineBlockSize, lineDataset, names, splitExamples, textDataset } from '../../src/data/text.js';

test('names(): 8,422 distinct lowercase names from the two stdlib lists, sorted, 27 characters', () => {
  const all = names();
  assert.equal(all.length, 8422);
  assert.equal(new Set(all).size, all.length);
  assert.deepEqual([...all].sort(), all);
  assert.ok(all.includes('emma') && all.includes('ann-marie'));
  assert.equal(CharVocabulary.fromTexts(all).chars.join(''), '-abcdefghijklmnopqrstuvwxyz');
  assert.equal(lineBlockSize(all), 16);
  // A copy each time: a caller's edit does not change the corpus.
  all.pop();
  assert.equal(names().length, 8422);
});

test('CharVocabulary: token 0 is the boundary; unknown characters are named with where they are', () => {
  const v = CharVocabulary.fromTexts(['héllo']);
  assert.deepEqual(v.chars, ['h', 'l', 'o', 'é']);
  assert.equal(v.size, 5);
  assert.deepEqual(v.encode('hé'), [1, 4]);
  assert.equal(v.decode([1, 4, 0]), 'hé.');
  assert.throws(() => v.encode('hx', 'names, example 3'), /names, example 3: the character "x" is not in the model's vocabulary \(4 characters: "hloé"\)/);
  assert.throws(() => new CharVocabulary(['a', 'a']), /appears twice/);
  assert.throws(() => new CharVocabulary(['ab']), /one character/);
});

test('splitExamples: 80/10/10 by a seeded shuffle, disjoint, covering everything, the same for the same seed', () => {
  const ex = Array.from({ length: 100 }, (_, i) => `n${i}`);
  const a = splitExamples(ex, 3);
  const b = splitExamples(ex, 3);
  assert.deepEqual(a, b);
  assert.deepEqual([a.train.length, a.validation.length, a.test.length], [80, 10, 10]);
  assert.deepEqual([...a.train, ...a.validation, ...a.test].sort(), [...ex].sort());
  assert.notDeepEqual(splitExamples(ex, 4).test, a.test);
  assert.throws(() => splitExamples(ex, 0, { validation: 0.5, test: 0.5 }), /leave some training data/);
});

test('lineDataset: inputs start at the boundary, targets end at it, padding targets are ignored', () => {
  const v = CharVocabulary.fromTexts(['ab', 'b']);
  const ds = lineDataset(['ab', 'b'], v, 4);
  assert.deepEqual(ds.x.toArray(), [[0, 1, 2, 0], [0, 2, 0, 0]]);
  assert.deepEqual(ds.y.toArray(), [[1, 2, 0, IGNORE_TARGET], [2, 0, IGNORE_TARGET, IGNORE_TARGET]]);
  assert.throws(() => lineDataset(['abab'], v, 4, 'names.txt'), /names\.txt, example 1: 4 characters do not fit a block of 4/);
  assert.throws(() => lineDataset(['ab'], v, 0), /block size must be an integer from 1/);
});

test('textDataset: windows of blockSize with the next characters as targets', () => {
  const v = CharVocabulary.fromTexts(['abcde']);
  const ds = textDataset('abcde', v, 2);
  assert.deepEqual(ds.x.toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(ds.y.toArray(), [[2, 3], [4, 5]]);
  assert.deepEqual(textDataset('abcde', v, 2, 1).x.shape, [3, 2]);
  assert.throws(() => textDataset('ab', v, 2), /2 characters are too few for one window of 2/);
});
