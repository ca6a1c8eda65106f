// The transformer language model against PyTorch (scripts/oracles/char_lm.py → test/fixtures/char_lm.json):
// the same initial weights and batches give the same losses step by step, and the same test loss.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { AdamW, tensor, type Tensor } from '../../src/index.js';
import { lineCorpus } from '../../src/train/languageModel.js';
import { names } from '../../src/data/text.js';
import { LanguageModel, languageModelLoss } from '../../src/nn/languageModels.js';
import { languageModelTestLoss } from '../../src/train/languageModel.js';

interface Fixture {
  vocab: string;
  blockSize: number;
  counts: { train: number; validation: number; test: number };
  same: {
    config: { embed: number; heads: number; layers: number; feedforward: number; lr: number; weightDecay: number; steps: number; batchSize: number };
    initial: Record<string, { shape: number[]; data: number[] }>;
    losses: number[];
    testLoss: number;
  };
  preset?: { testLosses: number[]; mean: number; stdev: number };
}

const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/char_lm.json', import.meta.url), 'utf8')) as Fixture;

test('char LM oracle: chainrule splits and encodes the names exactly as the fixture (vocabulary, block, counts)', () => {
  const corpus = lineCorpus(names(), 0, 'names');
  assert.equal(corpus.vocab.chars.join(''), fixture.vocab);
  assert.equal(corpus.blockSize, fixture.blockSize);
  assert.deepEqual(corpus.counts, fixture.counts);
});

test('char LM oracle: from PyTorch\'s initial weights, 40 AdamW steps give PyTorch\'s losses (float64) and its test loss', () => {
  const c = fixture.same.config;
  const corpus = lineCorpus(names(), 0, 'names');
  const model = new LanguageModel('transformer', { vocab: fixture.vocab, blockSize: fixture.blockSize, mode: 'lines' }, { embed: c.embed, heads: c.heads, layers: c.layers, feedforward: c.feedforward }, { dtype: 'float64' });
  const state: Record<string, Tensor> = {};
  for (const [k, v] of Object.entries(fixture.same.initial)) state[k] = tensor(v.data, { shape: v.shape, dtype: 'float64' });
  model.loadStateDict(state);
  const opt = new AdamW(model.parameters(), { lr: c.lr, weightDecay: c.weightDecay });
  for (let step = 0; step < c.steps; step++) {
    const b = corpus.splits.train.batch(Array.from({ length: c.batchSize }, (_, i) => step * c.batchSize + i));
    opt.zeroGrad();
    const loss = languageModelLoss(model.call(b.x), b.y);
    loss.backward();
    opt.step();
    const expected = fixture.same.losses[step]!;
    assert.ok(Math.abs(loss.item() - expected) <= 1e-9 * Math.abs(expected), `step ${step}: ${loss.item()} vs PyTorch ${expected}`);
  }
  const testLoss = languageModelTestLoss(model, corpus.splits.test);
  assert.ok(Math.abs(testLoss - fixture.same.testLoss) <= 1e-9, `test loss ${testLoss} vs PyTorch ${fixture.same.testLoss}`);
});
