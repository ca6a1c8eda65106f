/** The transformer encoder layer, as PyTorch's nn.TransformerEncoderLayer (post-norm by default, pre-norm with normFirst). */
import { DTypeError, ValueError } from '../errors.js';
import { add, gelu, relu } from '../ops/elementwise.js';
import { checkDropout } from '../ops/attention.js';
import { reshape } from '../ops/shape.js';
import { Generator } from '../random/generator.js';
import type { DType } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { MultiheadAttention } from './attention.js';
import { Dropout } from './dropout.js';
import { resolveGenerator, type FloatDType } from './init.js';
import { LayerNorm } from './layerNorm.js';
import { Linear } from './linear.js';
import { Module, type ModuleConfig } from './module.js';

export type TransformerActivation = 'relu' | 'gelu';

export interface TransformerEncoderLayerOptions {
  /** Width of the feed-forward block (default 2048, as PyTorch). */
  readonly dimFeedforward?: number;
  /** Dropout probability in attention, the feed-forward block and both residual branches (default 0.1). */
  readonly dropout?: number;
  /** The feed-forward block's nonlinearity (default 'relu'). */
  readonly activation?: TransformerActivation;
  /** The layer norms' eps (default 1e-5). */
  readonly layerNormEps?: number;
  /** Inputs are (N, L, E) instead of (L, N, E) (default false). */
  readonly batchFirst?: boolean;
  /** Pre-norm: normalize before attention and the feed-forward block, not after the residual sums (default false). */
  readonly normFirst?: boolean;
  /** Biases in the linear layers, attention and layer norms (default true). */
  readonly bias?: boolean;
  /** Seed the initial weights, and the dropout masks with a generator drawn from it (not with `generator`). */
  readonly seed?: number;
  /** The generator to draw the initial weights from (default: the one `manualSeed` sets). */
  readonly generator?: Generator;
  /** Parameter dtype: float32 (default) or float64. */
  readonly dtype?: DType;
}

export interface TransformerEncoderLayerCallOptions {
  /** As MultiheadAttention's attnMask: (L, S) or (N·H, L, S); bool true = NOT allowed, float added. */
  readonly srcMask?: Tensor | null;
  /** (N, S): bool true = ignore that position, as PyTorch's src_key_padding_mask. */
  readonly srcKeyPaddingMask?: Tensor | null;
  /** Mask the future when no srcMask is given (see MultiheadAttention's isCausal). */
  readonly isCausal?: boolean;
}

/**
 * One transformer encoder layer, as PyTorch's nn.TransformerEncoderLayer: self-attention and a
 * feed-forward block (linear1 → activation → dropout → linear2), each with dropout and a residual
 * sum, normalized after the sums (post-norm) or, with `normFirst`, before each block. Sub-modules
 * and state-dict names are PyTorch's: `self_attn`, `linear1`, `dropout`, `linear2`, `norm1`,
 * `norm2`, `dropout1`, `dropout2`.
 * @example
 * const layer = new TransformerEncoderLayer(16, 4, { dimFeedforward: 32, batchFirst: true, seed: 0 });
 * layer.forward(randn([2, 5, 16]), { isCausal: true }).shape; // [2, 5, 16]
 */
export class TransformerEncoderLayer extends Module<[src: Tensor, options?: TransformerEncoderLayerCallOptions], Tensor> {
  readonly dModel: number;
  readonly nhead: number;
  readonly dimFeedforward: number;
  readonly dropoutP: number;
  readonly activation: TransformerActivation;
  readonly layerNormEps: number;
  readonly batchFirst: boolean;
  readonly normFirst: boolean;
  readonly bias: boolean;
  readonly dtype: FloatDType;
  readonly seed: number | undefined;
  readonly selfAttn: MultiheadAttention;
  readonly linear1: Linear;
  readonly dropout: Dropout;
  readonly linear2: Linear;
  readonly norm1: LayerNorm;
  readonly norm2: LayerNorm;
  readonly dropout1: Dropout;
  readonly dropout2: Dropout;

  constructor(dModel: number, nhead: number, options: TransformerEncoderLayerOptions = {}) {
    super();
    const where = 'TransformerEncoderLayer';
    const dimFeedforward = options.dimFeedforward ?? 2048;
    if (!Number.isInteger(dimFeedforward) || dimFeedforward < 1) throw new ValueError(`${where}: dimFeedforward must be a positive integer, got ${dimFeedforward}`);
    const activation = options.activation ?? 'relu';
    if (activation !== 'relu' && activation !== 'gelu') throw new ValueError(`${where}: activation must be 'relu' or 'gelu', got ${JSON.stringify(activation)}`);
    const dropout = options.dropout ?? 0.1;
    checkDropout(where, dropout);
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`${where}: parameters must be float32 or float64, got dtype ${String(dtype)}`);
    this.dModel = dModel;
    this.nhead = nhead;
    this.dimFeedforward = dimFeedforward;
    this.dropoutP = dropout;
    this.activation = activation;
    this.layerNormEps = options.layerNormEps ?? 1e-5;
    this.batchFirst = options.batchFirst ?? false;
    this.normFirst = options.normFirst ?? false;
    this.bias = options.bias ?? true;
    this.dtype = dtype;
    this.seed = options.seed;
    const generator = resolveGenerator(where, options);
    const bias = this.bias;
    // With a seed the masks repeat too: their generator is seeded by the weights' one, before the weights.
    const masks = options.seed === undefined ? undefined : new Generator(generator.integer(0, 2 ** 31 - 1));
    const drop = (): Dropout => new Dropout(dropout, masks === undefined ? {} : { generator: masks });
    const attentionOptions = { dropout, bias, batchFirst: this.batchFirst, generator, dtype };
    this.selfAttn = this.registerModule('self_attn', new MultiheadAttention(dModel, nhead, masks === undefined ? attentionOptions : { ...attentionOptions, dropoutGenerator: masks }));
    const linear1 = new Linear(dModel, dimFeedforward, { bias, generator, dtype });
    const linear2 = new Linear(dimFeedforward, dModel, { bias, generator, dtype });
    this.linear1 = this.registerModule('linear1', linear1);
    this.dropout = this.registerModule('dropout', drop());
    this.linear2 = this.registerModule('linear2', linear2);
    const eps = this.layerNormEps;
    this.norm1 = this.registerModule('norm1', new LayerNorm(dModel, { eps, bias, dtype }));
    this.norm2 = this.registerModule('norm2', new LayerNorm(dModel, { eps, bias, dtype }));
    this.dropout1 = this.registerModule('dropout1', drop());
    this.dropout2 = this.registerModule('dropout2', drop());
  }

  forward(src: Tensor, options: TransformerEncoderLayerCallOptions = {}): Tensor {
    const attention = (x: Tensor): Tensor => {
      const [out] = this.selfAttn.call(x, x, x, {
        attnMask: options.srcMask ?? null,
        keyPaddingMask: options.srcKeyPaddingMask ?? null,
        needWeights: false,
        isCausal: options.isCausal ?? false,
      });
      return this.dropout1.call(out);
    };
    const feedForward = (x: Tensor): Tensor => {
      // Over rows [tokens, E]: a 2-d input takes Linear's fused kernel and needs no batch sums in its gradient.
      const h = this.linear1.call(reshape(x, [x.size / this.dModel, this.dModel]));
      const a = this.activation === 'gelu' ? gelu(h) : relu(h);
      return reshape(this.dropout2.call(this.linear2.call(this.dropout.call(a))), x.shape);
    };
    let x = src;
    if (this.normFirst) {
      x = add(x, attention(this.norm1.call(x)));
      return add(x, feedForward(this.norm2.call(x)));
    }
    x = this.norm1.call(add(x, attention(x)));
    return this.norm2.call(add(x, feedForward(x)));
  }

  override describe(): string {
    return `TransformerEncoderLayer(${this.dModel}, heads ${this.nhead}, ff ${this.dimFeedforward}, ${this.activation}${this.normFirst ? ', pre-norm' : ''}${this.batchFirst ? ', batch first' : ''})`;
  }

  override config(): ModuleConfig {
    const c: Record<string, unknown> = {
      dModel: this.dModel,
      nhead: this.nhead,
      dimFeedforward: this.dimFeedforward,
      dropout: this.dropoutP,
      activation: this.activation,
      layerNormEps: this.layerNormEps,
      batchFirst: this.batchFirst,
      normFirst: this.normFirst,
      bias: this.bias,
      dtype: this.dtype,
    };
    if (this.seed !== undefined) c['seed'] = this.seed;
    return { ...c, type: 'TransformerEncoderLayer' };
  }
}
