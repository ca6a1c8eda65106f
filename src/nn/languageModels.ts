/**
 * Character-level language models, the path of the "makemore" series: a bigram table, Bengio's
 * MLP over the previous characters, a recurrent network (LSTM, GRU or plain RNN), and a small
 * GPT-like transformer. Each maps token ids [B, T] (int32) to next-token logits [B, T, V], so one
 * loss, one trainer and one sampler serve all four; each carries its vocabulary and block size
 * in its config, so a model file alone can sample and be evaluated.
 */
import { ValueError } from '../errors.js';
import { concat, narrow, reshape } from '../ops/shape.js';
import { crossEntropy } from './losses.js';
import { Generator } from '../random/generator.js';
import { arange, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { Embedding } from './embedding.js';
import { LayerNorm } from './layerNorm.js';
import { Linear } from './linear.js';
import { Module, type ModuleConfig } from './module.js';
import { GRU, LSTM, RNN } from './rnn.js';
import { TransformerEncoderLayer } from './transformer.js';

/** What every language model here records about its data. */
export interface LanguageModelData {
  /** The vocabulary's characters (token i + 1; token 0 is the boundary '.'). */
  readonly vocab: string;
  /** The longest context the model is trained on (and the transformer's positions). */
  readonly blockSize: number;
  /** 'lines': one example a line, bounded by '.'; 'text': a running text. */
  readonly mode: 'lines' | 'text';
}

/** The four kinds, as `--arch` names them. */
export const LANGUAGE_MODEL_KINDS = ['bigram', 'mlp-lm', 'lstm', 'gru', 'rnn', 'transformer'] as const;
export type LanguageModelKind = (typeof LANGUAGE_MODEL_KINDS)[number];

export interface LanguageModelOptions {
  /** Seed of the initial weights (default 0). */
  readonly seed?: number;
  /** Or the generator to draw them from (a model file's factory passes its own). */
  readonly generator?: Generator;
  readonly dtype?: 'float32' | 'float64';
}

/** Sizes of a language model; each kind reads the ones it has. */
export interface LanguageModelSizes {
  /** Embedding width (mlp-lm, recurrent, transformer). */
  readonly embed?: number;
  /** Hidden width (mlp-lm, recurrent). */
  readonly hidden?: number;
  /** Characters of context the MLP sees (default 3, as Bengio et al.). */
  readonly context?: number;
  /** Recurrent or transformer layers. */
  readonly layers?: number;
  /** Attention heads (transformer). */
  readonly heads?: number;
  /** Width of each transformer block's feed-forward part (default 4 × embed). */
  readonly feedforward?: number;
  /** Dropout (recurrent between layers; transformer in every block). */
  readonly dropout?: number;
}

/**
 * A character-level language model: ids [B, T] → logits [B, T, V].
 * @example
 * const lm = new LanguageModel('bigram', { vocab: 'ab', blockSize: 4, mode: 'lines' }, {}, { seed: 0 });
 * lm.forward(zeros([2, 4], { dtype: 'int32' })).shape; // [2, 4, 3]
 */
export class LanguageModel extends Module {
  readonly kind: LanguageModelKind;
  readonly data: LanguageModelData;
  readonly sizes: LanguageModelSizes;
  readonly seed: number | undefined;
  readonly dtype: 'float32' | 'float64';
  private readonly parts: (x: Tensor) => Tensor;

  constructor(kind: LanguageModelKind, data: LanguageModelData, sizes: LanguageModelSizes = {}, options: LanguageModelOptions = {}) {
    super();
    if (!LANGUAGE_MODEL_KINDS.includes(kind)) throw new ValueError(`LanguageModel: kind must be one of ${LANGUAGE_MODEL_KINDS.join(', ')}, got '${String(kind)}'`);
    this.kind = kind;
    this.data = data;
    this.sizes = sizes;
    this.seed = options.seed;
    const generator = options.generator ?? new Generator(options.seed ?? 0);
    const dtype = options.dtype ?? 'float32';
    this.dtype = dtype;
    const V = [...data.vocab].length + 1;
    const embed = sizes.embed ?? 32;
    const hidden = sizes.hidden ?? 128;
    const layers = sizes.layers ?? (kind === 'transformer' ? 2 : 1);
    const dropout = sizes.dropout ?? 0;
    switch (kind) {
      case 'bigram': {
        const table = this.registerModule('table', new Embedding(V, V, { generator, dtype }));
        this.parts = (x) => table.call(x);
        break;
      }
      case 'mlp-lm': {
        const context = sizes.context ?? 3;
        const emb = this.registerModule('embedding', new Embedding(V, embed, { generator, dtype }));
        const l1 = this.registerModule('hidden', new Linear(context * embed, hidden, { generator, dtype }));
        const l2 = this.registerModule('out', new Linear(hidden, V, { generator, dtype }));
        this.parts = (x) => {
          const e = emb.call(x);
          const [B, T] = [x.shape[0]!, x.shape[1]!];
          // Position t sees tokens t−context+1 … t; before the start, zero vectors (the boundary token already marks it).
          const padded = concat([zeros([B, context - 1, embed], { dtype: e.dtype }), e], 1);
          const windows = Array.from({ length: context }, (_, j) => narrow(padded, 1, context - 1 - j, T));
          return l2.call(l1.call(concat(windows, 2)).tanh());
        };
        break;
      }
      case 'lstm':
      case 'gru':
      case 'rnn': {
        const emb = this.registerModule('embedding', new Embedding(V, embed, { generator, dtype }));
        const options = { numLayers: layers, batchFirst: true, dropout, generator, dtype };
        const out = (h: Tensor) => head.call(h);
        let run: (e: Tensor) => Tensor;
        if (kind === 'lstm') {
          const rnn = this.registerModule('rnn', new LSTM(embed, hidden, options));
          run = (e) => rnn.call(e)[0];
        } else if (kind === 'gru') {
          const rnn = this.registerModule('rnn', new GRU(embed, hidden, options));
          run = (e) => rnn.call(e)[0];
        } else {
          const rnn = this.registerModule('rnn', new RNN(embed, hidden, options));
          run = (e) => rnn.call(e)[0];
        }
        const head = this.registerModule('out', new Linear(hidden, V, { generator, dtype }));
        this.parts = (x) => out(run(emb.call(x)));
        break;
      }
      case 'transformer': {
        const heads = sizes.heads ?? 4;
        const tok = this.registerModule('tokens', new Embedding(V, embed, { generator, dtype }));
        const pos = this.registerModule('positions', new Embedding(data.blockSize, embed, { generator, dtype }));
        const blocks = Array.from({ length: layers }, (_, i) =>
          this.registerModule(
            `block${i}`,
            new TransformerEncoderLayer(embed, heads, { dimFeedforward: sizes.feedforward ?? 4 * embed, dropout, activation: 'gelu', batchFirst: true, normFirst: true, generator, dtype }),
          ),
        );
        const norm = this.registerModule('norm', new LayerNorm([embed], { dtype }));
        const head = this.registerModule('out', new Linear(embed, V, { generator, dtype }));
        this.parts = (x) => {
          const T = x.shape[1]!;
          if (T > data.blockSize) throw new ValueError(`LanguageModel(transformer): ${T} tokens are more than its ${data.blockSize} positions (the block size it was built for)`);
          let h = tok.call(x).add(pos.call(arange(0, T, 1, { dtype: 'int32' })));
          for (const b of blocks) h = b.call(h, { isCausal: true });
          return head.call(norm.call(h));
        };
        break;
      }
    }
  }

  forward(x: Tensor): Tensor {
    if (x.ndim !== 2 || x.dtype !== 'int32') {
      throw new ValueError(`LanguageModel(${this.kind}): expected token ids of shape [batch, time] and dtype int32, got ${x.dtype} [${x.shape.join(', ')}]`);
    }
    return this.parts(x);
  }

  override describe(): string {
    return `LanguageModel(${this.kind}, ${[...this.data.vocab].length + 1} tokens, block ${this.data.blockSize})`;
  }

  override config(): ModuleConfig {
    return { type: 'LanguageModel', kind: this.kind, ...this.data, sizes: { ...this.sizes }, ...(this.dtype === 'float32' ? {} : { dtype: this.dtype }), ...(this.seed === undefined ? {} : { seed: this.seed }) };
  }
}

/** Parameters of a language model before it is built, so a model file's config can be checked against the budget first. */
export function languageModelParameterCount(kind: LanguageModelKind, vocabSize: number, blockSize: number, sizes: LanguageModelSizes): number {
  const V = vocabSize;
  const E = sizes.embed ?? 32;
  const H = sizes.hidden ?? 128;
  const L = sizes.layers ?? (kind === 'transformer' ? 2 : 1);
  switch (kind) {
    case 'bigram':
      return V * V;
    case 'mlp-lm':
      return V * E + ((sizes.context ?? 3) * E + 1) * H + (H + 1) * V;
    case 'lstm':
    case 'gru':
    case 'rnn': {
      const gates = kind === 'lstm' ? 4 : kind === 'gru' ? 3 : 1;
      let n = V * E + (H + 1) * V;
      for (let l = 0; l < L; l++) n += gates * H * ((l === 0 ? E : H) + H + 2);
      return n;
    }
    case 'transformer': {
      const F = sizes.feedforward ?? 4 * E;
      return V * E + blockSize * E + L * (4 * E * E + 4 * E + 2 * E * F + F + E + 4 * E) + 2 * E + (E + 1) * V;
    }
  }
}

/**
 * The loss of a language model: the mean cross-entropy of logits [B, T, V] at targets [B, T],
 * in nats per character, padding targets (−1) ignored.
 */
export function languageModelLoss(logits: Tensor, targets: Tensor): Tensor {
  const V = logits.shape[logits.ndim - 1]!;
  return crossEntropy(reshape(logits, [-1, V]), reshape(targets, [-1]), { ignoreIndex: -1 });
}
