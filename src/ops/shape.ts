/** Movement ops: reshaping, permuting, broadcasting, slicing, joining and splitting. */
import { apply } from '../autograd/engine.js';
import { concatDef } from './primitives/concat.js';
import { expandDef } from './primitives/expand.js';
import { permuteDef } from './primitives/permute.js';
import { reshapeDef } from './primitives/reshape.js';
import { sliceDef } from './primitives/slice.js';
import { sliceScatterDef } from './primitives/sliceScatter.js';
import { ShapeError, ValueError } from '../errors.js';
import { assertShape, broadcastShapes, formatShape, normalizeAxis, shapeEqual, shapeSize, type Shape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { isGradEnabled, isInBackward } from '../autograd/mode.js';
import type { SliceParams } from './primitives/types.js';
import { sum } from './reduce.js';

/**
 * Gives `x` a new shape with the same number of elements; one dimension may be −1 (inferred).
 * @example arange(6).reshape([2, 3])
 */
export function reshape(x: Tensor, shape: readonly number[]): Tensor {
  let holes = 0;
  for (let i = 0; i < shape.length; i++) if (shape[i] === -1) holes++;
  if (holes > 1) throw new ShapeError(`reshape: only one dimension can be -1, got ${formatShape(shape)}`);
  for (let i = 0; i < shape.length; i++) {
    const d = shape[i]!;
    if (!Number.isInteger(d) || d < -1) throw new ShapeError(`reshape: invalid dimension ${d} in ${formatShape(shape)}`);
  }
  if (holes === 0 && shapeEqual(shape, x.shape)) return x;
  let target = [...shape];
  if (holes === 1) {
    const known = shape.reduce((p, d) => (d === -1 ? p : p * d), 1);
    if (known === 0 || x.size % known !== 0) {
      throw new ShapeError(
        `reshape: cannot reshape ${formatShape(x.shape)} (${x.size} elements) into ${formatShape(shape)}: ` +
          `the other dimensions hold ${known} elements, which does not divide ${x.size}`,
      );
    }
    target = shape.map((d) => (d === -1 ? x.size / known : d));
  }
  if (shapeEqual(target, x.shape)) return x;
  return apply(reshapeDef, [x], { shape: target });
}

/** Merges axes startAxis..endAxis (default: all) into one. @example zeros([2, 3, 4]).flatten(1) // [2, 12] */
export function flatten(x: Tensor, startAxis = 0, endAxis = -1): Tensor {
  if (x.ndim === 0) return reshape(x, [1]);
  const s = normalizeAxis('flatten', startAxis, x.ndim);
  const e = normalizeAxis('flatten', endAxis, x.ndim);
  if (s > e) throw new ShapeError(`flatten: startAxis ${startAxis} comes after endAxis ${endAxis}`);
  const merged = x.shape.slice(s, e + 1).reduce((p, d) => p * d, 1);
  return reshape(x, [...x.shape.slice(0, s), merged, ...x.shape.slice(e + 1)]);
}

/** Reorders the axes: output axis i is input axis axes[i]. Negative axes count from the end. */
export function permute(x: Tensor, axes: readonly number[]): Tensor {
  const normalized = axes.map((a) => normalizeAxis('permute', a, x.ndim));
  if (normalized.every((a, i) => a === i) && normalized.length === x.ndim) return x;
  return apply(permuteDef, [x], { axes: normalized });
}

/**
 * Swaps two axes; with none given, swaps the last two (a matrix transpose; rank < 2 is unchanged).
 * @example tensor([[1, 2, 3]]).transpose().shape // [3, 1]
 */
export function transpose(x: Tensor, axis0?: number, axis1?: number): Tensor {
  if (axis0 === undefined && axis1 === undefined) {
    if (x.ndim < 2) return x;
    axis0 = -2;
    axis1 = -1;
  }
  const a = normalizeAxis('transpose', axis0 ?? -2, x.ndim);
  const b = normalizeAxis('transpose', axis1 ?? -1, x.ndim);
  const axes = x.shape.map((_, i) => (i === a ? b : i === b ? a : i));
  return permute(x, axes);
}

/** Broadcasts `x` to `shape` (−1 keeps a dimension); gradients are summed back. @example tensor([1, 2]).expand([3, 2]) */
export function expand(x: Tensor, shape: readonly number[]): Tensor {
  const offset = shape.length - x.ndim;
  const target = shape.map((d, i) => (d === -1 ? (x.shape[i - offset] ?? -1) : d));
  if (target.some((d) => !Number.isInteger(d) || d < 0)) {
    throw new ShapeError(
      `expand: cannot expand ${formatShape(x.shape)} to ${formatShape(shape)}: sizes must be non-negative integers, ` +
        'and -1 (keep the size) only stands for an existing dimension',
    );
  }
  if (shapeEqual(target, x.shape)) return x;
  return apply(expandDef, [x], { shape: target });
}

/** Broadcasts `x` to `shape` (NumPy rules: `x`'s dimensions must match the target's or be 1). @example broadcastTo(tensor([1, 2]), [3, 2]).shape // [3, 2] */
export function broadcastTo(x: Tensor, shape: readonly number[]): Tensor {
  const target = assertShape('broadcastTo', shape);
  // The target itself must be the broadcast result: [2,3] cannot be broadcast *to* [3].
  if (!shapeEqual(broadcastShapes('broadcastTo', x.shape, target), target)) {
    throw new ShapeError(
      `broadcastTo: cannot broadcast ${formatShape(x.shape)} to ${formatShape(target)}: the target needs at least as many dimensions, ` +
        'and each of the input\'s must match the target\'s or be 1',
    );
  }
  return expand(x, target);
}

/**
 * A gradient given another shape with the same elements, inside a backward pass. Unless the
 * backward pass is recorded (createGraph), the result shares the gradient's storage instead of
 * copying it: gradients are never written in place (optimizers write parameters, clipping makes
 * new tensors), so sharing is safe, and it saves an op per bias and per loss in small networks.
 * Outside a backward pass (sumToShape called under noGrad, say on a parameter) it copies, as
 * reshape does: the input may be a tensor that is written in place later.
 */
export function reshapeGradient(g: Tensor, shape: Shape): Tensor {
  if (shapeEqual(g.shape, shape)) return g;
  if (isGradEnabled() || !isInBackward()) return apply(reshapeDef, [g], { shape: [...shape] });
  if (g.size !== shapeSize(shape)) throw new ShapeError(`reshapeGradient: ${formatShape(g.shape)} cannot be viewed as ${formatShape(shape)}`);
  return g._alias(shape);
}

/** Sums a broadcast gradient back to `shape`: the inverse of broadcasting, used by the engine. */
export function sumToShape(g: Tensor, shape: Shape): Tensor {
  if (shapeEqual(g.shape, shape)) return g;
  const lead = g.ndim - shape.length;
  const axes: number[] = [];
  for (let i = 0; i < g.ndim; i++) {
    const target = i < lead ? 1 : (shape[i - lead] ?? 1);
    const d = g.shape[i] ?? 1;
    if (i < lead || (target === 1 && d !== 1)) axes.push(i);
    else if (target !== d) {
      throw new ShapeError(`sumToShape: ${formatShape(g.shape)} is not a broadcast of ${formatShape(shape)}`);
    }
  }
  if (lead < 0) throw new ShapeError(`sumToShape: ${formatShape(g.shape)} has fewer dimensions than ${formatShape(shape)}`);
  // Every summed axis has size 1 (a bias [1] added to [1,1]): nothing was replicated, so the sum is a reshape.
  if (g.size === shapeSize(shape)) return reshapeGradient(g, shape);
  return reshape(sum(g, axes, true), shape);
}

/** Removes size-1 axes: all of them, or the ones named (which must have size 1). */
export function squeeze(x: Tensor, axis?: number | readonly number[]): Tensor {
  if (axis === undefined) return reshape(x, x.shape.filter((d) => d !== 1));
  const axes = (typeof axis === 'number' ? [axis] : axis).map((a) => normalizeAxis('squeeze', a, x.ndim));
  for (const a of axes) {
    if (x.shape[a] !== 1) throw new ShapeError(`squeeze: axis ${a} of shape ${formatShape(x.shape)} has size ${x.shape[a]}, not 1`);
  }
  return reshape(x, x.shape.filter((_, i) => !axes.includes(i)));
}

/** Inserts a size-1 axis at `axis` (−1 appends). @example tensor([1, 2]).unsqueeze(0).shape // [1, 2] */
export function unsqueeze(x: Tensor, axis: number): Tensor {
  const a = normalizeAxis('unsqueeze', axis, x.ndim + 1);
  return reshape(x, [...x.shape.slice(0, a), 1, ...x.shape.slice(a)]);
}

/** Joins tensors along an existing axis. @example concat([zeros([2, 1]), ones([2, 3])], 1).shape // [2, 4] */
export function concat(tensors: readonly Tensor[], axis = 0): Tensor {
  const first = tensors[0];
  if (first === undefined) throw new ValueError('concat: expected at least one tensor');
  if (first.ndim === 0) throw new ShapeError('concat: 0-d tensors cannot be concatenated; use stack');
  const a = normalizeAxis('concat', axis, first.ndim);
  if (tensors.length === 1) return first;
  return apply(concatDef, tensors, { axis: a });
}

/** Joins tensors of equal shape along a new axis. @example stack([tensor([1, 2]), tensor([3, 4])]).shape // [2, 2] */
export function stack(tensors: readonly Tensor[], axis = 0): Tensor {
  const first = tensors[0];
  if (first === undefined) throw new ValueError('stack: expected at least one tensor');
  for (const t of tensors) {
    if (!shapeEqual(t.shape, first.shape)) {
      throw new ShapeError(`stack: all tensors must have the same shape, got ${tensors.map((s) => formatShape(s.shape)).join(', ')}`);
    }
  }
  const a = normalizeAxis('stack', axis, first.ndim + 1);
  return concat(tensors.map((t) => unsqueeze(t, a)), a);
}

/**
 * Splits along `axis` into pieces of `sizes` (a list), or of equal size `sizes` (a number; the last may be smaller).
 * @example arange(5).split(2) // [0,1], [2,3], [4]
 */
export function split(x: Tensor, sizes: number | readonly number[], axis = 0): Tensor[] {
  const a = normalizeAxis('split', axis, x.ndim);
  const n = x.shape[a] ?? 0;
  let list: number[];
  if (typeof sizes === 'number') {
    if (!Number.isInteger(sizes) || sizes <= 0) throw new ValueError(`split: the piece size must be a positive integer, got ${sizes}`);
    list = [];
    for (let s = 0; s < n; s += sizes) list.push(Math.min(sizes, n - s));
  } else {
    list = [...sizes];
    if (list.some((s) => !Number.isInteger(s) || s < 0)) {
      throw new ValueError(`split: sizes must be non-negative integers, got [${list.join(',')}]`);
    }
    const total = list.reduce((p, q) => p + q, 0);
    if (total !== n) {
      throw new ShapeError(`split: sizes [${list.join(',')}] do not add up to ${n}, the size of axis ${a} of ${formatShape(x.shape)}`);
    }
  }
  let start = 0;
  return list.map((len) => {
    const piece = narrow(x, a, start, len);
    start += len;
    return piece;
  });
}

/** Elements start..start+length−1 of `axis` (a negative start counts from the end). @example narrow(arange(5), 0, 1, 3) // [1, 2, 3] */
export function narrow(x: Tensor, axis: number, start: number, length: number): Tensor {
  const a = normalizeAxis('narrow', axis, x.ndim);
  const n = x.shape[a] ?? 0;
  if (!Number.isInteger(start) || !Number.isInteger(length)) {
    throw new ValueError(`narrow: start and length must be integers, got start ${start} and length ${length}`);
  }
  const s = start < 0 ? start + n : start;
  if (s < 0 || s > n || length < 0 || s + length > n) {
    throw new ShapeError(
      `narrow: start ${start} and length ${length} do not fit axis ${a} of shape ${formatShape(x.shape)}: need 0 ≤ start ≤ ${n} (or -${n} ≤ start < 0) and start + length ≤ ${n}`,
    );
  }
  return sliceRaw(x, {
    starts: x.shape.map((_, i) => (i === a ? s : 0)),
    steps: x.shape.map(() => 1),
    sizes: x.shape.map((d, i) => (i === a ? length : d)),
  });
}

/**
 * One axis of a slice: an integer picks one index and drops the axis; `null` takes all;
 * `[start, stop, step]` (each optional, negative counting from the end) takes a range, as in
 * Python's `x[start:stop:step]`.
 */
export type SliceSpec = number | null | readonly [(number | null)?, (number | null)?, (number | null)?] | { readonly start?: number | null; readonly stop?: number | null; readonly step?: number | null };

/**
 * NumPy-style basic indexing. Missing trailing axes are taken whole.
 * @example
 * const x = arange(12).reshape([3, 4]);
 * x.slice(1);                 // row 1: shape [4]
 * x.slice(null, [0, 4, 2]);   // columns 0 and 2: shape [3, 2]
 * x.slice([null, null, -1]);  // rows reversed
 */
export function slice(x: Tensor, ...specs: SliceSpec[]): Tensor {
  if (specs.length > x.ndim) {
    throw new ShapeError(`slice: ${specs.length} indices given for a tensor of rank ${x.ndim} (shape ${formatShape(x.shape)})`);
  }
  const starts: number[] = [];
  const steps: number[] = [];
  const sizes: number[] = [];
  const keep: boolean[] = [];
  x.shape.forEach((len, axis) => {
    const spec = specs[axis];
    if (typeof spec === 'number') {
      if (!Number.isInteger(spec)) throw new ValueError(`slice: index ${spec} for axis ${axis} is not an integer`);
      const i = spec < 0 ? spec + len : spec;
      if (i < 0 || i >= len) {
        const valid = len === 0 ? 'the axis is empty' : `valid: ${-len}..${len - 1}`;
        throw new ShapeError(`slice: index ${spec} is out of range for axis ${axis} of shape ${formatShape(x.shape)} (${valid})`);
      }
      starts.push(i);
      steps.push(1);
      sizes.push(1);
      keep.push(false);
      return;
    }
    let start: number | null | undefined;
    let stop: number | null | undefined;
    let step: number | null | undefined;
    if (spec === null || spec === undefined) {
      [start, stop, step] = [null, null, null];
    } else if (Array.isArray(spec)) {
      [start, stop, step] = spec;
    } else {
      ({ start, stop, step } = spec as { start?: number | null; stop?: number | null; step?: number | null });
    }
    const r = sliceIndices(axis, len, start ?? null, stop ?? null, step ?? 1);
    starts.push(r.start);
    steps.push(r.step);
    sizes.push(r.size);
    keep.push(true);
  });
  let out = x;
  const identity = starts.every((s) => s === 0) && steps.every((s) => s === 1) && sizes.every((s, i) => s === x.shape[i]);
  if (!identity) out = sliceRaw(x, { starts, steps, sizes });
  if (keep.every((k) => k)) return out;
  return reshape(out, sizes.filter((_, i) => keep[i]));
}

function sliceIndices(axis: number, len: number, start: number | null, stop: number | null, step: number) {
  for (const v of [start, stop, step]) {
    if (v !== null && !Number.isInteger(v)) throw new ValueError(`slice: range bounds for axis ${axis} must be integers, got ${v}`);
  }
  if (step === 0) throw new ValueError(`slice: step for axis ${axis} must not be 0`);
  let lo: number;
  let hi: number;
  if (step > 0) {
    lo = start === null ? 0 : start < 0 ? Math.max(0, start + len) : Math.min(start, len);
    hi = stop === null ? len : stop < 0 ? Math.max(0, stop + len) : Math.min(stop, len);
  } else {
    lo = start === null ? len - 1 : start < 0 ? Math.max(-1, start + len) : Math.min(start, len - 1);
    hi = stop === null ? -1 : stop < 0 ? Math.max(-1, stop + len) : Math.min(stop, len - 1);
  }
  const size = Math.max(0, Math.ceil((hi - lo) / step));
  return { start: size === 0 ? 0 : lo, step, size };
}

/** @internal The slice primitive with normalized parameters. */
export function sliceRaw(x: Tensor, params: SliceParams): Tensor {
  return apply(sliceDef, [x], { starts: params.starts, steps: params.steps, sizes: params.sizes });
}

/** @internal The adjoint of slice: `src` placed at the sliced positions of zeros of `shape`. */
export function sliceScatter(src: Tensor, shape: Shape, params: SliceParams): Tensor {
  if (shapeSize(shape) === src.size && params.steps.every((s) => s === 1) && params.starts.every((s) => s === 0)) {
    return reshape(src, shape);
  }
  return apply(sliceScatterDef, [src], { starts: params.starts, steps: params.steps, sizes: params.sizes, shape });
}
