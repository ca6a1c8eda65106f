/** Sorting along an axis: sort, argsort, topk, and max/min with their indices (torch.max(x, dim)). */
import { apply } from '../autograd/engine.js';
import { argsortDef } from './primitives/argsort.js';
import { ShapeError, ValueError } from '../errors.js';
import { formatShape, normalizeAxis } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { gatherRaw } from './indexing.js';
import { argmax, argmin } from './reduce.js';
import { narrow, reshape, squeeze } from './shape.js';
import { boolOption, intOption, optionsOf, tensorArg } from './indexArgs.js';

/** Sorted values and where each came from along the axis (int32, as PyTorch's int64 indices). */
export interface SortResult {
  readonly values: Tensor;
  readonly indices: Tensor;
}

/** sort's and argsort's options. `stable` is accepted for PyTorch's signature: chainrule's sort is always stable. */
export interface SortOptions {
  readonly axis?: number;
  readonly descending?: boolean;
  readonly stable?: boolean;
}

/** topk's options. With `sorted: false` the values still come sorted (PyTorch leaves that order unspecified). */
export interface TopkOptions {
  readonly axis?: number;
  readonly largest?: boolean;
  readonly sorted?: boolean;
}

const SORT_KEYS = ['axis', 'descending', 'stable'];
const TOPK_KEYS = ['axis', 'largest', 'sorted'];
const ALIASES = { dim: 'axis' };

/** Runs `f` on x seen as 1-D when it is 0-d (PyTorch sorts a 0-d tensor along "axis 0 or -1"), then restores the shape. */
function along(op: string, input: Tensor, axis: number, f: (x: Tensor, axis: number) => SortResult): SortResult {
  const x = tensorArg(op, input);
  if (x.ndim > 0) return f(x, normalizeAxis(op, axis, x.ndim));
  normalizeAxis(op, axis, 1);
  const r = f(reshape(x, [1]), 0);
  return { values: reshape(r.values, [...r.values.shape.slice(1)]), indices: reshape(r.indices, [...r.indices.shape.slice(1)]) };
}

function sortArgs(op: string, axisOrOptions: number | SortOptions | undefined, descending: boolean | undefined): { axis: number; descending: boolean } {
  if (typeof axisOrOptions === 'number' || axisOrOptions === undefined) {
    const o = optionsOf(op, descending === undefined ? undefined : { descending }, SORT_KEYS);
    return { axis: intOption(op, axisOrOptions, 'axis', -1), descending: boolOption(op, o, 'descending', false) };
  }
  const o = optionsOf(op, axisOrOptions, SORT_KEYS, ALIASES);
  boolOption(op, o, 'stable', true);
  return { axis: intOption(op, o['axis'], 'axis', -1), descending: boolOption(op, o, 'descending', false) };
}

function argsortAlong(x: Tensor, axis: number, descending: boolean): Tensor {
  return apply(argsortDef, [x], { axis, descending });
}

/**
 * Sorts along `axis` (default −1), as torch.sort: `{ values, indices }`. Stable (ties keep their
 * order, also descending) and NaN sorts as the largest value. The values' gradient goes back to
 * the positions they came from (a gather, so second derivatives work too).
 * @example sort(tensor([3, 1, 2])).indices // [1, 2, 0]; sort(tensor([3, 1, 2]), { descending: true }).values // [3, 2, 1]
 */
export function sort(x: Tensor, axis?: number | SortOptions, descending?: boolean): SortResult {
  const args = sortArgs('sort', axis, descending);
  return along('sort', x, args.axis, (t, a) => {
    // NOTE: tied values keep index order, and each receives the gradient of the position it lands in (docs/gradients.md).
    const indices = argsortAlong(t, a, args.descending);
    return { values: gatherRaw(t, a, indices), indices };
  });
}

/**
 * The indices that sort x along `axis` (default −1), as torch.argsort: stable, NaN as the largest.
 * @example argsort(tensor([[3, 1, 2]]), { axis: 1, descending: true }) // [[0, 2, 1]]
 */
export function argsort(x: Tensor, axis?: number | SortOptions, descending?: boolean): Tensor {
  const args = sortArgs('argsort', axis, descending);
  return along('argsort', x, args.axis, (t, a) => {
    const indices = argsortAlong(t, a, args.descending);
    return { values: indices, indices };
  }).indices;
}

/**
 * The k largest (or smallest, `largest: false`) entries along `axis` (default −1), as torch.topk:
 * `{ values, indices }`, in order; of tied entries the lower index comes first.
 * @example topk(tensor([1, 5, 3, 4]), 2).values // [5, 4]; topk(tensor([1, 5, 3, 4]), 2).indices // [1, 3]
 */
export function topk(x: Tensor, k: number, options?: TopkOptions): SortResult {
  const o = optionsOf('topk', options, TOPK_KEYS, ALIASES);
  const axis = intOption('topk', o['axis'], 'axis', -1);
  const largest = boolOption('topk', o, 'largest', true);
  boolOption('topk', o, 'sorted', true);
  intOption('topk', k, 'k');
  return along('topk', x, axis, (t, a) => {
    const n = t.shape[a] ?? 0;
    if (k < 0 || k > n) throw new ShapeError(`topk: k = ${k} is out of range for axis ${axis} of shape ${formatShape(x.shape)} (valid: 0..${n})`);
    const indices = narrow(argsortAlong(t, a, largest), a, 0, k);
    return { values: gatherRaw(t, a, indices), indices };
  });
}

function extremeWithIndices(op: 'maxWithIndices' | 'minWithIndices', x: Tensor, axis: number, keepdims: boolean): SortResult {
  if (typeof keepdims !== 'boolean') throw new ValueError(`${op}: keepdims must be true or false, got ${String(keepdims)}`);
  if (axis === undefined) throw new ValueError(`${op}: an axis is needed (for the ${op === 'maxWithIndices' ? 'maximum' : 'minimum'} of all elements use ${op.slice(0, 3)}(x))`);
  return along(op, x, intOption(op, axis, 'axis', 0), (t, a) => {
    if (t.shape[a] === 0) throw new ShapeError(`${op}: axis ${axis} of shape ${formatShape(x.shape)} is empty: there is no ${op === 'maxWithIndices' ? 'maximum' : 'minimum'} to take`);
    // NOTE: the first of tied extremes is the index, and the gather gives it the whole gradient (docs/gradients.md).
    const kept = op === 'maxWithIndices' ? argmax(t, a, true) : argmin(t, a, true);
    const values = gatherRaw(t, a, kept);
    return keepdims ? { values, indices: kept } : { values: squeeze(values, a), indices: squeeze(kept, a) };
  });
}

/**
 * torch.max(x, dim): the maximum along `axis` and its index, `{ values, indices }` (`max(x, axis)`
 * gives the values alone). Of tied maxima the first index is taken and gets the whole gradient
 * (max() shares it among ties); a NaN is the maximum, as in PyTorch.
 * @example maxWithIndices(tensor([[1, 7, 3], [9, 2, 9]]), 1).indices // [1, 0]
 */
export function maxWithIndices(x: Tensor, axis: number, keepdims = false): SortResult {
  return extremeWithIndices('maxWithIndices', x, axis, keepdims);
}

/**
 * torch.min(x, dim): the minimum along `axis` and its index, `{ values, indices }`; the first of
 * tied minima is taken and gets the whole gradient.
 * @example minWithIndices(tensor([[1, 7, 3], [9, 2, 9]]), 1).values // [1, 2]
 */
export function minWithIndices(x: Tensor, axis: number, keepdims = false): SortResult {
  return extremeWithIndices('minWithIndices', x, axis, keepdims);
}
