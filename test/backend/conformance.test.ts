// The conformance suite: every primitive on every backend, against the reference backend.
//
// Each primitive has cases (a table keyed by primitive name, so a missing one is a compile
// error and an empty one fails here). A case builds seeded inputs once and runs public ops on
// them; it is run under each backend and under 'reference', and the outputs must agree:
// exactly for int32/bool outputs and movement ops, to 1e-5 for float32 arithmetic and 1e-12
// for float64 (relative, with an absolute floor at magnitude 1).
//
// A recording backend (reference kernels that log their arguments) also captures every kernel
// call a case makes; each backend's kernel is then called directly with the same arguments on
// an `out` pre-filled with sentinels, which proves every kernel writes all of its output.
import { test } from 'node:test';
import { batchedMatmulImpl, matmulImpl } from '../../src/backend/cpu/matmul.js';
import { storageArray } from '../../src/backend/storage.js';
import assert from 'node:assert/strict';
import {
  Generator,
  PRIMITIVE_NAMES,
  abs,
  add,
  argmax,
  argmin,
  cast,
  concat,
  cos,
  div,
  eq,
  erf,
  exp,
  expand,
  gather,
  ge,
  getBackend,
  gradients,
  gt,
  indexSelect,
  le,
  listBackends,
  log,
  log1p,
  lt,
  matmul,
  max,
  maximum,
  minimum,
  mul,
  ne,
  neg,
  permute,
  pow,
  registerBackend,
  relu,
  reshape,
  sigmoid,
  sign,
  sin,
  slice,
  sqrt,
  stack,
  sub,
  sum,
  tanh,
  tensor,
  logSoftmax,
  transpose,
  where,
  withBackend,
} from '../../src/index.js';
import { reluGrad, sigmoidGrad, tanhGrad } from '../../src/ops/elementwise.js';
// issue 17: math ops
import { acos, asin, atan, atan2, ceil, cosh, expm1, floor, log2, round, sinh, tan, trunc } from '../../src/index.js';
// pooling
import { maxGrad } from '../../src/ops/reduce.js';
import { adaptiveAvgPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../../src/ops/pooling.js';
// issue 17: index ops
import { argsort, cumprod, cumsum, sort } from '../../src/index.js';
import { apply } from '../../src/autograd/engine.js';
import { PRIMITIVES } from '../../src/ops/primitives/index.js';
import type { Backend, DType, Kernel, KernelArgs, Kernels, PrimitiveName, PrimitiveParams, Shape, SliceSpec, Tensor, TensorLike, TypedArray } from '../../src/index.js';

// ---------------------------------------------------------------------------------------------
// Seeded inputs, built without running any kernel.

let nextSeed = 1;

function arrayOf(dtype: DType, n: number): TypedArray {
  switch (dtype) {
    case 'float32':
      return new Float32Array(n);
    case 'float64':
      return new Float64Array(n);
    case 'int32':
      return new Int32Array(n);
    case 'bool':
      return new Uint8Array(n);
  }
}

function dtypeOf(array: TypedArray): DType {
  if (array instanceof Float32Array) return 'float32';
  if (array instanceof Float64Array) return 'float64';
  if (array instanceof Int32Array) return 'int32';
  return 'bool';
}

interface MakeOptions {
  readonly requiresGrad?: boolean;
  /** A fixed seed (for tensors built inside `run`, which executes once per backend). */
  readonly seed?: number;
}

function make(shape: readonly number[], dtype: DType, draw: (g: Generator) => number, options: MakeOptions = {}): Tensor {
  const g = new Generator(options.seed ?? nextSeed++);
  const n = shape.reduce((p, d) => p * d, 1);
  const values = arrayOf(dtype, n);
  for (let i = 0; i < n; i++) values[i] = draw(g);
  return tensor(values, { shape, dtype, requiresGrad: options.requiresGrad ?? false });
}

const normal = (shape: readonly number[], dtype: DType = 'float32', options: MakeOptions = {}): Tensor =>
  make(shape, dtype, (g) => 2 * g.normal(), options);
const positive = (shape: readonly number[], dtype: DType = 'float32'): Tensor => make(shape, dtype, (g) => 0.05 + 4 * g.uniform());
const ints = (shape: readonly number[], low = -5, high = 6): Tensor => make(shape, 'int32', (g) => g.integer(low, high));
const bools = (shape: readonly number[]): Tensor => make(shape, 'bool', (g) => g.integer(0, 2));

/** NaN, infinities, signed zeros, tiny, moderate and overflowing magnitudes. */
const SPECIAL = [NaN, Infinity, -Infinity, 0, -0, 1e-30, -1e-30, 0.5, -0.5, 1, -1, 3, -3, 40, -40, 800, -800];
const special = (dtype: DType = 'float32', shape: readonly number[] = [SPECIAL.length]): Tensor =>
  tensor(Float64Array.from(SPECIAL), { dtype, shape });
/** float32 NaNs whose sign bit is set (as x86 makes them: 0/0 gives 0xffc00000) or whose payload is unusual. */
const signedNaNs = (): Tensor => tensor(new Float32Array(Int32Array.from([0xffc00000 | 0, 0x7fc00001, 0xff800001 | 0, 0x7f800001, -1]).buffer));
const specialReversed = (dtype: DType = 'float32'): Tensor => tensor(Float64Array.from([...SPECIAL].reverse()), { dtype });

// ---------------------------------------------------------------------------------------------
// Cases.

interface Case {
  readonly label: string;
  readonly inputs: () => readonly Tensor[];
  readonly run: (inputs: readonly Tensor[]) => Tensor | readonly Tensor[];
  /** Compare floating outputs exactly too (movement ops). */
  readonly exact?: boolean;
}

function at(xs: readonly Tensor[], i: number): Tensor {
  const x = xs[i];
  if (x === undefined) throw new Error(`case input ${i} is missing`);
  return x;
}

function unaryCases(op: (x: TensorLike) => Tensor, domain: 'any' | 'positive' = 'any'): Case[] {
  const run = (xs: readonly Tensor[]): Tensor => op(at(xs, 0));
  const cases: Case[] = [
    { label: 'float32 [3,4,5]', inputs: () => [normal([3, 4, 5])], run },
    { label: 'float64 [7]', inputs: () => [normal([7], 'float64')], run },
    { label: 'int32 [2,3]', inputs: () => [ints([2, 3])], run },
    { label: 'special values float32', inputs: () => [special()], run },
    { label: 'special values float64', inputs: () => [special('float64')], run },
    { label: '0-d scalar', inputs: () => [tensor(-0.75)], run },
    { label: 'empty [0,3]', inputs: () => [normal([0, 3])], run },
    { label: 'float32 [1000] (long row)', inputs: () => [normal([1000])], run },
    { label: 'NaNs with the sign bit set, float32', inputs: () => [signedNaNs()], run },
  ];
  if (domain === 'positive') {
    cases.push(
      { label: 'positive float32 [4,6]', inputs: () => [positive([4, 6])], run },
      { label: 'positive float64 [4,6]', inputs: () => [positive([4, 6], 'float64')], run },
    );
  }
  return cases;
}

function binaryCases(op: (a: TensorLike, b: TensorLike) => Tensor): Case[] {
  const run = (xs: readonly Tensor[]): Tensor => op(at(xs, 0), at(xs, 1));
  return [
    { label: 'same shape float32 [4,5]', inputs: () => [normal([4, 5]), normal([4, 5])], run },
    { label: 'broadcast [3,1,4] with [5,1]', inputs: () => [normal([3, 1, 4]), normal([5, 1])], run },
    { label: 'broadcast [5,1] with [3,1,4]', inputs: () => [normal([5, 1]), normal([3, 1, 4])], run },
    { label: 'size-1 dims [1,4] with [3,1]', inputs: () => [normal([1, 4]), normal([3, 1])], run },
    { label: 'row broadcast [64,130] with [130]', inputs: () => [normal([64, 130]), normal([130])], run },
    { label: 'column broadcast [2,6,1] with [2,1,7]', inputs: () => [normal([2, 6, 1]), normal([2, 1, 7])], run },
    { label: '0-d with [2,3]', inputs: () => [tensor(1.25), normal([2, 3])], run },
    { label: '[2,3] with a number', inputs: () => [normal([2, 3])], run: (xs) => op(at(xs, 0), 0.5) },
    { label: 'a number with [2,3]', inputs: () => [normal([2, 3])], run: (xs) => op(-1.5, at(xs, 0)) },
    { label: '0-d with 0-d', inputs: () => [tensor(2.5), tensor(-0.5)], run },
    { label: 'empty [0,3] with [3]', inputs: () => [normal([0, 3]), normal([3])], run },
    { label: 'empty [2,0] with [1]', inputs: () => [normal([2, 0]), normal([1])], run },
    { label: 'float64 same shape [3,4]', inputs: () => [normal([3, 4], 'float64'), normal([3, 4], 'float64')], run },
    { label: 'float64 broadcast [3,1,4] with [5,1]', inputs: () => [normal([3, 1, 4], 'float64'), normal([5, 1], 'float64')], run },
    { label: 'int32 same shape [3,4]', inputs: () => [ints([3, 4]), ints([3, 4])], run },
    { label: 'int32 broadcast [4,1] with [5]', inputs: () => [ints([4, 1]), ints([5])], run },
    { label: 'bool with bool [2,5]', inputs: () => [bools([2, 5]), bools([2, 5])], run },
    { label: 'mixed float32 [4,3] with float64 [3]', inputs: () => [normal([4, 3]), normal([3], 'float64')], run },
    { label: 'mixed float64 [4,1] with float32 [3]', inputs: () => [normal([4, 1], 'float64'), normal([3])], run },
    { label: 'mixed int32 [4,3] with float32 [4,3]', inputs: () => [ints([4, 3]), normal([4, 3])], run },
    { label: 'mixed bool [3] with int32 [2,3]', inputs: () => [bools([3]), ints([2, 3])], run },
    { label: 'special × special float32 (all pairs)', inputs: () => [special('float32', [SPECIAL.length, 1]), special()], run },
    { label: 'special × special float64 (all pairs)', inputs: () => [special('float64', [SPECIAL.length, 1]), special('float64')], run },
    { label: 'special with reversed, float32', inputs: () => [special(), specialReversed()], run },
  ];
}

function whereCases(): Case[] {
  const run = (xs: readonly Tensor[]): Tensor => where(at(xs, 0), at(xs, 1), at(xs, 2));
  return [
    { label: 'same shape [4,5]', inputs: () => [bools([4, 5]), normal([4, 5]), normal([4, 5])], run },
    { label: 'broadcast c [3,1,4], a [5,1], b [4]', inputs: () => [bools([3, 1, 4]), normal([5, 1]), normal([4])], run },
    { label: 'broadcast c [5,1], a [3,1,1], b [1,6]', inputs: () => [bools([5, 1]), normal([3, 1, 1]), normal([1, 6])], run },
    { label: 'numbers for a and b', inputs: () => [bools([3, 4])], run: (xs) => where(at(xs, 0), 2.5, -1) },
    { label: '0-d condition', inputs: () => [tensor(true), normal([2, 3]), normal([2, 3])], run },
    { label: 'int32 a and b', inputs: () => [bools([6]), ints([6]), ints([6])], run },
    { label: 'mixed float32 a, float64 b', inputs: () => [bools([2, 3]), normal([2, 3]), normal([3], 'float64')], run },
    { label: 'bool a and b', inputs: () => [bools([7]), bools([7]), bools([7])], run },
    { label: 'special values', inputs: () => [bools([SPECIAL.length]), special(), specialReversed()], run },
    { label: 'condition bytes other than 0 and 1 (nonzero picks a)', inputs: () => [tensor(Uint8Array.from([0, 1, 2, 255, 0, 7]), { dtype: 'bool' }), normal([6]), normal([6])], run },
    { label: 'condition bytes other than 0 and 1, int32', inputs: () => [tensor(Uint8Array.from([0, 1, 2, 255, 0, 7]), { dtype: 'bool' }), ints([6]), ints([6])], run },
    { label: 'empty [0,2]', inputs: () => [bools([0, 2]), normal([0, 2]), normal([2])], run },
  ];
}

function reduceCases(op: (x: Tensor, axis?: number | readonly number[], keepdims?: boolean) => Tensor, kind: 'sum' | 'max'): Case[] {
  const cases: Case[] = [
    { label: 'all axes of [3,4,5]', inputs: () => [normal([3, 4, 5])], run: (xs) => op(at(xs, 0)) },
    { label: 'middle axis of [3,4,5], keepdims', inputs: () => [normal([3, 4, 5])], run: (xs) => op(at(xs, 0), 1, true) },
    { label: 'axes [0,2] of [3,4,5]', inputs: () => [normal([3, 4, 5])], run: (xs) => op(at(xs, 0), [0, 2]) },
    { label: 'axes [1,2] of [3,4,5], keepdims', inputs: () => [normal([3, 4, 5])], run: (xs) => op(at(xs, 0), [1, 2], true) },
    { label: 'axes [0,2] of [2,3,4,5], keepdims', inputs: () => [normal([2, 3, 4, 5])], run: (xs) => op(at(xs, 0), [0, 2], true) },
    { label: 'axes [1,3] of [2,3,4,5]', inputs: () => [normal([2, 3, 4, 5])], run: (xs) => op(at(xs, 0), [1, 3]) },
    { label: 'last axis (-1) of [6,7]', inputs: () => [normal([6, 7])], run: (xs) => op(at(xs, 0), -1) },
    { label: 'axis 0 of [50,70]', inputs: () => [normal([50, 70])], run: (xs) => op(at(xs, 0), 0) },
    { label: 'axis 1 of [50,70]', inputs: () => [normal([50, 70])], run: (xs) => op(at(xs, 0), 1) },
    { label: 'size-1 axis of [3,1,4]', inputs: () => [normal([3, 1, 4])], run: (xs) => op(at(xs, 0), 1) },
    { label: 'float64 axes [0,2] of [3,4,5]', inputs: () => [normal([3, 4, 5], 'float64')], run: (xs) => op(at(xs, 0), [0, 2]) },
    { label: 'int32 axis 1 of [4,6]', inputs: () => [ints([4, 6])], run: (xs) => op(at(xs, 0), 1) },
    { label: 'bool axis 0 of [5,3]', inputs: () => [bools([5, 3])], run: (xs) => op(at(xs, 0), 0) },
    { label: 'special values along axis 1 of [17,17]', inputs: () => [special('float32', [SPECIAL.length, 1])], run: (xs) => op(add(at(xs, 0), special()), 1) },
    { label: 'special values along axis 0 of [17,17]', inputs: () => [special('float64', [SPECIAL.length, 1])], run: (xs) => op(mul(at(xs, 0), special('float64')), 0) },
    { label: 'kept empty axis of [0,4]', inputs: () => [normal([0, 4])], run: (xs) => op(at(xs, 0), 1) },
  ];
  if (kind === 'sum') {
    cases.push(
      // A bool sum over no axes is still a kernel call (it becomes int32); other dtypes return x.
      { label: 'bool 0-d (no axes)', inputs: () => [tensor(true)], run: (xs) => op(at(xs, 0), []) },
      { label: 'bool [2,3] over no axes', inputs: () => [bools([2, 3])], run: (xs) => op(at(xs, 0), []) },
      { label: 'reduced empty axis of [3,0]', inputs: () => [normal([3, 0])], run: (xs) => op(at(xs, 0), 1) },
      { label: 'all axes of empty [0,3], keepdims', inputs: () => [normal([0, 3])], run: (xs) => op(at(xs, 0), undefined, true) },
    );
  }
  return cases;
}

function argCases(op: (x: Tensor, axis?: number | null, keepdims?: boolean) => Tensor): Case[] {
  const nanRows = (): Tensor =>
    tensor(
      [
        [1, NaN, 3, NaN],
        [NaN, 5, 2, 2],
        [4, 4, -Infinity, 4],
        [-0, 0, -0, 0],
        [Infinity, Infinity, NaN, 1],
      ],
      { dtype: 'float64' },
    );
  return [
    { label: 'axis 0 of [4,5,6]', inputs: () => [normal([4, 5, 6])], run: (xs) => op(at(xs, 0), 0) },
    { label: 'axis 1 of [4,5,6], keepdims', inputs: () => [normal([4, 5, 6])], run: (xs) => op(at(xs, 0), 1, true) },
    { label: 'axis 2 of [4,5,6]', inputs: () => [normal([4, 5, 6])], run: (xs) => op(at(xs, 0), 2) },
    { label: 'flattened [3,4]', inputs: () => [normal([3, 4])], run: (xs) => op(at(xs, 0)) },
    { label: 'flattened [3,4], keepdims', inputs: () => [normal([3, 4])], run: (xs) => op(at(xs, 0), null, true) },
    { label: 'ties (int32 in 0..2) along axis 1 of [6,9]', inputs: () => [ints([6, 9], 0, 3)], run: (xs) => op(at(xs, 0), 1) },
    { label: 'ties (int32 in 0..2) along axis 0 of [9,6]', inputs: () => [ints([9, 6], 0, 3)], run: (xs) => op(at(xs, 0), 0) },
    { label: 'NaN and infinities along axis 1', inputs: () => [nanRows()], run: (xs) => op(at(xs, 0), 1) },
    { label: 'NaN and infinities along axis 0', inputs: () => [nanRows()], run: (xs) => op(at(xs, 0), 0) },
    { label: 'float64 axis -1 of [3,8]', inputs: () => [normal([3, 8], 'float64')], run: (xs) => op(at(xs, 0), -1) },
    { label: 'bool axis 1 of [4,5]', inputs: () => [bools([4, 5])], run: (xs) => op(at(xs, 0), 1) },
    { label: 'length-1 axis of [3,1,2]', inputs: () => [normal([3, 1, 2])], run: (xs) => op(at(xs, 0), 1) },
    { label: 'empty outer axis of [0,5]', inputs: () => [normal([0, 5])], run: (xs) => op(at(xs, 0), 1) },
  ];
}

function castCases(): Case[] {
  const to = (dtype: DType) => (xs: readonly Tensor[]): Tensor => cast(at(xs, 0), dtype);
  return [
    { label: 'float32 → int32 (truncates)', inputs: () => [normal([4, 5])], run: to('int32') },
    { label: 'float32 → bool', inputs: () => [make([4, 5], 'float32', (g) => g.integer(-1, 2))], run: to('bool') },
    { label: 'float32 → float64', inputs: () => [normal([4, 5])], run: to('float64') },
    { label: 'float64 → float32', inputs: () => [normal([4, 5], 'float64')], run: to('float32') },
    { label: 'int32 → float32', inputs: () => [ints([6])], run: to('float32') },
    { label: 'int32 → bool', inputs: () => [ints([6], -1, 2)], run: to('bool') },
    { label: 'bool → float32', inputs: () => [bools([6])], run: to('float32') },
    { label: 'bool → int32', inputs: () => [bools([6])], run: to('int32') },
    { label: 'special float64 → int32', inputs: () => [special('float64')], run: to('int32') },
    { label: 'special float64 → bool', inputs: () => [special('float64')], run: to('bool') },
    { label: 'special float64 → float32', inputs: () => [special('float64')], run: to('float32') },
    { label: 'large float64 → int32', inputs: () => [tensor([3e9, -3e9, 2147483647.9, -2147483648.5], { dtype: 'float64' })], run: to('int32') },
    { label: '0-d float32 → int32', inputs: () => [tensor(-2.75)], run: to('int32') },
    { label: 'empty [0] float32 → float64', inputs: () => [normal([0])], run: to('float64') },
  ];
}

function matmulCases(): Case[] {
  const run = (xs: readonly Tensor[]): Tensor => matmul(at(xs, 0), at(xs, 1));
  return [
    { label: '1x1 · 1x1', inputs: () => [normal([1, 1]), normal([1, 1])], run },
    { label: '7x13 · 13x5', inputs: () => [normal([7, 13]), normal([13, 5])], run },
    { label: '65x130 · 130x67 (crosses the row and column blocks)', inputs: () => [normal([65, 130]), normal([130, 67])], run },
    { label: '6x300 · 300x9 (crosses the depth block)', inputs: () => [normal([6, 300]), normal([300, 9])], run },
    { label: '3x600 · 600x70 (two depth slices, two column blocks)', inputs: () => [normal([3, 600]), normal([600, 70])], run },
    { label: 'batched with broadcasting [2,1,4,5] · [3,5,6]', inputs: () => [normal([2, 1, 4, 5]), normal([3, 5, 6])], run },
    { label: 'batched [3,4,5] · shared [5,6]', inputs: () => [normal([3, 4, 5]), normal([5, 6])], run },
    { label: 'shared [4,5] · batched [3,5,6]', inputs: () => [normal([4, 5]), normal([3, 5, 6])], run },
    { label: 'batched [2,3,4,5] · [2,1,5,2]', inputs: () => [normal([2, 3, 4, 5]), normal([2, 1, 5, 2])], run },
    { label: 'vector · matrix [5] · [5,3]', inputs: () => [normal([5]), normal([5, 3])], run },
    { label: 'matrix · vector [4,5] · [5]', inputs: () => [normal([4, 5]), normal([5])], run },
    { label: 'dot [9] · [9]', inputs: () => [normal([9]), normal([9])], run },
    { label: 'float64 33x17 · 17x35', inputs: () => [normal([33, 17], 'float64'), normal([17, 35], 'float64')], run },
    { label: 'int32 5x6 · 6x7', inputs: () => [ints([5, 6]), ints([6, 7])], run },
    { label: 'mixed float32 4x6 · float64 6x3', inputs: () => [normal([4, 6]), normal([6, 3], 'float64')], run },
    { label: 'mixed int32 4x6 · float32 6x3', inputs: () => [ints([4, 6]), normal([6, 3])], run },
    { label: 'empty rows [0,3] · [3,4]', inputs: () => [normal([0, 3]), normal([3, 4])], run },
    { label: 'empty depth [2,0] · [0,3] (zeros)', inputs: () => [normal([2, 0]), normal([0, 3])], run },
    { label: 'empty columns [2,3] · [3,0]', inputs: () => [normal([2, 3]), normal([3, 0])], run },
    { label: 'empty batch [0,2,3] · [3,4]', inputs: () => [normal([0, 2, 3]), normal([3, 4])], run },
    { label: 'special values [17,1] · [1,17]', inputs: () => [special('float32', [SPECIAL.length, 1]), special('float32', [1, SPECIAL.length])], run },
    // Transposed operands (Linear's x·Wᵀ and every matmul gradient): past the blocks, the 8-column panels and the 4 × 4 shuffles.
    { label: 'Bᵀ: [65,300] · [67,300]ᵀ', inputs: () => [normal([65, 300]), normal([67, 300])], run: tr(false, true) },
    { label: 'Aᵀ: [130,33] ᵀ· [130,29]', inputs: () => [normal([130, 33]), normal([130, 29])], run: tr(true, false) },
    { label: 'AᵀBᵀ: [7,5]ᵀ · [3,7]ᵀ', inputs: () => [normal([7, 5]), normal([3, 7])], run: tr(true, true) },
    { label: 'Aᵀ, B shared: [3,6,5]ᵀ · [6,4]', inputs: () => [normal([3, 6, 5]), normal([6, 4])], run: tr(true, false) },
    { label: 'Bᵀ batched with broadcasting [2,1,4,5] · [3,6,5]ᵀ', inputs: () => [normal([2, 1, 4, 5]), normal([3, 6, 5])], run: tr(false, true) },
    { label: 'Bᵀ, depth 1 and odd columns [9,1] · [13,1]ᵀ', inputs: () => [normal([9, 1]), normal([13, 1])], run: tr(false, true) },
    { label: 'float64 Aᵀ 17x33 · 17x35', inputs: () => [normal([17, 33], 'float64'), normal([17, 35], 'float64')], run: tr(true, false) },
    { label: 'int32 Bᵀ 5x6 · 7x6', inputs: () => [ints([5, 6]), ints([7, 6])], run: tr(false, true) },
  ];
}

const tr =
  (transposeA: boolean, transposeB: boolean) =>
  (xs: readonly Tensor[]): Tensor =>
    matmul(at(xs, 0), at(xs, 1), { transposeA, transposeB });

function logSoftmaxCases(): Case[] {
  const along = (axis: number) => (xs: readonly Tensor[]): Tensor => logSoftmax(at(xs, 0), axis);
  return [
    { label: 'float32 [4,10] along the classes', inputs: () => [normal([4, 10])], run: along(1) },
    { label: 'float32 [4,10] along axis 0', inputs: () => [normal([4, 10])], run: along(0) },
    { label: 'float32 [2,3,5] along the middle axis', inputs: () => [normal([2, 3, 5])], run: along(1) },
    { label: 'float64 [3,7]', inputs: () => [normal([3, 7], 'float64')], run: along(1) },
    { label: 'large inputs ±1000 [2,3]', inputs: () => [tensor([[1000, 0, -1000], [-1000, -1000, 999]])], run: along(1) },
    { label: 'int32 [2,4] (float32 out)', inputs: () => [ints([2, 4])], run: along(1) },
    { label: 'a single class [3,1]', inputs: () => [normal([3, 1])], run: along(1) },
    { label: 'special values along rows', inputs: () => [special('float32', [SPECIAL.length, 1]).reshape([1, SPECIAL.length])], run: along(1) },
    { label: 'special values, one per row', inputs: () => [special('float32', [SPECIAL.length, 1])], run: along(1) },
    { label: 'empty [0,3]', inputs: () => [normal([0, 3])], run: along(1) },
  ];
}

/** The convolution primitives over the geometry that reaches every branch of the kernels: padding taps, strides, dilation, groups, batches. */
function convCases(): Record<'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad', Case[]> {
  type Geometry = { label: string; x: number[]; w: number[]; p: PrimitiveParams['conv2d'] };
  const plain = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } as const;
  const geometries: Geometry[] = [
    { label: '1×1 image, 1×1 kernel', x: [1, 1, 1, 1], w: [1, 1, 1, 1], p: plain },
    { label: '[1,3,6,5] 3×3 pad 1 (one image: no layout copies)', x: [1, 3, 6, 5], w: [4, 3, 3, 3], p: { ...plain, padding: [1, 1, 1, 1] } },
    { label: "[2,2,7,6] stride [2,3], 'same'-like [1,0,2,1], dilation [2,1]", x: [2, 2, 7, 6], w: [3, 2, 2, 4], p: { stride: [2, 3], padding: [1, 0, 2, 1], dilation: [2, 1], groups: 1 } },
    { label: '[3,4,5,5] groups 2', x: [3, 4, 5, 5], w: [6, 2, 3, 2], p: { ...plain, groups: 2, padding: [0, 1, 1, 0] } },
    { label: '[2,3,4,4] depthwise (groups 3, 2 per group)', x: [2, 3, 4, 4], w: [6, 1, 3, 3], p: { ...plain, groups: 3, padding: [1, 1, 1, 1] } },
    { label: '[16,8,14,14] 3×3 pad 1 (the digits CNN layer: past the blocks)', x: [16, 8, 14, 14], w: [16, 8, 3, 3], p: { ...plain, padding: [1, 1, 1, 1] } },
    { label: '[8,16,20,20] depthwise ×2, padding 1 (the wasm direct kernels)', x: [8, 16, 20, 20], w: [32, 1, 3, 3], p: { ...plain, groups: 16, padding: [1, 1, 1, 1] } },
    { label: '[8,8,17,15] depthwise, stride [2,1], padding [2,1,1,0], dilation [2,1]', x: [8, 8, 17, 15], w: [8, 1, 3, 2], p: { stride: [2, 1], padding: [2, 1, 1, 0], dilation: [2, 1], groups: 8 } },
    { label: 'empty batch [0,2,4,4]', x: [0, 2, 4, 4], w: [3, 2, 3, 3], p: plain },
  ];
  const outOf = (g: Geometry): number[] => {
    const o = (size: number, k: number, s: number, a: number, b: number, d: number): number => Math.floor((size + a + b - d * (k - 1) - 1) / s) + 1;
    return [g.x[0]!, g.w[0]!, o(g.x[2]!, g.w[2]!, g.p.stride[0], g.p.padding[0], g.p.padding[1], g.p.dilation[0]), o(g.x[3]!, g.w[3]!, g.p.stride[1], g.p.padding[2], g.p.padding[3], g.p.dilation[1])];
  };
  const f64 = (c: Case): Case => ({ ...c, label: `float64 ${c.label}`, inputs: () => c.inputs().map((t) => t.cast('float64')) });
  const both = (cases: Case[]): Case[] => [...cases, ...cases.slice(1, 4).map(f64)];
  return {
    conv2d: both(geometries.map((g) => ({ label: g.label, inputs: () => [normal(g.x), normal(g.w)], run: (xs) => apply(PRIMITIVES.conv2d, [at(xs, 0), at(xs, 1)], g.p) }))),
    conv2dInputGrad: both(
      geometries.map((g) => ({ label: g.label, inputs: () => [normal(outOf(g)), normal(g.w)], run: (xs) => apply(PRIMITIVES.conv2dInputGrad, [at(xs, 0), at(xs, 1)], { ...g.p, inputSize: [g.x[2]!, g.x[3]!] }) })),
    ),
    conv2dWeightGrad: both(
      geometries.map((g) => ({ label: g.label, inputs: () => [normal(g.x), normal(outOf(g))], run: (xs) => apply(PRIMITIVES.conv2dWeightGrad, [at(xs, 0), at(xs, 1)], { ...g.p, kernelSize: [g.w[2]!, g.w[3]!] }) })),
    ),
  };
}

function linearCases(): Case[] {
  const run = (xs: readonly Tensor[]): Tensor => apply(PRIMITIVES.linear, [at(xs, 0), at(xs, 1), at(xs, 2)], {});
  return [
    { label: 'batch 1 [1,1]·[1,1]ᵀ + [1] (the tutorial)', inputs: () => [normal([1, 1]), normal([1, 1]), normal([1])], run },
    { label: '[5,7]·[3,7]ᵀ + [3]', inputs: () => [normal([5, 7]), normal([3, 7]), normal([3])], run },
    { label: '[65,300]·[67,300]ᵀ + [67] (past the blocks: wasm)', inputs: () => [normal([65, 300]), normal([67, 300]), normal([67])], run },
    { label: 'float64 [4,6]·[5,6]ᵀ + [5]', inputs: () => [normal([4, 6], 'float64'), normal([5, 6], 'float64'), normal([5], 'float64')], run },
    { label: 'int32 [3,4]·[2,4]ᵀ + [2]', inputs: () => [ints([3, 4]), ints([2, 4]), ints([2])], run },
    { label: 'empty batch [0,3]·[2,3]ᵀ + [2]', inputs: () => [normal([0, 3]), normal([2, 3]), normal([2])], run },
    { label: 'empty depth [2,0]·[3,0]ᵀ + [3] (the bias)', inputs: () => [normal([2, 0]), normal([3, 0]), normal([3])], run },
  ];
}

function movementCases(): Record<'reshape' | 'permute' | 'expand' | 'slice' | 'concat', Case[]> {
  return {
    reshape: [
      { label: 'float32 [3,4] → [2,6]', inputs: () => [normal([3, 4])], run: (xs) => reshape(at(xs, 0), [2, 6]) },
      { label: 'float64 [2,3,4] → [24]', inputs: () => [normal([2, 3, 4], 'float64')], run: (xs) => reshape(at(xs, 0), [24]) },
      { label: 'int32 [6] → [2,-1]', inputs: () => [ints([6])], run: (xs) => reshape(at(xs, 0), [2, -1]) },
      { label: 'bool [2,2] → [4,1]', inputs: () => [bools([2, 2])], run: (xs) => reshape(at(xs, 0), [4, 1]) },
      { label: '0-d → [1,1]', inputs: () => [tensor(4.5)], run: (xs) => reshape(at(xs, 0), [1, 1]) },
      { label: 'empty [0,3] → [3,0]', inputs: () => [normal([0, 3])], run: (xs) => reshape(at(xs, 0), [3, 0]) },
    ],
    permute: [
      { label: 'rank 4 [2,3,4,5] by [3,1,0,2]', inputs: () => [normal([2, 3, 4, 5])], run: (xs) => permute(at(xs, 0), [3, 1, 0, 2]) },
      { label: 'rank 4 [2,3,4,5] by [0,1,3,2]', inputs: () => [normal([2, 3, 4, 5])], run: (xs) => permute(at(xs, 0), [0, 1, 3, 2]) },
      { label: 'transpose [70,90] (tiled)', inputs: () => [normal([70, 90])], run: (xs) => transpose(at(xs, 0)) },
      { label: 'batched transpose [3,33,65]', inputs: () => [normal([3, 33, 65])], run: (xs) => transpose(at(xs, 0), 1, 2) },
      { label: 'size-1 axis [3,1,4] by [2,1,0]', inputs: () => [normal([3, 1, 4])], run: (xs) => permute(at(xs, 0), [2, 1, 0]) },
      { label: 'float64 [4,5] transpose', inputs: () => [normal([4, 5], 'float64')], run: (xs) => transpose(at(xs, 0)) },
      { label: 'int32 [2,3,4] by [1,2,0]', inputs: () => [ints([2, 3, 4])], run: (xs) => permute(at(xs, 0), [1, 2, 0]) },
      { label: 'bool [3,5] transpose', inputs: () => [bools([3, 5])], run: (xs) => transpose(at(xs, 0)) },
      { label: 'empty [0,2,3] by [2,0,1]', inputs: () => [normal([0, 2, 3])], run: (xs) => permute(at(xs, 0), [2, 0, 1]) },
    ],
    expand: [
      { label: '[3,1] → [3,4]', inputs: () => [normal([3, 1])], run: (xs) => expand(at(xs, 0), [3, 4]) },
      { label: '[1,4] → [2,3,4]', inputs: () => [normal([1, 4])], run: (xs) => expand(at(xs, 0), [2, 3, 4]) },
      { label: '[5,1,1] → [5,3,2]', inputs: () => [normal([5, 1, 1])], run: (xs) => expand(at(xs, 0), [5, 3, 2]) },
      { label: '[2,1,3] → [2,4,3]', inputs: () => [normal([2, 1, 3])], run: (xs) => expand(at(xs, 0), [2, 4, 3]) },
      { label: '0-d → [2,3]', inputs: () => [tensor(7.25)], run: (xs) => expand(at(xs, 0), [2, 3]) },
      { label: 'float64 [4] → [3,4]', inputs: () => [normal([4], 'float64')], run: (xs) => expand(at(xs, 0), [3, 4]) },
      { label: 'int32 [1,3] → [2,3]', inputs: () => [ints([1, 3])], run: (xs) => expand(at(xs, 0), [2, 3]) },
      { label: 'bool [2,1] → [2,5]', inputs: () => [bools([2, 1])], run: (xs) => expand(at(xs, 0), [2, 5]) },
      { label: 'empty [0,1] → [0,4]', inputs: () => [normal([0, 1])], run: (xs) => expand(at(xs, 0), [0, 4]) },
    ],
    slice: [
      { label: 'negative step on axis 1 of [3,4,5]', inputs: () => [normal([3, 4, 5])], run: (xs) => slice(at(xs, 0), null, [null, null, -1]) },
      { label: 'ranges with steps [1:3, :, 0:5:2]', inputs: () => [normal([3, 4, 5])], run: (xs) => slice(at(xs, 0), [1, 3], null, [0, 5, 2]) },
      { label: 'step −2 and an index (drops an axis)', inputs: () => [normal([3, 4, 5])], run: (xs) => slice(at(xs, 0), [null, null, -2], 1) },
      { label: 'every axis reversed [3,4,5]', inputs: () => [normal([3, 4, 5])], run: (xs) => slice(at(xs, 0), [null, null, -1], [null, null, -1], [null, null, -1]) },
      { label: 'reversed long row [1000]', inputs: () => [normal([1000])], run: (xs) => slice(at(xs, 0), [900, 10, -3]) },
      { label: 'float64 [6,6] [1:5:2, -1:0:-2]', inputs: () => [normal([6, 6], 'float64')], run: (xs) => slice(at(xs, 0), [1, 5, 2], [-1, 0, -2]) },
      { label: 'int32 [5,4] [::2]', inputs: () => [ints([5, 4])], run: (xs) => slice(at(xs, 0), [null, null, 2]) },
      { label: 'bool [4,4] [1:, :2]', inputs: () => [bools([4, 4])], run: (xs) => slice(at(xs, 0), [1], [null, 2]) },
      { label: 'empty result [2:2]', inputs: () => [normal([4, 3])], run: (xs) => slice(at(xs, 0), [2, 2]) },
    ],
    concat: [
      { label: 'axis 0 of [2,3] and [4,3]', inputs: () => [normal([2, 3]), normal([4, 3])], run: (xs) => concat([at(xs, 0), at(xs, 1)], 0) },
      { label: 'axis 1 of [2,3] and [2,4]', inputs: () => [normal([2, 3]), normal([2, 4])], run: (xs) => concat([at(xs, 0), at(xs, 1)], 1) },
      { label: 'axis -1 of three rank-3 tensors', inputs: () => [normal([2, 3, 1]), normal([2, 3, 4]), normal([2, 3, 2])], run: (xs) => concat([at(xs, 0), at(xs, 1), at(xs, 2)], -1) },
      { label: 'stack of two [3,2] on axis 1', inputs: () => [normal([3, 2]), normal([3, 2])], run: (xs) => stack([at(xs, 0), at(xs, 1)], 1) },
      { label: 'mixed int32 and float32', inputs: () => [ints([2, 3]), normal([1, 3])], run: (xs) => concat([at(xs, 0), at(xs, 1)], 0) },
      { label: 'mixed float32 and float64', inputs: () => [normal([2, 2]), normal([2, 3], 'float64')], run: (xs) => concat([at(xs, 0), at(xs, 1)], 1) },
      { label: 'bool and bool', inputs: () => [bools([3]), bools([5])], run: (xs) => concat([at(xs, 0), at(xs, 1)]) },
      { label: 'with an empty piece [2,0]', inputs: () => [normal([2, 0]), normal([2, 3])], run: (xs) => concat([at(xs, 0), at(xs, 1)], 1) },
      { label: 'all empty [0,3] and [0,3]', inputs: () => [normal([0, 3]), normal([0, 3])], run: (xs) => concat([at(xs, 0), at(xs, 1)], 0) },
    ],
  };
}

function gatherCases(): Case[] {
  return [
    { label: 'axis 1 of [4,5] by [4,3]', inputs: () => [normal([4, 5]), ints([4, 3], 0, 5)], run: (xs) => gather(at(xs, 0), 1, at(xs, 1)) },
    { label: 'axis 0 of [4,5] by [2,5]', inputs: () => [normal([4, 5]), ints([2, 5], 0, 4)], run: (xs) => gather(at(xs, 0), 0, at(xs, 1)) },
    { label: 'axis 0 of [4,5] by a smaller [2,3]', inputs: () => [normal([4, 5]), ints([2, 3], 0, 4)], run: (xs) => gather(at(xs, 0), 0, at(xs, 1)) },
    { label: 'axis 1 of [3,4,5] by [2,6,3]', inputs: () => [normal([3, 4, 5]), ints([2, 6, 3], 0, 4)], run: (xs) => gather(at(xs, 0), 1, at(xs, 1)) },
    { label: 'float64 axis -1 of [3,6] by [3,2]', inputs: () => [normal([3, 6], 'float64'), ints([3, 2], 0, 6)], run: (xs) => gather(at(xs, 0), -1, at(xs, 1)) },
    { label: 'int32 axis 0 of [5,2] by [7,2]', inputs: () => [ints([5, 2]), ints([7, 2], 0, 5)], run: (xs) => gather(at(xs, 0), 0, at(xs, 1)) },
    { label: 'bool axis 1 of [3,4] by [3,4]', inputs: () => [bools([3, 4]), ints([3, 4], 0, 4)], run: (xs) => gather(at(xs, 0), 1, at(xs, 1)) },
    { label: 'indexSelect rows [2,0,2] of [3,4]', inputs: () => [normal([3, 4])], run: (xs) => indexSelect(at(xs, 0), 0, [2, 0, 2]) },
    { label: 'empty index [0,5]', inputs: () => [normal([4, 5]), ints([0, 5], 0, 4)], run: (xs) => gather(at(xs, 0), 0, at(xs, 1)) },
  ];
}

/** Gradient of a slice with a seeded upstream gradient: runs sliceScatter. */
function sliceGrad(shape: readonly number[], dtype: DType, ...specs: SliceSpec[]): Case {
  return {
    label: `d/dx of x${JSON.stringify(specs)} for ${dtype} [${shape.join(',')}]`,
    exact: true,
    inputs: () => [normal(shape, dtype, { requiresGrad: true })],
    run: (xs) => {
      const x = at(xs, 0);
      const y = slice(x, ...specs);
      return gradients([y], [x], { gradOutputs: [normal(y.shape, dtype, { seed: 99 })] });
    },
  };
}

/** Gradient of a gather with a seeded upstream gradient: runs scatterAdd (repeated indices add up). */
function gatherGrad(shape: readonly number[], dtype: DType, axis: number, indexShape: readonly number[]): Case {
  return {
    label: `d/dx of gather(x [${shape.join(',')}] ${dtype}, axis ${axis}, index [${indexShape.join(',')}])`,
    exact: true,
    inputs: () => {
      const a = axis < 0 ? axis + shape.length : axis;
      return [normal(shape, dtype, { requiresGrad: true }), ints(indexShape, 0, shape[a] ?? 1)];
    },
    run: (xs) => {
      const x = at(xs, 0);
      const y = gather(x, axis, at(xs, 1));
      return gradients([y], [x], { gradOutputs: [normal(y.shape, dtype, { seed: 98 })] });
    },
  };
}

// issue 17: index ops
/** Values with ties (a few levels), and NaN, ±∞ and ±0 once in a while. */
const tiedSpecials = (shape: readonly number[], dtype: DType = 'float32'): Tensor =>
  make(shape, dtype, (g) => [NaN, Infinity, -Infinity, 0, -0, 0.5, -1.5, 2][g.integer(0, 8)]!);

function argsortCases(): Case[] {
  const run = (axis: number, descending: boolean) => (xs: readonly Tensor[]) => argsort(at(xs, 0), { axis, descending });
  return [
    { label: 'float32 [4,7] axis 1 with ties', exact: true, inputs: () => [levels([4, 7])], run: run(1, false) },
    { label: 'float32 [4,7] axis 1 with ties, descending', exact: true, inputs: () => [levels([4, 7])], run: run(1, true) },
    { label: 'special values float32 (NaN, ±∞, ±0)', exact: true, inputs: () => [special()], run: run(0, false) },
    { label: 'special values float64, descending', exact: true, inputs: () => [special('float64')], run: run(0, true) },
    { label: 'float64 [3,5,4] axis 1 (strided slices) with ties and specials', exact: true, inputs: () => [tiedSpecials([3, 5, 4], 'float64')], run: run(1, true) },
    { label: 'int32 [6,5] axis 0', exact: true, inputs: () => [ints([6, 5])], run: run(0, false) },
    { label: 'bool [9]', exact: true, inputs: () => [bools([9])], run: run(0, true) },
    { label: 'empty [0,3] axis 1', exact: true, inputs: () => [normal([0, 3])], run: run(1, false) },
    { label: 'empty axis [3,0]', exact: true, inputs: () => [normal([3, 0])], run: run(1, false) },
    { label: 'float32 [300] with ties and specials', exact: true, inputs: () => [tiedSpecials([300])], run: run(0, false) },
    { label: 'sort values of float32 [5,6] axis 0 (argsort, then gather)', exact: true, inputs: () => [normal([5, 6])], run: (xs) => sort(at(xs, 0), 0).values },
  ];
}

function cumsumCases(): Case[] {
  const run = (axis: number, reverse = false) => (xs: readonly Tensor[]) => apply(PRIMITIVES.cumsum, [at(xs, 0)], { axis, reverse });
  return [
    { label: 'float32 [4,6] axis 1', inputs: () => [normal([4, 6])], run: run(1) },
    { label: 'float32 [3,5,4] axis 1, reverse', inputs: () => [normal([3, 5, 4])], run: run(1, true) },
    { label: 'float64 [7] axis 0', inputs: () => [normal([7], 'float64')], run: run(0) },
    { label: 'int32 [3,4] axis 0', inputs: () => [ints([3, 4])], run: run(0) },
    { label: 'bool [2,5] axis 1 (counts as int32)', inputs: () => [bools([2, 5])], run: run(1) },
    { label: 'special values float32', inputs: () => [special()], run: run(0) },
    { label: 'empty [0,3] and empty axis [3,0]', inputs: () => [normal([0, 3]), normal([3, 0])], run: (xs) => [run(0)(xs), run(1)([at(xs, 1)])] },
    { label: 'float32 [500] (long row) via cumsum()', inputs: () => [normal([500])], run: (xs) => cumsum(at(xs, 0), 0) },
    { label: 'd/dx of cumsum (a reverse cumsum) float64 [3,4]', inputs: () => [normal([3, 4], 'float64', { requiresGrad: true })], run: (xs) => gradients([cumsum(at(xs, 0), 1)], [at(xs, 0)], { gradOutputs: [normal([3, 4], 'float64', { seed: 97 })] }) },
  ];
}

function linearScanCases(): Case[] {
  const run = (axis: number, reverse = false) => (xs: readonly Tensor[]) => apply(PRIMITIVES.linearScan, [at(xs, 0), at(xs, 1)], { axis, reverse });
  return [
    { label: 'float32 [4,6] axis 1', inputs: () => [normal([4, 6]), normal([4, 6])], run: run(1) },
    { label: 'float64 [3,5,4] axis 1, reverse', inputs: () => [normal([3, 5, 4], 'float64'), normal([3, 5, 4], 'float64')], run: run(1, true) },
    { label: 'int32 [3,4] axis 0', inputs: () => [ints([3, 4], -2, 3), ints([3, 4])], run: run(0) },
    { label: 'special values float32 (a at the first step never read)', inputs: () => [special(), specialReversed()], run: run(0) },
    { label: 'empty [0,3]', inputs: () => [normal([0, 3]), normal([0, 3])], run: run(1) },
    { label: 'cumprod of float32 [5,6] axis 0 with zeros', inputs: () => [tiedSpecials([5, 6]).abs().minimum(2)], run: (xs) => cumprod(at(xs, 0), 0) },
    { label: 'cumprod of int32 [40] (values −1..1)', inputs: () => [ints([40], -1, 2)], run: (xs) => cumprod(at(xs, 0), 0) },
    {
      label: 'd/dx of cumprod float64 [3,5] with zeros (reverse scans)',
      inputs: () => [make([3, 5], 'float64', (g) => [0, 0.5, -1.5, 2][g.integer(0, 4)]!, { requiresGrad: true })],
      run: (xs) => gradients([cumprod(at(xs, 0), 1)], [at(xs, 0)], { gradOutputs: [normal([3, 5], 'float64', { seed: 96 })] }),
    },
  ];
}

const movement = movementCases();

// pooling
/** max's backward step on x (its max taken by the max kernel) with a seeded upstream gradient in the kept shape. */
function maxGradCase(label: string, x: () => Tensor, axes: readonly number[], dtype: DType = 'float32'): Case {
  return {
    label,
    inputs: () => {
      const t = x();
      return [t, normal(t.shape.map((d, i) => (axes.includes(i) ? 1 : d)), dtype)];
    },
    run: (xs) => maxGrad(at(xs, 1), at(xs, 0), max(at(xs, 0), axes, true), axes),
  };
}

/** Values drawn from a few levels, so windows and slices hold ties. */
const levels = (shape: readonly number[], dtype: DType = 'float32'): Tensor => make(shape, dtype, (g) => g.integer(-2, 3) * 0.5);

function poolIndexCase(label: string, x: () => Tensor, p: { kernelSize: number[]; stride: number[]; padding: number[]; dilation: number[]; outSize: number[] }): Case {
  return { label, exact: true, inputs: () => [x()], run: (xs) => apply(PRIMITIVES.maxPool2dIndices, [at(xs, 0)], p) };
}

/** Average pooling forward and, through its gradient with a seeded upstream, the adjoint. */
function avgCases(backward: boolean): Case[] {
  const pool = (label: string, shape: readonly number[], dtype: DType, f: (x: Tensor) => Tensor): Case => ({
    label: `${backward ? 'd/dx of ' : ''}${label} on [${shape.join(',')}] ${dtype}`,
    inputs: () => [normal(shape, dtype, { requiresGrad: backward })],
    run: (xs) => {
      const y = f(at(xs, 0));
      return backward ? gradients([y], [at(xs, 0)], { gradOutputs: [normal(y.shape, dtype, { seed: 97 })] }) : y;
    },
  });
  return [
    pool('avgPool2d 2', [4, 3, 8, 6], 'float32', (x) => avgPool2d(x, 2)),
    pool('avgPool2d 3 stride 2 padding 1', [2, 3, 7, 9], 'float32', (x) => avgPool2d(x, 3, { stride: 2, padding: 1 })),
    pool('avgPool2d 3 stride 2 padding 1 ceil mode without countIncludePad', [1, 2, 8, 7], 'float64', (x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false })),
    pool('avgPool2d [2,3] stride 1 divisorOverride 5', [2, 2, 5, 6], 'float32', (x) => avgPool2d(x, [2, 3], { stride: 1, divisorOverride: 5 })),
    pool('avgPool1d 4 stride 3 padding 2 ceil mode', [3, 2, 11], 'float32', (x) => avgPool1d(x, 4, { stride: 3, padding: 2, ceilMode: true })),
    pool('adaptiveAvgPool2d to [3,4]', [2, 3, 7, 5], 'float64', (x) => adaptiveAvgPool2d(x, [3, 4])),
    pool('adaptiveAvgPool2d to 1', [5, 4, 6, 6], 'float32', (x) => adaptiveAvgPool2d(x, 1)),
    pool('avgPool2d 2 of an empty batch', [0, 3, 4, 4], 'float32', (x) => avgPool2d(x, 2)),
  ];
}

function maxGradCases(): Case[] {
  const withNaN = (): Tensor => tensor([[1, NaN, 3], [2, 2, -1], [-Infinity, -Infinity, -Infinity], [Infinity, 0, Infinity]]);
  return [
    maxGradCase('[3,4,5] over axis 1', () => normal([3, 4, 5]), [1]),
    maxGradCase('[3,4,5] over axes 0 and 2', () => normal([3, 4, 5]), [0, 2]),
    maxGradCase('[4,6] over every axis', () => normal([4, 6]), [0, 1]),
    maxGradCase('[4,3,2,3,2,5] over axes 2 and 4 (pooling by reshape)', () => normal([4, 3, 2, 3, 2, 5]), [2, 4]),
    maxGradCase('ties [5,6,4] over axis 2', () => levels([5, 6, 4]), [2]),
    maxGradCase('ties [5,6,4] over axes 0 and 1', () => levels([5, 6, 4]), [0, 1]),
    maxGradCase('float64 ties [3,8] over axis 1', () => levels([3, 8], 'float64'), [1], 'float64'),
    maxGradCase('NaN, −∞ and +∞ slices [4,3] over axis 1', withNaN, [1]),
    maxGradCase('int32 x [4,5] over axis 0', () => ints([4, 5]), [0]),
    maxGradCase('empty [0,3] over axis 1', () => normal([0, 3]), [1]),
  ];
}

function poolIndexCases(): Case[] {
  const g = (k: number[], s: number[], p: number[], d: number[], o: number[]) => ({ kernelSize: k, stride: s, padding: p, dilation: d, outSize: o });
  return [
    poolIndexCase('2×2 stride 2 on [2,3,6,8]', () => normal([2, 3, 6, 8]), g([2, 2], [2, 2], [0, 0], [1, 1], [3, 4])),
    poolIndexCase('3×3 stride 2 padding 1 on [1,2,7,5]', () => normal([1, 2, 7, 5]), g([3, 3], [2, 2], [1, 1], [1, 1], [4, 3])),
    poolIndexCase('ceil mode 2×2 stride 2 on [1,1,5,5]', () => normal([1, 1, 5, 5]), g([2, 2], [2, 2], [0, 0], [1, 1], [3, 3])),
    poolIndexCase('dilation 2, 3×2 stride 1 on [2,1,7,6]', () => normal([2, 1, 7, 6]), g([3, 2], [1, 1], [1, 0], [2, 2], [5, 4])),
    poolIndexCase('ties, 3×3 stride 1 on [1,2,6,6]', () => levels([1, 2, 6, 6]), g([3, 3], [1, 1], [1, 1], [1, 1], [6, 6])),
    poolIndexCase('special values, 2×3 on [1,1,4,6]', () => tensor(Float64Array.from([...SPECIAL, ...SPECIAL.slice(0, 7)]), { shape: [1, 1, 4, 6] }), g([2, 3], [2, 3], [0, 0], [1, 1], [2, 2])),
    poolIndexCase('int32 2×2 stride 1 on [2,2,3,4]', () => ints([2, 2, 3, 4]), g([2, 2], [1, 1], [0, 0], [1, 1], [2, 3])),
    poolIndexCase('float64 1×3 stride 2 padding 1 on [3,2,1,9]', () => normal([3, 2, 1, 9], 'float64'), g([1, 3], [1, 2], [0, 1], [1, 1], [1, 5])),
    // Past 4096 elements: the wasm kernel (padding, dilation, ties, NaN and infinities).
    poolIndexCase('3×3 stride 2 padding 1 dilation 2 on [4,4,17,15]', () => normal([4, 4, 17, 15]), g([3, 3], [2, 2], [1, 1], [2, 2], [8, 7])),
    poolIndexCase('ties, 2×2 stride 2 on [2,8,16,16]', () => levels([2, 8, 16, 16]), g([2, 2], [2, 2], [0, 0], [1, 1], [8, 8])),
    poolIndexCase('NaN and ±∞ among values, 3×3 stride 1 on [2,4,24,24]', () => tensor(Float32Array.from(normal([2, 4, 24, 24]).data(), (v, i) => (i % 7 === 0 ? NaN : i % 11 === 0 ? -Infinity : i % 13 === 0 ? Infinity : v)), { shape: [2, 4, 24, 24] }), g([3, 3], [1, 1], [0, 0], [1, 1], [22, 22])),
    poolIndexCase('empty batch [0,3,4,4]', () => normal([0, 3, 4, 4]), g([2, 2], [2, 2], [0, 0], [1, 1], [2, 2])),
    { label: 'maxPool2d 2×2 on [4,8,12,12] float32', inputs: () => [normal([4, 8, 12, 12])], run: (xs) => maxPool2d(at(xs, 0), 2), exact: true },
    { label: 'maxPool1d 3 stride 2 ceil mode on [2,3,10] float64', inputs: () => [normal([2, 3, 10], 'float64')], run: (xs) => maxPool1d(at(xs, 0), 3, { stride: 2, ceilMode: true }), exact: true },
  ];
}

/** The case table: a primitive without an entry is a compile error; one with no cases fails below. */
const CASES: Record<PrimitiveName, readonly Case[]> = {
  neg: unaryCases(neg),
  exp: unaryCases(exp),
  log: unaryCases(log, 'positive'),
  log1p: unaryCases(log1p, 'positive'),
  sqrt: unaryCases(sqrt, 'positive'),
  abs: unaryCases(abs),
  sign: unaryCases(sign),
  sin: unaryCases(sin),
  cos: unaryCases(cos),
  tanh: unaryCases(tanh),
  sigmoid: unaryCases(sigmoid),
  relu: unaryCases(relu),
  erf: unaryCases(erf),
  cast: castCases(),
  add: binaryCases(add),
  sub: binaryCases(sub),
  mul: binaryCases(mul),
  sigmoidGrad: binaryCases(sigmoidGrad),
  tanhGrad: binaryCases(tanhGrad),
  reluGrad: [
    ...binaryCases(reluGrad),
    // Same shapes, float32: the branch-free bit path, with x = ±0, ±∞ and NaN among the specials.
    { label: 'g [17] with special x [17] (float32 bits)', inputs: () => [normal([SPECIAL.length]), special('float32', [SPECIAL.length])], run: (xs) => reluGrad(at(xs, 0), at(xs, 1)) },
    { label: 'special g [17] with special x [17] (float32 bits)', inputs: () => [special('float32', [SPECIAL.length]), special('float32', [SPECIAL.length])], run: (xs) => reluGrad(at(xs, 0), at(xs, 1)) },
  ],
  logSoftmax: logSoftmaxCases(),
  div: binaryCases(div),
  pow: [
    ...binaryCases(pow),
    { label: 'positive base, fractional exponents', inputs: () => [positive([5, 4]), normal([4])], run: (xs) => pow(at(xs, 0), at(xs, 1)) },
  ],
  maximum: binaryCases(maximum),
  minimum: binaryCases(minimum),
  eq: binaryCases(eq),
  ne: binaryCases(ne),
  lt: binaryCases(lt),
  le: binaryCases(le),
  gt: binaryCases(gt),
  ge: binaryCases(ge),
  where: whereCases(),
  sum: reduceCases(sum, 'sum'),
  max: reduceCases(max, 'max'),
  argmax: argCases(argmax),
  argmin: argCases(argmin),
  matmul: matmulCases(),
  linear: linearCases(),
  ...convCases(),
  reshape: movement.reshape.map((c) => ({ ...c, exact: true })),
  permute: movement.permute.map((c) => ({ ...c, exact: true })),
  expand: movement.expand.map((c) => ({ ...c, exact: true })),
  slice: movement.slice.map((c) => ({ ...c, exact: true })),
  sliceScatter: [
    sliceGrad([3, 4, 5], 'float32', null, [null, null, -1]),
    sliceGrad([3, 4, 5], 'float32', [1, 3], null, [0, 5, 2]),
    sliceGrad([3, 4, 5], 'float64', [null, null, -2], 1),
    sliceGrad([6, 6], 'float32', [-1, 0, -2], [1, 5, 2]),
    sliceGrad([40], 'float64', [35, 2, -3]),
    sliceGrad([4, 3], 'float32', [2, 2]),
  ],
  concat: movement.concat.map((c) => ({ ...c, exact: true })),
  gather: gatherCases().map((c) => ({ ...c, exact: true })),
  scatterAdd: [
    gatherGrad([4, 5], 'float32', 1, [4, 7]),
    gatherGrad([4, 5], 'float32', 0, [2, 3]),
    gatherGrad([3, 4, 5], 'float64', 1, [2, 6, 3]),
    gatherGrad([6, 2], 'float64', -1, [6, 4]),
    gatherGrad([4, 5], 'float32', 0, [0, 5]),
  ],
  // pooling
  maxGrad: maxGradCases(),
  maxPool2dIndices: poolIndexCases(),
  windowMean: avgCases(false),
  windowMeanAdjoint: avgCases(true),
  // issue 17: math ops
  floor: roundingCases(floor),
  ceil: roundingCases(ceil),
  round: roundingCases(round),
  trunc: roundingCases(trunc),
  expm1: unaryCases(expm1),
  log2: unaryCases(log2, 'positive'),
  tan: unaryCases(tan),
  atan: unaryCases(atan),
  asin: [...unaryCases(asin), { label: 'float64 in [-1, 1]', inputs: () => [tensor(Float64Array.from([-1, -0.999, -0.5, -0, 0, 1e-300, 0.3, 0.999, 1]))], run: (xs) => asin(at(xs, 0)) }],
  acos: [...unaryCases(acos), { label: 'float64 in [-1, 1]', inputs: () => [tensor(Float64Array.from([-1, -0.999, -0.5, -0, 0, 1e-300, 0.3, 0.999, 1]))], run: (xs) => acos(at(xs, 0)) }],
  sinh: unaryCases(sinh),
  cosh: unaryCases(cosh),
  atan2: binaryCases(atan2),
  // issue 17: index ops
  argsort: argsortCases(),
  cumsum: cumsumCases(),
  linearScan: linearScanCases(),
};

/** Rounding is exact on every backend, signed zeros included; ties at .5 and values past 2²³ (float32 integers) too. */
function roundingCases(op: (x: TensorLike) => Tensor): Case[] {
  const ties = [-3.5, -2.5, -1.5, -0.5, -0.4, 0.4, 0.5, 1.5, 2.5, 3.5, 0.49999997, 8388609, -8388609.5, 4503599627370497];
  return [
    ...unaryCases(op),
    { label: 'ties and large values, float32', inputs: () => [tensor(Float64Array.from(ties), { dtype: 'float32' })], run: (xs: readonly Tensor[]) => op(at(xs, 0)) },
    { label: 'ties and large values, float64', inputs: () => [tensor(Float64Array.from(ties))], run: (xs: readonly Tensor[]) => op(at(xs, 0)) },
  ].map((c) => ({ ...c, exact: true }));
}

// ---------------------------------------------------------------------------------------------
// Comparison.

const TOLERANCE: Record<DType, number> = { float32: 1e-5, float64: 1e-12, int32: 0, bool: 0 };

/**
 * A float32 matrix product may sum in float32 in any order (the wasm backend's SIMD kernel does,
 * as BLAS and TensorFlow.js do): its error is bounded by γₖ·(|A|·|B|) elementwise, with
 * γₖ = k·u/(1 − k·u) and u = 2⁻²⁴ (Higham, Accuracy and Stability, §3.5). The allowance is that
 * bound, per element, on top of the relative tolerance.
 */
function matmulAllowance(a: TypedArray, aShape: Shape, b: TypedArray, bShape: Shape, outShape: Shape, params: { transposeA?: boolean; transposeB?: boolean } = {}): Float64Array {
  const ta = params.transposeA === true;
  const k = aShape[aShape.length - (ta ? 2 : 1)] ?? 0;
  const u = 2 ** -24;
  const gamma = (k * u) / (1 - k * u);
  const out = new Float64Array(outShape.reduce((x, y) => x * y, 1));
  batchedMatmulImpl(Float64Array.from(a, Math.abs), aShape, Float64Array.from(b, Math.abs), bShape, out, outShape, matmulImpl, ta, params.transposeB === true);
  return out.map((v) => gamma * v);
}

/** The products summed in float32 in an order of the backend's choosing: matmul's bound applies. */
const PRODUCT_OPS = new Set(['matmul', 'linear', 'conv2d', 'conv2dInputGrad', 'conv2dWeightGrad']);
const CONV_OPS = new Set(['conv2d', 'conv2dInputGrad', 'conv2dWeightGrad']);

/**
 * A convolution's bound, as a product's: γ_K times the reference kernel run on the operands'
 * magnitudes, with K the most terms any output element sums (the taps, or the positions).
 */
function convAllowance(op: string, args: KernelArgs<PrimitiveName>): Float64Array {
  // conv2d: C/G·kH·kW taps of the weight [O, C/G, kH, kW]; its input gradient: at most O·kH·kW;
  // its weight gradient: N·OH·OW positions of δ [N, O, OH, OW].
  const b = args.shapes[1]!;
  const k = op === 'conv2d' ? b[1]! * b[2]! * b[3]! : b[0]! * b[2]! * b[3]!;
  const u = 2 ** -24;
  const gamma = (k * u) / (1 - k * u);
  const out = new Float64Array(args.out.length);
  const abs = args.inputs.map((x) => Float64Array.from(x, Math.abs));
  invoke(withBackend('reference', getBackend).kernels, op as PrimitiveName, { ...args, inputs: abs, out });
  return out.map((v) => gamma * v);
}

/** The float32 summation bound of a product kernel call: matmul's, or linear's (x·Wᵀ, then the bias). */
function productAllowance(op: string, args: KernelArgs<PrimitiveName>): Float64Array {
  if (CONV_OPS.has(op)) return convAllowance(op, args);
  if (op === 'linear') return matmulAllowance(args.inputs[0]!, args.shapes[0]!, args.inputs[1]!, args.shapes[1]!, args.outShape, { transposeB: true });
  const a = args as KernelArgs<'matmul'>;
  return matmulAllowance(a.inputs[0]!, a.shapes[0]!, a.inputs[1]!, a.shapes[1]!, a.outShape, a.params);
}

function assertSameValues(actual: TypedArray, expected: TypedArray, tol: number, where: string, allowance?: Float64Array): void {
  assert.equal(dtypeOf(actual), dtypeOf(expected), `${where}: dtype`);
  assert.equal(actual.length, expected.length, `${where}: size`);
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] ?? NaN;
    const e = expected[i] ?? NaN;
    if (Object.is(a, e)) continue;
    if (tol === 0) {
      assert.fail(`${where}: element ${i} is ${Object.is(a, -0) ? '-0' : a}, expected ${Object.is(e, -0) ? '-0' : e} (exact)`);
    }
    const ok = (Number.isNaN(a) && Number.isNaN(e)) || Math.abs(a - e) <= tol * Math.max(1, Math.abs(e)) + (allowance?.[i] ?? 0);
    if (!ok) assert.fail(`${where}: element ${i} is ${a}, expected ${e} (tolerance ${tol})`);
  }
}

function outputs(result: Tensor | readonly Tensor[]): readonly Tensor[] {
  return 'shape' in result ? [result] : result;
}

function assertSameTensors(actual: readonly Tensor[], expected: readonly Tensor[], exact: boolean, where: string, allowance?: Float64Array): void {
  assert.equal(actual.length, expected.length, `${where}: number of outputs`);
  expected.forEach((e, k) => {
    const a = actual[k];
    if (a === undefined) return;
    assert.deepEqual([...a.shape], [...e.shape], `${where}: output ${k} shape`);
    assert.equal(a.dtype, e.dtype, `${where}: output ${k} dtype`);
    assertSameValues(a._data, e._data, exact ? 0 : TOLERANCE[e.dtype], `${where}: output ${k}`, k === 0 ? allowance : undefined);
  });
}

// ---------------------------------------------------------------------------------------------
// The recording backend: reference kernels that log every call.

interface Call {
  readonly op: PrimitiveName;
  readonly args: KernelArgs<PrimitiveName>;
}

const reference: Backend = withBackend('reference', getBackend);
const backendsUnderTest = listBackends().filter((name) => name !== 'reference');
let calls: Call[] = [];

function record<P extends PrimitiveName>(op: P): Kernel<P> {
  const kernel: Kernel<P> = reference.kernels[op];
  return (args) => {
    kernel(args);
    calls.push({ op, args });
  };
}

// Derived from the list of primitives, so a new primitive is recorded with no edit here.
const recordingKernels = Object.fromEntries(PRIMITIVE_NAMES.map((name) => [name, record(name)])) as Kernels;

const RECORDER = 'conformance-recorder';
registerBackend({ name: RECORDER, kernels: recordingKernels, allocate: (dtype, size) => reference.allocate(dtype, size) });

function invoke<P extends PrimitiveName>(kernels: Kernels, op: P, args: KernelArgs<P>): void {
  kernels[op](args);
}

/** Two fillers per dtype: a kernel that skips an element leaves one of them, which differs from the reference. */
const SENTINELS: Record<DType, readonly number[]> = {
  float32: [NaN, 1234.5],
  float64: [NaN, -98765.25],
  int32: [-123456789, 987654321],
  bool: [7, 9],
};

// Inputs are built once per case so every backend sees the same numbers.
const inputsOf = new Map<Case, readonly Tensor[]>();
function inputsFor(c: Case): readonly Tensor[] {
  let xs = inputsOf.get(c);
  if (xs === undefined) {
    xs = c.inputs();
    inputsOf.set(c, xs);
  }
  return xs;
}

// ---------------------------------------------------------------------------------------------
// Tests.

test('conformance: there are backends to test besides reference', () => {
  assert.ok(backendsUnderTest.includes('cpu'), `backends: ${listBackends().join(', ')}`);
});

for (const name of PRIMITIVE_NAMES) {
  test(`conformance: every case of ${name} calls the ${name} kernel`, () => {
    const cases = CASES[name] as readonly Case[] | undefined;
    assert.ok(cases !== undefined && cases.length > 0, `primitive ${name} has no conformance case`);
    for (const c of cases) {
      calls = [];
      withBackend(RECORDER, () => c.run(inputsFor(c)));
      assert.ok(
        calls.some((call) => call.op === name),
        `${name} / ${c.label}: the case never calls the ${name} kernel (called: ${[...new Set(calls.map((k) => k.op))].join(', ') || 'none'})`,
      );
    }
  });
}

for (const backend of backendsUnderTest) {
  for (const name of PRIMITIVE_NAMES) {
    test(`conformance: ${name} on ${backend} matches reference`, () => {
      for (const c of CASES[name]) {
        const xs = inputsFor(c);
        const expected = outputs(withBackend('reference', () => c.run(xs)));
        const actual = outputs(withBackend(backend, () => c.run(xs)));
        // float32 products: the summation-order bound (see matmulAllowance), from the operands as the kernel sees them.
        let allowance: Float64Array | undefined;
        if (PRODUCT_OPS.has(name) && expected[0]?.dtype === 'float32') {
          calls = [];
          withBackend(RECORDER, () => c.run(xs));
          const call = calls.find((x) => x.op === name)!;
          allowance = productAllowance(call.op, call.args);
        }
        assertSameTensors(actual, expected, c.exact === true, `${name} on ${backend} / ${c.label}`, allowance);
      }
    });

    test(`conformance: ${backend} kernels called by the ${name} cases write every element of out`, () => {
      const kernels = withBackend(backend, getBackend);
      for (const c of CASES[name]) {
        calls = [];
        withBackend(RECORDER, () => c.run(inputsFor(c)));
        calls.forEach((call, k) => {
          const dtype = dtypeOf(call.args.out);
          for (const sentinel of SENTINELS[dtype]) {
            // The backend's storage (a wasm block is read again after the kernel: its memory may have grown).
            const store = kernels.allocate(dtype, call.args.out.length);
            storageArray(store).fill(sentinel);
            invoke(kernels.kernels, call.op, { ...call.args, out: storageArray(store) });
            const out = storageArray(store);
            const tol = c.exact === true && call.op === name ? 0 : TOLERANCE[dtype];
            const allowance = PRODUCT_OPS.has(call.op) && dtype === 'float32' ? productAllowance(call.op, call.args) : undefined;
            assertSameValues(out, call.args.out, tol, `${name} / ${c.label}: call ${k} (${call.op}) with out pre-filled with ${sentinel}`, allowance);
          }
        });
      }
    });
  }
}

// Regression: the reference backend's max filled its int32 output with −Infinity, which an
// Int32Array stores as 0, so the max of all-negative int32 values came out 0 (and the cpu
// backend, which was right, disagreed with it).
test(
  'conformance: max of all-negative int32 values matches reference',
  () => {
    assert.deepEqual(withBackend('reference', () => max(ints([1, 3], -9, -1), 1)).data().every((v) => v < 0), true);
    const x = ints([3, 4], -9, -1);
    for (const backend of backendsUnderTest) {
      const expected = withBackend('reference', () => max(x, 1));
      const actual = withBackend(backend, () => max(x, 1));
      assertSameTensors([actual], [expected], true, `max on ${backend} / all-negative int32`);
    }
  },
);
