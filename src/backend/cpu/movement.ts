/**
 * Movement kernels: strided copies (permute, slice, expand), their scatter adjoints, concat,
 * gather and scatterAdd. Values are copied as numbers, so an input of another dtype (concat
 * promotes) is converted on store.
 */
import type { TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { copyRowImpl, scatterRowImpl } from './elementwise.js';
import { collapse, contiguousStrides, RowWalker } from './strided.js';

/** Square tiles for transposing copies: 32 × 32 elements of each side stay in L1. */
export const TRANSPOSE_TILE = 32;

/**
 * out (contiguous, of `shape`) = x read at xOff + Σ index[d]·xStrides[d]. Strides may be 0
 * (broadcast) or negative (reversed). When the innermost axes are transposed (x's innermost
 * stride is not 1 but the next axis's is), the copy goes tile by tile so both sides stay in cache.
 */
export function stridedCopyImpl(x: TypedArray, xOff: number, shape: Shape, xStrides: readonly number[], out: TypedArray, outOff: number): void {
  if (out.length === 0) return;
  const space = collapse(shape, [xStrides]);
  const r = space.shape.length;
  const xs = space.strides[0]!;
  if (r >= 2 && xs[r - 2] === 1 && xs[r - 1] !== 1 && xs[r - 1] !== 0) {
    const rows = space.shape[r - 2]!;
    const cols = space.shape[r - 1]!;
    const colStride = xs[r - 1]!;
    const outer = collapse(space.shape.slice(0, r - 2), [xs.slice(0, r - 2)]);
    const walker = new RowWalker(outer, [xOff]);
    const block = rows * cols;
    let o = outOff;
    for (let q = 0; q < walker.rows; q++) {
      for (let t = 0; t < walker.rowLength; t++, o += block) {
        transposeBlockImpl(x, walker.offsets[0]! + t * walker.rowStrides[0]!, colStride, out, o, rows, cols);
      }
      walker.next();
    }
    return;
  }
  const walker = new RowWalker(space, [xOff]);
  const n = walker.rowLength;
  const s = walker.rowStrides[0]!;
  const offsets = walker.offsets;
  let o = outOff;
  for (let q = 0; q < walker.rows; q++, o += n) {
    copyRowImpl(x, offsets[0]!, s, out, o, n);
    walker.next();
  }
}

/**
 * out[i·cols + j] = x[xOff + i + j·colStride] for i < rows, j < cols (x read down its
 * columns), in TRANSPOSE_TILE-square tiles.
 */
export function transposeBlockImpl(x: TypedArray, xOff: number, colStride: number, out: TypedArray, outOff: number, rows: number, cols: number): void {
  const T = TRANSPOSE_TILE;
  for (let i0 = 0; i0 < rows; i0 += T) {
    const i1 = Math.min(rows, i0 + T);
    for (let j0 = 0; j0 < cols; j0 += T) {
      const j1 = Math.min(cols, j0 + T);
      for (let i = i0; i < i1; i++) {
        const o = outOff + i * cols;
        let xi = xOff + i + j0 * colStride;
        for (let j = j0; j < j1; j++, xi += colStride) out[o + j] = x[xi]!;
      }
    }
  }
}

/** out at outOff + Σ index[d]·outStrides[d] = src (contiguous, of `shape`); other elements are left as they are. */
export function stridedScatterImpl(src: TypedArray, shape: Shape, out: TypedArray, outOff: number, outStrides: readonly number[]): void {
  if (src.length === 0) return;
  const walker = new RowWalker(collapse(shape, [outStrides]), [outOff]);
  const n = walker.rowLength;
  const s = walker.rowStrides[0]!;
  const offsets = walker.offsets;
  let i = 0;
  for (let q = 0; q < walker.rows; q++, i += n) {
    scatterRowImpl(src, i, out, offsets[0]!, s, n);
    walker.next();
  }
}

/** Permutes the axes of x (of `shape`): output axis i is input axis axes[i]. */
export function permuteImpl(x: TypedArray, shape: Shape, axes: readonly number[], out: TypedArray): void {
  const strides = contiguousStrides(shape);
  stridedCopyImpl(x, 0, axes.map((a) => shape[a]!), axes.map((a) => strides[a]!), out, 0);
}

/** Offset of the first element and per-axis strides of a slice of a contiguous array of `shape`. */
function sliceView(shape: Shape, starts: readonly number[], steps: readonly number[]): { offset: number; strides: number[] } {
  const base = contiguousStrides(shape);
  let offset = 0;
  const strides = base.map((s, d) => {
    offset += starts[d]! * s;
    return steps[d]! * s;
  });
  return { offset, strides };
}

/** Takes sizes[d] elements from starts[d] by steps[d] (possibly negative) along each axis of x. */
export function sliceImpl(x: TypedArray, shape: Shape, starts: readonly number[], steps: readonly number[], sizes: readonly number[], out: TypedArray): void {
  const view = sliceView(shape, starts, steps);
  stridedCopyImpl(x, view.offset, sizes, view.strides, out, 0);
}

/** The adjoint of slice: zeros of outShape with src (of shape `sizes`) at the sliced positions. */
export function sliceScatterImpl(src: TypedArray, outShape: Shape, starts: readonly number[], steps: readonly number[], sizes: readonly number[], out: TypedArray): void {
  out.fill(0);
  const view = sliceView(outShape, starts, steps);
  stridedScatterImpl(src, sizes, out, view.offset, view.strides);
}

/**
 * Joins inputs along `axis`: out is [outer, total, inner]; input k is [outer, len_k, inner]
 * (inner = product of the axes after `axis`).
 */
export function concatImpl(inputs: readonly TypedArray[], lengths: readonly number[], outer: number, inner: number, out: TypedArray): void {
  const total = lengths.reduce((p, q) => p + q, 0);
  let start = 0;
  for (let k = 0; k < inputs.length; k++) {
    const x = inputs[k]!;
    const chunk = lengths[k]! * inner;
    for (let o = 0; o < outer; o++) copyRowImpl(x, o * chunk, 1, out, (o * total + start) * inner, chunk);
    start += lengths[k]!;
  }
}

/**
 * PyTorch's gather: out[i₀…] = x[i₀…, index[i₀…], …] with the index replacing the position
 * along `axis`. index (int32) and out have `indexShape`; x has `xShape` (same rank, each other
 * axis at least as large).
 */
export function gatherImpl(x: TypedArray, xShape: Shape, index: TypedArray, indexShape: Shape, axis: number, out: TypedArray): void {
  if (out.length === 0) return;
  const xStrides = contiguousStrides(xShape);
  const axisStride = xStrides[axis]!;
  const walkStrides = xStrides.map((s, d) => (d === axis ? 0 : s));
  // The index and out are contiguous over indexShape; x follows on every axis but `axis`.
  const walker = new RowWalker(collapse(indexShape, [contiguousStrides(indexShape), walkStrides]), [0, 0]);
  const n = walker.rowLength;
  const xs = walker.rowStrides[1]!;
  const offsets = walker.offsets;
  for (let q = 0; q < walker.rows; q++) {
    const o = offsets[0]!;
    let xi = offsets[1]!;
    for (let j = 0; j < n; j++, xi += xs) out[o + j] = x[xi + index[o + j]! * axisStride]!;
    walker.next();
  }
}

/**
 * The adjoint of gather: zeros of outShape, then out[…, index[i], …] += src[i] for every i of
 * src's shape (= index's), in row-major order (accumulated in out, as the reference does).
 */
export function scatterAddImpl(src: TypedArray, index: TypedArray, indexShape: Shape, axis: number, out: TypedArray, outShape: Shape): void {
  out.fill(0);
  if (src.length === 0) return;
  const outStrides = contiguousStrides(outShape);
  const axisStride = outStrides[axis]!;
  const walkStrides = outStrides.map((s, d) => (d === axis ? 0 : s));
  const walker = new RowWalker(collapse(indexShape, [contiguousStrides(indexShape), walkStrides]), [0, 0]);
  const n = walker.rowLength;
  const os = walker.rowStrides[1]!;
  const offsets = walker.offsets;
  for (let q = 0; q < walker.rows; q++) {
    const i = offsets[0]!;
    let oi = offsets[1]!;
    for (let j = 0; j < n; j++, oi += os) {
      const at = oi + index[i + j]! * axisStride;
      out[at] = out[at]! + src[i + j]!;
    }
    walker.next();
  }
}
