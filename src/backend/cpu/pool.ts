/**
 * Pooling kernels: max pooling's argmax indices, average pooling's window means and their adjoint,
 * and max's backward step (maxGrad). Typed-array
 * loops with explicit sizes, so a faster backend can call them as its fallback.
 */
import type { WindowMeanParams } from '../../ops/primitives/types.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { collapse, contiguousStrides, RowWalker } from './strided.js';

/**
 * Where each element of a contiguous x adds into the kept-shape accumulator: the innermost three
 * axes of the collapsed space as explicit loops (sizes and accumulator strides), the rest walked
 * block by block. A row walker over rows as short as a pooling window (8 wide for max over axes 2
 * and 4 of [64,13,2,13,2,8]) spent most of its time between rows.
 */
interface AccMap {
  readonly sizes: readonly [number, number, number];
  readonly strides: readonly [number, number, number];
  /** The blocks' accumulator offsets, in x's order. */
  readonly walker: RowWalker;
}

function accMap(shape: Shape, axes: readonly number[]): AccMap {
  const rank = shape.length;
  const accStrides = new Array<number>(rank);
  for (let d = rank - 1, t = 1; d >= 0; d--) {
    if (axes.includes(d)) accStrides[d] = 0;
    else {
      accStrides[d] = t;
      t *= shape[d]!;
    }
  }
  const space = collapse(shape, [contiguousStrides(shape), accStrides]);
  const dims = [1, 1, ...space.shape];
  const acc = [0, 0, ...space.strides[1]!];
  const split = dims.length - 3;
  const outer = split === 0 ? { shape: [1], strides: [[0]] } : { shape: dims.slice(0, split), strides: [acc.slice(0, split)] };
  return {
    sizes: [dims[split]!, dims[split + 1]!, dims[split + 2]!],
    strides: [acc[split]!, acc[split + 1]!, acc[split + 2]!],
    walker: new RowWalker(outer, [0]),
  };
}

/** The common pass of maxGrad: g where x = m, else 0·g, counting each slice's matches. */
function maxMatchPass(g: TypedArray, x: TypedArray, m: TypedArray, map: AccMap, count: Int32Array, out: TypedArray): void {
  const { walker } = map;
  const [n0, n1, n2] = map.sizes;
  const [s0, s1, s2] = map.strides;
  let xi = 0;
  for (let r = 0; r < walker.rows; r++, walker.next()) {
    for (let t = 0, base = walker.offsets[0]!; t < walker.rowLength; t++, base += walker.rowStrides[0]!) {
      for (let a = 0; a < n0; a++) {
        for (let b = 0, ob = base + a * s0; b < n1; b++, ob += s1) {
          for (let c = 0, o = ob; c < n2; c++, o += s2, xi++) {
            const go = g[o]!;
            if (x[xi] === m[o]) {
              out[xi] = go;
              count[o] = count[o]! + 1;
            } else out[xi] = 0 * go;
          }
        }
      }
    }
  }
}

/** The general pass, for slices with ties or no match: g/count where x = m, else (0/count)·g (NaN where count is 0). */
function maxSharePass(g: TypedArray, x: TypedArray, m: TypedArray, map: AccMap, count: Int32Array, out: TypedArray): void {
  const { walker } = map;
  const [n0, n1, n2] = map.sizes;
  const [s0, s1, s2] = map.strides;
  let xi = 0;
  for (let r = 0; r < walker.rows; r++, walker.next()) {
    for (let t = 0, base = walker.offsets[0]!; t < walker.rowLength; t++, base += walker.rowStrides[0]!) {
      for (let a = 0; a < n0; a++) {
        for (let b = 0, ob = base + a * s0; b < n1; b++, ob += s1) {
          for (let c = 0, o = ob; c < n2; c++, o += s2, xi++) out[xi] = x[xi] === m[o] ? g[o]! / count[o]! : (0 / count[o]!) * g[o]!;
        }
      }
    }
  }
}

/**
 * out = ([x = m]/count)·g over each slice of x (of `shape`, contiguous) reduced over the sorted
 * `axes`, with g and m (the slices' max) in the kept shape and count the slice's elements equal to
 * m: ties share, and a slice with no match (m NaN) gets 0/0 = NaN, as the composed rule gave. One
 * pass when every slice has exactly one match (the common case); a second where some do not.
 */
export function maxGradImpl(g: TypedArray, x: TypedArray, m: TypedArray, shape: Shape, axes: readonly number[], out: TypedArray): void {
  if (out.length === 0) return;
  const count = new Int32Array(g.length);
  maxMatchPass(g, x, m, accMap(shape, axes), count, out);
  for (let o = 0; o < count.length; o++) {
    if (count[o] !== 1) {
      maxSharePass(g, x, m, accMap(shape, axes), count, out);
      return;
    }
  }
}

/** A pooling window's taps along one axis: for output o, taps lo[o] ≤ t < hi[o] land inside the input. */
function taps(size: number, outSize: number, kernel: number, stride: number, pad: number, dilation: number): [Int32Array, Int32Array] {
  const lo = new Int32Array(outSize);
  const hi = new Int32Array(outSize);
  for (let o = 0; o < outSize; o++) {
    const start = o * stride - pad;
    let a = 0;
    while (a < kernel && start + a * dilation < 0) a++;
    let b = a;
    while (b < kernel && start + b * dilation < size) b++;
    lo[o] = a;
    hi[o] = b;
  }
  return [lo, hi];
}

/**
 * For `planes` planes of x (H × W each, contiguous), the index into the plane of each window's
 * maximum (first on ties; the last NaN if any: PyTorch's `v > best || isnan(v)`), into out
 * (oH × oW per plane). Every window holds at least one input element (the caller checks).
 */
export function maxPool2dIndicesImpl(
  x: TypedArray,
  planes: number,
  H: number,
  W: number,
  kernel: readonly number[],
  stride: readonly number[],
  padding: readonly number[],
  dilation: readonly number[],
  outSize: readonly number[],
  out: TypedArray,
): void {
  const [kh, kw] = [kernel[0]!, kernel[1]!];
  const [sh, sw] = [stride[0]!, stride[1]!];
  const [ph, pw] = [padding[0]!, padding[1]!];
  const [dh, dw] = [dilation[0]!, dilation[1]!];
  const [oH, oW] = [outSize[0]!, outSize[1]!];
  const [hLo, hHi] = taps(H, oH, kh, sh, ph, dh);
  const [wLo, wHi] = taps(W, oW, kw, sw, pw, dw);
  const plane = H * W;
  let o = 0;
  for (let p = 0; p < planes; p++) {
    const base = p * plane;
    for (let i = 0; i < oH; i++) {
      const h0 = i * sh - ph;
      const a1 = hHi[i]!;
      for (let j = 0; j < oW; j++) {
        const w0 = j * sw - pw;
        const b0 = wLo[j]!;
        const b1 = wHi[j]!;
        let at = (h0 + hLo[i]! * dh) * W + w0 + b0 * dw;
        let best = -Infinity;
        for (let a = hLo[i]!; a < a1; a++) {
          const row = (h0 + a * dh) * W + w0;
          for (let b = b0; b < b1; b++) {
            const k = row + b * dw;
            const v = x[base + k]!;
            if (v > best || v !== v) {
              best = v;
              at = k;
            }
          }
        }
        out[o++] = at;
      }
    }
  }
}

/** Each output's divisor: the override, or its window's row count × column count (1 where that is 0). */
export function windowDivisors(p: WindowMeanParams): Float64Array {
  const oH = p.rowLo.length;
  const oW = p.colLo.length;
  const d = new Float64Array(oH * oW);
  for (let i = 0; i < oH; i++) {
    for (let j = 0; j < oW; j++) {
      const k = p.divisor ?? p.rowCount[i]! * p.colCount[j]!;
      d[i * oW + j] = k === 0 ? 1 : k;
    }
  }
  return d;
}

/** Average pooling of `planes` planes of x (H × W each): each window's sum (in float64) over its divisor. */
export function windowMeanImpl(x: TypedArray, planes: number, p: WindowMeanParams, out: TypedArray): void {
  const [H, W] = [p.inSize[0]!, p.inSize[1]!];
  const oH = p.rowLo.length;
  const oW = p.colLo.length;
  const div = windowDivisors(p);
  const { rowLo, rowHi, colLo, colHi } = p;
  let o = 0;
  for (let q = 0; q < planes; q++) {
    const base = q * H * W;
    for (let i = 0; i < oH; i++) {
      const h0 = rowLo[i]!;
      const h1 = rowHi[i]!;
      for (let j = 0; j < oW; j++) {
        const w0 = colLo[j]!;
        const w1 = colHi[j]!;
        let s = 0;
        for (let h = h0, row = base + h0 * W; h < h1; h++, row += W) {
          for (let w = w0; w < w1; w++) s += x[row + w]!;
        }
        out[o] = s / div[i * oW + j]!;
        o++;
      }
    }
  }
}

/** The adjoint: each g over its divisor, added (in float64, window by window) to every element of its window. */
export function windowMeanAdjointImpl(g: TypedArray, planes: number, p: WindowMeanParams, out: TypedArray): void {
  const [H, W] = [p.inSize[0]!, p.inSize[1]!];
  const oH = p.rowLo.length;
  const oW = p.colLo.length;
  const div = windowDivisors(p);
  const { rowLo, rowHi, colLo, colHi } = p;
  const acc = new Float64Array(H * W);
  let o = 0;
  for (let q = 0; q < planes; q++) {
    acc.fill(0);
    for (let i = 0; i < oH; i++) {
      const h0 = rowLo[i]!;
      const h1 = rowHi[i]!;
      for (let j = 0; j < oW; j++) {
        const w0 = colLo[j]!;
        const w1 = colHi[j]!;
        const v = g[o]! / div[i * oW + j]!;
        o++;
        for (let h = h0, row = h0 * W; h < h1; h++, row += W) {
          for (let w = w0; w < w1; w++) acc[row + w] = acc[row + w]! + v;
        }
      }
    }
    out.set(acc, q * H * W);
  }
}
