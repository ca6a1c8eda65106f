/**
 * The cpu backend's kernel table: adapters from KernelArgs to the pure typed-array `…Impl`
 * functions of this folder, which a faster backend can call op by op as its fallback.
 */
import type { KernelArgs, Kernels } from '../backend.js';
import { ChainruleError } from '../../errors.js';
import type { TypedArray } from '../../tensor/dtype.js';
import type { Shape } from '../../tensor/shape.js';
import type { PrimitiveName } from '../../ops/primitives/types.js';
import {
  absImpl,
  addRowImpl,
  castImpl,
  cosImpl,
  divRowImpl,
  eqRowImpl,
  erfImpl,
  expImpl,
  geRowImpl,
  gtRowImpl,
  leRowImpl,
  logImpl,
  log1pImpl,
  ltRowImpl,
  maximumRowImpl,
  minimumRowImpl,
  mulRowImpl,
  negImpl,
  neRowImpl,
  powRowImpl,
  reluImpl,
  sigmoidImpl,
  sigmoidGradRowImpl,
  signImpl,
  sinImpl,
  sqrtImpl,
  subRowImpl,
  tanhImpl,
  tanhGradRowImpl,
  reluGradRowImpl,
  whereBitsRowImpl,
  whereRowImpl,
  int32View,
  type BinaryRowImpl,
  type UnaryImpl,
} from './elementwise.js';
import { argmaxImpl, argminImpl, logSoftmaxImpl, maxImpl, sumImpl } from './reduce.js';
import { batchedMatmulImpl, linearImpl, matmulImpl } from './matmul.js';
import { convKernels } from './conv.js';
import { concatImpl, gatherImpl, permuteImpl, scatterAddImpl, sliceImpl, sliceScatterImpl, stridedCopyImpl } from './movement.js';
import { broadcastStridesOf, collapse, RowWalker } from './strided.js';
// pooling
import { maxGradImpl, maxPool2dIndicesImpl, windowMeanAdjointImpl, windowMeanImpl } from './pool.js';
// issue 17: math ops
import { acosImpl, asinImpl, atan2RowImpl, atanImpl, ceilImpl, coshImpl, expm1Impl, floorImpl, log2Impl, roundImpl, sinhImpl, tanImpl, truncImpl } from './elementwise.js';
// issue 17: index ops
import { argsortImpl, cumsumImpl, linearScanImpl } from './scan.js';

function input(args: KernelArgs<PrimitiveName>, i: number): TypedArray {
  const x = args.inputs[i];
  if (x === undefined) throw new ChainruleError(`internal: kernel input ${i} is missing`);
  return x;
}

function shapeOf(args: KernelArgs<PrimitiveName>, i: number): Shape {
  const s = args.shapes[i];
  if (s === undefined) throw new ChainruleError(`internal: kernel input shape ${i} is missing`);
  return s;
}

function unary(impl: UnaryImpl) {
  return (args: KernelArgs<PrimitiveName>): void => {
    impl(input(args, 0), 0, args.out, 0, args.out.length);
  };
}

/** Runs a binary row function over the broadcast output, one row of the collapsed space at a time. */
export function broadcastBinary(row: BinaryRowImpl, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  const n = out.length;
  if (n === 0) return;
  // The common cases without the stride machinery: an operand as large as the output is not
  // broadcast (it has the output's shape), and a one-element operand is read with stride 0.
  if ((a.length === n || a.length === 1) && (b.length === n || b.length === 1)) {
    row(a, 0, a.length === n ? 1 : 0, b, 0, b.length === n ? 1 : 0, out, 0, n);
    return;
  }
  broadcastRows(row, a, aShape, b, bShape, out, outShape);
}

function broadcastRows(row: BinaryRowImpl, a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, out: TypedArray, outShape: Shape): void {
  const space = collapse(outShape, [broadcastStridesOf(aShape, outShape), broadcastStridesOf(bShape, outShape)]);
  const walker = new RowWalker(space, [0, 0]);
  const n = walker.rowLength;
  const [as, bs] = walker.rowStrides;
  const offsets = walker.offsets;
  let o = 0;
  for (let r = 0; r < walker.rows; r++, o += n) {
    row(a, offsets[0]!, as!, b, offsets[1]!, bs!, out, o, n);
    walker.next();
  }
}

function binary(row: BinaryRowImpl) {
  return (args: KernelArgs<PrimitiveName>): void => {
    broadcastBinary(row, input(args, 0), shapeOf(args, 0), input(args, 1), shapeOf(args, 1), args.out, args.outShape);
  };
}

/** 32-bit views of a, b and out when all three are float32 or all int32 (so values can be selected as bits). */
function sameWordArrays(a: TypedArray, b: TypedArray, out: TypedArray): [Int32Array, Int32Array, Int32Array] | null {
  if (a instanceof Float32Array && b instanceof Float32Array && out instanceof Float32Array) return [int32View(a), int32View(b), int32View(out)];
  if (a instanceof Int32Array && b instanceof Int32Array && out instanceof Int32Array) return [a, b, out];
  return null;
}

function where(args: KernelArgs<'where'>): void {
  const { out, outShape } = args;
  if (out.length === 0) return;
  const c = input(args, 0);
  const a = input(args, 1);
  const b = input(args, 2);
  const space = collapse(outShape, [0, 1, 2].map((i) => broadcastStridesOf(shapeOf(args, i), outShape)));
  const walker = new RowWalker(space, [0, 0, 0]);
  const n = walker.rowLength;
  const [cs, as, bs] = walker.rowStrides;
  const offsets = walker.offsets;
  const words = sameWordArrays(a, b, out);
  let o = 0;
  for (let r = 0; r < walker.rows; r++, o += n) {
    if (words === null) whereRowImpl(c, offsets[0]!, cs!, a, offsets[1]!, as!, b, offsets[2]!, bs!, out, o, n);
    else whereBitsRowImpl(c, offsets[0]!, cs!, words[0], offsets[1]!, as!, words[1], offsets[2]!, bs!, words[2], o, n);
    walker.next();
  }
}

/** Splits `shape` around `axis` into [outer, len, inner]. */
function aroundAxis(shape: Shape, axis: number): [number, number, number] {
  let outer = 1;
  let inner = 1;
  for (let d = 0; d < axis; d++) outer *= shape[d]!;
  for (let d = axis + 1; d < shape.length; d++) inner *= shape[d]!;
  return [outer, shape[axis]!, inner];
}

export const cpuKernels: Kernels = {
  neg: unary(negImpl),
  exp: unary(expImpl),
  log: unary(logImpl),
  log1p: unary(log1pImpl),
  sqrt: unary(sqrtImpl),
  abs: unary(absImpl),
  sign: unary(signImpl),
  sin: unary(sinImpl),
  cos: unary(cosImpl),
  tanh: unary(tanhImpl),
  sigmoid: unary(sigmoidImpl),
  relu: unary(reluImpl),
  erf: unary(erfImpl),
  cast: unary(castImpl),
  add: binary(addRowImpl),
  sub: binary(subRowImpl),
  mul: binary(mulRowImpl),
  sigmoidGrad: binary(sigmoidGradRowImpl),
  tanhGrad: binary(tanhGradRowImpl),
  reluGrad: binary(reluGradRowImpl),
  logSoftmax: (args) => logSoftmaxImpl(input(args, 0), shapeOf(args, 0), args.params.axis, args.out),
  div: binary(divRowImpl),
  pow: binary(powRowImpl),
  maximum: binary(maximumRowImpl),
  minimum: binary(minimumRowImpl),
  eq: binary(eqRowImpl),
  ne: binary(neRowImpl),
  lt: binary(ltRowImpl),
  le: binary(leRowImpl),
  gt: binary(gtRowImpl),
  ge: binary(geRowImpl),
  where,
  sum: (args) => sumImpl(input(args, 0), shapeOf(args, 0), args.params.axes, args.out),
  max: (args) => maxImpl(input(args, 0), shapeOf(args, 0), args.params.axes, args.out),
  argmax: (args) => {
    const [outer, len, inner] = aroundAxis(shapeOf(args, 0), args.params.axis);
    argmaxImpl(input(args, 0), outer, len, inner, args.out);
  },
  argmin: (args) => {
    const [outer, len, inner] = aroundAxis(shapeOf(args, 0), args.params.axis);
    argminImpl(input(args, 0), outer, len, inner, args.out);
  },
  linear: (args) => linearImpl(input(args, 0), shapeOf(args, 0), input(args, 1), input(args, 2), args.out, args.outShape, matmulImpl),
  matmul: (args) =>
    batchedMatmulImpl(input(args, 0), shapeOf(args, 0), input(args, 1), shapeOf(args, 1), args.out, args.outShape, matmulImpl, args.params.transposeA === true, args.params.transposeB === true),
  reshape: (args) => args.out.set(input(args, 0)),
  permute: (args) => permuteImpl(input(args, 0), shapeOf(args, 0), args.params.axes, args.out),
  expand: (args) => stridedCopyImpl(input(args, 0), 0, args.outShape, broadcastStridesOf(shapeOf(args, 0), args.outShape), args.out, 0),
  slice: (args) => {
    const { starts, steps, sizes } = args.params;
    sliceImpl(input(args, 0), shapeOf(args, 0), starts, steps, sizes, args.out);
  },
  sliceScatter: (args) => {
    const { starts, steps, sizes } = args.params;
    sliceScatterImpl(input(args, 0), args.outShape, starts, steps, sizes, args.out);
  },
  concat: ({ inputs, shapes, out, outShape, params }) => {
    const [outer, , inner] = aroundAxis(outShape, params.axis);
    concatImpl(inputs, shapes.map((s) => s[params.axis]!), outer, inner, out);
  },
  gather: (args) => gatherImpl(input(args, 0), shapeOf(args, 0), input(args, 1), shapeOf(args, 1), args.params.axis, args.out),
  scatterAdd: (args) => scatterAddImpl(input(args, 0), input(args, 1), shapeOf(args, 1), args.params.axis, args.out, args.outShape),
  // convolution
  ...convKernels(matmulImpl),
  // pooling
  maxGrad: (args) => maxGradImpl(input(args, 0), input(args, 1), input(args, 2), shapeOf(args, 1), args.params.axes, args.out),
  maxPool2dIndices: ({ inputs, shapes, out, params }) => {
    const [n, c, h, w] = shapes[0]!;
    maxPool2dIndicesImpl(inputs[0]!, n! * c!, h!, w!, params.kernelSize, params.stride, params.padding, params.dilation, params.outSize, out);
  },
  windowMean: ({ inputs, shapes, out, params }) => windowMeanImpl(inputs[0]!, shapes[0]![0]! * shapes[0]![1]!, params, out),
  windowMeanAdjoint: ({ inputs, shapes, out, params }) => windowMeanAdjointImpl(inputs[0]!, shapes[0]![0]! * shapes[0]![1]!, params, out),
  // issue 17: math ops
  floor: unary(floorImpl),
  ceil: unary(ceilImpl),
  round: unary(roundImpl),
  trunc: unary(truncImpl),
  expm1: unary(expm1Impl),
  log2: unary(log2Impl),
  tan: unary(tanImpl),
  atan: unary(atanImpl),
  asin: unary(asinImpl),
  acos: unary(acosImpl),
  sinh: unary(sinhImpl),
  cosh: unary(coshImpl),
  atan2: binary(atan2RowImpl),
  // issue 17: index ops
  argsort: (args) => argsortImpl(input(args, 0), ...aroundAxis(shapeOf(args, 0), args.params.axis), args.params.descending, args.out),
  cumsum: (args) => cumsumImpl(input(args, 0), ...aroundAxis(shapeOf(args, 0), args.params.axis), args.params.reverse, args.out),
  linearScan: (args) => linearScanImpl(input(args, 0), input(args, 1), ...aroundAxis(shapeOf(args, 0), args.params.axis), args.params.reverse, args.out),
};
