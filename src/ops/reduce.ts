/** Reductions over axes (a number, a list, negative allowed, or all when omitted). */
import { apply } from '../autograd/engine.js';
import { argmaxDef } from './primitives/argmax.js';
import { argminDef } from './primitives/argmin.js';
import { logSoftmaxDef } from './primitives/logSoftmax.js';
import { maxDef } from './primitives/max.js';
import { sumDef } from './primitives/sum.js';
import { toFloating } from '../tensor/dtype.js';
import { normalizeAxes, normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, cast, div, exp, log, lt, mul, neg, sqrt, sub, abs, where } from './elementwise.js';
import { reshape } from './shape.js';

export type Axis = number | readonly number[] | null | undefined;

/** Sum over `axis` (all axes when omitted). @example tensor([[1, 2], [3, 4]]).sum(0) // [4, 6] */
export function sum(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  const axes = normalizeAxes('sum', axis, x.ndim);
  if (axes.length === 0 && x.dtype !== 'bool') return x;
  return apply(sumDef, [x], { axes, keepdims });
}

function count(x: Tensor, axes: readonly number[]): number {
  return axes.reduce((p, a) => p * (x.shape[a] ?? 1), 1);
}

/** Arithmetic mean over `axis`. @example tensor([1, 2, 3, 4]).mean().item() // 2.5 */
export function mean(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  const axes = normalizeAxes('mean', axis, x.ndim);
  const xf = cast(x, toFloating(x.dtype));
  return div(sum(xf, axes, keepdims), count(x, axes));
}

/** Maximum over `axis`; the gradient is shared evenly among tied maxima. */
export function max(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  const axes = normalizeAxes('max', axis, x.ndim);
  if (axes.length === 0) return x;
  return apply(maxDef, [x], { axes, keepdims });
}

/** Minimum over `axis`; the gradient is shared evenly among tied minima. */
export function min(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  return neg(max(neg(x), axis, keepdims));
}

/**
 * Variance over `axis` with Bessel's `correction` (default 1, the unbiased estimate, as PyTorch).
 * @example tensor([1, 2, 3, 4]).var().item() // 1.6667
 */
export function variance(x: Tensor, axis?: Axis, keepdims = false, correction = 1): Tensor {
  const axes = normalizeAxes('var', axis, x.ndim);
  const xf = cast(x, toFloating(x.dtype));
  const centered = sub(xf, mean(xf, axes, true));
  return div(sum(mul(centered, centered), axes, keepdims), Math.max(0, count(x, axes) - correction));
}

/** Standard deviation: √var. */
export function std(x: Tensor, axis?: Axis, keepdims = false, correction = 1): Tensor {
  return sqrt(variance(x, axis, keepdims, correction));
}

/** log Σ eˣ over `axis`, stable for large inputs (the max is subtracted first). */
export function logsumexp(x: Tensor, axis?: Axis, keepdims = false): Tensor {
  const axes = normalizeAxes('logsumexp', axis, x.ndim);
  const xf = cast(x, toFloating(x.dtype));
  const m = max(xf, axes, true).detach();
  // An all −∞ slice has max −∞; shifting by 0 instead keeps the result −∞ rather than NaN.
  const shift = where(lt(abs(m), Infinity), m, 0);
  const out = add(log(sum(exp(sub(xf, shift)), axes, true)), shift);
  if (keepdims) return out;
  return reshape(out, x.shape.filter((_, i) => !axes.includes(i)));
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, axis: number | null | undefined, keepdims: boolean): Tensor {
  if (axis === null || axis === undefined) {
    const flat = reshape(x, [x.size]);
    const flatParams = { axis: 0, keepdims: false };
    const r = op === 'argmax' ? apply(argmaxDef, [flat], flatParams) : apply(argminDef, [flat], flatParams);
    return keepdims ? reshape(r, x.shape.map(() => 1)) : r;
  }
  const params = { axis: normalizeAxis(op, axis, x.ndim), keepdims };
  return op === 'argmax' ? apply(argmaxDef, [x], params) : apply(argminDef, [x], params);
}

/** Index of the maximum along `axis` (of the flattened tensor when omitted), as int32; the first wins ties. */
export function argmax(x: Tensor, axis?: number | null, keepdims = false): Tensor {
  return argReduce('argmax', x, axis, keepdims);
}

/** Index of the minimum along `axis` (of the flattened tensor when omitted), as int32. */
export function argmin(x: Tensor, axis?: number | null, keepdims = false): Tensor {
  return argReduce('argmin', x, axis, keepdims);
}

/** softmax along `axis` (default the last), stable for inputs like ±1000. @example softmax(tensor([1000, 0])) // [1, 0] */
export function softmax(x: Tensor, axis = -1): Tensor {
  return exp(logSoftmax(x, normalizeAxis('softmax', axis, x.ndim)));
}

/** log(softmax(x)) computed as x − logsumexp(x), stable for large inputs. */
export function logSoftmax(x: Tensor, axis = -1): Tensor {
  const a = normalizeAxis('logSoftmax', axis, x.ndim);
  return apply(logSoftmaxDef, [x], { axis: a });
}
