import { test } from 'node:test';
import assert from 'node:assert/strict';
import { names } from '../../src/data/text.js';
import { modelFileText, loadFromText } from '../../src/index.js';
import { LanguageModel, languageModelLoss, languageModelParameterCount, LANGUAGE_MODEL_KINDS } from '../../src/nn/languageModels.js';
import { LANGUAGE_MODEL_PRESETS, languageModelTestLoss, lineCorpus, sampleLanguageModel, textCorpus, trainLanguageModel } from '../../src/train/languageModel.js';
import { tensor, zeros } from '../../src/index.js';

const data = { vocab: 'abc', blockSize: 6, mode: 'lines' as const };

test('every kind maps ids [B, T] to logits [B, T, V]; its parameter count is known before it is built', () => {
  for (const kind of LANGUAGE_MODEL_KINDS) {
    const sizes = { embed: 8, hidden: 12, layers: 2, heads: 2, feedforward: 16, context: 3 };
    const m = new LanguageModel(kind, data, sizes, { seed: 0 });
    assert.deepEqual(m.forward(zeros([2, 5], { dtype: 'int32' })).shape, [2, 5, 4], kind);
    assert.equal(m.parameterCount(), languageModelParameterCount(kind, 4, 6, sizes), kind);
  }
  assert.throws(() => new LanguageModel('bigram', data).forward(zeros([2, 5])), /expected token ids of shape \[batch, time\] and dtype int32, got float32/);
});

test('causality: no kind lets position t see tokens after t', () => {
  for (const kind of LANGUAGE_MODEL_KINDS) {
    const m = new LanguageModel(kind, data, { embed: 8, hidden: 8, heads: 2, layers: 1 }, { seed: 1 });
    const a = m.forward(tensor([[0, 1, 2, 3, 1]], { dtype: 'int32' })).toArray() as number[][][];
    const b = m.forward(tensor([[0, 1, 2, 1, 3]], { dtype: 'int32' })).toArray() as number[][][];
    assert.deepEqual(a[0]!.slice(0, 3), b[0]!.slice(0, 3), kind);
    assert.notDeepEqual(a[0]![4], b[0]![4], kind);
  }
});

test('a model file round trip keeps the kind, the vocabulary and the outputs', () => {
  const m = new LanguageModel('transformer', data, { embed: 8, heads: 2, layers: 1 }, { seed: 2 });
  const back = loadFromText('lm.json', modelFileText(m)).model;
  assert.ok(back instanceof LanguageModel);
  assert.equal(back.kind, 'transformer');
  assert.deepEqual(back.data, data);
  const x = tensor([[0, 1, 2]], { dtype: 'int32' });
  assert.deepEqual(back.call(x).toArray(), m.call(x).toArray());
});

test('the bigram preset learns names: its test loss falls well below log(28) = 3.33 in two epochs', () => {
  const corpus = lineCorpus(names(), 0, 'names');
  assert.deepEqual(corpus.counts, { train: 6738, validation: 842, test: 842 });
  const run = trainLanguageModel(corpus, LANGUAGE_MODEL_PRESETS.bigram, { epochs: 2, seed: 0 });
  assert.ok(run.testLoss < 2.7, `test loss ${run.testLoss}`);
  // The loss per character is the same number however the data are batched.
  const b = corpus.splits.test.batch([0, 1, 2]);
  const direct = languageModelLoss(run.model.call(b.x), b.y).item();
  const viaHelper = languageModelTestLoss(run.model, corpus.splits.test.subset([0, 1, 2]));
  assert.ok(Math.abs(direct - viaHelper) < 1e-5);
});

test('sampling is reproducible by seed; temperature and top-k change what is drawn; lines end at the boundary', () => {
  const corpus = lineCorpus(names().slice(0, 400), 0, 'names');
  const run = trainLanguageModel(corpus, LANGUAGE_MODEL_PRESETS.bigram, { epochs: 3, seed: 0 });
  const a = sampleLanguageModel(run.model, { n: 10, seed: 1 });
  assert.deepEqual(sampleLanguageModel(run.model, { n: 10, seed: 1 }), a);
  assert.notDeepEqual(sampleLanguageModel(run.model, { n: 10, seed: 2 }), a);
  assert.equal(a.length, 10);
  for (const s of a) {
    assert.ok(!s.includes('.') && s.length <= corpus.blockSize - 1, s);
    assert.match(s, /^[-a-z]*$/);
  }
  // top-k 1 is greedy: every sample the same.
  const greedy = sampleLanguageModel(run.model, { n: 5, seed: 3, topK: 1 });
  assert.equal(new Set(greedy).size, 1);
  assert.throws(() => sampleLanguageModel(run.model, { temperature: 0 }), /temperature must be a positive number/);
});

test('a running text trains on windows, and samples continue the prompt', () => {
  const text = 'the cat sat on the mat. '.repeat(40);
  const corpus = textCorpus(text, 8, 'cats.txt');
  assert.equal(corpus.mode, 'text');
  const run = trainLanguageModel(corpus, LANGUAGE_MODEL_PRESETS['mlp-lm'], { epochs: 5, seed: 0 });
  assert.ok(run.testLoss < 1.5, `test loss ${run.testLoss}`);
  const [s] = sampleLanguageModel(run.model, { n: 1, prompt: 'the ', maxLength: 12, seed: 0 });
  assert.ok(s!.startsWith('the ') && s!.length === 16, s);
  assert.throws(() => sampleLanguageModel(run.model, { prompt: 'cat!' }), /the prompt: the character "!" is not in the model's vocabulary/);
});
