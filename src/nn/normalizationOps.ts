/**
 * Batch and group normalization as functions, PyTorch's F.batch_norm and F.group_norm. Both are
 * composites of differentiable ops (mean, sub, mul, div, sqrt, reshape), so their first and
 * second derivatives come from autograd; only the running statistics are written in place.
 */
import { noGrad } from '../autograd/mode.js';
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { add, cast, div, mul, sqrt, sub } from '../ops/elementwise.js';
import { mean, sum } from '../ops/reduce.js';
import { reshape } from '../ops/shape.js';
import { annotateBatchNorm } from './normAnnotate.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

export interface BatchNormOptions {
  /** Per-channel scale γ, shape [C] (default none: 1). */
  readonly weight?: Tensor | null;
  /** Per-channel shift β, shape [C] (default none: 0). */
  readonly bias?: Tensor | null;
  /** Normalize with the batch's statistics and update the running ones (default false). */
  readonly training?: boolean;
  /** Weight of the batch in the running statistics' update (default 0.1). */
  readonly momentum?: number;
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
}

export interface GroupNormOptions {
  /** Per-channel scale γ, shape [C] (default none: 1). */
  readonly weight?: Tensor | null;
  /** Per-channel shift β, shape [C] (default none: 0). */
  readonly bias?: Tensor | null;
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
}

function checkInput(op: string, x: Tensor): number {
  if (x.ndim < 2) throw new ShapeError(`${op}: expected an input of at least 2 dimensions (N, C, …), got shape ${formatShape(x.shape)}`);
  if (!isFloating(x.dtype)) throw new DTypeError(`${op}: the input must be float32 or float64, got ${x.dtype}`);
  return x.shape[1]!;
}

function checkEps(op: string, eps: number): void {
  if (!(typeof eps === 'number' && eps >= 0 && Number.isFinite(eps))) throw new ValueError(`${op}: eps must be a finite number ≥ 0, got ${eps}`);
}

/** Checks a per-channel tensor (weight, bias, running statistic) against the input's C channels. */
function checkChannel(op: string, what: string, t: Tensor | null | undefined, channels: number, x: Tensor): void {
  if (t === null || t === undefined) return;
  if (t.ndim !== 1 || t.shape[0] !== channels) {
    throw new ShapeError(`${op}: ${what} has shape ${formatShape(t.shape)} but the input ${formatShape(x.shape)} has ${channels} channels: it must be [${channels}]`);
  }
  if (!isFloating(t.dtype)) throw new DTypeError(`${op}: ${what} must be float32 or float64, got ${t.dtype}`);
}

/** [1, C, 1, …] for an input of `ndim` dimensions: a per-channel tensor that broadcasts over it. */
function perChannel(t: Tensor, ndim: number): Tensor {
  return reshape(t, [1, t.shape[0]!, ...Array.from({ length: ndim - 2 }, () => 1)]);
}

function affine(y: Tensor, weight: Tensor | null | undefined, bias: Tensor | null | undefined): Tensor {
  let out = y;
  if (weight !== null && weight !== undefined) out = mul(out, perChannel(weight, y.ndim));
  if (bias !== null && bias !== undefined) out = add(out, perChannel(bias, y.ndim));
  return out;
}

/** running ← (1 − momentum)·running + momentum·batch, in place (the running tensor's own dtype and storage). */
function updateRunning(running: Tensor, batch: Tensor, momentum: number): void {
  const next = add(mul(running, 1 - momentum), mul(cast(batch, running.dtype), momentum));
  // Read after the ops: an array of `running` taken before them may have moved (Tensor._data).
  running._data.set(next._data);
}

/**
 * Batch normalization, as PyTorch's F.batch_norm on (N, C), (N, C, L) or (N, C, H, W, …): each
 * channel is normalized to (x − μ)/√(σ² + eps), then scaled by `weight` and shifted by `bias`.
 * In training, μ and σ² are the batch's (σ² the biased variance) and the running statistics, when
 * given, are updated in place with momentum m: running ← (1 − m)·running + m·batch, the variance
 * unbiased (n/(n − 1)), outside the graph. In evaluation the running statistics are used; they may
 * be null only in training.
 * @example
 * const x = tensor([[1, 10], [3, 20]]);
 * const mean = zeros([2]), variance = ones([2]);
 * batchNorm(x, mean, variance, { training: true, eps: 0 }).toArray(); // [[-1, -1], [1, 1]]
 * mean.toArray(); // [0.2, 1.5]
 */
export function batchNorm(x: Tensor, runningMean: Tensor | null, runningVar: Tensor | null, options: BatchNormOptions = {}): Tensor {
  const op = 'batchNorm';
  const training = options.training ?? false;
  const momentum = options.momentum ?? 0.1;
  const eps = options.eps ?? 1e-5;
  const channels = checkInput(op, x);
  checkEps(op, eps);
  if (!(typeof momentum === 'number' && momentum >= 0 && momentum <= 1)) throw new ValueError(`${op}: momentum must be a number in [0, 1], got ${momentum}`);
  if ((runningMean === null) !== (runningVar === null)) throw new ValueError(`${op}: pass both running statistics (mean and variance) or neither`);
  checkChannel(op, 'runningMean', runningMean, channels, x);
  checkChannel(op, 'runningVar', runningVar, channels, x);
  checkChannel(op, 'weight', options.weight, channels, x);
  checkChannel(op, 'bias', options.bias, channels, x);
  const axes = [0, ...Array.from({ length: x.ndim - 2 }, (_, i) => i + 2)];
  const perChannelCount = x.size / Math.max(channels, 1);
  if (runningMean === null || runningVar === null) {
    if (!training) throw new ValueError(`${op}: without running statistics (null) there is nothing to normalize with in evaluation: pass training: true, or the running mean and variance`);
  }
  if (!training) {
    // Per channel first (γ/√(var + eps)), then two full-size ops: (x − mean)·scale + β.
    const inv = div(1, sqrt(add(runningVar!, eps)));
    const scale = options.weight === null || options.weight === undefined ? inv : mul(inv, options.weight);
    const scaled = mul(sub(x, perChannel(runningMean!, x.ndim)), perChannel(scale, x.ndim));
    return options.bias === null || options.bias === undefined ? scaled : add(scaled, perChannel(options.bias, x.ndim));
  }
  if (perChannelCount <= 1) {
    throw new ValueError(`${op}: expected more than 1 value per channel when training, got input size ${formatShape(x.shape)} (use a batch of at least 2, or eval())`);
  }
  const mu = mean(x, axes, true);
  const centered = sub(x, mu);
  // The mean of squared deviations, not E[x²] − E[x]²: that difference cancels for large means.
  const squares = sum(mul(centered, centered), axes, true);
  const variance = div(squares, perChannelCount);
  if (runningMean !== null && runningVar !== null) {
    noGrad(() => {
      updateRunning(runningMean, reshape(mu, [channels]), momentum);
      updateRunning(runningVar, reshape(div(squares, perChannelCount - 1), [channels]), momentum);
    });
  }
  // NOTE: eps keeps a constant channel (σ² = 0) finite: its output is 0 and its gradient γ/√eps·(δ − mean δ).
  const weight = options.weight ?? null;
  const bias = options.bias ?? null;
  const recompute = (xs: readonly Tensor[]) => batchNorm(xs[0]!, null, null, { training: true, eps, weight: weight === null ? null : xs[1]!, bias: bias === null ? null : xs[xs.length - 1]! });
  // γ/√(σ² + eps) formed per channel first: one full-size product where dividing and scaling took two.
  const inv = div(1, sqrt(add(variance, eps)));
  const scale = weight === null ? inv : mul(inv, perChannel(weight, x.ndim));
  const scaled = mul(centered, scale);
  const out = bias === null ? scaled : add(scaled, perChannel(bias, x.ndim));
  return annotateBatchNorm(out, x, weight, bias, eps, recompute);
}

/**
 * Group normalization, as PyTorch's F.group_norm: the C channels of each sample are split into
 * `numGroups` groups of consecutive channels, each normalized over its channels and positions
 * with its biased variance, then scaled by `weight` and shifted by `bias` per channel.
 * Independent of the batch, so the same in training and evaluation.
 * @example
 * groupNorm(tensor([[1, 3, 10, 20]]), 2, { eps: 0 }).toArray(); // [[-1, 1, -1, 1]]
 */
export function groupNorm(x: Tensor, numGroups: number, options: GroupNormOptions = {}): Tensor {
  const op = 'groupNorm';
  const eps = options.eps ?? 1e-5;
  const channels = checkInput(op, x);
  checkEps(op, eps);
  if (!Number.isInteger(numGroups) || numGroups < 1) throw new ValueError(`${op}: numGroups must be a positive integer, got ${numGroups}`);
  if (channels % numGroups !== 0) {
    throw new ValueError(`${op}: expected the number of channels (${channels}, input shape ${formatShape(x.shape)}) to be divisible by numGroups (${numGroups})`);
  }
  checkChannel(op, 'weight', options.weight, channels, x);
  checkChannel(op, 'bias', options.bias, channels, x);
  const n = x.shape[0]!;
  const grouped = reshape(x, [n, numGroups, -1]);
  const centered = sub(grouped, mean(grouped, 2, true));
  const variance = mean(mul(centered, centered), 2, true);
  const normalized = reshape(div(centered, sqrt(add(variance, eps))), x.shape);
  return affine(normalized, options.weight, options.bias);
}
