/**
 * Scaled dot-product attention, PyTorch 2's F.scaled_dot_product_attention, as a composite:
 * batched product → scale → mask (where / add) → softmax → dropout → batched product. Every op in
 * the chain is differentiable, so gradients of every order come from autograd and every backend
 * runs it with the kernels it already has.
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { Generator, getDefaultGenerator } from '../random/generator.js';
import { arange, tensor } from '../tensor/create.js';
import { isFloating } from '../tensor/dtype.js';
import { broadcastShapes, formatShape, shapeEqual, shapeSize } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, cast, eq, ge, gt, mul, where } from './elementwise.js';
import { matmulT } from './linalg.js';
import { max, min, softmax, sum } from './reduce.js';

/** The largest finite float32. */
const F32_MAX = 3.4028234663852886e38;
import { reshape } from './shape.js';

export interface ScaledDotProductAttentionOptions {
  /**
   * Broadcasts to [..., L, S]. A bool mask is true where attention is ALLOWED (PyTorch 2's SDPA;
   * nn.MultiheadAttention reads bool masks the other way round); a float mask is added to the scores.
   */
  readonly attnMask?: Tensor | null;
  /** Mask the future: query i attends to keys j ≤ i (top-left aligned, torch's tril(ones(L, S))). Not with attnMask. */
  readonly isCausal?: boolean;
  /** Multiplies q·kᵀ (default 1/√E). */
  readonly scale?: number | null;
  /** Probability of zeroing an attention weight (default 0: no dropout); the rest are scaled by 1/(1 − p). */
  readonly dropoutP?: number;
  /** Where dropout draws from (default: the generator `manualSeed` sets). */
  readonly generator?: Generator;
}

/**
 * @internal One mask term on the scores [..., L, S]: `allow` (bool, true = attend), `block` (bool,
 * true = ignore, as nn.MultiheadAttention's masks) or `add` (float, added).
 */
export interface ScoreMask {
  readonly kind: 'allow' | 'block' | 'add';
  readonly mask: Tensor;
}

/** @internal What `attend` returns: the output [..., L, Ev] and the attention weights [..., L, S] (after dropout). */
export interface Attended {
  readonly output: Tensor;
  readonly weights: Tensor;
}

/**
 * @internal The bool [L, S] mask of the causal pattern, true where key j ≤ query i: made by one
 * comparison of two ranges, not a loop.
 */
export function causalMask(l: number, s: number): Tensor {
  return ge(reshape(arange(0, l, 1, { dtype: 'int32' }), [l, 1]), reshape(arange(0, s, 1, { dtype: 'int32' }), [1, s]));
}

/** @internal Inverted dropout of attention weights, one uniform draw per weight in row-major order. */
export function dropoutWeights(p: Tensor, rate: number, generator: Generator): Tensor {
  const keep = rate === 1 ? 0 : 1 / (1 - rate);
  const mask = new Float64Array(p.size);
  for (let i = 0; i < mask.length; i++) mask[i] = generator.uniform() < rate ? 0 : keep;
  return mul(p, tensor(mask, { shape: p.shape, dtype: p.dtype, name: 'attention dropout mask' }));
}

/**
 * @internal softmax(q·kᵀ·scale + masks)·v for q [..., L, E], k [..., S, E], v [..., S, Ev], shapes
 * already checked: the work shared by scaledDotProductAttention and nn.MultiheadAttention.
 */
export function attend(q: Tensor, k: Tensor, v: Tensor, masks: readonly ScoreMask[], scale: number, dropoutP: number, generator: Generator | undefined): Attended {
  const l = q.shape[q.ndim - 2]!;
  const s = k.shape[k.ndim - 2]!;
  // Scaling the smaller of q and the scores: the same value either way, one full-size op fewer.
  const batch = shapeSize(broadcastShapes('attention', q.shape.slice(0, -2), k.shape.slice(0, -2)));
  let scores: Tensor;
  if (q.size <= batch * l * s) scores = matmulT(mul(q, scale), k, false, true);
  else scores = mul(matmulT(q, k, false, true), scale);
  // Bool masks are joined into one (small, unbroadcast) mask and applied in one pass.
  let allowed: Tensor | null = null;
  let added = false;
  for (const { kind, mask } of masks) {
    if (kind === 'add') {
      scores = add(scores, mask.dtype === scores.dtype ? mask : cast(mask, scores.dtype));
      added = true;
      continue;
    }
    const allow = kind === 'allow' ? mask : eq(mask, 0);
    allowed = allowed === null ? allow : where(allowed, allow, allowed);
  }
  // The lowest finite value, not −∞: the same weights (its exponential is exactly 0), and no
  // infinity in the forward pass for anomaly mode to report on every masked call.
  const lowest = scores.dtype === 'float64' ? -Number.MAX_VALUE : -F32_MAX;
  if (allowed !== null) scores = where(allowed, scores, lowest);
  let weights = softmax(scores, -1);
  if (allowed !== null) {
    // NOTE: a query whose every key is masked gets NaN, as PyTorch's math kernel (docs/gradients.md).
    // With a float mask too, its −∞ may close the keys the bool masks leave: the scores tell.
    const open = added ? gt(max(scores.detach(), -1, true), lowest) : gt(sum(cast(allowed, 'float32'), -1, true), 0);
    if (min(cast(open, 'float32')).item() === 0) weights = where(open, weights, NaN);
  }
  if (dropoutP > 0) weights = dropoutWeights(weights, dropoutP, generator ?? getDefaultGenerator());
  return { output: matmulT(weights, v, false, false), weights };
}

/** @internal Checks that a mask broadcasts to the scores' shape [..., L, S] (it may not enlarge it). */
export function checkMask(op: string, what: string, mask: Tensor, scoresShape: readonly number[]): void {
  let shape: number[] | null = null;
  try {
    shape = broadcastShapes(op, mask.shape, scoresShape);
  } catch {
    shape = null;
  }
  if (shape === null || !shapeEqual(shape, scoresShape)) {
    throw new ShapeError(`${op}: ${what} of shape ${formatShape(mask.shape)} does not broadcast to the attention scores' shape ${formatShape(scoresShape)} ([..., L, S])`);
  }
  if (mask.dtype !== 'bool' && !isFloating(mask.dtype)) {
    throw new DTypeError(`${op}: ${what} must be bool or float32/float64, got ${mask.dtype}`);
  }
}

/** @internal Checks a dropout probability in [0, 1]. */
export function checkDropout(op: string, p: number): void {
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) throw new ValueError(`${op}: dropout probability must be in [0, 1], got ${p}`);
}

/**
 * Attention as PyTorch 2's F.scaled_dot_product_attention: softmax(q·kᵀ·scale + mask)·v for
 * q [..., L, E], k [..., S, E], v [..., S, Ev] (batch dimensions broadcast) → [..., L, Ev].
 * A bool `attnMask` is true where attention is allowed, a float one is added; `isCausal` lets
 * query i see keys j ≤ i; `scale` defaults to 1/√E; dropout only when `dropoutP` > 0. A query
 * with every key masked gets NaN, as in PyTorch.
 * @example
 * const q = ones([1, 2, 4]), k = ones([1, 3, 4]), v = tensor([[[0, 1], [2, 3], [4, 5]]]);
 * scaledDotProductAttention(q, k, v).toArray(); // [[[2, 3], [2, 3]]]
 * scaledDotProductAttention(q, k.slice(null, [0, 2]), v.slice(null, [0, 2]), { isCausal: true }).toArray(); // [[[0, 1], [1, 2]]]
 */
export function scaledDotProductAttention(query: Tensor, key: Tensor, value: Tensor, options: ScaledDotProductAttentionOptions = {}): Tensor {
  const op = 'scaledDotProductAttention';
  if (query.ndim < 2 || key.ndim < 2 || value.ndim < 2) {
    throw new ShapeError(`${op}: query, key and value need at least 2 dimensions ([..., L, E], [..., S, E], [..., S, Ev]), got ${formatShape(query.shape)}, ${formatShape(key.shape)} and ${formatShape(value.shape)}`);
  }
  for (const [name, t] of [['query', query], ['key', key], ['value', value]] as const) {
    if (!isFloating(t.dtype)) throw new DTypeError(`${op}: ${name} must be float32 or float64, got ${t.dtype}`);
  }
  if (query.dtype !== key.dtype || query.dtype !== value.dtype) {
    throw new DTypeError(`${op}: expected query, key and value to have the same dtype, got ${query.dtype}, ${key.dtype} and ${value.dtype}`);
  }
  const e = query.shape[query.ndim - 1]!;
  if (key.shape[key.ndim - 1] !== e) {
    throw new ShapeError(`${op}: query ${formatShape(query.shape)} and key ${formatShape(key.shape)} must have the same last dimension E (${e} vs ${key.shape[key.ndim - 1]})`);
  }
  const s = key.shape[key.ndim - 2]!;
  if (value.shape[value.ndim - 2] !== s) {
    throw new ShapeError(`${op}: key ${formatShape(key.shape)} and value ${formatShape(value.shape)} must have the same number of keys S (dimension -2: ${s} vs ${value.shape[value.ndim - 2]})`);
  }
  const l = query.shape[query.ndim - 2]!;
  let batch: number[];
  try {
    batch = broadcastShapes(op, query.shape.slice(0, -2), key.shape.slice(0, -2), value.shape.slice(0, -2));
  } catch {
    throw new ShapeError(`${op}: the batch dimensions of query ${formatShape(query.shape)}, key ${formatShape(key.shape)} and value ${formatShape(value.shape)} do not broadcast`);
  }
  const dropoutP = options.dropoutP ?? 0;
  checkDropout(op, dropoutP);
  const scale = options.scale ?? 1 / Math.sqrt(e);
  if (typeof scale !== 'number' || !Number.isFinite(scale)) throw new ValueError(`${op}: scale must be a finite number, got ${String(scale)}`);
  const attnMask = options.attnMask ?? null;
  const masks: ScoreMask[] = [];
  if (options.isCausal === true) {
    // PyTorch's own check: the causal pattern is the mask, so a second one is ambiguous.
    if (attnMask !== null) throw new ValueError(`${op}: pass either attnMask or isCausal, not both (explicit attn_mask should not be set when is_causal=True)`);
    masks.push({ kind: 'allow', mask: causalMask(l, s) });
  } else if (attnMask !== null) {
    checkMask(op, 'attnMask', attnMask, [...batch, l, s]);
    masks.push({ kind: attnMask.dtype === 'bool' ? 'allow' : 'add', mask: attnMask });
  }
  return attend(query, key, value, masks, scale, dropoutP, options.generator).output;
}
