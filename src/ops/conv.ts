/**
 * Convolutions, as PyTorch's functional ones (NCHW): conv1d, conv2d, convTranspose1d,
 * convTranspose2d. Each normalises its options into the primitives' ConvParams and adds the bias;
 * 1-d convolutions are 2-d ones with a height of 1, unbatched inputs gain a batch of 1.
 */
import { apply } from '../autograd/engine.js';
import { ShapeError, ValueError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { add } from './elementwise.js';
import { annotateConv2d } from './convAnnotate.js';
import { conv2dDef } from './primitives/conv2d.js';
import { conv2dInputGradDef } from './primitives/conv2dInputGrad.js';
import { conv2dWeightGradDef } from './primitives/conv2dWeightGrad.js';
import type { ConvParams, PrimitiveParams } from './primitives/types.js';
import { reshape, squeeze, unsqueeze } from './shape.js';

/** A size for each spatial axis: one number for all, or one per axis (PyTorch's int or tuple). */
export type SpatialSize = number | readonly number[];

export interface ConvOptions {
  /** Step between windows (default 1). */
  readonly stride?: SpatialSize;
  /** Zeros added on both sides of each axis (default 0); 'same' keeps the size (stride 1 only; an even kernel pads one more after), 'valid' adds none. */
  readonly padding?: SpatialSize | 'same' | 'valid';
  /** Spacing between kernel taps (default 1). */
  readonly dilation?: SpatialSize;
  /** Input and output channels split into this many independent groups (default 1; groups = channels is a depthwise convolution). */
  readonly groups?: number;
}

export interface ConvTransposeOptions {
  readonly stride?: SpatialSize;
  /** The padding of the convolution this transposes: that many rows/columns are cut from each side of the output (default 0). */
  readonly padding?: SpatialSize;
  /** Extra rows/columns on the bottom/right of the output, to pick among the sizes a strided convolution maps to one (default 0; less than the stride or the dilation). */
  readonly outputPadding?: SpatialSize;
  readonly groups?: number;
  readonly dilation?: SpatialSize;
}

/** The conv primitives without option parsing: what the gradient rules call. */
export function conv2dRaw(x: Tensor, w: Tensor, params: PrimitiveParams['conv2d']): Tensor {
  return apply(conv2dDef, [x, w], params);
}
export function conv2dInputGradRaw(d: Tensor, w: Tensor, params: PrimitiveParams['conv2dInputGrad']): Tensor {
  return apply(conv2dInputGradDef, [d, w], params);
}
export function conv2dWeightGradRaw(x: Tensor, d: Tensor, params: PrimitiveParams['conv2dWeightGrad']): Tensor {
  return apply(conv2dWeightGradDef, [x, d], params);
}

function sizes(op: string, name: string, v: SpatialSize | undefined, dims: number, fallback: number, min: number): number[] {
  const list = v === undefined ? new Array<number>(dims).fill(fallback) : typeof v === 'number' ? new Array<number>(dims).fill(v) : [...v];
  if (list.length !== dims || list.some((n) => !Number.isInteger(n) || n < min)) {
    throw new ValueError(`${op}: ${name} must be ${min === 0 ? 'a non-negative' : 'a positive'} integer or ${dims === 1 ? 'a list of one' : `a list of ${dims}`}, got ${JSON.stringify(v)}`);
  }
  return list;
}

function groupsOf(op: string, g: number | undefined): number {
  const groups = g ?? 1;
  if (!Number.isInteger(groups) || groups < 1) throw new ValueError(`${op}: groups must be a positive integer, got ${JSON.stringify(g)}`);
  return groups;
}

/** ConvParams for a 2-d convolution with a kernel of kh × kw; `dims` 1 reads the options as 1-d (height 1). */
function convParams(op: string, options: ConvOptions, kh: number, kw: number, dims: 1 | 2): ConvParams {
  const widen = (l: number[], one: number): [number, number] => (dims === 1 ? [one, l[0]!] : [l[0]!, l[1]!]);
  const stride = widen(sizes(op, 'stride', options.stride, dims, 1, 1), 1);
  const dilation = widen(sizes(op, 'dilation', options.dilation, dims, 1, 1), 1);
  const groups = groupsOf(op, options.groups);
  const pad = options.padding ?? 0;
  let padding: [number, number, number, number];
  if (pad === 'same') {
    if (stride[0] !== 1 || stride[1] !== 1) throw new ValueError(`${op}: padding 'same' is not supported for strided convolutions (stride ${JSON.stringify(options.stride)}), as in PyTorch`);
    // Total d·(k − 1); an odd total puts the extra zero after, as PyTorch does.
    const th = dilation[0] * (kh - 1);
    const tw = dilation[1] * (kw - 1);
    padding = [Math.floor(th / 2), th - Math.floor(th / 2), Math.floor(tw / 2), tw - Math.floor(tw / 2)];
  } else if (pad === 'valid') {
    padding = [0, 0, 0, 0];
  } else if (typeof pad === 'string') {
    throw new ValueError(`${op}: padding must be a number, a list, 'same' or 'valid', got ${JSON.stringify(pad)}`);
  } else {
    const [ph, pw] = widen(sizes(op, 'padding', pad, dims, 0, 0), 0);
    padding = [ph, ph, pw, pw];
  }
  return { stride, padding, dilation, groups };
}

/** @internal Validates a layer's options at construction (the functional op checks them again on each call). */
export function checkConvOptions(op: string, options: ConvOptions & { readonly outputPadding?: SpatialSize }, kernel: readonly number[], dims: 1 | 2, transposed: boolean): void {
  const [kh, kw] = dims === 1 ? [1, kernel[0]!] : [kernel[0]!, kernel[1]!];
  if (!transposed) {
    convParams(op, options, kh, kw, dims);
    return;
  }
  const { padding, ...others } = options;
  if (typeof padding === 'string') throw new ValueError(`${op}: padding must be a number or a list (not '${padding}')`);
  transposeParams(op, padding === undefined ? others : { ...others, padding }, dims);
}

/** Adds a batch axis to an unbatched input (rank `rank` − 1), or checks the rank. */
function batched(op: string, x: Tensor, rank: number, layout: string): { x: Tensor; unbatched: boolean } {
  if (x.ndim === rank) return { x, unbatched: false };
  if (x.ndim === rank - 1) return { x: unsqueeze(x, 0), unbatched: true };
  throw new ShapeError(`${op}: expected a ${rank - 1}-d or ${rank}-d input ${layout}, got shape ${formatShape(x.shape)}`);
}

function weightRank(op: string, w: Tensor, rank: number, layout: string): void {
  if (w.ndim !== rank) throw new ShapeError(`${op}: expected a ${rank}-d weight ${layout}, got shape ${formatShape(w.shape)}`);
}

function withBias(op: string, y: Tensor, bias: Tensor | null | undefined, dims: number): Tensor {
  if (bias === null || bias === undefined) return y;
  const channels = y.shape[1]!;
  if (bias.ndim !== 1 || bias.shape[0] !== channels) throw new ShapeError(`${op}: expected a bias of shape [${channels}] (one per output channel), got ${formatShape(bias.shape)}`);
  return add(y, reshape(bias, dims === 2 ? [1, channels, 1, 1] : [1, channels, 1]));
}

/**
 * 2-d convolution (cross-correlation, as PyTorch's F.conv2d): input [N, C, H, W] (or [C, H, W]),
 * weight [out, C/groups, kH, kW], optional bias [out] → [N, out, OH, OW].
 * @example conv2d(ones([1, 1, 4, 4]), ones([2, 1, 3, 3]), null, { padding: 1 }).shape // [1, 2, 4, 4]
 */
export function conv2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  const { x, unbatched } = batched('conv2d', input, 4, '(N, C, H, W)');
  weightRank('conv2d', weight, 4, '(out, in/groups, kH, kW)');
  const y = withBias('conv2d', conv2dRaw(x, weight, convParams('conv2d', options, weight.shape[2]!, weight.shape[3]!, 2)), bias, 2);
  const step = annotateConv2d(y, x, weight, bias ?? null, (xs) => conv2d(xs[0]!, xs[1]!, xs[2] ?? null, options));
  return unbatched ? squeeze(step, 0) : step;
}

/**
 * 1-d convolution, as PyTorch's F.conv1d: input [N, C, L] (or [C, L]), weight [out, C/groups, k],
 * optional bias [out] → [N, out, OL].
 * @example conv1d(ones([1, 2, 5]), ones([3, 2, 2])).shape // [1, 3, 4]
 */
export function conv1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvOptions = {}): Tensor {
  const { x, unbatched } = batched('conv1d', input, 3, '(N, C, L)');
  weightRank('conv1d', weight, 3, '(out, in/groups, k)');
  const params = convParams('conv1d', options, 1, weight.shape[2]!, 1);
  const y = conv2dRaw(unsqueeze(x, 2), unsqueeze(weight, 2), params);
  const out = withBias('conv1d', squeeze(y, 2), bias, 1);
  return unbatched ? squeeze(out, 0) : out;
}

/** The output size of a transposed convolution along one axis, as PyTorch. */
function transposedSize(size: number, kernel: number, stride: number, padding: number, dilation: number, outputPadding: number): number {
  return (size - 1) * stride - 2 * padding + dilation * (kernel - 1) + outputPadding + 1;
}

function transposeParams(op: string, options: ConvTransposeOptions, dims: 1 | 2): { conv: ConvParams; outputPadding: [number, number] } {
  const widen = (l: number[], one: number): [number, number] => (dims === 1 ? [one, l[0]!] : [l[0]!, l[1]!]);
  const stride = widen(sizes(op, 'stride', options.stride, dims, 1, 1), 1);
  const dilation = widen(sizes(op, 'dilation', options.dilation, dims, 1, 1), 1);
  const [ph, pw] = widen(sizes(op, 'padding', options.padding, dims, 0, 0), 0);
  const outputPadding = widen(sizes(op, 'outputPadding', options.outputPadding, dims, 0, 0), 0);
  for (let a = 0; a < 2; a++) {
    if (outputPadding[a]! >= Math.max(stride[a]!, dilation[a]!)) {
      throw new ValueError(`${op}: outputPadding ${JSON.stringify(options.outputPadding)} must be smaller than either the stride or the dilation, as in PyTorch`);
    }
  }
  return { conv: { stride, padding: [ph, ph, pw, pw], dilation, groups: groupsOf(op, options.groups) }, outputPadding };
}

function convTransposeCore(op: string, x: Tensor, weight: Tensor, conv: ConvParams, outputPadding: readonly [number, number]): Tensor {
  if (weight.shape[0] !== x.shape[1]) throw new ShapeError(`${op}: the weight ${formatShape(weight.shape)} expects ${weight.shape[0]} input channels, the input ${formatShape(x.shape)} has ${x.shape[1]}`);
  const h = transposedSize(x.shape[2]!, weight.shape[2]!, conv.stride[0], conv.padding[0], conv.dilation[0], outputPadding[0]);
  const w = transposedSize(x.shape[3]!, weight.shape[3]!, conv.stride[1], conv.padding[2], conv.dilation[1], outputPadding[1]);
  if (h < 1 || w < 1) throw new ShapeError(`${op}: the output size ${h}×${w} would be empty: the padding is too large for this input and kernel`);
  return conv2dInputGradRaw(x, weight, { ...conv, inputSize: [h, w] });
}

/**
 * 2-d transposed convolution, as PyTorch's F.conv_transpose2d: input [N, C, H, W] (or [C, H, W]),
 * weight [C, out/groups, kH, kW], optional bias [out] → [N, out, (H − 1)·stride − 2·padding +
 * dilation·(kH − 1) + outputPadding + 1, …]. It is the gradient of conv2d with respect to its input.
 * @example convTranspose2d(ones([1, 1, 2, 2]), ones([1, 1, 2, 2]), null, { stride: 2 }).shape // [1, 1, 4, 4]
 */
export function convTranspose2d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  const { x, unbatched } = batched('convTranspose2d', input, 4, '(N, C, H, W)');
  weightRank('convTranspose2d', weight, 4, '(in, out/groups, kH, kW)');
  const { conv, outputPadding } = transposeParams('convTranspose2d', options, 2);
  const y = withBias('convTranspose2d', convTransposeCore('convTranspose2d', x, weight, conv, outputPadding), bias, 2);
  return unbatched ? squeeze(y, 0) : y;
}

/**
 * 1-d transposed convolution, as PyTorch's F.conv_transpose1d: input [N, C, L] (or [C, L]),
 * weight [C, out/groups, k] → [N, out, (L − 1)·stride − 2·padding + dilation·(k − 1) + outputPadding + 1].
 * @example convTranspose1d(ones([1, 1, 3]), ones([1, 2, 2])).shape // [1, 2, 4]
 */
export function convTranspose1d(input: Tensor, weight: Tensor, bias?: Tensor | null, options: ConvTransposeOptions = {}): Tensor {
  const { x, unbatched } = batched('convTranspose1d', input, 3, '(N, C, L)');
  weightRank('convTranspose1d', weight, 3, '(in, out/groups, k)');
  const { conv, outputPadding } = transposeParams('convTranspose1d', options, 1);
  const y = convTransposeCore('convTranspose1d', unsqueeze(x, 2), unsqueeze(weight, 2), conv, outputPadding);
  const out = withBias('convTranspose1d', squeeze(y, 2), bias, 1);
  return unbatched ? squeeze(out, 0) : out;
}
