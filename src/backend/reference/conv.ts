/**
 * The convolution primitives by their definition: for every output element, the sum over the
 * taps that reach it, in float64. conv2d(x, w)[n, o, i, j] = Σ_{c, a, b} x[n, g·C/G + c,
 * i·s − p + a·d, j·s − q + b·d] · w[o, c, a, b] (o in group g; taps outside the input are 0);
 * the two gradients are its adjoints, written with the same loop (their sums are scattered).
 */
import type { KernelArgs } from '../backend.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { ConvParams } from '../../ops/primitives/types.js';

/** Calls tap(xIndex, wIndex, outPosition) for every product term of conv2d over these shapes. */
function forEachTap(xs: readonly number[], ws: readonly number[], os: readonly number[], p: ConvParams, tap: (xi: number, wi: number, yi: number) => void): void {
  const [n, c, h, w] = xs as [number, number, number, number];
  const [o, cg, kh, kw] = ws as [number, number, number, number];
  const [, , oh, ow] = os as [number, number, number, number];
  const og = o / p.groups;
  for (let b = 0; b < n; b++) {
    for (let oc = 0; oc < o; oc++) {
      const g = Math.floor(oc / og);
      for (let i = 0; i < oh; i++) {
        for (let j = 0; j < ow; j++) {
          const yi = ((b * o + oc) * oh + i) * ow + j;
          for (let ci = 0; ci < cg; ci++) {
            for (let a = 0; a < kh; a++) {
              const y = i * p.stride[0] - p.padding[0] + a * p.dilation[0];
              if (y < 0 || y >= h) continue;
              for (let e = 0; e < kw; e++) {
                const x = j * p.stride[1] - p.padding[2] + e * p.dilation[1];
                if (x < 0 || x >= w) continue;
                tap(((b * c + g * cg + ci) * h + y) * w + x, ((oc * cg + ci) * kh + a) * kw + e, yi);
              }
            }
          }
        }
      }
    }
  }
}

function summed(size: number, fill: (acc: Float64Array) => void, out: TypedArray): void {
  const acc = new Float64Array(size);
  fill(acc);
  for (let i = 0; i < size; i++) out[i] = acc[i]!;
}

export function conv2dReference({ inputs: [x, w], shapes: [xs, ws], out, outShape, params }: KernelArgs<'conv2d'>): void {
  summed(out.length, (acc) => forEachTap(xs!, ws!, outShape, params, (xi, wi, yi) => (acc[yi]! += x![xi]! * w![wi]!)), out);
}

export function conv2dInputGradReference({ inputs: [d, w], shapes: [ds, ws], out, outShape, params }: KernelArgs<'conv2dInputGrad'>): void {
  summed(out.length, (acc) => forEachTap(outShape, ws!, ds!, params, (xi, wi, yi) => (acc[xi]! += d![yi]! * w![wi]!)), out);
}

export function conv2dWeightGradReference({ inputs: [x, d], shapes: [xs, ds], out, outShape, params }: KernelArgs<'conv2dWeightGrad'>): void {
  summed(out.length, (acc) => forEachTap(xs!, outShape, ds!, params, (xi, wi, yi) => (acc[wi]! += x![xi]! * d![yi]!)), out);
}
