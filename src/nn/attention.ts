/**
 * Multi-head attention, as PyTorch's nn.MultiheadAttention: its parameter names and layout
 * (in_proj_weight [3E, E], in_proj_bias [3E], out_proj), initialization, masks and outputs.
 * The heads are one batched product over [N, H, L, E/H]: no loop over heads or samples.
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { attend, causalMask, checkDropout, type ScoreMask } from '../ops/attention.js';
import { cast } from '../ops/elementwise.js';
import { mean } from '../ops/reduce.js';
import { narrow, permute, reshape, squeeze } from '../ops/shape.js';
import { Generator } from '../random/generator.js';
import { zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { resolveGenerator, xavierUniform, type FloatDType } from './init.js';
import { Linear, linear } from './linear.js';
import { Module, type ModuleConfig } from './module.js';

export interface MultiheadAttentionOptions {
  /** Dropout probability on the attention weights in training (default 0). */
  readonly dropout?: number;
  /** Learn in_proj_bias and out_proj.bias (default true). */
  readonly bias?: boolean;
  /** Inputs and output are (N, L, E) instead of (L, N, E) (default false, as PyTorch). */
  readonly batchFirst?: boolean;
  /** Size of the keys' features (default embedDim); with vdim ≠ embedDim the projections are separate. */
  readonly kdim?: number;
  /** Size of the values' features (default embedDim). */
  readonly vdim?: number;
  /** Seed the initial weights and a generator of the layer's own for dropout (not with `generator`). */
  readonly seed?: number;
  /** The generator to draw the initial weights from (default: the one `manualSeed` sets). */
  readonly generator?: Generator;
  /** The generator dropout draws from (default: the seeded one, else the one `manualSeed` sets). */
  readonly dropoutGenerator?: Generator;
  /** Parameter dtype: float32 (default) or float64. */
  readonly dtype?: DType;
}

export interface MultiheadAttentionCallOptions {
  /** (N, S) (or (S) unbatched): bool true = IGNORE that key, as PyTorch's; a float mask is added. */
  readonly keyPaddingMask?: Tensor | null;
  /** Return the attention weights (default true); false returns null in their place. */
  readonly needWeights?: boolean;
  /**
   * (L, S) or (N·H, L, S): bool true = NOT allowed (PyTorch's nn.MultiheadAttention; the opposite
   * of scaledDotProductAttention's bool mask); a float mask is added to the scores.
   */
  readonly attnMask?: Tensor | null;
  /** Average the weights over the heads (default true): (N, L, S), else (N, H, L, S). */
  readonly averageAttnWeights?: boolean;
  /**
   * Mask the future (query i sees keys j ≤ i) when no attnMask is given; with one, PyTorch reads
   * the flag as a hint that attnMask is causal, and so the attnMask is used as it is.
   */
  readonly isCausal?: boolean;
}

/**
 * Multi-head attention, as PyTorch's nn.MultiheadAttention: `forward(query, key = query,
 * value = key, options)` → `[output, weights | null]`. Inputs are (L, N, E) (or (N, L, E) with
 * `batchFirst`, or unbatched (L, E)); parameters `in_proj_weight` [3E, E] (xavier-uniform),
 * `in_proj_bias` [3E] (0), `out_proj.weight` (Linear's init) and `out_proj.bias` (0); with kdim or
 * vdim ≠ E, `q_proj_weight`, `k_proj_weight` and `v_proj_weight` instead of in_proj_weight.
 * @example
 * const mha = new MultiheadAttention(8, 2, { batchFirst: true, seed: 0 });
 * const x = randn([3, 5, 8]);
 * const [out, weights] = mha.forward(x, x, x);
 * [out.shape, weights?.shape]; // [[3, 5, 8], [3, 5, 5]]
 */
export class MultiheadAttention extends Module<[query: Tensor, key?: Tensor, value?: Tensor, options?: MultiheadAttentionCallOptions], [Tensor, Tensor | null]> {
  readonly embedDim: number;
  readonly numHeads: number;
  readonly headDim: number;
  readonly kdim: number;
  readonly vdim: number;
  readonly dropout: number;
  readonly batchFirst: boolean;
  readonly dtype: FloatDType;
  readonly seed: number | undefined;
  /** [3E, E], or null with separate projections (kdim or vdim ≠ E). */
  readonly inProjWeight: Tensor | null;
  readonly qProjWeight: Tensor | null;
  readonly kProjWeight: Tensor | null;
  readonly vProjWeight: Tensor | null;
  /** [3E], or null without bias. */
  readonly inProjBias: Tensor | null;
  readonly outProj: Linear;
  private readonly dropoutGenerator: Generator | undefined;

  constructor(embedDim: number, numHeads: number, options: MultiheadAttentionOptions = {}) {
    super();
    const where = 'MultiheadAttention';
    for (const [name, v] of [['embedDim', embedDim], ['numHeads', numHeads], ['kdim', options.kdim ?? embedDim], ['vdim', options.vdim ?? embedDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`${where}: ${name} must be a positive integer, got ${v}`);
    }
    if (embedDim % numHeads !== 0) throw new ValueError(`${where}: embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`${where}: parameters must be float32 or float64, got dtype ${String(dtype)}`);
    const dropout = options.dropout ?? 0;
    checkDropout(where, dropout);
    this.embedDim = embedDim;
    this.numHeads = numHeads;
    this.headDim = embedDim / numHeads;
    this.kdim = options.kdim ?? embedDim;
    this.vdim = options.vdim ?? embedDim;
    this.dropout = dropout;
    this.batchFirst = options.batchFirst ?? false;
    this.dtype = dtype;
    this.seed = options.seed;
    const generator = resolveGenerator(where, options);
    const draw = (shape: readonly number[], name: string): Tensor => xavierUniform(shape, { generator, dtype }).named(name);
    if (this.kdim === embedDim && this.vdim === embedDim) {
      this.inProjWeight = this.registerParameter('in_proj_weight', draw([3 * embedDim, embedDim], 'in_proj_weight'));
      this.qProjWeight = this.kProjWeight = this.vProjWeight = null;
    } else {
      this.inProjWeight = null;
      this.qProjWeight = this.registerParameter('q_proj_weight', draw([embedDim, embedDim], 'q_proj_weight'));
      this.kProjWeight = this.registerParameter('k_proj_weight', draw([embedDim, this.kdim], 'k_proj_weight'));
      this.vProjWeight = this.registerParameter('v_proj_weight', draw([embedDim, this.vdim], 'v_proj_weight'));
    }
    const bias = options.bias ?? true;
    this.inProjBias = bias ? this.registerParameter('in_proj_bias', zeros([3 * embedDim], { dtype }).named('in_proj_bias')) : null;
    this.outProj = this.registerModule('out_proj', new Linear(embedDim, embedDim, { bias, dtype, generator, biasInit: 'zeros' }));
    this.dropoutGenerator = options.dropoutGenerator ?? (options.seed !== undefined ? new Generator(options.seed) : undefined);
    if (this.dropoutGenerator !== undefined && options.dropoutGenerator === undefined) this.registerGenerator('generator', this.dropoutGenerator);
  }

  forward(query: Tensor, key?: Tensor, value?: Tensor, options: MultiheadAttentionCallOptions = {}): [Tensor, Tensor | null] {
    const k0 = key ?? query;
    const v0 = value ?? k0;
    const self = k0 === query && v0 === query;
    const batched = query.ndim === 3;
    const where = this.describe();
    if (query.ndim !== 2 && query.ndim !== 3) throw new ShapeError(`${where}: expected a 3-d ${this.batchFirst ? '(N, L, E)' : '(L, N, E)'} or unbatched 2-d (L, E) query, got shape ${formatShape(query.shape)}`);
    if (k0.ndim !== query.ndim || v0.ndim !== query.ndim) {
      throw new ShapeError(`${where}: query ${formatShape(query.shape)}, key ${formatShape(k0.shape)} and value ${formatShape(v0.shape)} must all be batched (3-d) or all unbatched (2-d)`);
    }
    for (const [name, t, dim] of [['query', query, this.embedDim], ['key', k0, this.kdim], ['value', v0, this.vdim]] as const) {
      if (t.shape[t.ndim - 1] !== dim) throw new ShapeError(`${where}: expected ${name} with embedding dimension ${dim} (its last), got shape ${formatShape(t.shape)}`);
      if (!isFloating(t.dtype)) throw new DTypeError(`${where}: ${name} must be float32 or float64, got ${t.dtype}`);
    }
    // Everything below works on (N, L, E)-ordered index names; batch-second inputs are only read so.
    const seqAxis = batched && !this.batchFirst ? 0 : batched ? 1 : 0;
    const batchAxis = batched ? 1 - seqAxis : -1;
    const n = batched ? query.shape[batchAxis]! : 1;
    const l = query.shape[seqAxis]!;
    const s = k0.shape[seqAxis]!;
    if (!shapeEqual(k0.shape.slice(0, -1), v0.shape.slice(0, -1))) {
      throw new ShapeError(`${where}: key ${formatShape(k0.shape)} and value ${formatShape(v0.shape)} must have the same batch and sequence sizes`);
    }
    if (batched && k0.shape[batchAxis] !== n) throw new ShapeError(`${where}: query ${formatShape(query.shape)} and key ${formatShape(k0.shape)} have different batch sizes`);
    const [q, k, v] = this.project(self, this.asDType(query), this.asDType(k0), this.asDType(v0));
    const masks = this.masks(options, n, l, s, batched);
    const heads = (t: Tensor, len: number): Tensor => {
      const split4 = batched && !this.batchFirst ? [len, n, this.numHeads, this.headDim] : [n, len, this.numHeads, this.headDim];
      return permute(reshape(t, split4), batched && !this.batchFirst ? [1, 2, 0, 3] : [0, 2, 1, 3]);
    };
    const p = this.training ? this.dropout : 0;
    const { output, weights } = attend(heads(q, l), heads(k, s), heads(v, s), masks, 1 / Math.sqrt(this.headDim), p, this.dropoutGenerator);
    // [N, H, L, hd] back to the input's layout, heads side by side: [L, N, E] or [N, L, E].
    const merged = reshape(permute(output, batched && !this.batchFirst ? [2, 0, 1, 3] : [0, 2, 1, 3]), [n * l, this.embedDim]);
    const projected = linear(merged, this.outProj.weight, this.outProj.bias);
    const out = reshape(projected, !batched ? [l, this.embedDim] : this.batchFirst ? [n, l, this.embedDim] : [l, n, this.embedDim]);
    if (options.needWeights === false) return [out, null];
    let w = (options.averageAttnWeights ?? true) ? mean(weights, 1) : weights;
    if (!batched) w = squeeze(w, 0);
    return [out, w];
  }

  private asDType(t: Tensor): Tensor {
    return t.dtype === this.dtype ? t : cast(t, this.dtype);
  }

  /**
   * q, k, v projected as rows [tokens, E] (a self-attention's input flattened once): three
   * products on slices of in_proj_weight copy less than one product split in three.
   */
  private project(self: boolean, query: Tensor, key: Tensor, value: Tensor): [Tensor, Tensor, Tensor] {
    const e = this.embedDim;
    const b = this.inProjBias;
    const bias = (i: number): Tensor | null => (b === null ? null : narrow(b, 0, i * e, e));
    const q = rows(query);
    const [k, v] = self ? [q, q] : [rows(key), rows(value)];
    const w = this.inProjWeight;
    if (w !== null) return [linear(q, narrow(w, 0, 0, e), bias(0)), linear(k, narrow(w, 0, e, e), bias(1)), linear(v, narrow(w, 0, 2 * e, e), bias(2))];
    return [linear(q, this.qProjWeight!, bias(0)), linear(k, this.kProjWeight!, bias(1)), linear(v, this.vProjWeight!, bias(2))];
  }

  /** The masks as score terms on [N, H, L, S], after PyTorch's shape checks. */
  private masks(options: MultiheadAttentionCallOptions, n: number, l: number, s: number, batched: boolean): ScoreMask[] {
    const where = this.describe();
    const out: ScoreMask[] = [];
    const kind = (m: Tensor, what: string): 'block' | 'add' => {
      if (m.dtype === 'bool') return 'block';
      if (isFloating(m.dtype)) return 'add';
      throw new DTypeError(`${where}: only bool and floating types of ${what} are supported, got ${m.dtype}`);
    };
    const attnMask = options.attnMask ?? null;
    if (attnMask !== null) {
      if (attnMask.ndim === 2) {
        if (!shapeEqual(attnMask.shape, [l, s])) throw new ShapeError(`${where}: the shape of the 2D attnMask is ${formatShape(attnMask.shape)}, but should be ${formatShape([l, s])}`);
        out.push({ kind: kind(attnMask, 'attnMask'), mask: attnMask });
      } else if (attnMask.ndim === 3) {
        const expected = [n * this.numHeads, l, s];
        if (!shapeEqual(attnMask.shape, expected)) throw new ShapeError(`${where}: the shape of the 3D attnMask is ${formatShape(attnMask.shape)}, but should be ${formatShape(expected)} (N·numHeads, L, S)`);
        out.push({ kind: kind(attnMask, 'attnMask'), mask: reshape(attnMask, [n, this.numHeads, l, s]) });
      } else {
        throw new ShapeError(`${where}: attnMask's dimension ${attnMask.ndim} is not supported (2-d (L, S) or 3-d (N·numHeads, L, S)), got shape ${formatShape(attnMask.shape)}`);
      }
    } else if (options.isCausal === true) {
      out.push({ kind: 'allow', mask: causalMask(l, s) });
    }
    const padding = options.keyPaddingMask ?? null;
    if (padding !== null) {
      const expected = batched ? [n, s] : [s];
      if (!shapeEqual(padding.shape, expected)) throw new ShapeError(`${where}: expected keyPaddingMask of shape ${formatShape(expected)} ${batched ? '(N, S)' : '(S)'}, got ${formatShape(padding.shape)}`);
      out.push({ kind: kind(padding, 'keyPaddingMask'), mask: reshape(padding, [n, 1, 1, s]) });
    }
    return out;
  }

  override describe(): string {
    const dims = this.kdim === this.embedDim && this.vdim === this.embedDim ? '' : `, kdim ${this.kdim}, vdim ${this.vdim}`;
    return `MultiheadAttention(${this.embedDim}, heads ${this.numHeads}${dims}${this.batchFirst ? ', batch first' : ''})`;
  }

  override config(): ModuleConfig {
    const base: Record<string, unknown> = {
      type: 'MultiheadAttention',
      embedDim: this.embedDim,
      numHeads: this.numHeads,
      dropout: this.dropout,
      bias: this.inProjBias !== null,
      batchFirst: this.batchFirst,
      kdim: this.kdim,
      vdim: this.vdim,
      dtype: this.dtype,
    };
    if (this.seed !== undefined) base['seed'] = this.seed;
    return { ...base, type: 'MultiheadAttention' };
  }
}

/** A tensor as rows [∏ leading, last]: the fused 2-d linear kernel, and no batch sums in its weight gradient. */
function rows(x: Tensor): Tensor {
  return x.ndim === 2 ? x : reshape(x, [x.size / x.shape[x.ndim - 1]!, x.shape[x.ndim - 1]!]);
}
