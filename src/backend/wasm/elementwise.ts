/**
 * The wasm backend's float32 elementwise kernels (wasm/assembly/elementwise.ts): unary functions
 * (the transcendental ones by the vector approximations of wasm/assembly/math.ts, error bounds in
 * docs/performance.md), binary arithmetic, comparisons and where, with broadcasting.
 *
 * Broadcasting: the output space is collapsed (cpu/strided.ts) and walked as planes of rows ×
 * cols, one kernel call per plane; within a plane each operand has a row stride and a stride
 * along the row of 1 or 0. Same-shape and scalar operands make one row, [m,n] with [n] or
 * [m,1] one plane, so the common cases are one call.
 *
 * Other dtypes, and tensors below SMALL_ELEMENTWISE elements (where a call and the operands'
 * copies cost more than the JS loop), run the cpu kernel.
 */
import type { Kernel, KernelArgs } from '../backend.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import { cpuKernels } from '../cpu/kernels.js';
import { broadcastStridesOf, collapse, RowWalker } from '../cpu/strided.js';
import { kernelsOrThrow } from './module.js';
import { withOperands } from './operands.js';

/**
 * Elements below which the cpu kernel runs: where the JS loop and the call (with the copies of
 * operands kept in JS) cost the same, measured on Node 20 (docs/performance.md): about 128 for
 * one-instruction ops, 32 for the transcendental ones, whose JS loop is slower.
 */
export const SMALL_ELEMENTWISE = 128;
export const SMALL_TRANSCENDENTAL = 32;

const UNARY = { neg: 0, abs: 1, sqrt: 2, exp: 3, log: 4, log1p: 5, sigmoid: 6, tanh: 7, relu: 8, sign: 9, erf: 10 } as const;
const BINARY = { add: 0, sub: 1, mul: 2, div: 3, maximum: 4, minimum: 5, sigmoidGrad: 6, tanhGrad: 7, reluGrad: 8 } as const;
const COMPARE = { eq: 0, ne: 1, lt: 2, le: 3, gt: 4, ge: 5 } as const;

type UnaryName = keyof typeof UNARY;
type BinaryName = keyof typeof BINARY;
type CompareName = keyof typeof COMPARE;

/**
 * The output space as planes: `walker` visits the planes (its offsets: each operand's first
 * element, in elements), each `walker.rowLength` rows (operand k's rows `walker.rowStrides[k]`
 * elements apart) of `cols` elements (operand k's stride along them `col[k]`, 0 or 1).
 */
interface Planes {
  readonly walker: RowWalker;
  readonly cols: number;
  readonly col: readonly number[];
}

function planes(shapes: readonly Shape[], lengths: readonly number[], outShape: Shape, n: number): Planes | null {
  let shape: readonly number[];
  let strides: number[][];
  if (lengths.every((l) => l === n || l === 1)) {
    shape = [1, n];
    strides = lengths.map((l) => [0, l === n ? 1 : 0]);
  } else {
    const space = collapse(outShape, shapes.map((s) => broadcastStridesOf(s, outShape)));
    shape = space.shape.length === 1 ? [1, ...space.shape] : space.shape;
    strides = space.strides.map((s) => (space.shape.length === 1 ? [0, ...s] : s));
  }
  const r = shape.length;
  const col = strides.map((s) => s[r - 1]!);
  // A collapsed operand's innermost stride is 1 or 0; anything else is not the kernel's case.
  if (col.some((s) => s !== 0 && s !== 1)) return null;
  const walker = new RowWalker({ shape: shape.slice(0, r - 1), strides: strides.map((s) => s.slice(0, r - 1)) }, []);
  return { walker, cols: shape[r - 1]!, col };
}

/**
 * Runs `call(pointers, rows, cols, rowStrides, col)` once per plane, with byte pointers to each
 * operand's first element and out's (outBytes per element); false (nothing written) where memory is short.
 */
function eachPlane(
  inputs: readonly TypedArray[],
  bytes: readonly number[],
  shapes: readonly Shape[],
  out: TypedArray,
  outShape: Shape,
  outBytes: number,
  call: (ptrs: number[], out: number, rows: number, cols: number, rowBytes: number[], col: readonly number[]) => void,
): boolean {
  const n = out.length;
  const p = planes(shapes, inputs.map((x) => x.length), outShape, n);
  if (p === null) return false;
  const { walker, cols, col } = p;
  const rows = walker.rowLength;
  return withOperands(inputs, out, 0, ({ inputs: at, out: o }) => {
    const rowBytes = walker.rowStrides.map((s, k) => s * bytes[k]!);
    const ptrs = new Array<number>(at.length);
    for (let q = 0, po = o; q < walker.rows; q++, po += rows * cols * outBytes) {
      for (let k = 0; k < at.length; k++) ptrs[k] = at[k]! + walker.offsets[k]! * bytes[k]!;
      call(ptrs, po, rows, cols, rowBytes, col);
      walker.next();
    }
  });
}

function unaryKernel<P extends UnaryName>(name: P, small: number): Kernel<P> {
  const op = UNARY[name];
  const fallback: Kernel<P> = cpuKernels[name];
  return (args: KernelArgs<P>): void => {
    const x = args.inputs[0]!;
    const out = args.out;
    const n = out.length;
    if (n < small || !(x instanceof Float32Array) || !(out instanceof Float32Array) || x.length !== n) {
      fallback(args);
      return;
    }
    if (!withOperands([x], out, 0, ({ inputs, out: o }) => kernelsOrThrow().unaryF32(op, inputs[0]!, o, n))) fallback(args);
  };
}

const F32 = [4, 4];

function binaryKernel<P extends BinaryName | CompareName>(name: P, op: number, compare: boolean): Kernel<P> {
  const fallback: Kernel<P> = cpuKernels[name];
  return (args: KernelArgs<P>): void => {
    const [a, b] = args.inputs;
    const out = args.out;
    if (out.length < SMALL_ELEMENTWISE || !(a instanceof Float32Array) || !(b instanceof Float32Array) || !(compare ? out instanceof Uint8Array : out instanceof Float32Array)) {
      fallback(args);
      return;
    }
    const w = kernelsOrThrow();
    const f = compare ? w.compareF32 : w.binaryF32;
    const done = eachPlane([a, b], F32, args.shapes, out, args.outShape, compare ? 1 : 4, (ptrs, o, rows, cols, rowBytes, col) =>
      f(op, ptrs[0]!, ptrs[1]!, o, rows, cols, rowBytes[0]!, col[0]! * 4, rowBytes[1]!, col[1]! * 4),
    );
    if (!done) fallback(args);
  };
}

/** pow(x, 2) is x·x, exactly as Math.pow rounded to float32; any other exponent runs the cpu kernel. */
function powKernel(args: KernelArgs<'pow'>): void {
  const [a, b] = args.inputs;
  const out = args.out;
  const n = out.length;
  if (n < SMALL_ELEMENTWISE || !(a instanceof Float32Array) || !(out instanceof Float32Array) || a.length !== n || b?.length !== 1 || b[0] !== 2) {
    cpuKernels.pow(args);
    return;
  }
  const done = withOperands([a], out, 0, ({ inputs, out: o }) => kernelsOrThrow().binaryF32(BINARY.mul, inputs[0]!, inputs[0]!, o, 1, n, 0, 4, 0, 4));
  if (!done) cpuKernels.pow(args);
}

function whereKernel(args: KernelArgs<'where'>): void {
  const [c, a, b] = args.inputs;
  const out = args.out;
  if (out.length < SMALL_ELEMENTWISE || !(c instanceof Uint8Array) || !(a instanceof Float32Array) || !(b instanceof Float32Array) || !(out instanceof Float32Array)) {
    cpuKernels.where(args);
    return;
  }
  const w = kernelsOrThrow();
  const done = eachPlane([c, a, b], [1, 4, 4], args.shapes, out, args.outShape, 4, (ptrs, o, rows, cols, rowBytes, col) =>
    w.whereF32(ptrs[0]!, ptrs[1]!, ptrs[2]!, o, rows, cols, rowBytes[0]!, col[0]!, rowBytes[1]!, col[1]! * 4, rowBytes[2]!, col[2]! * 4),
  );
  if (!done) cpuKernels.where(args);
}

type ElementwiseName = UnaryName | BinaryName | CompareName | 'pow' | 'where';

/** The wasm kernels of this file, to spread over the cpu table. */
export const elementwiseKernels: { readonly [P in ElementwiseName]: Kernel<P> } = {
  neg: unaryKernel('neg', SMALL_ELEMENTWISE),
  abs: unaryKernel('abs', SMALL_ELEMENTWISE),
  sqrt: unaryKernel('sqrt', SMALL_ELEMENTWISE),
  exp: unaryKernel('exp', SMALL_TRANSCENDENTAL),
  log: unaryKernel('log', SMALL_TRANSCENDENTAL),
  log1p: unaryKernel('log1p', SMALL_TRANSCENDENTAL),
  sigmoid: unaryKernel('sigmoid', SMALL_TRANSCENDENTAL),
  tanh: unaryKernel('tanh', SMALL_TRANSCENDENTAL),
  relu: unaryKernel('relu', SMALL_ELEMENTWISE),
  sign: unaryKernel('sign', SMALL_ELEMENTWISE),
  erf: unaryKernel('erf', SMALL_TRANSCENDENTAL),
  add: binaryKernel('add', BINARY.add, false),
  sub: binaryKernel('sub', BINARY.sub, false),
  mul: binaryKernel('mul', BINARY.mul, false),
  div: binaryKernel('div', BINARY.div, false),
  maximum: binaryKernel('maximum', BINARY.maximum, false),
  minimum: binaryKernel('minimum', BINARY.minimum, false),
  sigmoidGrad: binaryKernel('sigmoidGrad', BINARY.sigmoidGrad, false),
  tanhGrad: binaryKernel('tanhGrad', BINARY.tanhGrad, false),
  reluGrad: binaryKernel('reluGrad', BINARY.reluGrad, false),
  eq: binaryKernel('eq', COMPARE.eq, true),
  ne: binaryKernel('ne', COMPARE.ne, true),
  lt: binaryKernel('lt', COMPARE.lt, true),
  le: binaryKernel('le', COMPARE.le, true),
  gt: binaryKernel('gt', COMPARE.gt, true),
  ge: binaryKernel('ge', COMPARE.ge, true),
  pow: powKernel,
  where: whereKernel,
};
