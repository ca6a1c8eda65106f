/** Reductions over axes (a number, a list, negative allowed, or all when omitted). */
import { apply } from '../autograd/engine.js';
import { argmaxDef } from './primitives/argmax.js';
import { argminDef } from './primitives/argmin.js';
import { logSoftmaxDef } from './primitives/logSoftmax.js';
import { maxDef } from './primitives/max.js';
import { maxGradDef } from './primitives/maxGrad.js';
import { sumDef } from './primitives/sum.js';
import { AxisError, ValueError } from '../errors.js';
import { toFloating } from '../tensor/dtype.js';
import { normalizeAxes, normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add, cast, div, exp, log, lt, mul, neg, sqrt, sub, abs, where } from './elementwise.js';
import { reshape } from './shape.js';

export type Axis = number | readonly number[] | null | undefined;

/** A reduction's options as one object, the idiomatic JavaScript call: `x.sum({ axis: 0, keepdims: true })`. */
export interface ReduceOptions {
  /** The axis or axes to reduce (negative counts from the end); all when omitted or null. */
  readonly axis?: Axis;
  /** Keep each reduced axis with size 1 (default false). */
  readonly keepdims?: boolean;
}

/** var's and std's options: Bessel's `correction` (default 1) as well. */
export interface VarianceOptions extends ReduceOptions {
  /** Subtracted from the element count in the divisor: 1 the unbiased estimate, 0 the population's. Finite and ≥ 0. */
  readonly correction?: number;
}

/** argmax's and argmin's options: one axis (the flattened tensor when omitted or null). */
export interface ArgReduceOptions {
  readonly axis?: number | null;
  readonly keepdims?: boolean;
}

interface ReduceArgs {
  readonly axis: unknown;
  readonly keepdims: boolean;
  readonly correction: number;
}

function show(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return String(value);
    }
  }
  return String(value);
}

function isPlainObject(value: unknown): value is object {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

const ALIASES: Readonly<Record<string, string>> = { dim: 'axis', keepdim: 'keepdims', unbiased: 'correction', ddof: 'correction' };

/**
 * A reduction's arguments, given by position (`sum(x, 0, true)`) or as one options object
 * (`sum(x, { axis: 0, keepdims: true })`), checked: a ValueError naming the option for a bad
 * keepdims, correction or key (the axis is checked by normalizeAxes, as an AxisError).
 */
function reduceArgs(op: string, first: unknown, keepdims: unknown, correction: unknown, keys: readonly string[]): ReduceArgs {
  let axis = first;
  if (isPlainObject(first)) {
    const extra = [keepdims, correction].findIndex((v) => v !== undefined);
    if (extra !== -1) {
      throw new ValueError(`${op}: given an options object, pass ${keys[extra + 1]} inside it, not as argument ${extra + 3}`);
    }
    const options = first as Readonly<Record<string, unknown>>;
    for (const key of Object.keys(options)) {
      if (keys.includes(key)) continue;
      const alias = ALIASES[key];
      const hint = alias !== undefined && keys.includes(alias) ? ` (did you mean ${alias}?)` : '';
      throw new ValueError(`${op}: unknown option ${JSON.stringify(key)}${hint}; the options are ${keys.join(', ')}`);
    }
    axis = options['axis'];
    keepdims = options['keepdims'];
    correction = options['correction'];
  }
  if (keepdims !== undefined && typeof keepdims !== 'boolean') throw new ValueError(`${op}: keepdims must be true or false, got ${show(keepdims)}`);
  if (correction !== undefined && (typeof correction !== 'number' || !Number.isFinite(correction) || correction < 0)) {
    throw new ValueError(`${op}: correction must be a finite number ≥ 0, got ${show(correction)}`);
  }
  return { axis, keepdims: keepdims ?? false, correction: correction ?? 1 };
}

const REDUCE_KEYS = ['axis', 'keepdims'] as const;
const VARIANCE_KEYS = ['axis', 'keepdims', 'correction'] as const;

/**
 * Sum over `axis` (all axes when omitted); the axis and keepdims by position or as `{ axis, keepdims }`.
 * @example tensor([[1, 2], [3, 4]]).sum(0) // [4, 6]; tensor([[1, 2], [3, 4]]).sum({ axis: 1, keepdims: true }) // [[3], [7]]
 */
export function sum(x: Tensor, axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor {
  const args = reduceArgs('sum', axis, keepdims, undefined, REDUCE_KEYS);
  const axes = normalizeAxes('sum', args.axis, x.ndim);
  if (axes.length === 0 && x.dtype !== 'bool') return x;
  return apply(sumDef, [x], { axes, keepdims: args.keepdims });
}

function count(x: Tensor, axes: readonly number[]): number {
  return axes.reduce((p, a) => p * (x.shape[a] ?? 1), 1);
}

/** Arithmetic mean over `axis`. @example tensor([1, 2, 3, 4]).mean().item() // 2.5 */
export function mean(x: Tensor, axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor {
  const args = reduceArgs('mean', axis, keepdims, undefined, REDUCE_KEYS);
  const axes = normalizeAxes('mean', args.axis, x.ndim);
  const xf = cast(x, toFloating(x.dtype));
  return div(sum(xf, axes, args.keepdims), count(x, axes));
}

/** Maximum over `axis`; the gradient is shared evenly among tied maxima. */
export function max(x: Tensor, axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor {
  const args = reduceArgs('max', axis, keepdims, undefined, REDUCE_KEYS);
  const axes = normalizeAxes('max', args.axis, x.ndim);
  if (axes.length === 0) return x;
  return apply(maxDef, [x], { axes, keepdims: args.keepdims });
}

/**
 * @internal max's backward step: ([x = m]/#ties)·g over the sorted, non-negative `axes`, for g
 * and the max m in the kept shape (size 1 on those axes).
 */
export function maxGrad(g: Tensor, x: Tensor, m: Tensor, axes: readonly number[]): Tensor {
  return apply(maxGradDef, [g, x, m], { axes });
}

/** Minimum over `axis`; the gradient is shared evenly among tied minima. */
export function min(x: Tensor, axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor {
  const args = reduceArgs('min', axis, keepdims, undefined, REDUCE_KEYS);
  const axes = normalizeAxes('min', args.axis, x.ndim);
  return neg(max(neg(x), axes, args.keepdims));
}

/**
 * Variance over `axis` with Bessel's `correction` (default 1, the unbiased estimate, as PyTorch);
 * by position or as `{ axis, keepdims, correction }`. A correction of N or more divides by 0
 * (∞ or NaN), as PyTorch's does; a negative one is an error.
 * @example tensor([1, 2, 3, 4]).var().item() // 1.6667; tensor([1, 2, 3, 4]).var({ correction: 0 }).item() // 1.25
 */
export function variance(x: Tensor, axis?: Axis | VarianceOptions, keepdims?: boolean, correction?: number): Tensor {
  return varianceOf('var', x, reduceArgs('var', axis, keepdims, correction, VARIANCE_KEYS));
}

function varianceOf(op: string, x: Tensor, args: ReduceArgs): Tensor {
  const axes = normalizeAxes(op, args.axis, x.ndim);
  const xf = cast(x, toFloating(x.dtype));
  const centered = sub(xf, mean(xf, axes, true));
  return div(sum(mul(centered, centered), axes, args.keepdims), Math.max(0, count(x, axes) - args.correction));
}

/** Standard deviation: √var, with var's arguments. */
export function std(x: Tensor, axis?: Axis | VarianceOptions, keepdims?: boolean, correction?: number): Tensor {
  return sqrt(varianceOf('std', x, reduceArgs('std', axis, keepdims, correction, VARIANCE_KEYS)));
}

/** log Σ eˣ over `axis`, stable for large inputs (the max is subtracted first). */
export function logsumexp(x: Tensor, axis?: Axis | ReduceOptions, keepdims?: boolean): Tensor {
  const args = reduceArgs('logsumexp', axis, keepdims, undefined, REDUCE_KEYS);
  const axes = normalizeAxes('logsumexp', args.axis, x.ndim);
  const xf = cast(x, toFloating(x.dtype));
  const m = max(xf, axes, true).detach();
  // An all −∞ slice has max −∞; shifting by 0 instead keeps the result −∞ rather than NaN.
  const shift = where(lt(abs(m), Infinity), m, 0);
  const out = add(log(sum(exp(sub(xf, shift)), axes, true)), shift);
  if (args.keepdims) return out;
  return reshape(out, x.shape.filter((_, i) => !axes.includes(i)));
}

function argReduce(op: 'argmax' | 'argmin', x: Tensor, first: number | null | undefined | ArgReduceOptions, keepdimsArg: boolean | undefined): Tensor {
  const { axis, keepdims } = reduceArgs(op, first, keepdimsArg, undefined, REDUCE_KEYS);
  if (axis === null || axis === undefined) {
    const flat = reshape(x, [x.size]);
    const flatParams = { axis: 0, keepdims: false };
    const r = op === 'argmax' ? apply(argmaxDef, [flat], flatParams) : apply(argminDef, [flat], flatParams);
    return keepdims ? reshape(r, x.shape.map(() => 1)) : r;
  }
  if (typeof axis !== 'number') throw new AxisError(`${op}: axis must be one integer or null, got ${show(axis)}`);
  const params = { axis: normalizeAxis(op, axis, x.ndim), keepdims };
  return op === 'argmax' ? apply(argmaxDef, [x], params) : apply(argminDef, [x], params);
}

/** Index of the maximum along `axis` (of the flattened tensor when omitted), as int32; the first wins ties. */
export function argmax(x: Tensor, axis?: number | null | ArgReduceOptions, keepdims?: boolean): Tensor {
  return argReduce('argmax', x, axis, keepdims);
}

/** Index of the minimum along `axis` (of the flattened tensor when omitted), as int32. */
export function argmin(x: Tensor, axis?: number | null | ArgReduceOptions, keepdims?: boolean): Tensor {
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
