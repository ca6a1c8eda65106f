/**
 * Pooling's arguments, checked as PyTorch checks them (with messages naming the op, the shapes
 * and the fix), and its output-size formula: the geometry that the pooling ops share.
 */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { reshape } from './shape.js';

/** A size given as one number for every spatial axis or one per axis (PyTorch's int or tuple). */
export type PoolSize = number | readonly [number, number];

/** maxPool1d's and maxPool2d's options (PyTorch's names, camelCase). */
export interface MaxPoolOptions {
  /** Step between windows; default: the kernel size. */
  readonly stride?: PoolSize | null;
  /** Implicit −∞ padding on each side, at most half the kernel size; default 0. */
  readonly padding?: PoolSize;
  /** Spacing between a window's taps; default 1. */
  readonly dilation?: PoolSize;
  /** Round the output size up: a last, partial window that starts inside the input or left padding; default false. */
  readonly ceilMode?: boolean;
}

/** avgPool1d's and avgPool2d's options. */
export interface AvgPoolOptions {
  readonly stride?: PoolSize | null;
  /** Implicit zero padding on each side, at most half the kernel size; default 0. */
  readonly padding?: PoolSize;
  readonly ceilMode?: boolean;
  /** Count the padding's zeros in each window's divisor; default true (PyTorch's). */
  readonly countIncludePad?: boolean;
  /** Divide every window's sum by this instead (avgPool2d only). */
  readonly divisorOverride?: number | null;
}

/** One pooling axis: its input size and window geometry, and the output size it gives. */
export interface PoolAxis {
  readonly size: number;
  readonly kernel: number;
  readonly stride: number;
  readonly padding: number;
  readonly dilation: number;
  readonly out: number;
}

function show(value: unknown): string {
  if (typeof value === 'number') return String(value);
  return JSON.stringify(value) ?? String(value);
}

/** Checks the options object's keys: an unknown one (a typo) is a ValueError listing the options. */
export function optionsOf(op: string, options: unknown, keys: readonly string[]): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new ValueError(`${op}: options must be an object { ${keys.join(', ')} }, got ${show(options)}`);
  }
  const record = options as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (!keys.includes(key)) throw new ValueError(`${op}: unknown option ${JSON.stringify(key)}; the options are ${keys.join(', ')}`);
  }
  return record;
}

/** A number or a [h, w] pair, as `dims` integers each ≥ min; 1-d ops take a number or a one-element list. */
export function sizeArg(op: string, name: string, value: unknown, dims: 1 | 2, min: number): number[] {
  const ok = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= min;
  const what = min === 0 ? 'a non-negative integer' : 'a positive integer';
  if (ok(value)) return new Array<number>(dims).fill(value);
  if (Array.isArray(value) && value.length === dims && value.every(ok)) return [...(value as number[])];
  throw new ValueError(`${op}: ${name} must be ${what}${dims === 2 ? ' or a pair of them' : ''}, got ${show(value)}`);
}

export function boolArg(op: string, name: string, value: unknown, fallback: boolean): boolean {
  if (value === undefined) return fallback;
  if (typeof value !== 'boolean') throw new ValueError(`${op}: ${name} must be true or false, got ${show(value)}`);
  return value;
}

/**
 * x as a batch [N, C, …spatial] (an unbatched input gains N = 1), checked: rank, dtype, non-empty
 * channel and spatial axes.
 */
export function batched(op: string, x: Tensor, spatial: 1 | 2): { readonly x: Tensor; readonly unbatched: boolean } {
  const rank = spatial + 2;
  const layout = spatial === 2 ? '(N, C, H, W)' : '(N, C, L)';
  if (x.ndim !== rank && x.ndim !== rank - 1) {
    throw new ShapeError(`${op}: expected a ${rank - 1}-d or ${rank}-d input ${layout}, got shape ${formatShape(x.shape)}`);
  }
  if (x.dtype === 'bool') throw new DTypeError(`${op}: expected a numeric tensor, got bool; cast it first with .cast('float32')`);
  const unbatched = x.ndim === rank - 1;
  if (x.shape.slice(unbatched ? 0 : 1).some((d) => d === 0)) {
    throw new ShapeError(`${op}: the channel and spatial sizes must be non-zero (only the batch may be empty), got shape ${formatShape(x.shape)}`);
  }
  return { x: unbatched ? reshape(x, [1, ...x.shape]) : x, unbatched };
}

/**
 * PyTorch's pooling output size: ⌊(size + 2·padding − dilation·(kernel − 1) − 1 (+ stride − 1 in
 * ceil mode)) / stride⌋ + 1, and in ceil mode one less if the last window would start past the
 * input and left padding.
 */
export function pooledSize(size: number, kernel: number, stride: number, padding: number, dilation: number, ceilMode: boolean): number {
  let out = Math.floor((size + 2 * padding - dilation * (kernel - 1) - 1 + (ceilMode ? stride - 1 : 0)) / stride) + 1;
  if (ceilMode && (out - 1) * stride >= size + padding) out--;
  return out;
}

const AXIS_NAMES = ['H', 'W'];

/**
 * The axes' geometry from the parsed arguments, with PyTorch's checks: padding at most half the
 * kernel, an output of at least one element; with `taps`, every window reaching the input.
 */
export function poolAxes(op: string, shape: readonly number[], kernel: number[], stride: number[], padding: number[], dilation: number[], ceilMode: boolean, taps: boolean): PoolAxis[] {
  const spatial = shape.slice(2);
  const names = spatial.length === 1 ? ['L'] : AXIS_NAMES;
  const axes = spatial.map((size, d) => {
    const k = kernel[d]!;
    const p = padding[d]!;
    if (2 * p > k) {
      throw new ValueError(`${op}: padding ${p} is more than half the kernel size ${k} along ${names[d]}; use padding ≤ ${Math.floor(k / 2)} (PyTorch's limit)`);
    }
    return { size, kernel: k, stride: stride[d]!, padding: p, dilation: dilation[d]!, out: pooledSize(size, k, stride[d]!, p, dilation[d]!, ceilMode) };
  });
  if (axes.some((a) => a.out < 1)) {
    const window = axes.map((a) => a.dilation * (a.kernel - 1) + 1).join('×');
    throw new ShapeError(
      `${op}: input ${formatShape(shape)} is too small for a ${window} window with padding ${formatShape(padding)}: ` +
        `the output would be ${formatShape(axes.map((a) => a.out))}; use a smaller kernel or dilation, or more padding`,
    );
  }
  if (taps) {
    axes.forEach((a, d) => {
      for (let o = 0; o < a.out; o++) {
        const start = o * a.stride - a.padding;
        let hit = false;
        for (let t = 0; t < a.kernel && !hit; t++) hit = start + t * a.dilation >= 0 && start + t * a.dilation < a.size;
        if (!hit) {
          throw new ShapeError(`${op}: along ${names[d]} (size ${a.size}) window ${o} has all its taps in the padding (dilation ${a.dilation}, padding ${a.padding}); use less dilation or padding`);
        }
      }
    });
  }
  return axes;
}
