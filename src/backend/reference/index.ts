/**
 * The reference backend: the living definition of every primitive, written as plain loops
 * over multi-indices in float64 (JS numbers), with no attention to speed. Other backends
 * are tested against it by the conformance suite.
 */
import type { Backend, KernelArgs, Kernels } from '../backend.js';
import { allocArray, type TypedArray } from '../../tensor/dtype.js';
import { broadcastStrides, shapeSize, stridesOf, type Shape } from '../../tensor/shape.js';
import { erfImpl } from '../../math/erf.js';
import type { PrimitiveName } from '../../ops/primitives/types.js';
import { conv2dInputGradReference, conv2dReference, conv2dWeightGradReference } from './conv.js';
// pooling
import { maxGradReference, maxPool2dIndicesReference, windowMeanAdjointReference, windowMeanReference } from './pool.js';
// issue 17: index ops
import { argsortReference, cumsumReference, linearScanReference } from './scan.js';

/** Calls fn(index, flat) for every multi-index of `shape` in row-major order. */
function forEachIndex(shape: Shape, fn: (index: number[], flat: number) => void): void {
  const n = shapeSize(shape);
  const index = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < n; flat++) {
    fn(index, flat);
    for (let d = shape.length - 1; d >= 0; d--) {
      index[d] = (index[d] ?? 0) + 1;
      if ((index[d] ?? 0) < (shape[d] ?? 1)) break;
      index[d] = 0;
    }
  }
}

function dot(index: readonly number[], strides: readonly number[]): number {
  let off = 0;
  for (let i = 0; i < index.length; i++) off += (index[i] ?? 0) * (strides[i] ?? 0);
  return off;
}

function get(array: TypedArray, i: number): number {
  return array[i] ?? 0;
}

function unary(fn: (x: number) => number) {
  return <P extends PrimitiveName>({ inputs, out }: KernelArgs<P>): void => {
    const x = inputs[0] as TypedArray;
    for (let i = 0; i < out.length; i++) out[i] = fn(get(x, i));
  };
}

function nary(fn: (...xs: number[]) => number) {
  return <P extends PrimitiveName>({ inputs, shapes, out, outShape }: KernelArgs<P>): void => {
    const strides = shapes.map((s) => broadcastStrides(s, outShape));
    forEachIndex(outShape, (index, flat) => {
      out[flat] = fn(...inputs.map((x, k) => get(x, dot(index, strides[k] ?? []))));
    });
  };
}

function reduce(init: number, combine: (acc: number, x: number) => number) {
  return ({ inputs, shapes, out, params }: Pick<KernelArgs<'sum'>, 'inputs' | 'shapes' | 'out' | 'params'>): void => {
    const x = inputs[0] as TypedArray;
    const shape = shapes[0] as Shape;
    const keptShape = shape.map((d, i) => (params.axes.includes(i) ? 1 : d));
    const outStrides = stridesOf(keptShape).map((s, i) => (params.axes.includes(i) ? 0 : s));
    // Accumulate in float64 whatever the dtype, then store once: an int32 out cannot hold the
    // −Infinity that starts a max, and a float32 out would round every partial sum.
    const acc = new Float64Array(out.length).fill(init);
    forEachIndex(shape, (index, flat) => {
      const o = dot(index, outStrides);
      acc[o] = combine(acc[o] ?? init, get(x, flat));
    });
    out.set(acc);
  };
}

function argReduce(better: (candidate: number, best: number) => boolean) {
  return ({ inputs, shapes, out, params }: Pick<KernelArgs<'argmax'>, 'inputs' | 'shapes' | 'out' | 'params'>): void => {
    const x = inputs[0] as TypedArray;
    const shape = shapes[0] as Shape;
    const keptShape = shape.map((d, i) => (i === params.axis ? 1 : d));
    const outStrides = stridesOf(keptShape).map((s, i) => (i === params.axis ? 0 : s));
    const best = new Float64Array(out.length).fill(NaN);
    out.fill(-1);
    forEachIndex(shape, (index, flat) => {
      const o = dot(index, outStrides);
      const v = get(x, flat);
      const b = best[o] ?? NaN;
      // NOTE: the first NaN wins (it is "larger" than everything, as in NumPy); ties keep the first index.
      if (Number.isNaN(b) && get(out, o) !== -1) return;
      if (get(out, o) === -1 || Number.isNaN(v) || better(v, b)) {
        best[o] = v;
        out[o] = index[params.axis] ?? 0;
      }
    });
  };
}

function maximumImpl(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.max(a, b);
}

function minimumImpl(a: number, b: number): number {
  return Number.isNaN(a) || Number.isNaN(b) ? NaN : Math.min(a, b);
}

function sliceOffsets(shape: Shape, params: { starts: readonly number[]; steps: readonly number[]; sizes: readonly number[] }) {
  const strides = stridesOf(shape);
  return (index: readonly number[]): number => {
    let off = 0;
    for (let d = 0; d < index.length; d++) {
      off += ((params.starts[d] ?? 0) + (index[d] ?? 0) * (params.steps[d] ?? 1)) * (strides[d] ?? 0);
    }
    return off;
  };
}

export const referenceKernels: Kernels = {
  neg: unary((x) => -x),
  exp: unary(Math.exp),
  log: unary(Math.log),
  log1p: unary(Math.log1p),
  sqrt: unary(Math.sqrt),
  abs: unary(Math.abs),
  sign: unary((x) => (Number.isNaN(x) ? NaN : x > 0 ? 1 : x < 0 ? -1 : 0)),
  sin: unary(Math.sin),
  cos: unary(Math.cos),
  tanh: unary(Math.tanh),
  sigmoid: unary((x) => (x >= 0 ? 1 / (1 + Math.exp(-x)) : Math.exp(x) / (1 + Math.exp(x)))),
  relu: unary((x) => (x > 0 ? x : Number.isNaN(x) ? NaN : 0)),
  erf: unary(erfImpl),
  cast: ({ inputs, out }) => {
    const x = inputs[0] as TypedArray;
    const toBool = out instanceof Uint8Array;
    const toInt = out instanceof Int32Array;
    for (let i = 0; i < out.length; i++) {
      const v = get(x, i);
      out[i] = toBool ? (v !== 0 ? 1 : 0) : toInt ? Math.trunc(v) : v;
    }
  },
  add: nary((a, b) => (a ?? 0) + (b ?? 0)),
  sub: nary((a, b) => (a ?? 0) - (b ?? 0)),
  mul: nary((a, b) => (a ?? 0) * (b ?? 0)),
  sigmoidGrad: nary((g, s) => (g ?? 0) * ((s ?? 0) * (1 - (s ?? 0)))),
  tanhGrad: nary((g, t) => (g ?? 0) * (1 - (t ?? 0) * (t ?? 0))),
  reluGrad: nary((g, x) => ((x ?? 0) > 0 ? (g ?? 0) : 0)),
  logSoftmax: ({ inputs, shapes, out, params }) => {
    // The definition: per slice along the axis, x − m − log Σ exp(x − m), m the slice's max.
    const x = inputs[0] as TypedArray;
    const shape = shapes[0] as Shape;
    const strides = stridesOf(shape);
    const n = shape[params.axis] ?? 1;
    const step = strides[params.axis] ?? 1;
    const sliceShape = shape.map((d, i) => (i === params.axis ? 1 : d));
    forEachIndex(sliceShape, (index) => {
      const base = dot(index, strides);
      const values: number[] = [];
      for (let j = 0; j < n; j++) values.push(get(x, base + j * step));
      // A loop, not Math.max(...values): spreading a long slice overflows the stack.
      let m = -Infinity;
      for (let j = 0; j < n; j++) m = Math.max(m, values[j]!);
      const lse = m + Math.log(values.reduce((s, v) => s + Math.exp(v - m), 0));
      values.forEach((v, j) => {
        out[base + j * step] = v - lse;
      });
    });
  },
  div: nary((a, b) => (a ?? 0) / (b ?? 0)),
  pow: nary((a, b) => Math.pow(a ?? 0, b ?? 0)),
  maximum: nary((a, b) => maximumImpl(a ?? 0, b ?? 0)),
  minimum: nary((a, b) => minimumImpl(a ?? 0, b ?? 0)),
  eq: nary((a, b) => (a === b ? 1 : 0)),
  ne: nary((a, b) => (a !== b ? 1 : 0)),
  lt: nary((a, b) => ((a ?? 0) < (b ?? 0) ? 1 : 0)),
  le: nary((a, b) => ((a ?? 0) <= (b ?? 0) ? 1 : 0)),
  gt: nary((a, b) => ((a ?? 0) > (b ?? 0) ? 1 : 0)),
  ge: nary((a, b) => ((a ?? 0) >= (b ?? 0) ? 1 : 0)),
  where: nary((c, a, b) => (c !== 0 ? (a ?? 0) : (b ?? 0))),
  sum: reduce(0, (acc, x) => acc + x),
  max: reduce(-Infinity, maximumImpl),
  argmax: argReduce((v, best) => v > best),
  argmin: argReduce((v, best) => v < best),
  matmul: ({ inputs, shapes, out, outShape, params }) => {
    const a = inputs[0] as TypedArray;
    const b = inputs[1] as TypedArray;
    const aShape = shapes[0] as Shape;
    const bShape = shapes[1] as Shape;
    const ta = params.transposeA === true;
    const tb = params.transposeB === true;
    const r = outShape.length;
    const k = aShape[aShape.length - (ta ? 2 : 1)] ?? 1;
    const batchShape = outShape.slice(0, r - 2);
    const aBatch = broadcastStrides(aShape.slice(0, -2), batchShape);
    const bBatch = broadcastStrides(bShape.slice(0, -2), batchShape);
    const m = outShape[r - 2] ?? 1;
    const n = outShape[r - 1] ?? 1;
    const aMat = m * k;
    const bMat = k * n;
    forEachIndex(batchShape, (index, batch) => {
      const aOff = dot(index, aBatch) * aMat;
      const bOff = dot(index, bBatch) * bMat;
      for (let i = 0; i < m; i++) {
        for (let j = 0; j < n; j++) {
          let acc = 0;
          for (let p = 0; p < k; p++) acc += get(a, aOff + (ta ? p * m + i : i * k + p)) * get(b, bOff + (tb ? j * k + p : p * n + j));
          out[batch * m * n + i * n + j] = acc;
        }
      }
    });
  },
  linear: ({ inputs, shapes, out, outShape }) => {
    const x = inputs[0] as TypedArray;
    const w = inputs[1] as TypedArray;
    const b = inputs[2] as TypedArray;
    const k = (shapes[0] as Shape)[1] ?? 0;
    const m = outShape[0] ?? 0;
    const n = outShape[1] ?? 0;
    for (let i = 0; i < m; i++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let p = 0; p < k; p++) acc += get(x, i * k + p) * get(w, j * k + p);
        // The product, rounded to the output's dtype, then the bias: a product and an add.
        const t = out instanceof Float32Array ? Math.fround(acc) : acc;
        out[i * n + j] = t + get(b, j);
      }
    }
  },
  reshape: ({ inputs, out }) => {
    out.set(inputs[0] as TypedArray);
  },
  permute: ({ inputs, shapes, out, params }) => {
    const x = inputs[0] as TypedArray;
    const inStrides = stridesOf(shapes[0] as Shape);
    const strides = params.axes.map((a) => inStrides[a] ?? 0);
    const outShape = params.axes.map((a) => (shapes[0] as Shape)[a] ?? 1);
    forEachIndex(outShape, (index, flat) => {
      out[flat] = get(x, dot(index, strides));
    });
  },
  expand: nary((x) => x ?? 0),
  slice: ({ inputs, shapes, out, outShape, params }) => {
    const x = inputs[0] as TypedArray;
    const offset = sliceOffsets(shapes[0] as Shape, params);
    forEachIndex(outShape, (index, flat) => {
      out[flat] = get(x, offset(index));
    });
  },
  sliceScatter: ({ inputs, shapes, out, outShape, params }) => {
    const src = inputs[0] as TypedArray;
    const offset = sliceOffsets(outShape, params);
    out.fill(0);
    forEachIndex(shapes[0] as Shape, (index, flat) => {
      out[offset(index)] = get(src, flat);
    });
  },
  concat: ({ inputs, shapes, out, outShape, params }) => {
    const outStrides = stridesOf(outShape);
    let start = 0;
    inputs.forEach((x, k) => {
      const shape = shapes[k] as Shape;
      forEachIndex(shape, (index, flat) => {
        out[dot(index, outStrides) + start * (outStrides[params.axis] ?? 0)] = get(x, flat);
      });
      start += shape[params.axis] ?? 0;
    });
  },
  gather: ({ inputs, shapes, out, outShape, params }) => {
    const x = inputs[0] as TypedArray;
    const index = inputs[1] as TypedArray;
    const xStrides = stridesOf(shapes[0] as Shape);
    forEachIndex(outShape, (idx, flat) => {
      const at = idx.slice();
      at[params.axis] = get(index, flat);
      out[flat] = get(x, dot(at, xStrides));
    });
  },
  scatterAdd: ({ inputs, shapes, out, outShape, params }) => {
    const src = inputs[0] as TypedArray;
    const index = inputs[1] as TypedArray;
    const outStrides = stridesOf(outShape);
    out.fill(0);
    forEachIndex(shapes[1] as Shape, (idx, flat) => {
      const at = idx.slice();
      at[params.axis] = get(index, flat);
      const o = dot(at, outStrides);
      out[o] = get(out, o) + get(src, flat);
    });
  },
  // convolution
  conv2d: conv2dReference,
  conv2dInputGrad: conv2dInputGradReference,
  conv2dWeightGrad: conv2dWeightGradReference,
  // pooling
  maxGrad: maxGradReference,
  maxPool2dIndices: maxPool2dIndicesReference,
  windowMean: windowMeanReference,
  windowMeanAdjoint: windowMeanAdjointReference,
  // issue 17: math ops
  floor: unary(Math.floor),
  ceil: unary(Math.ceil),
  round: unary(roundHalfEven),
  trunc: unary(Math.trunc),
  expm1: unary(Math.expm1),
  log2: unary(Math.log2),
  tan: unary(Math.tan),
  atan: unary(Math.atan),
  asin: unary(Math.asin),
  acos: unary(Math.acos),
  sinh: unary(Math.sinh),
  cosh: unary(Math.cosh),
  atan2: nary((y, x) => Math.atan2(y ?? 0, x ?? 0)),
  // issue 17: index ops
  argsort: argsortReference,
  cumsum: cumsumReference,
  linearScan: linearScanReference,
};

// issue 17: math ops
/** The nearest integer, ties to the even one, keeping the sign of a zero result (C's nearbyint, as torch.round). */
function roundHalfEven(x: number): number {
  const f = Math.floor(x);
  const d = x - f;
  const r = d < 0.5 ? f : d > 0.5 ? f + 1 : f % 2 === 0 ? f : f + 1;
  return r === 0 && (x < 0 || Object.is(x, -0)) ? -0 : r;
}

export const referenceBackend: Backend = {
  name: 'reference',
  kernels: referenceKernels,
  allocate: allocArray,
};
