// Every differentiable op against central differences (gradcheck: float64, eps 1e-6, atol 1e-5,
// rtol 1e-3): each primitive called directly through the engine, then every public composite,
// then second derivatives (the gradient itself is the checked function).
import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Generator,
  PRIMITIVES,
  PRIMITIVE_NAMES,
  Tensor,
  abs,
  add,
  broadcastTo,
  cast,
  clamp,
  concat,
  cos,
  div,
  dot,
  elu,
  erf,
  exp,
  expand,
  flatten,
  gather,
  gelu,
  grad,
  gradcheck,
  indexSelect,
  leakyRelu,
  log,
  log1p,
  logSoftmax,
  logsumexp,
  matmul,
  max,
  maximum,
  mean,
  min,
  minimum,
  mul,
  narrow,
  neg,
  permute,
  pow,
  rand,
  randn,
  relu,
  reshape,
  sigmoid,
  sin,
  slice,
  softmax,
  softplus,
  split,
  sqrt,
  square,
  squeeze,
  stack,
  std,
  sub,
  sum,
  tanh,
  tensor,
  transpose,
  unsqueeze,
  variance,
  where,
} from '../../src/index.js';
import type { GradcheckOptions, PrimitiveName } from '../../src/index.js';
import { apply } from '../../src/autograd/engine.js';
// pooling
import { adaptiveAvgPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../../src/index.js';
// issue 17: index ops
import { cumprod, cumsum, maxWithIndices, minWithIndices, scatter, scatterAdd, sort, topk } from '../../src/index.js';

// ---------------------------------------------------------------- inputs

/** One gradcheck: a function and how to draw its inputs from a seeded generator. */
interface Case {
  readonly name: string;
  readonly fn: (...xs: Tensor[]) => Tensor;
  readonly inputs: (g: Generator) => Tensor[];
  readonly options?: GradcheckOptions;
}

const f64 = (g: Generator) => ({ dtype: 'float64' as const, generator: g });

/** Standard normal values. */
function normal(g: Generator, shape: readonly number[]): Tensor {
  return randn(shape, f64(g));
}

/** Uniform values in [lo, hi). */
function uniform(g: Generator, shape: readonly number[], lo = 0.5, hi = 1.5): Tensor {
  return rand(shape, f64(g)).mul(hi - lo).add(lo);
}

/** Applies `f` to every value (plain JS), keeping the shape. */
function mapValues(x: Tensor, f: (v: number, i: number) => number): Tensor {
  return tensor(Float64Array.from(x.data(), f), { shape: x.shape });
}

/** Normal values pushed at least `gap` away from each of `points` (away from kinks). */
function awayFrom(g: Generator, shape: readonly number[], points: readonly number[] = [0], gap = 0.2): Tensor {
  return mapValues(normal(g, shape), (v) => {
    let out = v;
    for (const p of points) if (Math.abs(out - p) < gap) out = p + (out >= p ? gap : -gap);
    return out;
  });
}

/** Normal values with distinct entries (at least `gap` apart), so max/min have no ties. */
function distinct(g: Generator, shape: readonly number[], gap = 0.05): Tensor {
  const x = normal(g, shape);
  const order = Array.from(x.data()).map((v, i) => ({ v, i })).sort((p, q) => p.v - q.v);
  const out = new Float64Array(x.size);
  order.forEach(({ v, i }, rank) => {
    out[i] = v + rank * gap;
  });
  return tensor(out, { shape: x.shape });
}

/**
 * Two tensors of broadcastable shapes with no ties: every value of b is at least 0.3 from every
 * value of a, so maximum/minimum stay away from their kink for any pair that broadcasting meets.
 */
function separatedPair(g: Generator, aShape: readonly number[], bShape: readonly number[]): [Tensor, Tensor] {
  const a = normal(g, aShape);
  const used = Array.from(a.data());
  const b = mapValues(normal(g, bShape), (v) => {
    let candidate = v;
    for (let tries = 0; tries < 100 && used.some((u) => Math.abs(u - candidate) < 0.3); tries++) candidate += 0.31;
    return candidate;
  });
  return [a, b];
}

function int32(values: number[][] | number[]): Tensor {
  return tensor(values, { dtype: 'int32' });
}

function check(c: Case, seed: number): void {
  const g = new Generator(seed);
  const result = gradcheck(c.fn, c.inputs(g), c.options ?? {});
  assert.equal(result.ok, true);
}

/** Registers one test per case, each with its own seed. */
function register(prefix: string, cases: readonly Case[], seedBase: number): void {
  cases.forEach((c, k) => {
    test(`${prefix}${c.name}`, () => check(c, seedBase + k));
  });
}

// Shapes for binary elementwise ops: broadcasting both ways, size-1 dimensions, 0-d tensors.
const BINARY_SHAPES: readonly (readonly [readonly number[], readonly number[]])[] = [
  [[2, 3], [2, 3]],
  [[2, 3], [3]],
  [[3], [2, 3]],
  [[2, 1], [1, 3]],
  [[1, 3], [2, 1, 1]],
  [[], [2, 3]],
  [[2, 3], []],
  [[], []],
  [[1], []],
];

/** One case per broadcasting pattern for a binary op, with inputs drawn by `draw`. */
function binaryCases(
  op: string,
  fn: (a: Tensor, b: Tensor) => Tensor,
  draw: (g: Generator, aShape: readonly number[], bShape: readonly number[]) => [Tensor, Tensor],
): Case[] {
  return BINARY_SHAPES.map(([aShape, bShape]) => ({
    name: `${op} [${aShape.join(',')}] with [${bShape.join(',')}]`,
    fn,
    inputs: (g) => draw(g, aShape, bShape),
  }));
}

const drawNormal = (g: Generator, aShape: readonly number[], bShape: readonly number[]): [Tensor, Tensor] => [normal(g, aShape), normal(g, bShape)];
const drawDivisor = (g: Generator, aShape: readonly number[], bShape: readonly number[]): [Tensor, Tensor] => [
  normal(g, aShape),
  awayFrom(g, bShape, [0], 0.5),
];
const drawPower = (g: Generator, aShape: readonly number[], bShape: readonly number[]): [Tensor, Tensor] => [
  uniform(g, aShape, 0.5, 2),
  normal(g, bShape),
];

// Casting through float32 rounds to ~6e-8, which a 1e-6 step cannot resolve; cast is linear, so a
// wide step loses nothing.
const CAST_OPTIONS: GradcheckOptions = { eps: 1e-3 };

// ---------------------------------------------------------------- primitives

type PrimitiveCases = { readonly [P in PrimitiveName]: readonly Case[] | 'not differentiable' };

const unaryPrimitive = (op: 'neg' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'abs' | 'sin' | 'cos' | 'tanh' | 'sigmoid' | 'relu' | 'erf', draw: (g: Generator, shape: readonly number[]) => Tensor): Case[] =>
  [[2, 3], [], [1, 4, 1]].map((shape) => ({
    name: `[${shape.join(',')}]`,
    fn: (x: Tensor) => apply(PRIMITIVES[op], [x], {}),
    inputs: (g: Generator) => [draw(g, shape)],
  }));

const binaryPrimitive = (
  op: 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'maximum' | 'minimum' | 'sigmoidGrad' | 'tanhGrad',
  draw: (g: Generator, aShape: readonly number[], bShape: readonly number[]) => [Tensor, Tensor],
): Case[] => binaryCases('', (a, b) => apply(PRIMITIVES[op], [a, b], {}), draw).map((c) => ({ ...c, name: c.name.trim() }));

/** Conv geometry with every parameter away from its default (asymmetric padding as 'same' makes it). */
const CONV_P = { stride: [2, 1], padding: [1, 0, 2, 1], dilation: [1, 2], groups: 1 } as const;
const CONV_1 = { stride: [1, 1], padding: [0, 0, 0, 0], dilation: [1, 1], groups: 1 } as const;

const X_AWAY = tensor([[0.5, -0.7, 1.2, -0.3], [-1.1, 0.4, 0.9, -2], [0.25, 0.6, -0.45, 1.5]], { dtype: 'float64' });
const X_ROW = tensor([0.8, -0.6, 0.3, -1.2], { dtype: 'float64' });
// pooling
/** Rows 0–1, 1–4 (overlapping), 4–5 (a ceil-mode remainder); columns 0–3, 2–5; counts as countIncludePad would give them. */
const WINDOWS = { rowLo: [0, 1, 4], rowHi: [2, 4, 5], colLo: [0, 2], colHi: [3, 5], rowCount: [2, 3, 2], colCount: [3, 3], divisor: null, inSize: [5, 5] };
const X_TIES = tensor([[[1, 2], [3, 2], [3, -1]], [[0.5, 4], [0.5, 4], [0.5, 4]]], { dtype: 'float64' });

/** Keyed by primitive name: a primitive added to PrimitiveParams without an entry here fails to compile. */
const PRIMITIVE_CASES: PrimitiveCases = {
  neg: unaryPrimitive('neg', normal),
  exp: unaryPrimitive('exp', normal),
  log: unaryPrimitive('log', (g, s) => uniform(g, s)),
  log1p: unaryPrimitive('log1p', (g, s) => uniform(g, s)),
  sqrt: unaryPrimitive('sqrt', (g, s) => uniform(g, s)),
  abs: unaryPrimitive('abs', (g, s) => awayFrom(g, s)),
  sign: 'not differentiable',
  sin: unaryPrimitive('sin', normal),
  cos: unaryPrimitive('cos', normal),
  tanh: unaryPrimitive('tanh', normal),
  sigmoid: unaryPrimitive('sigmoid', normal),
  relu: unaryPrimitive('relu', (g, s) => awayFrom(g, s)),
  erf: unaryPrimitive('erf', normal),
  cast: [
    { name: 'float64 → float32', fn: (x) => apply(PRIMITIVES.cast, [x], { dtype: 'float32' }), inputs: (g) => [normal(g, [2, 3])], options: CAST_OPTIONS },
    {
      name: 'float64 → float32 → float64',
      fn: (x) => apply(PRIMITIVES.cast, [apply(PRIMITIVES.cast, [x], { dtype: 'float32' })], { dtype: 'float64' }).mul(x),
      inputs: (g) => [normal(g, [4])],
      options: CAST_OPTIONS,
    },
  ],
  add: binaryPrimitive('add', drawNormal),
  sub: binaryPrimitive('sub', drawNormal),
  mul: binaryPrimitive('mul', drawNormal),
  sigmoidGrad: binaryPrimitive('sigmoidGrad', drawNormal),
  tanhGrad: binaryPrimitive('tanhGrad', drawNormal),
  reluGrad: [
    // In g only: x selects (not differentiable); x is kept away from the kink at 0.
    { name: 'g [3,4] with x [3,4]', fn: (g) => apply(PRIMITIVES.reluGrad, [g!, X_AWAY], {}), inputs: (g) => [normal(g, [3, 4])] },
    { name: 'g [3,4] with x broadcast [4]', fn: (g) => apply(PRIMITIVES.reluGrad, [g!, X_ROW], {}), inputs: (g) => [normal(g, [3, 4])] },
  ],
  logSoftmax: [
    { name: '[3,5] along the last axis', fn: (x) => apply(PRIMITIVES.logSoftmax, [x!], { axis: 1 }), inputs: (g) => [normal(g, [3, 5])] },
    { name: '[3,5] along axis 0', fn: (x) => apply(PRIMITIVES.logSoftmax, [x!], { axis: 0 }), inputs: (g) => [normal(g, [3, 5])] },
    { name: '[2,3,4] along the middle axis', fn: (x) => apply(PRIMITIVES.logSoftmax, [x!], { axis: 1 }), inputs: (g) => [normal(g, [2, 3, 4])] },
    { name: '[2,1] (a single class)', fn: (x) => apply(PRIMITIVES.logSoftmax, [x!], { axis: 1 }), inputs: (g) => [normal(g, [2, 1])] },
  ],
  div: binaryPrimitive('div', drawDivisor),
  pow: binaryPrimitive('pow', drawPower),
  maximum: binaryPrimitive('maximum', separatedPair),
  minimum: binaryPrimitive('minimum', separatedPair),
  eq: 'not differentiable',
  ne: 'not differentiable',
  lt: 'not differentiable',
  le: 'not differentiable',
  gt: 'not differentiable',
  ge: 'not differentiable',
  where: [
    {
      name: 'bool condition [2,3], a [3], b [2,1]',
      fn: (c, a, b) => apply(PRIMITIVES.where, [c!, a!, b!], {}),
      inputs: (g) => [tensor([[true, false, true], [false, false, true]]), normal(g, [3]), normal(g, [2, 1])],
    },
    {
      name: '0-d condition and 0-d branch',
      fn: (c, a, b) => apply(PRIMITIVES.where, [c!, a!, b!], {}),
      inputs: (g) => [tensor(false), normal(g, [2, 2]), normal(g, [])],
    },
  ],
  sum: [
    { name: 'axes [0,2] keepdims', fn: (x) => apply(PRIMITIVES.sum, [x], { axes: [0, 2], keepdims: true }), inputs: (g) => [normal(g, [2, 3, 2])] },
    { name: 'axes [1] dropped', fn: (x) => apply(PRIMITIVES.sum, [x], { axes: [1], keepdims: false }), inputs: (g) => [normal(g, [2, 3, 2])] },
    { name: 'all axes', fn: (x) => apply(PRIMITIVES.sum, [x], { axes: [0, 1], keepdims: false }), inputs: (g) => [normal(g, [3, 2])] },
    { name: '0-d, no axes', fn: (x) => apply(PRIMITIVES.sum, [x], { axes: [], keepdims: false }), inputs: (g) => [normal(g, [])] },
  ],
  max: [
    { name: 'axes [0,2] keepdims', fn: (x) => apply(PRIMITIVES.max, [x], { axes: [0, 2], keepdims: true }), inputs: (g) => [distinct(g, [2, 3, 2])] },
    { name: 'axes [1] dropped', fn: (x) => apply(PRIMITIVES.max, [x], { axes: [1], keepdims: false }), inputs: (g) => [distinct(g, [2, 3, 2])] },
    { name: 'all axes', fn: (x) => apply(PRIMITIVES.max, [x], { axes: [0, 1], keepdims: false }), inputs: (g) => [distinct(g, [3, 2])] },
  ],
  argmax: 'not differentiable',
  argmin: 'not differentiable',
  linear: [
    { name: 'x [3,4], W [2,4], b [2]', fn: (x, w, b) => apply(PRIMITIVES.linear, [x!, w!, b!], {}), inputs: (g) => [normal(g, [3, 4]), normal(g, [2, 4]), normal(g, [2])] },
    { name: 'batch 1, sizes 1 (the tutorial)', fn: (x, w, b) => apply(PRIMITIVES.linear, [x!, w!, b!], {}), inputs: (g) => [normal(g, [1, 1]), normal(g, [1, 1]), normal(g, [1])] },
  ],
  conv2d: [
    { name: 'x [2,2,5,4], w [3,2,3,2], stride [2,1], padding [1,0,2,1], dilation [1,2]', fn: (x, w) => apply(PRIMITIVES.conv2d, [x!, w!], CONV_P), inputs: (g) => [normal(g, [2, 2, 5, 4]), normal(g, [3, 2, 3, 2])] },
    { name: 'groups 2: x [1,4,4,4], w [2,2,2,2]', fn: (x, w) => apply(PRIMITIVES.conv2d, [x!, w!], { ...CONV_1, groups: 2 }), inputs: (g) => [normal(g, [1, 4, 4, 4]), normal(g, [2, 2, 2, 2])] },
  ],
  conv2dInputGrad: [
    { name: 'δ [2,3,2,5], w [3,2,3,2] → [2,2,5,4]', fn: (d, w) => apply(PRIMITIVES.conv2dInputGrad, [d!, w!], { ...CONV_P, inputSize: [5, 4] }), inputs: (g) => [normal(g, [2, 3, 2, 5]), normal(g, [3, 2, 3, 2])] },
  ],
  conv2dWeightGrad: [
    { name: 'x [2,2,5,4], δ [2,3,2,5] → [3,2,3,2]', fn: (x, d) => apply(PRIMITIVES.conv2dWeightGrad, [x!, d!], { ...CONV_P, kernelSize: [3, 2] }), inputs: (g) => [normal(g, [2, 2, 5, 4]), normal(g, [2, 3, 2, 5])] },
  ],
  matmul: [
    { name: '[2,3] by [3,4]', fn: (a, b) => apply(PRIMITIVES.matmul, [a!, b!], {}), inputs: (g) => [normal(g, [2, 3]), normal(g, [3, 4])] },
    { name: '[2,1,2,3] by [3,3,2] (batch broadcast)', fn: (a, b) => apply(PRIMITIVES.matmul, [a!, b!], {}), inputs: (g) => [normal(g, [2, 1, 2, 3]), normal(g, [3, 3, 2])] },
    { name: '[1,2,3] by [2,3,1]', fn: (a, b) => apply(PRIMITIVES.matmul, [a!, b!], {}), inputs: (g) => [normal(g, [1, 2, 3]), normal(g, [2, 3, 1])] },
    { name: '[2,3] by [4,3]ᵀ (transposeB)', fn: (a, b) => apply(PRIMITIVES.matmul, [a!, b!], { transposeB: true }), inputs: (g) => [normal(g, [2, 3]), normal(g, [4, 3])] },
    { name: '[3,2]ᵀ by [3,4] (transposeA)', fn: (a, b) => apply(PRIMITIVES.matmul, [a!, b!], { transposeA: true }), inputs: (g) => [normal(g, [3, 2]), normal(g, [3, 4])] },
    { name: '[3,2]ᵀ by [4,3]ᵀ (both)', fn: (a, b) => apply(PRIMITIVES.matmul, [a!, b!], { transposeA: true, transposeB: true }), inputs: (g) => [normal(g, [3, 2]), normal(g, [4, 3])] },
    { name: '[2,1,3,2]ᵀ by [3,4,3]ᵀ (both, batch broadcast)', fn: (a, b) => apply(PRIMITIVES.matmul, [a!, b!], { transposeA: true, transposeB: true }), inputs: (g) => [normal(g, [2, 1, 3, 2]), normal(g, [3, 4, 3])] },
    { name: '[1,1,2]ᵀ by [2,1,1] (transposeA, size-1 dims)', fn: (a, b) => apply(PRIMITIVES.matmul, [a!, b!], { transposeA: true }), inputs: (g) => [normal(g, [1, 1, 2]), normal(g, [2, 1, 1])] },
    { name: '[2,1,3] by [1,4,3]ᵀ (transposeB, batch broadcast)', fn: (a, b) => apply(PRIMITIVES.matmul, [a!, b!], { transposeB: true }), inputs: (g) => [normal(g, [2, 1, 3]), normal(g, [1, 4, 3])] },
  ],
  reshape: [{ name: '[2,3,2] to [3,4]', fn: (x) => apply(PRIMITIVES.reshape, [x], { shape: [3, 4] }), inputs: (g) => [normal(g, [2, 3, 2])] }],
  permute: [{ name: '[2,3,4] by [2,0,1]', fn: (x) => apply(PRIMITIVES.permute, [x], { axes: [2, 0, 1] }), inputs: (g) => [normal(g, [2, 3, 4])] }],
  expand: [
    { name: '[3,1] to [2,3,4]', fn: (x) => apply(PRIMITIVES.expand, [x], { shape: [2, 3, 4] }), inputs: (g) => [normal(g, [3, 1])] },
    { name: '[] to [2,2]', fn: (x) => apply(PRIMITIVES.expand, [x], { shape: [2, 2] }), inputs: (g) => [normal(g, [])] },
  ],
  slice: [
    {
      name: '[4,5], rows 3,1 (step -2), columns 0,2,4',
      fn: (x) => apply(PRIMITIVES.slice, [x], { starts: [3, 0], steps: [-2, 2], sizes: [2, 3] }),
      inputs: (g) => [normal(g, [4, 5])],
    },
  ],
  sliceScatter: [
    {
      name: '[2,3] into [4,5] at rows 3,1 and columns 0,2,4',
      fn: (x) => apply(PRIMITIVES.sliceScatter, [x], { starts: [3, 0], steps: [-2, 2], sizes: [2, 3], shape: [4, 5] }),
      inputs: (g) => [normal(g, [2, 3])],
    },
  ],
  concat: [
    {
      name: 'three inputs along axis 1',
      fn: (a, b, c) => apply(PRIMITIVES.concat, [a!, b!, c!], { axis: 1 }),
      inputs: (g) => [normal(g, [2, 1]), normal(g, [2, 3]), normal(g, [2, 2])],
    },
  ],
  gather: [
    {
      name: 'axis 1 with repeated indices',
      fn: (x, i) => apply(PRIMITIVES.gather, [x!, i!], { axis: 1 }),
      inputs: (g) => [normal(g, [3, 4]), int32([[2, 2], [0, 3], [1, 1]])],
    },
    {
      name: 'axis 0 with a smaller index',
      fn: (x, i) => apply(PRIMITIVES.gather, [x!, i!], { axis: 0 }),
      inputs: (g) => [normal(g, [3, 2]), int32([[2, 0], [2, 2]])],
    },
  ],
  scatterAdd: [
    {
      name: 'axis 0 with repeated indices (values add up)',
      fn: (src, i) => apply(PRIMITIVES.scatterAdd, [src!, i!], { axis: 0, shape: [3, 2] }),
      inputs: (g) => [normal(g, [4, 2]), int32([[0, 1], [0, 1], [2, 1], [0, 0]])],
    },
  ],
  // pooling
  maxGrad: [
    { name: 'g [2,1,2] for x [2,3,2] over axis 1 (ties in one slice)', fn: (g) => apply(PRIMITIVES.maxGrad, [g!, X_TIES, max(X_TIES, 1, true)], { axes: [1] }), inputs: (g) => [normal(g, [2, 1, 2])] },
    { name: 'g [1,3,1] for x [2,3,2] over axes 0 and 2', fn: (g) => apply(PRIMITIVES.maxGrad, [g!, X_TIES, max(X_TIES, [0, 2], true)], { axes: [0, 2] }), inputs: (g) => [normal(g, [1, 3, 1])] },
  ],
  maxPool2dIndices: 'not differentiable',
  windowMean: [
    { name: 'ceil-mode windows with counts [1,2,5,5] → [3,2]', fn: (x) => apply(PRIMITIVES.windowMean, [x!], WINDOWS), inputs: (g) => [normal(g, [1, 2, 5, 5])] },
    { name: 'overlapping windows, divisor 3', fn: (x) => apply(PRIMITIVES.windowMean, [x!], { ...WINDOWS, divisor: 3 }), inputs: (g) => [normal(g, [2, 1, 5, 5])] },
  ],
  windowMeanAdjoint: [
    { name: 'ceil-mode windows with counts [1,2,3,2] → [1,2,5,5]', fn: (g) => apply(PRIMITIVES.windowMeanAdjoint, [g!], WINDOWS), inputs: (g) => [normal(g, [1, 2, 3, 2])] },
  ],
  // issue 17: math ops (helpers at the end of the file; more cases in math.gradcheck.test.ts)
  floor: mathUnaryPrimitive('floor', offIntegers),
  ceil: mathUnaryPrimitive('ceil', offIntegers),
  round: mathUnaryPrimitive('round', offHalfIntegers),
  trunc: mathUnaryPrimitive('trunc', offIntegers),
  expm1: mathUnaryPrimitive('expm1', normal),
  log2: mathUnaryPrimitive('log2', (g, s) => uniform(g, s)),
  tan: mathUnaryPrimitive('tan', (g, s) => uniform(g, s, -1.2, 1.2)),
  atan: mathUnaryPrimitive('atan', normal),
  asin: mathUnaryPrimitive('asin', (g, s) => uniform(g, s, -0.8, 0.8)),
  acos: mathUnaryPrimitive('acos', (g, s) => uniform(g, s, -0.8, 0.8)),
  sinh: mathUnaryPrimitive('sinh', normal),
  cosh: mathUnaryPrimitive('cosh', normal),
  atan2: binaryCases('', (y, x) => apply(PRIMITIVES.atan2, [y, x], {}), drawAtan2).map((c) => ({ ...c, name: c.name.trim() })),
  // issue 17: index ops
  argsort: 'not differentiable',
  cumsum: [
    { name: 'axis 1 of [2,4]', fn: (x) => apply(PRIMITIVES.cumsum, [x!], { axis: 1, reverse: false }), inputs: (g) => [normal(g, [2, 4])] },
    { name: 'reverse, axis 1 of [3,2,2]', fn: (x) => apply(PRIMITIVES.cumsum, [x!], { axis: 1, reverse: true }), inputs: (g) => [normal(g, [3, 2, 2])] },
  ],
  linearScan: [
    { name: 'axis 1 of [2,4]', fn: (a, b) => apply(PRIMITIVES.linearScan, [a!, b!], { axis: 1, reverse: false }), inputs: (g) => [normal(g, [2, 4]), normal(g, [2, 4])] },
    { name: 'reverse, axis 0 of [3,2,2]', fn: (a, b) => apply(PRIMITIVES.linearScan, [a!, b!], { axis: 0, reverse: true }), inputs: (g) => [normal(g, [3, 2, 2]), normal(g, [3, 2, 2])] },
    { name: 'zeros in a', fn: (a, b) => apply(PRIMITIVES.linearScan, [a!, b!], { axis: 0, reverse: false }), inputs: (g) => [tensor([0.5, 0, 2, 0, -1], { dtype: 'float64' }), normal(g, [5])] },
  ],
};

describe('gradcheck: every primitive with a gradient rule', () => {
  test('the case table covers every primitive, and marks exactly those without a rule as not differentiable', () => {
    assert.deepEqual([...PRIMITIVE_NAMES].sort(), Object.keys(PRIMITIVE_CASES).sort());
    for (const name of PRIMITIVE_NAMES) {
      const cases = PRIMITIVE_CASES[name];
      const differentiable = PRIMITIVES[name].backward !== null;
      assert.equal(cases !== 'not differentiable', differentiable, `${name}: case table disagrees with its definition`);
      if (cases !== 'not differentiable') assert.ok(cases.length > 0, `${name} has no gradcheck case`);
    }
  });

  PRIMITIVE_NAMES.forEach((name, n) => {
    const cases = PRIMITIVE_CASES[name];
    if (cases === 'not differentiable') return;
    register(`primitive ${name}: `, cases, 1000 + 20 * n);
  });
});

// ---------------------------------------------------------------- public composites

/** The public differentiable ops: a name missing from the table below fails to compile. */
type PublicOp =
  | 'neg' | 'add' | 'sub' | 'mul' | 'div' | 'pow' | 'square' | 'exp' | 'log' | 'log1p' | 'sqrt' | 'abs' | 'sin' | 'cos' | 'tanh'
  | 'sigmoid' | 'relu' | 'leakyRelu' | 'elu' | 'gelu' | 'softplus' | 'erf' | 'maximum' | 'minimum' | 'clamp' | 'where'
  | 'cast' | 'sum' | 'mean' | 'max' | 'min' | 'var' | 'std' | 'logsumexp' | 'softmax' | 'logSoftmax' | 'matmul' | 'dot'
  | 'reshape' | 'flatten' | 'transpose' | 'permute' | 'expand' | 'broadcastTo' | 'squeeze' | 'unsqueeze' | 'concat'
  | 'stack' | 'split' | 'narrow' | 'slice' | 'gather' | 'indexSelect'
  // pooling
  | 'maxPool1d' | 'maxPool2d' | 'avgPool1d' | 'avgPool2d' | 'adaptiveAvgPool2d'
  // issue 17: index ops
  | 'sort' | 'topk' | 'maxWithIndices' | 'minWithIndices' | 'cumsum' | 'cumprod' | 'scatter' | 'scatterAdd';

const unary = (fn: (x: Tensor) => Tensor, draw: (g: Generator, shape: readonly number[]) => Tensor, label = ''): Case[] =>
  [[2, 3], [], [3, 1]].map((shape) => ({ name: `${label}[${shape.join(',')}]`, fn, inputs: (g: Generator) => [draw(g, shape)] }));

/** Reductions over every kind of axis argument. */
function reductionCases(reduce: (x: Tensor, axis: number | readonly number[] | null, keepdims: boolean) => Tensor, draw: (g: Generator, shape: readonly number[]) => Tensor = normal): Case[] {
  const axes: readonly (number | readonly number[] | null)[] = [null, 0, -1, [0, 2], [-1, 0], 1];
  const out: Case[] = [];
  for (const axis of axes) {
    for (const keepdims of [false, true]) {
      out.push({
        name: `axis ${JSON.stringify(axis)} keepdims ${keepdims}`,
        fn: (x) => reduce(x, axis, keepdims),
        inputs: (g) => [draw(g, [2, 3, 2])],
      });
    }
  }
  out.push({ name: 'of a 0-d tensor', fn: (x) => reduce(x, null, false), inputs: (g) => [draw(g, [])] });
  out.push({ name: 'over a size-1 axis', fn: (x) => reduce(x, 1, false), inputs: (g) => [draw(g, [3, 1, 2])] });
  return out;
}

/** Softmax-like ops along every axis of a [2,3,2] tensor, negative axes included. */
function alongAxes(fn: (x: Tensor, axis: number) => Tensor): Case[] {
  return [0, 1, 2, -1, -2].map((axis) => ({ name: `axis ${axis}`, fn: (x: Tensor) => fn(x, axis), inputs: (g: Generator) => [normal(g, [2, 3, 2])] }));
}

const clampTensorBounds = (g: Generator): Tensor[] => {
  // lo [3] and hi [2,1] broadcast against x [2,3]; x keeps ≥ 0.1 away from both bounds.
  const lo = tensor([-0.5, 0.1, -1.2], { dtype: 'float64' });
  const hi = tensor([[0.6], [1.3]], { dtype: 'float64' });
  const x = normal(g, [2, 3]).mul(1.5);
  const values = Array.from(x.data());
  for (let i = 0; i < 2; i++) {
    for (let j = 0; j < 3; j++) {
      let v = values[i * 3 + j] ?? 0;
      for (const p of [lo.data()[j] ?? 0, hi.data()[i] ?? 0]) if (Math.abs(v - p) < 0.1) v = p + (v >= p ? 0.1 : -0.1);
      values[i * 3 + j] = v;
    }
  }
  return [tensor(values, { dtype: 'float64', shape: [2, 3] }), lo, hi];
};

const COMPOSITE_CASES: { readonly [K in PublicOp]: readonly Case[] } = {
  neg: unary((x) => neg(x), normal),
  add: [...binaryCases('tensors', add, drawNormal), { name: 'a number', fn: (x) => add(x, 2.5), inputs: (g) => [normal(g, [2, 3])] }, { name: 'number first', fn: (x) => add(2.5, x), inputs: (g) => [normal(g, [3])] }],
  sub: [...binaryCases('tensors', sub, drawNormal), { name: 'number minus tensor', fn: (x) => sub(1, x), inputs: (g) => [normal(g, [2, 3])] }],
  mul: [...binaryCases('tensors', mul, drawNormal), { name: 'a tensor with itself', fn: (x) => mul(x, x), inputs: (g) => [normal(g, [3])] }],
  div: [
    ...binaryCases('tensors', div, drawDivisor),
    { name: 'number over tensor', fn: (x) => div(1, x), inputs: (g) => [awayFrom(g, [2, 3], [0], 0.5)] },
    { name: 'tensor over number', fn: (x) => div(x, 3), inputs: (g) => [normal(g, [2, 3])] },
  ],
  pow: [
    ...binaryCases('base and exponent', pow, drawPower),
    { name: 'integer exponent 3 of a signed base', fn: (x) => pow(x, 3), inputs: (g) => [normal(g, [2, 3])] },
    { name: 'exponent 0.5', fn: (x) => pow(x, 0.5), inputs: (g) => [uniform(g, [4])] },
    { name: 'negative exponent', fn: (x) => pow(x, -1.5), inputs: (g) => [uniform(g, [4])] },
    { name: 'w.r.t. the exponent only: 2^x', fn: (x) => pow(2, x), inputs: (g) => [normal(g, [2, 3])] },
    { name: 'w.r.t. the exponent only: int32 base [2,1], float64 exponent [3]', fn: (b, e) => pow(b!, e!), inputs: (g) => [int32([[2], [3]]), normal(g, [3])] },
  ],
  square: unary((x) => square(x), normal),
  exp: unary((x) => exp(x), normal),
  log: unary((x) => log(x), (g, s) => uniform(g, s, 0.2, 3)),
  log1p: unary((x) => log1p(x), (g, s) => uniform(g, s, -0.5, 3)),
  sqrt: unary((x) => sqrt(x), (g, s) => uniform(g, s, 0.2, 3)),
  abs: unary((x) => abs(x), (g, s) => awayFrom(g, s)),
  sin: unary((x) => sin(x), normal),
  cos: unary((x) => cos(x), normal),
  tanh: unary((x) => tanh(x), normal),
  sigmoid: unary((x) => sigmoid(x), (g, s) => normal(g, s).mul(3)),
  relu: unary((x) => relu(x), (g, s) => awayFrom(g, s)),
  leakyRelu: [...unary((x) => leakyRelu(x), (g, s) => awayFrom(g, s), 'default slope '), ...unary((x) => leakyRelu(x, 0.2), (g, s) => awayFrom(g, s), 'slope 0.2 ')],
  elu: [...unary((x) => elu(x), (g, s) => awayFrom(g, s), 'alpha 1 '), ...unary((x) => elu(x, 1.5), (g, s) => awayFrom(g, s), 'alpha 1.5 ')],
  gelu: [
    ...unary((x) => gelu(x), (g, s) => normal(g, s).mul(2), "'none' "),
    ...unary((x) => gelu(x, 'none'), normal, "explicit 'none' "),
    ...unary((x) => gelu(x, 'tanh'), (g, s) => normal(g, s).mul(2), "'tanh' "),
  ],
  softplus: unary((x) => softplus(x), (g, s) => awayFrom(g, s, [0], 0.1).mul(3)),
  erf: unary((x) => erf(x), normal),
  maximum: [
    ...binaryCases('tensors', maximum, separatedPair),
    { name: 'a number', fn: (x) => maximum(x, 0.3), inputs: (g) => [awayFrom(g, [2, 3], [0.3])] },
  ],
  minimum: [
    ...binaryCases('tensors', minimum, separatedPair),
    { name: 'number first', fn: (x) => minimum(-0.2, x), inputs: (g) => [awayFrom(g, [2, 3], [-0.2])] },
  ],
  clamp: [
    { name: 'number bounds', fn: (x) => clamp(x, -0.5, 0.5), inputs: (g) => [awayFrom(g, [3, 4], [-0.5, 0.5], 0.1)] },
    { name: 'only min', fn: (x) => clamp(x, 0.2), inputs: (g) => [awayFrom(g, [2, 3], [0.2], 0.1)] },
    { name: 'only max', fn: (x) => clamp(x, null, -0.3), inputs: (g) => [awayFrom(g, [2, 3], [-0.3], 0.1)] },
    { name: 'tensor bounds with broadcasting (x, min and max differentiated)', fn: (x, lo, hi) => clamp(x!, lo, hi), inputs: clampTensorBounds },
    { name: '0-d input', fn: (x) => clamp(x, -0.5, 0.5), inputs: (g) => [awayFrom(g, [], [-0.5, 0.5], 0.1)] },
  ],
  where: [
    {
      name: 'condition from a comparison, both branches broadcast',
      fn: (c, a, b) => where(c!, a!, b!),
      inputs: (g) => [normal(g, [2, 3]).gt(0), normal(g, [2, 1]), normal(g, [3])],
    },
    { name: 'a number branch', fn: (c, a) => where(c!, a!, 0.5), inputs: (g) => [normal(g, [4]).gt(0), normal(g, [4])] },
  ],
  cast: [
    { name: 'float64 → float32', fn: (x) => cast(x, 'float32'), inputs: (g) => [normal(g, [2, 3])], options: CAST_OPTIONS },
    { name: 'float64 → float32 → float64', fn: (x) => cast(cast(x, 'float32'), 'float64').mul(x), inputs: (g) => [normal(g, [3])], options: CAST_OPTIONS },
    { name: 'to its own dtype (no-op)', fn: (x) => cast(x, 'float64').mul(2), inputs: (g) => [normal(g, [3])] },
  ],
  sum: reductionCases((x, a, k) => sum(x, a, k)),
  mean: reductionCases((x, a, k) => mean(x, a, k)),
  max: reductionCases((x, a, k) => max(x, a, k), distinct),
  min: reductionCases((x, a, k) => min(x, a, k), distinct),
  var: [
    ...reductionCases((x, a, k) => variance(x, a, k)).filter((c) => !c.name.includes('0-d') && !c.name.includes('size-1')),
    ...reductionCases((x, a, k) => variance(x, a, k, 0)).map((c) => ({ ...c, name: `correction 0, ${c.name}` })),
    { name: 'Tensor.var correction 2', fn: (x) => x.var(1, false, 2), inputs: (g) => [normal(g, [2, 4])] },
  ],
  std: [
    ...reductionCases((x, a, k) => std(x, a, k)).filter((c) => !c.name.includes('0-d') && !c.name.includes('size-1')),
    ...reductionCases((x, a, k) => std(x, a, k, 0)).filter((c) => !c.name.includes('0-d') && !c.name.includes('size-1')).map((c) => ({ ...c, name: `correction 0, ${c.name}` })),
  ],
  logsumexp: [...reductionCases((x, a, k) => logsumexp(x, a, k)), { name: 'large inputs', fn: (x) => logsumexp(x, -1), inputs: (g) => [normal(g, [2, 3]).mul(300)] }],
  softmax: [...alongAxes(softmax), { name: 'default axis, large inputs', fn: (x) => softmax(x), inputs: (g) => [normal(g, [2, 3]).mul(5)] }, { name: '[1] (a single class)', fn: (x) => softmax(x), inputs: (g) => [normal(g, [1])] }],
  logSoftmax: [...alongAxes(logSoftmax), { name: 'default axis, large inputs', fn: (x) => logSoftmax(x), inputs: (g) => [normal(g, [2, 3]).mul(300)] }],
  matmul: [
    { name: '1-D · 1-D', fn: (a, b) => matmul(a!, b!), inputs: (g) => [normal(g, [4]), normal(g, [4])] },
    { name: '1-D · 2-D', fn: (a, b) => matmul(a!, b!), inputs: (g) => [normal(g, [3]), normal(g, [3, 2])] },
    { name: '2-D · 1-D', fn: (a, b) => matmul(a!, b!), inputs: (g) => [normal(g, [2, 3]), normal(g, [3])] },
    { name: '2-D · 2-D', fn: (a, b) => matmul(a!, b!), inputs: (g) => [normal(g, [2, 3]), normal(g, [3, 4])] },
    { name: '1-D · 3-D (batched)', fn: (a, b) => matmul(a!, b!), inputs: (g) => [normal(g, [3]), normal(g, [2, 3, 2])] },
    { name: '3-D · 1-D (batched)', fn: (a, b) => matmul(a!, b!), inputs: (g) => [normal(g, [2, 2, 3]), normal(g, [3])] },
    { name: '3-D · 2-D (batch broadcast)', fn: (a, b) => matmul(a!, b!), inputs: (g) => [normal(g, [2, 2, 3]), normal(g, [3, 2])] },
    { name: '[2,1,2,3] · [3,3,2] (batch dims broadcast both ways)', fn: (a, b) => matmul(a!, b!), inputs: (g) => [normal(g, [2, 1, 2, 3]), normal(g, [3, 3, 2])] },
    { name: 'a matrix with itself: x·xᵀ', fn: (a) => matmul(a!, transpose(a!)), inputs: (g) => [normal(g, [2, 3])] },
  ],
  dot: [
    { name: 'two vectors', fn: (a, b) => dot(a!, b!), inputs: (g) => [normal(g, [5]), normal(g, [5])] },
    { name: 'a vector with itself', fn: (a) => dot(a!, a!), inputs: (g) => [normal(g, [3])] },
  ],
  reshape: [
    { name: '[2,3,2] to [3,-1]', fn: (x) => reshape(x, [3, -1]).mul(tensor([[1], [2], [3]], { dtype: 'float64' })), inputs: (g) => [normal(g, [2, 3, 2])] },
    { name: '0-d to [1,1]', fn: (x) => reshape(x, [1, 1]), inputs: (g) => [normal(g, [])] },
    { name: '[1] to 0-d', fn: (x) => reshape(x, []), inputs: (g) => [normal(g, [1])] },
  ],
  flatten: [
    { name: 'all axes', fn: (x) => flatten(x), inputs: (g) => [normal(g, [2, 3, 2])] },
    { name: 'from axis 1', fn: (x) => flatten(x, 1), inputs: (g) => [normal(g, [2, 3, 2])] },
    { name: '0-d', fn: (x) => flatten(x), inputs: (g) => [normal(g, [])] },
  ],
  transpose: [
    { name: 'default (last two axes)', fn: (x) => transpose(x), inputs: (g) => [normal(g, [2, 3, 4])] },
    { name: 'axes 0 and -1', fn: (x) => transpose(x, 0, -1), inputs: (g) => [normal(g, [2, 3, 4])] },
    { name: 'Tensor.T', fn: (x) => x.T, inputs: (g) => [normal(g, [2, 3, 4])] },
  ],
  permute: [
    { name: '[1,2,0]', fn: (x) => permute(x, [1, 2, 0]), inputs: (g) => [normal(g, [2, 3, 4])] },
    { name: 'negative axes [-1,0,-2]', fn: (x) => permute(x, [-1, 0, -2]), inputs: (g) => [normal(g, [2, 3, 4])] },
  ],
  expand: [
    { name: '[3,1] to [2,3,4]', fn: (x) => expand(x, [2, 3, 4]), inputs: (g) => [normal(g, [3, 1])] },
    { name: '-1 keeps a dimension', fn: (x) => expand(x, [2, -1, 3]), inputs: (g) => [normal(g, [4, 1])] },
    { name: '0-d to [2,2]', fn: (x) => expand(x, [2, 2]), inputs: (g) => [normal(g, [])] },
  ],
  broadcastTo: [
    { name: '[3] to [2,3]', fn: (x) => broadcastTo(x, [2, 3]), inputs: (g) => [normal(g, [3])] },
    { name: '[2,1] to [3,2,4]', fn: (x) => broadcastTo(x, [3, 2, 4]), inputs: (g) => [normal(g, [2, 1])] },
  ],
  squeeze: [
    { name: 'all size-1 axes', fn: (x) => squeeze(x), inputs: (g) => [normal(g, [2, 1, 3, 1])] },
    { name: 'one axis', fn: (x) => squeeze(x, 1), inputs: (g) => [normal(g, [2, 1, 3, 1])] },
    { name: 'a list with a negative axis', fn: (x) => squeeze(x, [-1, 1]), inputs: (g) => [normal(g, [2, 1, 3, 1])] },
  ],
  unsqueeze: [
    { name: 'axis 0', fn: (x) => unsqueeze(x, 0), inputs: (g) => [normal(g, [2, 3])] },
    { name: 'axis -1', fn: (x) => unsqueeze(x, -1), inputs: (g) => [normal(g, [2, 3])] },
    { name: 'of a 0-d tensor', fn: (x) => unsqueeze(x, 0), inputs: (g) => [normal(g, [])] },
  ],
  concat: [
    { name: 'axis 0', fn: (a, b) => concat([a!, b!]), inputs: (g) => [normal(g, [1, 3]), normal(g, [2, 3])] },
    { name: 'axis -1, three tensors', fn: (a, b, c) => concat([a!, b!, c!], -1), inputs: (g) => [normal(g, [2, 2]), normal(g, [2, 1]), normal(g, [2, 3])] },
    { name: 'a tensor with itself', fn: (a) => concat([a!, a!.mul(2)], 0), inputs: (g) => [normal(g, [2])] },
  ],
  stack: [
    { name: 'axis 0', fn: (a, b) => stack([a!, b!]), inputs: (g) => [normal(g, [2, 3]), normal(g, [2, 3])] },
    { name: 'axis -1', fn: (a, b) => stack([a!, b!], -1), inputs: (g) => [normal(g, [3]), normal(g, [3])] },
    { name: '0-d tensors', fn: (a, b, c) => stack([a!, b!, c!]), inputs: (g) => [normal(g, []), normal(g, []), normal(g, [])] },
  ],
  split: [
    {
      name: 'sizes [1,2] along axis 1, pieces weighted differently',
      fn: (x) => {
        const [p, q] = split(x, [1, 2], 1);
        return concat([p!.mul(2), q!.mul(-3)], 1);
      },
      inputs: (g) => [normal(g, [2, 3])],
    },
    {
      name: 'equal pieces of 2 (the last smaller), one piece used',
      fn: (x) => split(x, 2)[2]!.sin(),
      inputs: (g) => [normal(g, [5, 2])],
    },
  ],
  narrow: [
    { name: 'axis 1', fn: (x) => narrow(x, 1, 1, 2), inputs: (g) => [normal(g, [2, 4])] },
    { name: 'axis -2', fn: (x) => narrow(x, -2, 2, 1), inputs: (g) => [normal(g, [3, 2])] },
  ],
  slice: [
    { name: 'a range', fn: (x) => slice(x, [1, 3]), inputs: (g) => [normal(g, [4, 3])] },
    { name: 'steps', fn: (x) => slice(x, null, [0, 5, 2]), inputs: (g) => [normal(g, [2, 5])] },
    { name: 'negative steps', fn: (x) => slice(x, [null, null, -1], [4, 0, -3]), inputs: (g) => [normal(g, [3, 5])] },
    { name: 'integer indices (axis dropped), negative too', fn: (x) => slice(x, 1, -1), inputs: (g) => [normal(g, [3, 4])] },
    { name: 'mixed: index, object range, negative bounds', fn: (x) => slice(x, [-2], { start: -1, stop: null, step: -2 }, 0), inputs: (g) => [normal(g, [3, 4, 2])] },
    { name: 'an empty range', fn: (x) => slice(x, [2, 2]), inputs: (g) => [normal(g, [3])] },
  ],
  gather: [
    { name: 'class scores by label along axis 1', fn: (x, i) => gather(x!, 1, i!), inputs: (g) => [normal(g, [4, 3]), int32([[2], [0], [1], [2]])] },
    { name: 'axis -2 with repeats', fn: (x, i) => gather(x!, -2, i!), inputs: (g) => [normal(g, [3, 2]), int32([[0, 2], [0, 2], [1, 1]])] },
  ],
  indexSelect: [
    { name: 'rows by a list with repeats', fn: (x) => indexSelect(x, 0, [2, 0, 2]), inputs: (g) => [normal(g, [3, 2])] },
    { name: 'columns by an int32 tensor', fn: (x, i) => indexSelect(x!, -1, i!), inputs: (g) => [normal(g, [2, 4]), int32([3, 1])] },
  ],
  // pooling (max pooling on distinct values: a tie is a kink)
  maxPool2d: [
    { name: '2×2 on [2,3,4,6]', fn: (x) => maxPool2d(x, 2), inputs: (g) => [distinct(g, [2, 3, 4, 6])] },
    { name: '3×3 stride 2 padding 1 on [1,2,5,7]', fn: (x) => maxPool2d(x, 3, { stride: 2, padding: 1 }), inputs: (g) => [distinct(g, [1, 2, 5, 7])] },
    { name: '[3,2] stride [1,2] dilation [2,1] on [2,1,7,5]', fn: (x) => maxPool2d(x, [3, 2], { stride: [1, 2], dilation: [2, 1] }), inputs: (g) => [distinct(g, [2, 1, 7, 5])] },
    { name: 'ceil mode 2×2 on odd [1,2,5,5] (overlapping windows: stride 1)', fn: (x) => maxPool2d(x, 2, { stride: 1, ceilMode: true }), inputs: (g) => [distinct(g, [1, 2, 5, 5])] },
    { name: 'ceil mode 3×3 stride 2 on [1,1,6,6]', fn: (x) => maxPool2d(x, 3, { stride: 2, ceilMode: true }), inputs: (g) => [distinct(g, [1, 1, 6, 6])] },
    { name: 'unbatched (C, H, W) [2,5,4]', fn: (x) => maxPool2d(x, [2, 3], { padding: [1, 1] }), inputs: (g) => [distinct(g, [2, 5, 4])] },
  ],
  maxPool1d: [
    { name: '3 stride 2 padding 1 on [2,3,9]', fn: (x) => maxPool1d(x, 3, { stride: 2, padding: 1 }), inputs: (g) => [distinct(g, [2, 3, 9])] },
    { name: 'dilation 2, ceil mode on [1,2,8]', fn: (x) => maxPool1d(x, 2, { stride: 3, dilation: 2, ceilMode: true }), inputs: (g) => [distinct(g, [1, 2, 8])] },
    { name: 'unbatched (C, L) [3,7]', fn: (x) => maxPool1d(x, 2), inputs: (g) => [distinct(g, [3, 7])] },
  ],
  avgPool2d: [
    { name: '2×2 on [2,3,4,6] (windows tile the input)', fn: (x) => avgPool2d(x, 2), inputs: (g) => [normal(g, [2, 3, 4, 6])] },
    { name: '3×3 stride 2 padding 1 on [1,2,5,7]', fn: (x) => avgPool2d(x, 3, { stride: 2, padding: 1 }), inputs: (g) => [normal(g, [1, 2, 5, 7])] },
    { name: 'padding without countIncludePad', fn: (x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), inputs: (g) => [normal(g, [1, 2, 5, 7])] },
    { name: 'ceil mode [3,2] stride 2 on odd [1,1,5,5]', fn: (x) => avgPool2d(x, [3, 2], { stride: 2, ceilMode: true }), inputs: (g) => [normal(g, [1, 1, 5, 5])] },
    { name: 'ceil mode with padding and countIncludePad', fn: (x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true }), inputs: (g) => [normal(g, [2, 1, 6, 6])] },
    { name: 'divisorOverride 5', fn: (x) => avgPool2d(x, 2, { stride: 1, padding: 1, divisorOverride: 5 }), inputs: (g) => [normal(g, [1, 2, 3, 4])] },
    { name: 'unbatched (C, H, W) [1,5,5]', fn: (x) => avgPool2d(x, 2, { stride: 1 }), inputs: (g) => [normal(g, [1, 5, 5])] },
  ],
  avgPool1d: [
    { name: '3 stride 2 padding 1 on [2,3,9]', fn: (x) => avgPool1d(x, 3, { stride: 2, padding: 1 }), inputs: (g) => [normal(g, [2, 3, 9])] },
    { name: 'ceil mode without countIncludePad on [1,2,8]', fn: (x) => avgPool1d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }), inputs: (g) => [normal(g, [1, 2, 8])] },
    { name: 'unbatched (C, L) [3,6]', fn: (x) => avgPool1d(x, 2), inputs: (g) => [normal(g, [3, 6])] },
  ],
  adaptiveAvgPool2d: [
    { name: '[2,3,7,5] to 3×2 (windows overlap)', fn: (x) => adaptiveAvgPool2d(x, [3, 2]), inputs: (g) => [normal(g, [2, 3, 7, 5])] },
    { name: '[1,2,6,4] to 3×2 (windows tile)', fn: (x) => adaptiveAvgPool2d(x, [3, 2]), inputs: (g) => [normal(g, [1, 2, 6, 4])] },
    { name: '[1,1,3,4] to 5×5 (larger than the input)', fn: (x) => adaptiveAvgPool2d(x, 5), inputs: (g) => [normal(g, [1, 1, 3, 4])] },
    { name: 'null keeps the width, unbatched [2,5,3]', fn: (x) => adaptiveAvgPool2d(x, [2, null]), inputs: (g) => [normal(g, [2, 5, 3])] },
  ],
  // issue 17: index ops (more in test/ops/indexOps.gradcheck.test.ts)
  sort: [{ name: 'descending along axis 0', fn: (x) => sort(x, { axis: 0, descending: true }).values, inputs: (g) => [distinct(g, [3, 2])] }],
  topk: [{ name: 'k 2 of [2,4]', fn: (x) => topk(x, 2).values, inputs: (g) => [distinct(g, [2, 4])] }],
  maxWithIndices: [{ name: 'axis 1', fn: (x) => maxWithIndices(x, 1).values, inputs: (g) => [distinct(g, [2, 3])] }],
  minWithIndices: [{ name: 'axis 0, keepdims', fn: (x) => minWithIndices(x, 0, true).values, inputs: (g) => [distinct(g, [2, 3])] }],
  cumsum: [{ name: 'axis -1', fn: (x) => cumsum(x, -1), inputs: (g) => [normal(g, [2, 3])] }],
  cumprod: [{ name: 'axis 1 with a zero', fn: (x) => cumprod(x, 1), inputs: () => [tensor([[0.5, 0, 2], [1.5, -1, 0.7]], { dtype: 'float64' })] }],
  scatter: [{ name: 'x and src', fn: (x, s) => scatter(x!, 1, int32([[2, 0], [1, 1]]), s!), inputs: (g) => [normal(g, [2, 3]), normal(g, [2, 2])] }],
  scatterAdd: [{ name: 'x and src, repeated indices', fn: (x, s) => scatterAdd(x!, 0, int32([[0, 1], [0, 1]]), s!), inputs: (g) => [normal(g, [2, 2]), normal(g, [2, 2])] }],
};

describe('gradcheck: every public differentiable op', () => {
  (Object.keys(COMPOSITE_CASES) as PublicOp[]).forEach((op, n) => {
    register(`${op}: `, COMPOSITE_CASES[op], 5000 + 50 * n);
  });
});

// ---------------------------------------------------------------- second derivatives

/** The gradient of Σ w·f(x) as the checked function, so gradcheck differentiates it once more. */
function secondOrderUnary(f: (x: Tensor) => Tensor, draw: (g: Generator, shape: readonly number[]) => Tensor = normal): Case {
  return {
    name: '∂/∂x of Σ w·f(x)',
    fn: (x, w) => grad((y: Tensor) => f(y).mul(w!).sum())(x!),
    // w is an input too, so the mixed partials ∂²/∂x∂w are checked as well.
    inputs: (g) => [draw(g, [2, 3]), normal(g, [2, 3])],
  };
}

/** Both partial gradients of Σ w·f(a, b), flattened and joined. */
function secondOrderBinary(f: (a: Tensor, b: Tensor) => Tensor, draw: (g: Generator) => Tensor[]): Case {
  return {
    name: '∂/∂a and ∂/∂b of Σ w·f(a, b)',
    fn: (a, b, w) => {
      const [ga, gb] = grad((p: Tensor, q: Tensor) => f(p, q).mul(w!).sum(), { argnums: [0, 1] })(a!, b!);
      return concat([flatten(ga!), flatten(gb!)]);
    },
    inputs: draw,
  };
}

/** secondOrderUnary for an input of `shape`, the weights drawn in f's output shape. */
function secondOrderShaped(f: (x: Tensor) => Tensor, shape: readonly number[], draw: (g: Generator, shape: readonly number[]) => Tensor = normal): Case {
  return {
    name: `∂/∂x of Σ w·f(x), x [${shape.join(',')}]`,
    fn: (x, w) => grad((y: Tensor) => f(y).mul(w!).sum())(x!),
    inputs: (g) => {
      const x = draw(g, shape);
      return [x, normal(g, f(x).shape)];
    },
  };
}

const SECOND_ORDER: Record<string, Case> = {
  sigmoid: secondOrderUnary((x) => sigmoid(x)),
  tanh: secondOrderUnary((x) => tanh(x)),
  exp: secondOrderUnary((x) => exp(x)),
  log: secondOrderUnary((x) => log(x), (g, s) => uniform(g, s)),
  log1p: secondOrderUnary((x) => log1p(x), (g, s) => uniform(g, s, -0.5, 3)),
  sin: secondOrderUnary((x) => sin(x)),
  sqrt: secondOrderUnary((x) => sqrt(x), (g, s) => uniform(g, s)),
  softplus: secondOrderUnary((x) => softplus(x), (g, s) => awayFrom(g, s, [0], 0.1)),
  "gelu 'none'": secondOrderUnary((x) => gelu(x)),
  "gelu 'tanh'": secondOrderUnary((x) => gelu(x, 'tanh')),
  elu: secondOrderUnary((x) => elu(x), (g, s) => awayFrom(g, s)),
  erf: secondOrderUnary((x) => erf(x)),
  'logsumexp (axis -1, keepdims)': secondOrderUnary((x) => logsumexp(x, -1, true)),
  'softmax (axis 0)': secondOrderUnary((x) => softmax(x, 0)),
  'logSoftmax (last axis)': secondOrderUnary((x) => logSoftmax(x)),
  'relu': secondOrderUnary((x) => relu(x).mul(x), (g, s) => awayFrom(g, s)),
  'std (axis 1)': secondOrderUnary((x) => std(x, 1, true)),
  'max (axis 1)': secondOrderUnary((x) => max(x, 1, true).square(), distinct),
  mul: secondOrderBinary(mul, (g) => [normal(g, [2, 3]), normal(g, [3]), normal(g, [2, 3])]),
  div: secondOrderBinary(div, (g) => [normal(g, [2, 3]), awayFrom(g, [3], [0], 0.5), normal(g, [2, 3])]),
  pow: secondOrderBinary(pow, (g) => [uniform(g, [2, 3]), normal(g, [3]), normal(g, [2, 3])]),
  maximum: secondOrderBinary((a, b) => maximum(a, b).square(), (g) => [...separatedPair(g, [2, 3], [3]), normal(g, [2, 3])]),
  matmul: secondOrderBinary((a, b) => matmul(a, b).tanh(), (g) => [normal(g, [2, 3]), normal(g, [3, 2]), normal(g, [2, 2])]),
  'matmul (batched, broadcast)': secondOrderBinary((a, b) => matmul(a, b).sin(), (g) => [normal(g, [2, 1, 3]), normal(g, [3, 2]), normal(g, [2, 1, 2])]),
  'matmul (transposeB, as in Linear)': secondOrderBinary((a, b) => matmul(a, b, { transposeB: true }).tanh(), (g) => [normal(g, [2, 3]), normal(g, [2, 3]), normal(g, [2, 2])]),
  'matmul (transposeA, batched)': secondOrderBinary((a, b) => matmul(a, b, { transposeA: true }).sin(), (g) => [normal(g, [2, 3, 2]), normal(g, [3, 2]), normal(g, [2, 2, 2])]),
  // pooling
  'maxPool2d (3×3 stride 2 padding 1, squared)': secondOrderShaped((x) => maxPool2d(x, 3, { stride: 2, padding: 1 }).square(), [1, 2, 5, 5], distinct),
  'maxPool1d (ceil mode, squared)': secondOrderShaped((x) => maxPool1d(x, 2, { ceilMode: true }).square(), [2, 7], distinct),
  'avgPool2d (ceil mode, padding, tanh)': secondOrderShaped((x) => avgPool2d(x, 3, { stride: 2, padding: 1, ceilMode: true, countIncludePad: false }).tanh(), [1, 2, 6, 5]),
  'avgPool2d (tiling 2×2, tanh)': secondOrderShaped((x) => avgPool2d(x, 2).tanh(), [1, 2, 4, 4]),
  'avgPool1d (divisor by counts, tanh)': secondOrderShaped((x) => avgPool1d(x, 3, { stride: 1, padding: 1 }).tanh(), [1, 2, 5]),
  'adaptiveAvgPool2d (7×5 to 3×2, tanh)': secondOrderShaped((x) => adaptiveAvgPool2d(x, [3, 2]).tanh(), [1, 2, 7, 5]),
  // issue 17: index ops
  'cumprod (axis 1)': secondOrderUnary((x) => cumprod(x, 1)),
  'sort (values squared)': secondOrderUnary((x) => sort(x).values.square(), distinct),
};

describe('gradcheck of gradients (second derivatives through grad())', () => {
  register('second order ', Object.entries(SECOND_ORDER).map(([name, c]) => ({ ...c, name: `${name}: ${c.name}` })), 9000);

  test('grad() inside gradcheck records the gradient graph on its own (createGraph defaults to true)', () => {
    const x = tensor([0.3, -1.2], { dtype: 'float64', requiresGrad: true });
    const g1 = grad((y: Tensor) => y.sigmoid().sum())(x);
    assert.equal(g1.requiresGrad, true);
    const plain = grad((y: Tensor) => y.sigmoid().sum())(x.detach());
    assert.equal(plain.requiresGrad, false);
  });
});

// issue 17: math ops
function mathUnaryPrimitive(op: 'floor' | 'ceil' | 'round' | 'trunc' | 'expm1' | 'log2' | 'tan' | 'atan' | 'asin' | 'acos' | 'sinh' | 'cosh', draw: (g: Generator, shape: readonly number[]) => Tensor): Case[] {
  return [[2, 3], [], [1, 4, 1]].map((shape) => ({ name: `[${shape.join(',')}]`, fn: (x: Tensor) => apply(PRIMITIVES[op], [x], {}), inputs: (g: Generator) => [draw(g, shape)] }));
}

/** Values whose fractional part is in [0.25, 0.75]: floor, ceil and trunc are flat around them. */
function offIntegers(g: Generator, shape: readonly number[]): Tensor {
  return mapValues(normal(g, shape).mul(2), (v) => Math.floor(v) + 0.25 + 0.5 * (v - Math.floor(v)));
}

/** Values within 0.25 of an integer: round is flat around them. */
function offHalfIntegers(g: Generator, shape: readonly number[]): Tensor {
  return mapValues(normal(g, shape).mul(2), (v) => Math.round(v) + 0.5 * (v - Math.round(v)));
}

/** y kept 0.3 from 0, so no pair sits at the origin or on the cut along the negative x axis. */
function drawAtan2(g: Generator, yShape: readonly number[], xShape: readonly number[]): [Tensor, Tensor] {
  return [awayFrom(g, yShape, [0], 0.3), normal(g, xShape)];
}
