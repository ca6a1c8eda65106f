/**
 * The convolution primitives as matrix products (im2col, as Caffe and PyTorch's CPU path do):
 * per group g, the input's patches are laid out as columns, cols [K, P] with K = C/G·kH·kW taps
 * and P = N·OH·OW positions, and
 *
 * - conv2d:            Y_g [O/G, P] = W_g [O/G, K] · cols
 * - conv2dInputGrad:   dcols [K, P] = W_gᵀ · δ_g [O/G, P], then scattered back onto the input (col2im)
 * - conv2dWeightGrad:  dW_g [O/G, K] = δ_g · colsᵀ
 *
 * where Y_g and δ_g are channel-major ([channels, N·OH·OW]: NCHW with the batch moved inside).
 * The product is a parameter (`Product`), so a faster backend runs the same driver on its own
 * matmul. Taps are ordered (c, kh, kw) as the reference sums them, and padding taps are zeros, so
 * with the cpu product (float64 sums in depth order) the results equal the reference's.
 */
import type { KernelArgs } from '../backend.js';
import { allocArray, dtypeOfArray, type TypedArray } from '../../tensor/dtype.js';
import type { ConvParams } from '../../ops/primitives/types.js';

/** out (m × n) = op(A) · op(B), A at aOff (k × m when transposed), B at bOff (n × k when transposed). */
export type Product = (a: TypedArray, aOff: number, b: TypedArray, bOff: number, m: number, k: number, n: number, out: TypedArray, outOff: number, transposeA: boolean, transposeB: boolean) => void;

/** The geometry of one convolution: input [n, c, h, w], weight [o, c/g, kh, kw], output [n, o, oh, ow]. */
export interface ConvGeometry {
  readonly n: number; readonly c: number; readonly h: number; readonly w: number;
  readonly o: number; readonly kh: number; readonly kw: number;
  readonly oh: number; readonly ow: number;
  readonly p: ConvParams;
}

export function geometry(xShape: readonly number[], wShape: readonly number[], oShape: readonly number[], p: ConvParams): ConvGeometry {
  return { n: xShape[0]!, c: xShape[1]!, h: xShape[2]!, w: xShape[3]!, o: wShape[0]!, kh: wShape[2]!, kw: wShape[3]!, oh: oShape[2]!, ow: oShape[3]!, p };
}

/** cols[k, pos] for group g: tap k = (c, a, b) of position pos = (n, i, j); zero where the tap falls in the padding. */
export function im2col(x: TypedArray, g: ConvGeometry, group: number, cols: TypedArray): void {
  const { n, c, h, w, kh, kw, oh, ow, p } = g;
  const cg = c / p.groups;
  const plane = oh * ow;
  const positions = n * plane;
  const [sh, sw] = p.stride;
  const [dh, dw] = p.dilation;
  const top = p.padding[0];
  const left = p.padding[2];
  for (let ci = 0; ci < cg; ci++) {
    for (let a = 0; a < kh; a++) {
      for (let e = 0; e < kw; e++) {
        const row = ((ci * kh + a) * kw + e) * positions;
        for (let b = 0; b < n; b++) {
          const src = (b * c + group * cg + ci) * h * w;
          for (let i = 0; i < oh; i++) {
            const y = i * sh - top + a * dh;
            const dst = row + b * plane + i * ow;
            if (y < 0 || y >= h) {
              cols.fill(0, dst, dst + ow);
              continue;
            }
            const line = src + y * w;
            const x0 = e * dw - left;
            for (let j = 0; j < ow; j++) {
              const xx = x0 + j * sw;
              cols[dst + j] = xx >= 0 && xx < w ? x[line + xx]! : 0;
            }
          }
        }
      }
    }
  }
}

/** dx[n, c, y, x] += dcols[k, pos] for group g: the adjoint of im2col. */
export function col2im(dcols: TypedArray, g: ConvGeometry, group: number, dx: TypedArray): void {
  const { n, c, h, w, kh, kw, oh, ow, p } = g;
  const cg = c / p.groups;
  const plane = oh * ow;
  const positions = n * plane;
  const [sh, sw] = p.stride;
  const [dh, dw] = p.dilation;
  const top = p.padding[0];
  const left = p.padding[2];
  for (let ci = 0; ci < cg; ci++) {
    for (let a = 0; a < kh; a++) {
      for (let e = 0; e < kw; e++) {
        const row = ((ci * kh + a) * kw + e) * positions;
        for (let b = 0; b < n; b++) {
          const dst = (b * c + group * cg + ci) * h * w;
          for (let i = 0; i < oh; i++) {
            const y = i * sh - top + a * dh;
            if (y < 0 || y >= h) continue;
            const line = dst + y * w;
            const src = row + b * plane + i * ow;
            const x0 = e * dw - left;
            for (let j = 0; j < ow; j++) {
              const xx = x0 + j * sw;
              if (xx >= 0 && xx < w) dx[line + xx]! += dcols[src + j]!;
            }
          }
        }
      }
    }
  }
}

/**
 * Copies channels [c0, c0 + count) of an NCHW tensor ([n, channels, plane]) to channel-major
 * rows ([count, n·plane]), or back when `back` is true.
 */
export function channelMajor(nchw: TypedArray, channels: number, n: number, plane: number, c0: number, count: number, rows: TypedArray, back: boolean): void {
  for (let ci = 0; ci < count; ci++) {
    for (let b = 0; b < n; b++) {
      const at = (b * channels + c0 + ci) * plane;
      const to = (ci * n + b) * plane;
      if (back) nchw.set(rows.subarray(to, to + plane), at);
      else rows.set(nchw.subarray(at, at + plane), to);
    }
  }
}

/** Whether the channel-major layout of group `g` is the NCHW array itself (one image, one group). */
const direct = (g: ConvGeometry): boolean => g.n === 1 && g.p.groups === 1;

export function conv2dImpl(x: TypedArray, w: TypedArray, out: TypedArray, g: ConvGeometry, mm: Product): void {
  const G = g.p.groups;
  const og = g.o / G;
  const K = (g.c / G) * g.kh * g.kw;
  const P = g.n * g.oh * g.ow;
  const cols = allocArray(dtypeOfArray(out), K * P);
  const y = direct(g) ? out : allocArray(dtypeOfArray(out), og * P);
  for (let group = 0; group < G; group++) {
    im2col(x, g, group, cols);
    mm(w, group * og * K, cols, 0, og, K, P, y, 0, false, false);
    if (y !== out) channelMajor(out, g.o, g.n, g.oh * g.ow, group * og, og, y, true);
  }
}

export function conv2dInputGradImpl(d: TypedArray, w: TypedArray, dx: TypedArray, g: ConvGeometry, mm: Product): void {
  const G = g.p.groups;
  const og = g.o / G;
  const K = (g.c / G) * g.kh * g.kw;
  const P = g.n * g.oh * g.ow;
  // Summed in float64 (the products and the scatter), rounded once into a float32 dx.
  const dcols = new Float64Array(K * P);
  const acc = dx instanceof Float64Array ? dx : new Float64Array(dx.length);
  const dg = direct(g) ? d : allocArray(dtypeOfArray(d), og * P);
  acc.fill(0);
  for (let group = 0; group < G; group++) {
    if (dg !== d) channelMajor(d, g.o, g.n, g.oh * g.ow, group * og, og, dg, false);
    mm(w, group * og * K, dg, 0, K, og, P, dcols, 0, true, false);
    col2im(dcols, g, group, acc);
  }
  if (acc !== dx) dx.set(acc);
}

export function conv2dWeightGradImpl(x: TypedArray, d: TypedArray, dw: TypedArray, g: ConvGeometry, mm: Product): void {
  const G = g.p.groups;
  const og = g.o / G;
  const K = (g.c / G) * g.kh * g.kw;
  const P = g.n * g.oh * g.ow;
  const cols = allocArray(dtypeOfArray(dw), K * P);
  const dg = direct(g) ? d : allocArray(dtypeOfArray(d), og * P);
  for (let group = 0; group < G; group++) {
    im2col(x, g, group, cols);
    if (dg !== d) channelMajor(d, g.o, g.n, g.oh * g.ow, group * og, og, dg, false);
    mm(dg, 0, cols, 0, og, P, K, dw, group * og * K, false, true);
  }
}

/** The three kernels over a product: the cpu backend passes its matmul, the wasm backend its own. */
export function convKernels(mm: Product) {
  return {
    conv2d: ({ inputs: [x, w], shapes: [xs, ws], out, outShape, params }: KernelArgs<'conv2d'>): void =>
      conv2dImpl(x!, w!, out, geometry(xs!, ws!, outShape, params), mm),
    conv2dInputGrad: ({ inputs: [d, w], shapes: [ds, ws], out, outShape, params }: KernelArgs<'conv2dInputGrad'>): void =>
      conv2dInputGradImpl(d!, w!, out, geometry(outShape, ws!, ds!, params), mm),
    conv2dWeightGrad: ({ inputs: [x, d], shapes: [xs, ds], out, outShape, params }: KernelArgs<'conv2dWeightGrad'>): void =>
      conv2dWeightGradImpl(x!, d!, out, geometry(xs!, outShape, ds!, params), mm),
  };
}
