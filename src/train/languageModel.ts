/**
 * Training, evaluating and sampling the character-level language models of nn/languageModels:
 * the corpus is split by a seed, every preset trains with AdamW on a cosine schedule, losses are
 * in nats per character, and sampling is seeded (the same seed gives the same names).
 */
import { noGrad } from '../autograd/mode.js';
import { CharVocabulary, BOUNDARY, lineBlockSize, lineDataset, splitExamples, textDataset, type TextSplits } from '../data/text.js';
import type { TensorDataset } from '../data/dataset.js';
import { ValueError } from '../errors.js';
import { LanguageModel, languageModelLoss, type LanguageModelKind, type LanguageModelSizes } from '../nn/languageModels.js';
import { AdamW } from '../optim/adam.js';
import { CosineAnnealingLR } from '../optim/schedulers.js';
import { Generator } from '../random/generator.js';
import { tensor } from '../tensor/create.js';
import { fit, type Callback } from './fit.js';
import type { History } from './history.js';

/** A preset: the model's sizes and the recipe that trains it (each within minutes on 2 cores). */
export interface LanguageModelPreset {
  readonly kind: LanguageModelKind;
  readonly sizes: LanguageModelSizes;
  readonly epochs: number;
  readonly lr: number;
  readonly batchSize: number;
  readonly weightDecay: number;
}

export const LANGUAGE_MODEL_PRESETS: Readonly<Record<'bigram' | 'mlp-lm' | 'lstm' | 'transformer', LanguageModelPreset>> = {
  bigram: { kind: 'bigram', sizes: {}, epochs: 10, lr: 0.1, batchSize: 64, weightDecay: 0 },
  'mlp-lm': { kind: 'mlp-lm', sizes: { embed: 16, hidden: 128, context: 4 }, epochs: 20, lr: 0.003, batchSize: 32, weightDecay: 0.01 },
  lstm: { kind: 'lstm', sizes: { embed: 32, hidden: 128, layers: 1 }, epochs: 12, lr: 0.003, batchSize: 32, weightDecay: 0.01 },
  transformer: { kind: 'transformer', sizes: { embed: 64, heads: 4, layers: 2, feedforward: 256, dropout: 0 }, epochs: 12, lr: 0.001, batchSize: 32, weightDecay: 0.01 },
};

/** A corpus made ready for a language model: its vocabulary, block size and the three datasets. */
export interface TextCorpus {
  readonly vocab: CharVocabulary;
  readonly blockSize: number;
  readonly mode: 'lines' | 'text';
  readonly splits: { readonly train: TensorDataset; readonly validation: TensorDataset; readonly test: TensorDataset };
  /** Examples (lines) per split, or characters per split for a running text. */
  readonly counts: { readonly train: number; readonly validation: number; readonly test: number };
}

/**
 * One example a line (names): split by `seed` 80/10/10, vocabulary from all the examples (so a
 * test name never has an unknown character), block = the longest example + 1.
 */
export function lineCorpus(examples: readonly string[], seed: number, where = 'the data'): TextCorpus {
  const kept = examples.filter((e) => e.length > 0);
  if (kept.length < 10) throw new ValueError(`${where}: ${kept.length} non-empty lines are too few to split into train, validation and test (at least 10)`);
  const parts = splitExamples(kept, seed);
  const vocab = CharVocabulary.fromTexts(kept);
  const blockSize = lineBlockSize(kept);
  const ds = (p: readonly string[]) => lineDataset(p, vocab, blockSize, where);
  return { vocab, blockSize, mode: 'lines', splits: { train: ds(parts.train), validation: ds(parts.validation), test: ds(parts.test) }, counts: counts(parts) };
}

/** A running text: the first 80 % trains, the next 10 % validates, the last 10 % tests; windows of `blockSize`. */
export function textCorpus(text: string, blockSize: number, where = 'the text'): TextCorpus {
  const chars = [...text];
  const vocab = CharVocabulary.fromTexts([text]);
  const a = Math.floor(chars.length * 0.8);
  const b = Math.floor(chars.length * 0.9);
  const part = (from: number, to: number, name: string) => textDataset(chars.slice(from, to).join(''), vocab, blockSize, blockSize, `${where} (${name} part)`);
  return {
    vocab,
    blockSize,
    mode: 'text',
    splits: { train: part(0, a, 'training'), validation: part(a, b, 'validation'), test: part(b, chars.length, 'test') },
    counts: { train: a, validation: b - a, test: chars.length - b },
  };
}

function counts(p: TextSplits): { train: number; validation: number; test: number } {
  return { train: p.train.length, validation: p.validation.length, test: p.test.length };
}

export interface TrainLanguageModelOptions {
  readonly epochs?: number;
  readonly lr?: number;
  readonly batchSize?: number;
  readonly weightDecay?: number;
  readonly seed?: number;
  readonly clipNorm?: number;
  readonly callbacks?: readonly Callback[];
}

export interface TrainedLanguageModel {
  readonly model: LanguageModel;
  readonly history: History;
  readonly optimizer: AdamW;
  readonly testLoss: number;
}

/** Builds the preset's model for the corpus and trains it with AdamW and a cosine schedule; validation loss per epoch, test loss at the end. */
export function trainLanguageModel(corpus: TextCorpus, preset: LanguageModelPreset, options: TrainLanguageModelOptions = {}): TrainedLanguageModel {
  const seed = options.seed ?? 0;
  const model = new LanguageModel(preset.kind, { vocab: corpus.vocab.chars.join(''), blockSize: corpus.blockSize, mode: corpus.mode }, preset.sizes, { seed });
  const epochs = options.epochs ?? preset.epochs;
  const optimizer = new AdamW(model.parameters(), { lr: options.lr ?? preset.lr, weightDecay: options.weightDecay ?? preset.weightDecay });
  const history = fit(model, corpus.splits.train, {
    loss: languageModelLoss,
    optimizer,
    epochs,
    batchSize: options.batchSize ?? preset.batchSize,
    seed,
    validation: corpus.splits.validation,
    scheduler: new CosineAnnealingLR(optimizer, { totalSteps: epochs }),
    ...(options.clipNorm === undefined ? {} : { clipNorm: options.clipNorm }),
    callbacks: options.callbacks ?? [],
  });
  return { model, history, optimizer, testLoss: languageModelTestLoss(model, corpus.splits.test) };
}

/**
 * The mean loss per character (nats) of `model` on a dataset of sequences, padding ignored:
 * the sum over all characters divided by their number, whatever the batching.
 */
export function languageModelTestLoss(model: LanguageModel, data: TensorDataset): number {
  let total = 0;
  let characters = 0;
  noGrad(() => {
    const wasTraining = model.training;
    model.eval();
    try {
      for (let start = 0; start < data.length; start += 256) {
        const b = data.batch(Array.from({ length: Math.min(256, data.length - start) }, (_, i) => start + i));
        let kept = 0;
        for (const v of b.y._data) if (v >= 0) kept++;
        if (kept === 0) continue;
        total += languageModelLoss(model.call(b.x), b.y).item() * kept;
        characters += kept;
      }
    } finally {
      model.train(wasTraining);
    }
  });
  return characters === 0 ? NaN : total / characters;
}

export interface SampleOptions {
  /** Number of samples (default 20). */
  readonly n?: number;
  /** Divides the logits: below 1 is more conservative, above 1 more varied (default 1). */
  readonly temperature?: number;
  /** Sample among the k most likely characters only (default: all). */
  readonly topK?: number;
  /** Seed of the sampling (default 0): the same seed gives the same samples. */
  readonly seed?: number;
  /** Characters per sample at most (default: the block size − 1 for lines, the block size for a running text). */
  readonly maxLength?: number;
  /** A running text's start (default: its vocabulary's first character). */
  readonly prompt?: string;
}

/**
 * Draws `n` samples from a language model, one character at a time from softmax(logits / T)
 * (restricted to the top k); a line ends at the boundary '.'. Seeded.
 */
export function sampleLanguageModel(model: LanguageModel, options: SampleOptions = {}): string[] {
  const n = options.n ?? 20;
  const temperature = options.temperature ?? 1;
  if (!Number.isInteger(n) || n < 1 || n > 10_000) throw new ValueError(`sample: n must be an integer from 1 to 10,000, got ${n}`);
  if (!(temperature > 0 && Number.isFinite(temperature))) throw new ValueError(`sample: temperature must be a positive number, got ${temperature}`);
  const V = [...model.data.vocab].length + 1;
  const topK = options.topK ?? V;
  if (!Number.isInteger(topK) || topK < 1) throw new ValueError(`sample: topK must be a positive integer, got ${topK}`);
  const vocab = new CharVocabulary([...model.data.vocab]);
  const lines = model.data.mode === 'lines';
  const maxLength = options.maxLength ?? (lines ? model.data.blockSize - 1 : model.data.blockSize);
  const prompt = lines ? [BOUNDARY] : vocab.encode(options.prompt ?? vocab.chars[0] ?? '', 'sample: the prompt');
  const generator = new Generator(options.seed ?? 0);
  const sequences = Array.from({ length: n }, () => [...prompt]);
  const done = new Array<boolean>(n).fill(false);
  const wasTraining = model.training;
  model.eval();
  try {
    noGrad(() => {
      for (let step = 0; step < maxLength && done.includes(false); step++) {
        const length = Math.min(sequences[0]!.length, model.data.blockSize);
        const ids = new Int32Array(n * length);
        sequences.forEach((s, r) => ids.set(s.slice(s.length - length), r * length));
        const logits = model.call(tensor(ids, { shape: [n, length], dtype: 'int32' }));
        const data = logits._data;
        for (let r = 0; r < n; r++) {
          if (done[r]) {
            sequences[r]!.push(BOUNDARY);
            continue;
          }
          const offset = (r * length + length - 1) * V;
          const next = drawToken(Array.from(data.subarray(offset, offset + V)), temperature, topK, generator);
          sequences[r]!.push(next);
          if (lines && next === BOUNDARY) done[r] = true;
        }
      }
    });
  } finally {
    model.train(wasTraining);
  }
  return sequences.map((s) => {
    const body = s.slice(prompt.length);
    const end = lines ? body.indexOf(BOUNDARY) : -1;
    return (lines ? '' : vocab.decode(prompt)) + vocab.decode(end < 0 ? body : body.slice(0, end));
  });
}

/** One token from logits: softmax at a temperature over the top k, drawn with one uniform number. */
function drawToken(logits: number[], temperature: number, topK: number, generator: Generator): number {
  const order = logits.map((v, i) => [v, i] as const).sort((a, b) => b[0] - a[0] || a[1] - b[1]).slice(0, topK);
  const top = order[0]![0];
  const weights = order.map(([v]) => Math.exp((v - top) / temperature));
  const total = weights.reduce((a, b) => a + b, 0);
  let u = generator.uniform() * total;
  for (let k = 0; k < order.length; k++) {
    u -= weights[k]!;
    if (u < 0) return order[k]![1];
  }
  return order[order.length - 1]![1];
}
