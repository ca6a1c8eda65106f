/** Pooling and Flatten as modules (PyTorch's constructor arguments), so they sit in a Sequential, a summary and a model file. */
import { ValueError } from '../errors.js';
import { boolArg, optionsOf, sizeArg, type AvgPoolOptions, type MaxPoolOptions, type PoolSize } from '../ops/poolArgs.js';
import { adaptiveAvgPool2d, avgPool1d, avgPool2d, maxPool1d, maxPool2d } from '../ops/pooling.js';
import { flatten } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig } from './module.js';
import type { ModuleFactory } from './registry.js';

type Size = number | readonly number[];

const same = (a: Size, b: number): boolean => (typeof a === 'number' ? a === b : a.every((v) => v === b));
const text = (v: Size): string => (typeof v === 'number' ? String(v) : `(${v.join(', ')})`);

/** `Name(k, stride=…, …)` with the options that differ from PyTorch's defaults. */
function describePool(name: string, size: Size, parts: readonly [string, string | null][]): string {
  return `${name}(${[text(size), ...parts.filter(([, v]) => v !== null).map(([k, v]) => `${k}=${v!}`)].join(', ')})`;
}

/** The checked geometry of a pooling module: every size as given (a number or a pair), validated once. */
class PoolGeometry {
  readonly kernelSize: Size;
  readonly stride: Size | null;
  readonly padding: Size;
  readonly ceilMode: boolean;

  constructor(op: string, dims: 1 | 2, kernelSize: unknown, o: Readonly<Record<string, unknown>>) {
    const keep = (name: string, v: unknown, min: number): Size => {
      sizeArg(op, name, v, dims, min);
      return v as Size;
    };
    this.kernelSize = keep('kernelSize', kernelSize, 1);
    this.stride = o['stride'] === undefined || o['stride'] === null ? null : keep('stride', o['stride'], 1);
    this.padding = keep('padding', o['padding'] ?? 0, 0);
    this.ceilMode = boolArg(op, 'ceilMode', o['ceilMode'], false);
  }
}

abstract class MaxPool extends Module {
  readonly kernelSize: Size;
  readonly stride: Size | null;
  readonly padding: Size;
  readonly dilation: Size;
  readonly ceilMode: boolean;

  protected constructor(private readonly kind: 'MaxPool1d' | 'MaxPool2d', dims: 1 | 2, kernelSize: unknown, options: unknown) {
    super();
    const o = optionsOf(kind, options, ['stride', 'padding', 'dilation', 'ceilMode']);
    const g = new PoolGeometry(kind, dims, kernelSize, o);
    sizeArg(kind, 'dilation', o['dilation'] ?? 1, dims, 1);
    [this.kernelSize, this.stride, this.padding, this.ceilMode] = [g.kernelSize, g.stride, g.padding, g.ceilMode];
    this.dilation = (o['dilation'] ?? 1) as Size;
  }

  protected get options(): MaxPoolOptions {
    return { stride: this.stride as PoolSize | null, padding: this.padding as PoolSize, dilation: this.dilation as PoolSize, ceilMode: this.ceilMode };
  }

  override describe(): string {
    return describePool(this.kind, this.kernelSize, [
      ['stride', this.stride === null ? null : text(this.stride)],
      ['padding', same(this.padding, 0) ? null : text(this.padding)],
      ['dilation', same(this.dilation, 1) ? null : text(this.dilation)],
      ['ceilMode', this.ceilMode ? 'true' : null],
    ]);
  }

  override config(): ModuleConfig {
    return { type: this.kind, kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, dilation: this.dilation, ceilMode: this.ceilMode };
  }
}

/**
 * 2-d max pooling of (N, C, H, W) batches, as PyTorch's nn.MaxPool2d (stride defaults to the kernel size).
 * @example new MaxPool2d(2).forward(zeros([1, 3, 28, 28])).shape // [1, 3, 14, 14]
 */
export class MaxPool2d extends MaxPool {
  constructor(kernelSize: PoolSize, options: MaxPoolOptions = {}) {
    super('MaxPool2d', 2, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return maxPool2d(x, this.kernelSize as PoolSize, this.options);
  }
}

/**
 * 1-d max pooling of (N, C, L) batches, as PyTorch's nn.MaxPool1d.
 * @example new MaxPool1d(3, { stride: 2 }).forward(zeros([2, 4, 9])).shape // [2, 4, 4]
 */
export class MaxPool1d extends MaxPool {
  constructor(kernelSize: number, options: MaxPoolOptions = {}) {
    super('MaxPool1d', 1, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return maxPool1d(x, this.kernelSize as number, this.options);
  }
}

abstract class AvgPool extends Module {
  readonly kernelSize: Size;
  readonly stride: Size | null;
  readonly padding: Size;
  readonly ceilMode: boolean;
  readonly countIncludePad: boolean;
  readonly divisorOverride: number | null;

  protected constructor(private readonly kind: 'AvgPool1d' | 'AvgPool2d', dims: 1 | 2, kernelSize: unknown, options: unknown) {
    super();
    const keys = ['stride', 'padding', 'ceilMode', 'countIncludePad', ...(dims === 2 ? ['divisorOverride'] : [])];
    const o = optionsOf(kind, options, keys);
    const g = new PoolGeometry(kind, dims, kernelSize, o);
    [this.kernelSize, this.stride, this.padding, this.ceilMode] = [g.kernelSize, g.stride, g.padding, g.ceilMode];
    this.countIncludePad = boolArg(kind, 'countIncludePad', o['countIncludePad'], true);
    const d = o['divisorOverride'] ?? null;
    if (d !== null && !(typeof d === 'number' && Number.isInteger(d) && d > 0)) throw new ValueError(`${kind}: divisorOverride must be a positive integer or null, got ${JSON.stringify(d)}`);
    this.divisorOverride = d;
  }

  protected get options(): AvgPoolOptions {
    const base = { stride: this.stride as PoolSize | null, padding: this.padding as PoolSize, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad };
    return this.divisorOverride === null ? base : { ...base, divisorOverride: this.divisorOverride };
  }

  override describe(): string {
    return describePool(this.kind, this.kernelSize, [
      ['stride', this.stride === null ? null : text(this.stride)],
      ['padding', same(this.padding, 0) ? null : text(this.padding)],
      ['ceilMode', this.ceilMode ? 'true' : null],
      ['countIncludePad', this.countIncludePad ? null : 'false'],
      ['divisorOverride', this.divisorOverride === null ? null : String(this.divisorOverride)],
    ]);
  }

  override config(): ModuleConfig {
    const c = { type: this.kind, kernelSize: this.kernelSize, stride: this.stride, padding: this.padding, ceilMode: this.ceilMode, countIncludePad: this.countIncludePad };
    return this.kind === 'AvgPool2d' ? { ...c, divisorOverride: this.divisorOverride } : c;
  }
}

/**
 * 2-d average pooling of (N, C, H, W) batches, as PyTorch's nn.AvgPool2d.
 * @example new AvgPool2d(2).forward(ones([1, 1, 4, 4])).toArray() // [[[[1, 1], [1, 1]]]]
 */
export class AvgPool2d extends AvgPool {
  constructor(kernelSize: PoolSize, options: AvgPoolOptions = {}) {
    super('AvgPool2d', 2, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return avgPool2d(x, this.kernelSize as PoolSize, this.options);
  }
}

/**
 * 1-d average pooling of (N, C, L) batches, as PyTorch's nn.AvgPool1d.
 * @example new AvgPool1d(2).forward(ones([1, 2, 6])).shape // [1, 2, 3]
 */
export class AvgPool1d extends AvgPool {
  constructor(kernelSize: number, options: Omit<AvgPoolOptions, 'divisorOverride'> = {}) {
    super('AvgPool1d', 1, kernelSize, options);
  }
  forward(x: Tensor): Tensor {
    return avgPool1d(x, this.kernelSize as number, this.options);
  }
}

type OutputSize = number | readonly [number | null, number | null];

function checkOutputSize(op: string, v: unknown): OutputSize {
  const ok = (s: unknown): boolean => typeof s === 'number' && Number.isInteger(s) && s >= 1;
  if (ok(v) || (Array.isArray(v) && v.length === 2 && v.every((s) => s === null || ok(s)))) return v as OutputSize;
  throw new ValueError(`${op}: outputSize must be a positive integer or a pair of positive integers (null keeps that size), got ${JSON.stringify(v) ?? String(v)}`);
}

/**
 * Average pooling to a fixed output size, as PyTorch's nn.AdaptiveAvgPool2d.
 * @example new AdaptiveAvgPool2d([1, null]).forward(ones([2, 3, 5, 7])).shape // [2, 3, 1, 7]
 */
export class AdaptiveAvgPool2d extends Module {
  readonly outputSize: OutputSize;
  constructor(outputSize: OutputSize) {
    super();
    this.outputSize = checkOutputSize('AdaptiveAvgPool2d', outputSize);
  }
  forward(x: Tensor): Tensor {
    return adaptiveAvgPool2d(x, this.outputSize);
  }
  override describe(): string {
    return `AdaptiveAvgPool2d(${typeof this.outputSize === 'number' ? this.outputSize : `(${this.outputSize.map((s) => s ?? 'None').join(', ')})`})`;
  }
  override config(): ModuleConfig {
    return { type: 'AdaptiveAvgPool2d', outputSize: this.outputSize };
  }
}

/**
 * Merges axes startDim..endDim into one, as PyTorch's nn.Flatten (default: all but the batch axis).
 * @example new Flatten().forward(zeros([64, 16, 7, 7])).shape // [64, 784]
 */
export class Flatten extends Module {
  constructor(
    readonly startDim = 1,
    readonly endDim = -1,
  ) {
    super();
    if (!Number.isInteger(startDim) || !Number.isInteger(endDim)) throw new ValueError(`Flatten: startDim and endDim must be integers, got ${startDim} and ${endDim}`);
  }
  forward(x: Tensor): Tensor {
    return flatten(x, this.startDim, this.endDim);
  }
  override describe(): string {
    return this.startDim === 1 && this.endDim === -1 ? 'Flatten' : `Flatten(${this.startDim}, ${this.endDim})`;
  }
  override config(): ModuleConfig {
    return { type: 'Flatten', startDim: this.startDim, endDim: this.endDim };
  }
}

/**
 * Rebuilds a module from a config: the constructor checks every field, and its message is
 * restated as a model file's (naming the path and the field).
 */
function rebuild(type: string, build: (c: ModuleConfig) => Module): ModuleFactory {
  return (c, _ctx, path) => {
    try {
      return build(c);
    } catch (e) {
      if (!(e instanceof ValueError)) throw e;
      const detail = e.message.startsWith(`${type}: `) ? e.message.slice(type.length + 2) : e.message;
      throw new ValueError(`moduleFromConfig: ${path}: ${type}.${detail}`);
    }
  };
}

const geometry = (c: ModuleConfig, keys: readonly string[]): Record<string, unknown> => {
  const o: Record<string, unknown> = {};
  for (const k of keys) if (c[k] !== undefined) o[k] = c[k];
  return o;
};

/** The model-file factories of this file's modules (registry.ts spreads them into its table). */
export const POOLING_FACTORIES: readonly [string, ModuleFactory][] = [
  ['MaxPool2d', rebuild('MaxPool2d', (c) => new MaxPool2d(c['kernelSize'] as PoolSize, geometry(c, ['stride', 'padding', 'dilation', 'ceilMode'])))],
  ['MaxPool1d', rebuild('MaxPool1d', (c) => new MaxPool1d(c['kernelSize'] as number, geometry(c, ['stride', 'padding', 'dilation', 'ceilMode'])))],
  ['AvgPool2d', rebuild('AvgPool2d', (c) => new AvgPool2d(c['kernelSize'] as PoolSize, geometry(c, ['stride', 'padding', 'ceilMode', 'countIncludePad', 'divisorOverride'])))],
  ['AvgPool1d', rebuild('AvgPool1d', (c) => new AvgPool1d(c['kernelSize'] as number, geometry(c, ['stride', 'padding', 'ceilMode', 'countIncludePad'])))],
  ['AdaptiveAvgPool2d', rebuild('AdaptiveAvgPool2d', (c) => new AdaptiveAvgPool2d(c['outputSize'] as OutputSize))],
  [
    'Flatten',
    rebuild('Flatten', (c) => {
      const [s, e] = [c['startDim'] ?? 1, c['endDim'] ?? -1];
      if (typeof s !== 'number' || typeof e !== 'number') throw new ValueError(`Flatten: startDim and endDim must be integers, got ${JSON.stringify(s)} and ${JSON.stringify(e)}`);
      return new Flatten(s, e);
    }),
  ],
];
