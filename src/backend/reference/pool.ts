/**
 * The reference definitions of the pooling primitives, as plain loops over every window tap and
 * every element (no precomputed ranges, no walkers): what the cpu kernels are checked against.
 */
import type { KernelArgs } from '../backend.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { shapeSize, stridesOf, type Shape } from '../../tensor/shape.js';

/** The flat index of x's element in g's kept shape (reduced axes read as 0). */
function keptOffset(flat: number, shape: Shape, axes: readonly number[], keptStrides: readonly number[]): number {
  let rest = flat;
  let o = 0;
  for (let d = shape.length - 1; d >= 0; d--) {
    const size = shape[d]!;
    const i = rest % size;
    rest = (rest - i) / size;
    if (!axes.includes(d)) o += i * keptStrides[d]!;
  }
  return o;
}

/** g/count where x = m, else (0/count)·g (0, or NaN where no element equals m), count the slice's elements equal to m. */
export function maxGradReference({ inputs, shapes, out, params }: KernelArgs<'maxGrad'>): void {
  const g = inputs[0] as TypedArray;
  const x = inputs[1] as TypedArray;
  const m = inputs[2] as TypedArray;
  const shape = shapes[1] as Shape;
  const keptStrides = stridesOf(shape.map((d, i) => (params.axes.includes(i) ? 1 : d)));
  const count = new Array<number>(g.length).fill(0);
  const n = shapeSize(shape);
  for (let i = 0; i < n; i++) {
    const o = keptOffset(i, shape, params.axes, keptStrides);
    if (x[i] === m[o]) count[o] = count[o]! + 1;
  }
  for (let i = 0; i < n; i++) {
    const o = keptOffset(i, shape, params.axes, keptStrides);
    out[i] = x[i] === m[o] ? g[o]! / count[o]! : (0 / count[o]!) * g[o]!;
  }
}

/** Each window's argmax in its H·W plane: taps in row-major order, a later one wins if larger or NaN. */
export function maxPool2dIndicesReference({ inputs, shapes, out, params }: KernelArgs<'maxPool2dIndices'>): void {
  const x = inputs[0] as TypedArray;
  const [n, c, H, W] = shapes[0] as Shape;
  const [kh, kw] = params.kernelSize;
  const [sh, sw] = params.stride;
  const [ph, pw] = params.padding;
  const [dh, dw] = params.dilation;
  const [oH, oW] = params.outSize;
  let o = 0;
  for (let p = 0; p < n! * c!; p++) {
    for (let i = 0; i < oH!; i++) {
      for (let j = 0; j < oW!; j++) {
        let at = -1;
        let best = -Infinity;
        for (let a = 0; a < kh!; a++) {
          for (let b = 0; b < kw!; b++) {
            const h = i * sh! - ph! + a * dh!;
            const w = j * sw! - pw! + b * dw!;
            if (h < 0 || h >= H! || w < 0 || w >= W!) continue;
            const v = x[p * H! * W! + h * W! + w]!;
            if (at === -1 || v > best || Number.isNaN(v)) {
              best = v;
              at = h * W! + w;
            }
          }
        }
        out[o++] = at;
      }
    }
  }
}
