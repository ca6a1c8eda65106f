/**
 * The wasm backend's reductions (sum, max, argmax, argmin), log softmax, gather and scatterAdd
 * on float32 tensors, in SIMD kernels (wasm/assembly/reduce.ts, gather.ts) that read the
 * operands where they lie. Every reduction reaches a kernel as [outer, len, inner] with len
 * reduced: inner = 1 sums (or maxes) along rows, inner > 1 adds whole rows into an accumulator
 * row, the fast way to reduce a leading axis. Sums accumulate in float64 as the cpu kernel's do
 * (the order differs: the results may differ in the last float32 bit, within the conformance
 * tolerance); max, argmax, argmin, gather and scatterAdd give the cpu kernel's bits. Other dtypes,
 * small tensors and axis sets that do not fold to [outer, len, inner] run the cpu kernel.
 */
import type { KernelArgs } from '../backend.js';
import type { Shape } from '../../tensor/shape.js';
import { cpuKernels } from '../cpu/kernels.js';
import { kernelsOrThrow } from './module.js';
import { withOperands } from './operands.js';

/** Elements below which the cpu kernel runs (a wasm call and its bookkeeping cost more). */
const SMALL = 1024;

const align16 = (bytes: number): number => Math.ceil(bytes / 16) * 16;

/**
 * [outer, len, inner] of a contiguous `shape` reduced over `axes`, where the reduced axes
 * (ignoring size-1 ones) form one block: null otherwise (e.g. axes 0 and 2 of a rank-3 shape).
 */
export function foldAxes(shape: Shape, axes: readonly number[]): [number, number, number] | null {
  let outer = 1;
  let len = 1;
  let inner = 1;
  // 0: before the reduced block, 1: in it, 2: after it.
  let phase = 0;
  for (let d = 0; d < shape.length; d++) {
    const size = shape[d]!;
    if (size === 1) continue;
    const reduced = axes.includes(d);
    if (reduced) {
      if (phase === 2) return null;
      phase = 1;
      len *= size;
    } else if (phase === 0) outer *= size;
    else {
      phase = 2;
      inner *= size;
    }
  }
  return [outer, len, inner];
}

function around(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return [outer, shape[axis]!, inner];
}

function reduce(args: KernelArgs<'sum'> | KernelArgs<'max'>, kind: 'sum' | 'max'): boolean {
  const x = args.inputs[0]!;
  const out = args.out;
  if (!(x instanceof Float32Array && out instanceof Float32Array) || x.length < SMALL || out.length === 0) return false;
  const folded = foldAxes(args.shapes[0]!, args.params.axes);
  if (folded === null) return false;
  const [outer, len, inner] = folded;
  if (len === 1) return false;
  const acc = kind === 'sum' && inner > 1 ? 8 * inner : 0;
  return withOperands([x], out, acc, ({ inputs: [xp], out: op, extra }) => {
    const w = kernelsOrThrow();
    if (inner === 1) (kind === 'sum' ? w.sumRowsF32 : w.maxRowsF32)(xp!, op, outer, len);
    else if (kind === 'sum') w.sumColsF32(xp!, op, outer, len, inner, extra);
    else w.maxColsF32(xp!, op, outer, len, inner);
  });
}

export function sumKernel(args: KernelArgs<'sum'>): void {
  if (!reduce(args, 'sum')) cpuKernels.sum(args);
}

export function maxKernel(args: KernelArgs<'max'>): void {
  if (!reduce(args, 'max')) cpuKernels.max(args);
}

function argReduce(args: KernelArgs<'argmax'> | KernelArgs<'argmin'>, minimum: number): boolean {
  const x = args.inputs[0]!;
  if (!(x instanceof Float32Array && args.out instanceof Int32Array) || x.length < SMALL) return false;
  const [outer, len, inner] = around(args.shapes[0]!, args.params.axis);
  return withOperands([x], args.out, inner > 1 ? 4 * inner : 0, ({ inputs: [xp], out, extra }) => {
    const w = kernelsOrThrow();
    if (inner === 1) w.argRowsF32(xp!, out, outer, len, minimum);
    else w.argColsF32(xp!, out, outer, len, inner, minimum, extra);
  });
}

export function argmaxKernel(args: KernelArgs<'argmax'>): void {
  if (!argReduce(args, 0)) cpuKernels.argmax(args);
}

export function argminKernel(args: KernelArgs<'argmin'>): void {
  if (!argReduce(args, 1)) cpuKernels.argmin(args);
}

/** log softmax along any axis: rows (the last axis) one at a time, other axes a row of slices at once. */
export function logSoftmaxKernel(args: KernelArgs<'logSoftmax'>): void {
  const x = args.inputs[0]!;
  const out = args.out;
  const [outer, len, inner] = around(args.shapes[0]!, args.params.axis);
  const done =
    x instanceof Float32Array &&
    out instanceof Float32Array &&
    x.length >= SMALL &&
    withOperands([x], out, inner > 1 ? align16(4 * inner) + 8 * inner : 0, ({ inputs: [xp], out: op, extra }) => {
      const w = kernelsOrThrow();
      if (inner === 1) w.logSoftmaxRowsF32(xp!, op, outer, len);
      else w.logSoftmaxColsF32(xp!, op, outer, len, inner, extra);
    });
  if (!done) cpuKernels.logSoftmax(args);
}

/** Whether `index` has `shape`'s dimensions but (maybe) along `axis`: the layout the wasm kernels take. */
function fullIndex(shape: Shape, index: Shape, axis: number): boolean {
  return index.length === shape.length && index.every((d, i) => i === axis || d === shape[i]);
}

/** gather of 4-byte elements (float32, int32: bits copied) with whole rows moved where the index repeats one value along them. */
export function gatherKernel(args: KernelArgs<'gather'>): void {
  const [x, index] = args.inputs;
  const [xShape, indexShape] = args.shapes;
  const out = args.out;
  const axis = args.params.axis;
  const fourBytes = (x instanceof Float32Array && out instanceof Float32Array) || (x instanceof Int32Array && out instanceof Int32Array);
  const done =
    fourBytes &&
    index instanceof Int32Array &&
    out.length >= SMALL &&
    fullIndex(xShape!, indexShape!, axis) &&
    withOperands([x, index], out, 0, ({ inputs: [xp, ip], out: op }) => {
      const [outer, len, inner] = around(xShape!, axis);
      kernelsOrThrow().gather32(xp!, ip!, op, outer, len, indexShape![axis]!, inner);
    });
  if (!done) cpuKernels.gather(args);
}

/** scatterAdd of float32: rows added with SIMD where the index repeats one value along them; the cpu kernel's order and bits. */
export function scatterAddKernel(args: KernelArgs<'scatterAdd'>): void {
  const [src, index] = args.inputs;
  const indexShape = args.shapes[1]!;
  const out = args.out;
  const axis = args.params.axis;
  const done =
    src instanceof Float32Array &&
    out instanceof Float32Array &&
    index instanceof Int32Array &&
    src.length >= SMALL &&
    fullIndex(args.outShape, indexShape, axis) &&
    withOperands([src, index], out, 0, ({ inputs: [sp, ip], out: op }) => {
      const [outer, len, inner] = around(args.outShape, axis);
      kernelsOrThrow().scatterAddF32(sp!, ip!, op, outer, len, indexShape[axis]!, inner);
    });
  if (!done) cpuKernels.scatterAdd(args);
}
