/**
 * Reductions. The input is read once, in row-major order, while a per-row offset into a
 * float64 accumulator (one slot per output element) follows with incremental counters. Each
 * output therefore receives its elements in the same order as in the reference backend, summed
 * in float64 (JS numbers) whatever the output dtype, and rounded once when stored.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { collapse, RowWalker } from './strided.js';

/** Adds n contiguous elements of x to `init`, in order. */
export function sumRowImpl(x: TypedArray, xOff: number, n: number, init: number): number {
  let acc = init;
  for (let i = 0; i < n; i++) acc += x[xOff + i]!;
  return acc;
}

/** The maximum of `init` and n contiguous elements of x; NaN wins (Math.max propagates it). */
export function maxRowImpl(x: TypedArray, xOff: number, n: number, init: number): number {
  let acc = init;
  for (let i = 0; i < n; i++) acc = Math.max(acc, x[xOff + i]!);
  return acc;
}

/** acc[accOff + i] += x[xOff + i] for i < n. */
export function sumIntoRowImpl(x: TypedArray, xOff: number, acc: Float64Array, accOff: number, n: number): void {
  for (let i = 0; i < n; i++) acc[accOff + i] = acc[accOff + i]! + x[xOff + i]!;
}

/** acc[accOff + i] = max(acc[accOff + i], x[xOff + i]) for i < n. */
export function maxIntoRowImpl(x: TypedArray, xOff: number, acc: Float64Array, accOff: number, n: number): void {
  for (let i = 0; i < n; i++) acc[accOff + i] = Math.max(acc[accOff + i]!, x[xOff + i]!);
}

type ScalarRow = (x: TypedArray, xOff: number, n: number, init: number) => number;
type IntoRow = (x: TypedArray, xOff: number, acc: Float64Array, accOff: number, n: number) => void;

function reduceAxes(x: TypedArray, shape: Shape, axes: readonly number[], out: TypedArray, init: number, scalarRow: ScalarRow, intoRow: IntoRow): void {
  if (out.length === 0) return;
  const acc = new Float64Array(out.length).fill(init);
  if (x.length > 0) {
    // Input strides are contiguous; the accumulator's are the output's with 0 on reduced axes.
    const rank = shape.length;
    const inStrides = new Array<number>(rank);
    const accStrides = new Array<number>(rank);
    let s = 1;
    let t = 1;
    for (let d = rank - 1; d >= 0; d--) {
      inStrides[d] = s;
      s *= shape[d]!;
      if (axes.includes(d)) {
        accStrides[d] = 0;
      } else {
        accStrides[d] = t;
        t *= shape[d]!;
      }
    }
    const walker = new RowWalker(collapse(shape, [inStrides, accStrides]), [0, 0]);
    const n = walker.rowLength;
    const offsets = walker.offsets;
    if (walker.rowStrides[1] === 0) {
      for (let r = 0; r < walker.rows; r++) {
        const o = offsets[1]!;
        acc[o] = scalarRow(x, offsets[0]!, n, acc[o]!);
        walker.next();
      }
    } else {
      for (let r = 0; r < walker.rows; r++) {
        intoRow(x, offsets[0]!, acc, offsets[1]!, n);
        walker.next();
      }
    }
  }
  // A typed-array set converts each value exactly as an element store would.
  out.set(acc);
}

/** Sums x (of `shape`, contiguous) over the sorted `axes` into out (the kept axes, row-major). */
export function sumImpl(x: TypedArray, shape: Shape, axes: readonly number[], out: TypedArray): void {
  reduceAxes(x, shape, axes, out, 0, sumRowImpl, sumIntoRowImpl);
}

/** The maximum of x over the sorted `axes` (none of them empty); NaN wins. */
export function maxImpl(x: TypedArray, shape: Shape, axes: readonly number[], out: TypedArray): void {
  reduceAxes(x, shape, axes, out, -Infinity, maxRowImpl, maxIntoRowImpl);
}

/**
 * Index along the middle axis of x viewed as [outer, len, inner] of the largest element when
 * `sign` is 1 (argmax) or the smallest when −1 (argmin, as the largest of −x). The first
 * index wins ties, and the first NaN wins over everything (as in NumPy). len ≥ 1.
 */
function argReduceImpl(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray, sign: number): void {
  if (inner === 1) {
    for (let o = 0; o < outer; o++) {
      const base = o * len;
      let best = sign * x[base]!;
      let at = 0;
      if (best === best) {
        for (let i = 1; i < len; i++) {
          const v = sign * x[base + i]!;
          if (v > best) {
            best = v;
            at = i;
          } else if (v !== v) {
            at = i;
            break;
          }
        }
      }
      out[o] = at;
    }
    return;
  }
  // Walk each [len, inner] block row by row so reads stay contiguous.
  const best = new Float64Array(inner);
  for (let o = 0; o < outer; o++) {
    const base = o * len * inner;
    const outBase = o * inner;
    for (let j = 0; j < inner; j++) {
      best[j] = sign * x[base + j]!;
      out[outBase + j] = 0;
    }
    for (let i = 1; i < len; i++) {
      const row = base + i * inner;
      for (let j = 0; j < inner; j++) {
        const b = best[j]!;
        if (b !== b) continue;
        const v = sign * x[row + j]!;
        if (v > b || v !== v) {
          best[j] = v;
          out[outBase + j] = i;
        }
      }
    }
  }
}

/** argmax along the middle axis of x viewed as [outer, len, inner]; see argReduceImpl. */
export function argmaxImpl(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void {
  argReduceImpl(x, outer, len, inner, out, 1);
}

/** argmin along the middle axis of x viewed as [outer, len, inner]. */
export function argminImpl(x: TypedArray, outer: number, len: number, inner: number, out: TypedArray): void {
  argReduceImpl(x, outer, len, inner, out, -1);
}

/**
 * log softmax of x (shape) along `axis` into out: per slice, x − m − log Σ exp(x − m) with m the
 * slice's max, in JS numbers, each output rounded once. An all −∞ slice gives NaN (as
 * x − logsumexp(x) does); a +∞ gives NaN; NaN propagates.
 */
export function logSoftmaxImpl(x: TypedArray, shape: readonly number[], axis: number, out: TypedArray): void {
  const n = shape[axis] ?? 1;
  let inner = 1;
  for (let i = axis + 1; i < shape.length; i++) inner *= shape[i]!;
  const outer = n === 0 || inner === 0 ? 0 : x.length / (n * inner);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const base = o * n * inner + i;
      let m = -Infinity;
      for (let j = 0, p = base; j < n; j++, p += inner) {
        const v = x[p]!;
        if (v > m || Number.isNaN(v)) m = v;
        if (Number.isNaN(v)) break;
      }
      let s = 0;
      for (let j = 0, p = base; j < n; j++, p += inner) s += Math.exp(x[p]! - m);
      const lse = m + Math.log(s);
      for (let j = 0, p = base; j < n; j++, p += inner) out[p] = x[p]! - lse;
    }
  }
}
