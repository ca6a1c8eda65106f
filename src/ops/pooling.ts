/**
 * Pooling over the spatial axes of NCHW batches, as PyTorch's functional pooling. Max pooling is
 * a non-differentiable primitive finding each window's argmax, then a gather of those elements:
 * its gradient is gather's (a scatter-add sending each δ to its window's maximum) and gradients of
 * gradients come with it. Average pooling is linear: a windowMean primitive (each window's sum
 * over its divisor) whose gradient is its adjoint, windowMeanAdjoint, and back again, so every
 * order of derivative is exact. adaptiveAvgPool2d is the same primitive with its own windows. The
 * 1-d ops are the 2-d ones with H = 1.
 */
import { apply } from '../autograd/engine.js';
import { maxPool2dIndicesDef } from './primitives/maxPool2dIndices.js';
import type { WindowMeanParams } from './primitives/types.js';
import { windowMeanAdjointDef, windowMeanDef } from './primitives/windowMean.js';
import { ValueError } from '../errors.js';
import { toFloating } from '../tensor/dtype.js';
import type { Tensor } from '../tensor/tensor.js';
import { cast } from './elementwise.js';
import { gatherRaw } from './indexing.js';
import { reshape } from './shape.js';
import { batched, boolArg, optionsOf, poolAxes, sizeArg, type AvgPoolOptions, type MaxPoolOptions, type PoolAxis, type PoolSize } from './poolArgs.js';
import { annotatePool2d } from './poolAnnotate.js';

export type { AvgPoolOptions, MaxPoolOptions, PoolSize } from './poolArgs.js';

const MAX_KEYS = ['stride', 'padding', 'dilation', 'ceilMode'] as const;
const AVG1_KEYS = ['stride', 'padding', 'ceilMode', 'countIncludePad'] as const;
const AVG2_KEYS = [...AVG1_KEYS, 'divisorOverride'] as const;

/** The height axis of a 1-d op seen as 2-d: one row, a one-row window. */
const ROW: PoolAxis = { size: 1, kernel: 1, stride: 1, padding: 0, dilation: 1, out: 1 };

function geometry(op: string, x: Tensor, kernelSize: unknown, o: Readonly<Record<string, unknown>>, spatial: 1 | 2, dilated: boolean, taps: boolean): PoolAxis[] {
  const kernel = sizeArg(op, 'kernelSize', kernelSize, spatial, 1);
  const stride = o['stride'] === undefined || o['stride'] === null ? kernel : sizeArg(op, 'stride', o['stride'], spatial, 1);
  const padding = sizeArg(op, 'padding', o['padding'] ?? 0, spatial, 0);
  const dilation = dilated ? sizeArg(op, 'dilation', o['dilation'] ?? 1, spatial, 1) : new Array<number>(spatial).fill(1);
  return poolAxes(op, x.shape, kernel, stride, padding, dilation, boolArg(op, 'ceilMode', o['ceilMode'], false), taps);
}

function maxPool(op: string, x: Tensor, kernelSize: unknown, options: unknown, spatial: 1 | 2): Tensor {
  const o = optionsOf(op, options, MAX_KEYS);
  const b = batched(op, x, spatial);
  const axes = geometry(op, b.x, kernelSize, o, spatial, true, true);
  const [n, c] = [b.x.shape[0]!, b.x.shape[1]!];
  const [ah, aw] = spatial === 1 ? [ROW, axes[0]!] : [axes[0]!, axes[1]!];
  const x4 = spatial === 1 ? reshape(b.x, [n, c, 1, aw.size]) : b.x;
  const index = apply(maxPool2dIndicesDef, [x4], {
    kernelSize: [ah.kernel, aw.kernel],
    stride: [ah.stride, aw.stride],
    padding: [ah.padding, aw.padding],
    dilation: [ah.dilation, aw.dilation],
    outSize: [ah.out, aw.out],
  });
  // The indices are in range by construction: gather without re-checking them.
  const y = gatherRaw(reshape(x4, [n * c, ah.size * aw.size]), 1, reshape(index, [n * c, ah.out * aw.out]));
  const out = reshape(y, [...(b.unbatched ? [] : [n]), c, ...axes.map((a) => a.out)]);
  if (spatial === 1) return out;
  const pair = (f: (a: PoolAxis) => number) => [f(ah), f(aw)] as const;
  const where = { kind: 'max', kernel: pair((a) => a.kernel), stride: pair((a) => a.stride), padding: pair((a) => a.padding), dilation: pair((a) => a.dilation), index } as const;
  return annotatePool2d(out, x, where, (xs) => maxPool(op, xs[0]!, kernelSize, options, 2));
}

/**
 * 2-d max pooling of x (N, C, H, W) or (C, H, W), as PyTorch's `max_pool2d`: each output is the
 * largest element of its window (padding counts as −∞). The gradient goes to the window's first
 * maximum (docs/gradients.md); a window holding NaN gives NaN.
 * @example maxPool2d(arange(16).reshape([1, 1, 4, 4]), 2).toArray() // [[[[5, 7], [13, 15]]]]
 */
export function maxPool2d(x: Tensor, kernelSize: PoolSize, options?: MaxPoolOptions): Tensor {
  return maxPool('maxPool2d', x, kernelSize, options, 2);
}

/**
 * 1-d max pooling of x (N, C, L) or (C, L), as PyTorch's `max_pool1d`.
 * @example maxPool1d(tensor([[1, 3, 2, 5, 4]]), 2, { ceilMode: true }).toArray() // [[3, 5, 4]]
 */
export function maxPool1d(x: Tensor, kernelSize: number | readonly [number], options?: MaxPoolOptions): Tensor {
  return maxPool('maxPool1d', x, kernelSize, options, 1);
}

/** A window's input range [lo, hi) along one axis and the count it is divided by. */
interface Window {
  readonly lo: number;
  readonly hi: number;
  readonly count: number;
}

/** avg_pool's windows: the padded end caps the count with padding; without countIncludePad only input elements count. */
function avgWindows(a: PoolAxis, countIncludePad: boolean): Window[] {
  return Array.from({ length: a.out }, (_, o) => {
    const start = o * a.stride - a.padding;
    const end = Math.min(start + a.kernel, a.size + a.padding);
    const lo = Math.max(start, 0);
    const hi = Math.min(end, a.size);
    return { lo, hi, count: countIncludePad ? end - start : hi - lo };
  });
}

/** adaptive_avg_pool's windows: output o averages ⌊o·in/out⌋ ≤ i < ⌈(o + 1)·in/out⌉. */
function adaptiveWindows(size: number, out: number): Window[] {
  return Array.from({ length: out }, (_, o) => {
    const lo = Math.floor((o * size) / out);
    const hi = Math.ceil(((o + 1) * size) / out);
    return { lo, hi, count: hi - lo };
  });
}

/** @internal Average pooling's forward step over x [N, C, H, W] (floating): each window's sum over its divisor. */
export function windowMean(x: Tensor, params: WindowMeanParams): Tensor {
  return apply(windowMeanDef, [x], params);
}

/** @internal Its adjoint (and gradient): each g over its divisor, spread over its window. */
export function windowMeanAdjoint(g: Tensor, params: WindowMeanParams): Tensor {
  return apply(windowMeanAdjointDef, [g], params);
}

/**
 * The windows' means of x [N, C, …spatial] (floating), one list of windows per spatial axis, each
 * divided by `divisor` or by the product of its axes' counts; 1-d input is one row of a 2-d plane.
 */
function windowMeans(x: Tensor, windows: readonly (readonly Window[])[], divisor: number | null, unbatched: boolean): { y: Tensor; params: WindowMeanParams } {
  const [n, c] = [x.shape[0]!, x.shape[1]!];
  const [rows, cols] = windows.length === 1 ? [[{ lo: 0, hi: 1, count: 1 }], windows[0]!] : [windows[0]!, windows[1]!];
  const sizes = x.shape.slice(2);
  const x4 = sizes.length === 1 ? reshape(x, [n, c, 1, sizes[0]!]) : x;
  const params: WindowMeanParams = {
    rowLo: rows.map((w) => w.lo),
    rowHi: rows.map((w) => w.hi),
    colLo: cols.map((w) => w.lo),
    colHi: cols.map((w) => w.hi),
    rowCount: rows.map((w) => w.count),
    colCount: cols.map((w) => w.count),
    divisor,
    inSize: [x4.shape[2]!, x4.shape[3]!],
  };
  const y = windowMean(x4, params);
  const outs = windows.map((w) => w.length);
  return { y: sizes.length === 1 || unbatched ? reshape(y, [...(unbatched ? [] : [n]), c, ...outs]) : y, params };
}

function avgPool(op: string, x: Tensor, kernelSize: unknown, options: unknown, spatial: 1 | 2): Tensor {
  const o = optionsOf(op, options, spatial === 2 ? AVG2_KEYS : AVG1_KEYS);
  const b = batched(op, x, spatial);
  const xf = cast(b.x, toFloating(b.x.dtype));
  const axes = geometry(op, xf, kernelSize, o, spatial, false, false);
  const countIncludePad = boolArg(op, 'countIncludePad', o['countIncludePad'], true);
  const d = o['divisorOverride'];
  if (d !== undefined && d !== null && !(typeof d === 'number' && Number.isInteger(d) && d > 0)) {
    throw new ValueError(`${op}: divisorOverride must be a positive integer or null, got ${JSON.stringify(d) ?? String(d)}`);
  }
  const { y, params } = windowMeans(xf, axes.map((a) => avgWindows(a, countIncludePad)), typeof d === 'number' ? d : null, b.unbatched);
  if (spatial === 1) return y;
  const pair = (f: (a: PoolAxis) => number) => [f(axes[0]!), f(axes[1]!)] as const;
  return annotatePool2d(y, x, { kind: 'avg', windows: params, kernel: pair((a) => a.kernel), stride: pair((a) => a.stride), padding: pair((a) => a.padding) }, (xs) => avgPool(op, xs[0]!, kernelSize, options, 2));
}

/**
 * 2-d average pooling of x (N, C, H, W) or (C, H, W), as PyTorch's `avg_pool2d`: each output is
 * its window's sum divided by the window's size (with countIncludePad, padding zeros included), or
 * by divisorOverride. int32 input gives float32.
 * @example avgPool2d(arange(16).reshape([1, 1, 4, 4]), 2).toArray() // [[[[2.5, 4.5], [10.5, 12.5]]]]
 */
export function avgPool2d(x: Tensor, kernelSize: PoolSize, options?: AvgPoolOptions): Tensor {
  return avgPool('avgPool2d', x, kernelSize, options, 2);
}

/**
 * 1-d average pooling of x (N, C, L) or (C, L), as PyTorch's `avg_pool1d`.
 * @example avgPool1d(tensor([[1, 3, 2, 5]]), 3, { stride: 1, padding: 1 }).toArray() // [[1.3333, 2, 3.3333, 2.3333]]
 */
export function avgPool1d(x: Tensor, kernelSize: number | readonly [number], options?: Omit<AvgPoolOptions, 'divisorOverride'>): Tensor {
  return avgPool('avgPool1d', x, kernelSize, options, 1);
}

/**
 * Average pooling to a fixed output size (PyTorch's `adaptive_avg_pool2d`): output (i, j) averages
 * rows ⌊i·H/oH⌋ to ⌈(i+1)·H/oH⌉ − 1 and likewise columns. `outputSize` is a number, or a pair
 * where null keeps that axis's size.
 * @example adaptiveAvgPool2d(ones([2, 3, 5, 7]), 1).shape // [2, 3, 1, 1]
 */
export function adaptiveAvgPool2d(x: Tensor, outputSize: number | readonly [number | null, number | null]): Tensor {
  const op = 'adaptiveAvgPool2d';
  const b = batched(op, x, 2);
  const sizes = b.x.shape.slice(2);
  const wanted = typeof outputSize === 'number' ? [outputSize, outputSize] : Array.isArray(outputSize) && outputSize.length === 2 ? outputSize : null;
  const outs = wanted?.map((v, d) => (v === null ? sizes[d] : v));
  if (outs === undefined || !outs.every((v): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 1)) {
    throw new ValueError(`${op}: outputSize must be a positive integer or a pair of positive integers (null keeps that size), got ${JSON.stringify(outputSize) ?? String(outputSize)}`);
  }
  const xf = cast(b.x, toFloating(b.x.dtype));
  const { y, params } = windowMeans(xf, outs.map((o, d) => adaptiveWindows(sizes[d]!, o)), null, b.unbatched);
  return annotatePool2d(y, x, { kind: 'adaptive', windows: params, kernel: null, stride: null, padding: null }, (xs) => adaptiveAvgPool2d(xs[0]!, outputSize));
}
