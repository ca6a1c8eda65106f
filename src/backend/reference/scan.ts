/**
 * The reference definitions of sorting and scanning along an axis: each slice gathered by its flat
 * positions (multi-index arithmetic, no [outer, len, inner] walk), then sorted by its definition
 * (value, NaN above everything, then position) or scanned one step at a time in its direction:
 * what the cpu kernels are checked against.
 */
import type { KernelArgs } from '../backend.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { shapeSize, stridesOf, type Shape } from '../../tensor/shape.js';

/** Calls fn with the flat positions of every slice along `axis`, each in axis order. */
function forEachSlice(shape: Shape, axis: number, fn: (positions: number[]) => void): void {
  const stride = stridesOf(shape)[axis] ?? 1;
  const n = shape[axis] ?? 0;
  if (n === 0) return;
  const total = shapeSize(shape);
  for (let flat = 0; flat < total; flat++) {
    // A slice starts where its axis index is 0.
    if (Math.floor(flat / stride) % n !== 0) continue;
    fn(Array.from({ length: n }, (_, s) => flat + s * stride));
  }
}

/** PyTorch's order: NaN above everything, −0 equal to 0. */
function ascending(u: number, v: number): number {
  if (Number.isNaN(u)) return Number.isNaN(v) ? 0 : 1;
  if (Number.isNaN(v)) return -1;
  return u < v ? -1 : u > v ? 1 : 0;
}

export function argsortReference({ inputs, shapes, out, params }: KernelArgs<'argsort'>): void {
  const x = inputs[0] as TypedArray;
  forEachSlice(shapes[0] as Shape, params.axis, (positions) => {
    const order = positions.map((p, s) => ({ v: x[p] ?? 0, s }));
    order.sort((p, q) => (params.descending ? ascending(q.v, p.v) : ascending(p.v, q.v)) || p.s - q.s);
    positions.forEach((p, t) => {
      out[p] = order[t]!.s;
    });
  });
}

/** The positions of a slice in the order a scan visits them. */
const scanOrder = (positions: number[], reverse: boolean): number[] => (reverse ? [...positions].reverse() : positions);

export function cumsumReference({ inputs, shapes, out, params }: KernelArgs<'cumsum'>): void {
  const x = inputs[0] as TypedArray;
  forEachSlice(shapes[0] as Shape, params.axis, (positions) => {
    let acc = 0;
    for (const p of scanOrder(positions, params.reverse)) {
      acc += x[p] ?? 0;
      out[p] = acc;
    }
  });
}

export function linearScanReference({ inputs, shapes, out, params }: KernelArgs<'linearScan'>): void {
  const a = inputs[0] as TypedArray;
  const b = inputs[1] as TypedArray;
  forEachSlice(shapes[0] as Shape, params.axis, (positions) => {
    let h = 0;
    scanOrder(positions, params.reverse).forEach((p, k) => {
      h = k === 0 ? (b[p] ?? 0) : (a[p] ?? 0) * h + (b[p] ?? 0);
      out[p] = h;
    });
  });
}
