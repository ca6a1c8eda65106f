/**
 * The reference definitions of sorting and scanning along an axis: each output element computed
 * from its definition over the flat positions of its slice (a sum over s ≤ t, the recurrence
 * unrolled, a sort of the slice's values), with no running buffers: what the cpu kernels are
 * checked against.
 */
import type { KernelArgs } from '../backend.js';
import type { TypedArray } from '../../tensor/dtype.js';
import { stridesOf, type Shape } from '../../tensor/shape.js';

/** The flat positions of the slice along `axis` through flat element `flat`, in axis order. */
function slicePositions(shape: Shape, axis: number, flat: number): number[] {
  const stride = stridesOf(shape)[axis] ?? 1;
  const n = shape[axis] ?? 0;
  const t = Math.floor(flat / stride) % n;
  const start = flat - t * stride;
  return Array.from({ length: n }, (_, s) => start + s * stride);
}

/** PyTorch's order: NaN above everything, −0 equal to 0. */
function ascending(u: number, v: number): number {
  if (Number.isNaN(u)) return Number.isNaN(v) ? 0 : 1;
  if (Number.isNaN(v)) return -1;
  return u < v ? -1 : u > v ? 1 : 0;
}

export function argsortReference({ inputs, shapes, out, params }: KernelArgs<'argsort'>): void {
  const x = inputs[0] as TypedArray;
  const shape = shapes[0] as Shape;
  const n = shape[params.axis] ?? 0;
  for (let flat = 0; flat < out.length; flat++) {
    const positions = slicePositions(shape, params.axis, flat);
    const t = positions.indexOf(flat);
    const order = positions.map((p, s) => ({ v: x[p] ?? 0, s }));
    order.sort((p, q) => (params.descending ? ascending(q.v, p.v) : ascending(p.v, q.v)) || p.s - q.s);
    out[flat] = n === 0 ? 0 : order[t]!.s;
  }
}

export function cumsumReference({ inputs, shapes, out, params }: KernelArgs<'cumsum'>): void {
  const x = inputs[0] as TypedArray;
  const shape = shapes[0] as Shape;
  for (let flat = 0; flat < out.length; flat++) {
    const positions = slicePositions(shape, params.axis, flat);
    const t = positions.indexOf(flat);
    // Summed in the scan's order (from its start), so the roundings match a running sum's.
    const terms = params.reverse ? positions.slice(t).reverse() : positions.slice(0, t + 1);
    let acc = 0;
    for (const p of terms) acc += x[p] ?? 0;
    out[flat] = acc;
  }
}

export function linearScanReference({ inputs, shapes, out, params }: KernelArgs<'linearScan'>): void {
  const a = inputs[0] as TypedArray;
  const b = inputs[1] as TypedArray;
  const shape = shapes[0] as Shape;
  for (let flat = 0; flat < out.length; flat++) {
    const positions = slicePositions(shape, params.axis, flat);
    const t = positions.indexOf(flat);
    const steps = params.reverse ? positions.slice(t).reverse() : positions.slice(0, t + 1);
    let h = 0;
    steps.forEach((p, k) => {
      h = k === 0 ? (b[p] ?? 0) : (a[p] ?? 0) * h + (b[p] ?? 0);
    });
    out[flat] = h;
  }
}
