/**
 * The reference definitions of the pooling primitives, as plain loops over every window tap and
 * every element (no walkers, no plane buffers): what the cpu kernels are checked against.
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

/** An output's divisor: the override, or its window's rows × columns (1 where that is 0). */
function divisorOf(p: KernelArgs<'windowMean'>['params'], i: number, j: number): number {
  const k = p.divisor ?? p.rowCount[i]! * p.colCount[j]!;
  return k === 0 ? 1 : k;
}

/** Each window's sum over its divisor, plane by plane. */
export function windowMeanReference({ inputs, shapes, out, params: p }: KernelArgs<'windowMean'>): void {
  const x = inputs[0] as TypedArray;
  const [n, c, H, W] = shapes[0] as Shape;
  const [oH, oW] = [p.rowLo.length, p.colLo.length];
  for (let q = 0; q < n! * c!; q++) {
    for (let i = 0; i < oH; i++) {
      for (let j = 0; j < oW; j++) {
        let s = 0;
        for (let h = p.rowLo[i]!; h < p.rowHi[i]!; h++) for (let w = p.colLo[j]!; w < p.colHi[j]!; w++) s += x[(q * H! + h) * W! + w]!;
        out[(q * oH + i) * oW + j] = s / divisorOf(p, i, j);
      }
    }
  }
}

/** Each gradient over its divisor, added to every element of its window (in float64, stored once). */
export function windowMeanAdjointReference({ inputs, shapes, out, params: p }: KernelArgs<'windowMeanAdjoint'>): void {
  const g = inputs[0] as TypedArray;
  const [n, c, oH, oW] = shapes[0] as Shape;
  const [H, W] = [p.inSize[0]!, p.inSize[1]!];
  const acc = new Float64Array(n! * c! * H * W);
  for (let q = 0; q < n! * c!; q++) {
    for (let i = 0; i < oH!; i++) {
      for (let j = 0; j < oW!; j++) {
        const v = g[(q * oH! + i) * oW! + j]! / divisorOf(p, i, j);
        for (let h = p.rowLo[i]!; h < p.rowHi[i]!; h++) for (let w = p.colLo[j]!; w < p.colHi[j]!; w++) acc[(q * H + h) * W + w] = acc[(q * H + h) * W + w]! + v;
      }
    }
  }
  out.set(acc);
}
