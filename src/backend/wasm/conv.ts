/**
 * The convolution primitives in wasm, float32: per group, the patches as rows (im2row, one row of
 * K = C/G·kH·kW taps per output position, P = N·OH·OW rows) and the packed SIMD product on them,
 * shared among worker threads where they pay (gemmAt):
 *
 * - conv2d:            Yᵀ [P, O/G] = rows · W_gᵀ, then each image's block transposed into NCHW
 * - conv2dInputGrad:   drows [P, K] = δ_gᵀ · W_g (δ transposed per image), then scattered back (row2im)
 * - conv2dWeightGrad:  dW_gᵀ [K, O/G] = rowsᵀ · δ_gᵀ, then transposed into [O/G, K]
 *
 * Every product has the positions (the large dimension) as its rows or its depth, so the threads
 * split it and the small weight is what gets packed. Everything a call needs is taken as scratch
 * up front (withOperands), so no view detaches mid-call. Other dtypes and tiny convolutions run
 * the cpu kernels (im2col over the JS product). Depthwise convolutions (groups = channels) run
 * direct loops instead; max pooling's window argmax is here too.
 */
import type { KernelArgs } from '../backend.js';
import { cpuKernels } from '../cpu/kernels.js';
import { geometry, type ConvGeometry } from '../cpu/conv.js';
import { gemmAt, gemmScratchBytes } from './matmul.js';
import { kernelsOrThrow } from './module.js';
import { f32At, withOperands } from './operands.js';

/** Multiply-adds below which the cpu kernel runs (a call's fixed costs are more than the arithmetic). */
const SMALL_CONV = 1 << 15;

const align = (bytes: number): number => Math.ceil(bytes / 64) * 64;

interface Sizes { readonly og: number; readonly K: number; readonly P: number; readonly plane: number }
const sizesOf = (g: ConvGeometry): Sizes => ({ og: g.o / g.p.groups, K: (g.c / g.p.groups) * g.kh * g.kw, P: g.n * g.oh * g.ow, plane: g.oh * g.ow });

function im2row(x: number, rows: number, g: ConvGeometry, group: number): void {
  const p = g.p;
  const cg = g.c / p.groups;
  kernelsOrThrow().im2rowF32(x, rows, g.n, g.c, g.h, g.w, group * cg, cg, g.kh, g.kw, g.oh, g.ow, p.stride[0], p.stride[1], p.padding[0], p.padding[2], p.dilation[0], p.dilation[1]);
}

/** δ's channels of group g, each image's [O/G, OH·OW] block transposed: δ_gᵀ [P, O/G]. */
function transposedGrad(d: number, dt: number, g: ConvGeometry, s: Sizes, group: number): void {
  const w = kernelsOrThrow();
  for (let b = 0; b < g.n; b++) w.transposeF32(d + 4 * (b * g.o + group * s.og) * s.plane, dt + 4 * b * s.plane * s.og, s.og, s.plane);
}

const isF32 = (args: KernelArgs<'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'>): boolean =>
  args.out instanceof Float32Array && args.inputs.every((a) => a instanceof Float32Array);

const small = (s: Sizes, g: ConvGeometry): boolean => g.p.groups * s.og * s.K * s.P < SMALL_CONV;

/** groups = input channels (more than one: a single-channel input is an ordinary convolution, faster as a product): each output channel reads one input channel (direct loops, no im2row). */
export const depthwise = (g: ConvGeometry): boolean => g.p.groups === g.c && g.c > 1;

type DirectKernel = 'depthwiseF32' | 'depthwiseInputGradF32' | 'depthwiseWeightGradF32';

/** A depthwise kernel on operands (a, b) → out, in place; false where the memory cannot hold the copies. */
function direct(kernel: DirectKernel, args: KernelArgs<'conv2d' | 'conv2dInputGrad' | 'conv2dWeightGrad'>, g: ConvGeometry): boolean {
  const p = g.p;
  return withOperands(args.inputs, args.out, 0, ({ inputs: [a, b], out }) => {
    kernelsOrThrow()[kernel](a!, b!, out, g.n, g.c, g.h, g.w, g.o / g.c, g.kh, g.kw, g.oh, g.ow, p.stride[0], p.stride[1], p.padding[0], p.padding[2], p.dilation[0], p.dilation[1]);
  });
}

export function conv2dKernel(args: KernelArgs<'conv2d'>): void {
  const g = geometry(args.shapes[0]!, args.shapes[1]!, args.outShape, args.params);
  const s = sizesOf(g);
  if (!isF32(args) || small(s, g)) return cpuKernels.conv2d(args);
  if (depthwise(g)) {
    if (!direct('depthwiseF32', args, g)) cpuKernels.conv2d(args);
    return;
  }
  const inPlace = s.og % 8 === 0 && s.P % 4 === 0;
  const rowsBytes = align(4 * s.P * s.K);
  const yBytes = align(4 * s.P * s.og);
  const done = withOperands(args.inputs, args.out, rowsBytes + yBytes + gemmScratchBytes(s.P, s.K, s.og, inPlace), ({ inputs: [x, w], out, extra }) => {
    const k = kernelsOrThrow();
    const rows = extra;
    const y = extra + rowsBytes;
    for (let group = 0; group < g.p.groups; group++) {
      im2row(x!, rows, g, group);
      gemmAt(rows, w! + 4 * group * s.og * s.K, y, s.P, s.K, s.og, false, true, y + yBytes, inPlace);
      for (let b = 0; b < g.n; b++) k.transposeF32(y + 4 * b * s.plane * s.og, out + 4 * (b * g.o + group * s.og) * s.plane, s.plane, s.og);
    }
  });
  if (!done) cpuKernels.conv2d(args);
}

export function conv2dInputGradKernel(args: KernelArgs<'conv2dInputGrad'>): void {
  const g = geometry(args.outShape, args.shapes[1]!, args.shapes[0]!, args.params);
  const s = sizesOf(g);
  if (!isF32(args) || small(s, g)) return cpuKernels.conv2dInputGrad(args);
  if (depthwise(g)) {
    if (!direct('depthwiseInputGradF32', args, g)) cpuKernels.conv2dInputGrad(args);
    return;
  }
  const inPlace = s.K % 8 === 0 && s.P % 4 === 0;
  const dtBytes = align(4 * s.P * s.og);
  const rowsBytes = align(4 * s.P * s.K);
  const done = withOperands(args.inputs, args.out, dtBytes + rowsBytes + gemmScratchBytes(s.P, s.og, s.K, inPlace), ({ inputs: [d, w], out, extra }) => {
    const k = kernelsOrThrow();
    const dt = extra;
    const rows = extra + dtBytes;
    f32At(out, args.out.length).fill(0);
    const p = g.p;
    const cg = g.c / p.groups;
    for (let group = 0; group < p.groups; group++) {
      transposedGrad(d!, dt, g, s, group);
      gemmAt(dt, w! + 4 * group * s.og * s.K, rows, s.P, s.og, s.K, false, false, rows + rowsBytes, inPlace);
      k.row2imF32(rows, out, g.n, g.c, g.h, g.w, group * cg, cg, g.kh, g.kw, g.oh, g.ow, p.stride[0], p.stride[1], p.padding[0], p.padding[2], p.dilation[0], p.dilation[1]);
    }
  });
  if (!done) cpuKernels.conv2dInputGrad(args);
}

export function conv2dWeightGradKernel(args: KernelArgs<'conv2dWeightGrad'>): void {
  const g = geometry(args.shapes[0]!, args.outShape, args.shapes[1]!, args.params);
  const s = sizesOf(g);
  if (!isF32(args) || small(s, g)) return cpuKernels.conv2dWeightGrad(args);
  if (depthwise(g)) {
    if (!direct('depthwiseWeightGradF32', args, g)) cpuKernels.conv2dWeightGrad(args);
    return;
  }
  const inPlace = s.og % 8 === 0 && s.K % 4 === 0;
  const rowsBytes = align(4 * s.P * s.K);
  const dtBytes = align(4 * s.P * s.og);
  const tBytes = align(4 * s.K * s.og);
  const done = withOperands(args.inputs, args.out, rowsBytes + dtBytes + tBytes + gemmScratchBytes(s.K, s.P, s.og, inPlace), ({ inputs: [x, d], out, extra }) => {
    const k = kernelsOrThrow();
    const rows = extra;
    const dt = extra + rowsBytes;
    const t = dt + dtBytes;
    for (let group = 0; group < g.p.groups; group++) {
      im2row(x!, rows, g, group);
      transposedGrad(d!, dt, g, s, group);
      // rowsᵀ · δ_gᵀ: the rows read transposed in place (their K taps are the product's rows).
      gemmAt(rows, dt, t, s.K, s.P, s.og, true, false, t + tBytes, inPlace);
      k.transposeF32(t, out + 4 * group * s.og * s.K, s.K, s.og);
    }
  });
  if (!done) cpuKernels.conv2dWeightGrad(args);
}

/** Elements from which max pooling's argmax runs in wasm. */
const SMALL_POOL = 4096;

/** Max pooling's window argmax over float32 planes in wasm (the cpu kernel for other dtypes and small inputs). */
export function maxPool2dIndicesKernel(args: KernelArgs<'maxPool2dIndices'>): void {
  const x = args.inputs[0]!;
  if (!(x instanceof Float32Array) || x.length < SMALL_POOL) return cpuKernels.maxPool2dIndices(args);
  const [n, c, h, w] = args.shapes[0]!;
  const p = args.params;
  const done = withOperands(args.inputs, args.out, 0, ({ inputs: [xp], out }) => {
    kernelsOrThrow().maxPool2dIndicesF32(xp!, out, n! * c!, h!, w!, p.kernelSize[0]!, p.kernelSize[1]!, p.stride[0]!, p.stride[1]!, p.padding[0]!, p.padding[1]!, p.dilation[0]!, p.dilation[1]!, p.outSize[0]!, p.outSize[1]!);
  });
  if (!done) cpuKernels.maxPool2dIndices(args);
}
