/** Convolution layers, as PyTorch's nn.Conv1d, nn.Conv2d, nn.ConvTranspose1d and nn.ConvTranspose2d (NCHW). */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { cast } from '../ops/elementwise.js';
import { checkConvOptions, conv1d, conv2d, convTranspose1d, convTranspose2d, type SpatialSize } from '../ops/conv.js';
import type { Generator } from '../random/generator.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { initTensor, resolveGenerator, type FloatDType } from './init.js';
import { Module, type ModuleConfig } from './module.js';

export interface ConvLayerOptions {
  readonly stride?: SpatialSize;
  /** Zeros around the input (default 0); 'same' and 'valid' for convolutions (not transposed ones). */
  readonly padding?: SpatialSize | 'same' | 'valid';
  readonly dilation?: SpatialSize;
  readonly groups?: number;
  /** Transposed convolutions only: extra rows/columns on one side of the output (default 0). */
  readonly outputPadding?: SpatialSize;
  /** Add a learnable bias (default true). */
  readonly bias?: boolean;
  /** Parameter dtype: float32 (default) or float64. */
  readonly dtype?: FloatDType;
  /** Seed a fresh generator for the initial weights (not with `generator`). */
  readonly seed?: number;
  /** The generator to draw the initial weights from (default: the one `manualSeed` sets). */
  readonly generator?: Generator;
}

type Kind = 'Conv1d' | 'Conv2d' | 'ConvTranspose1d' | 'ConvTranspose2d';

const spatial = (kind: Kind): 1 | 2 => (kind.endsWith('1d') ? 1 : 2);
const isTransposed = (kind: Kind): boolean => kind.startsWith('ConvTranspose');

function positive(where: string, name: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) throw new ValueError(`${where}: ${name} must be a positive integer, got ${JSON.stringify(v)}`);
  return v;
}

function sizeList(where: string, name: string, v: SpatialSize, dims: number): number[] {
  const list = typeof v === 'number' ? new Array<number>(dims).fill(v) : [...v];
  if (list.length !== dims || list.some((n) => !Number.isInteger(n) || n < 1)) {
    throw new ValueError(`${where}: ${name} must be a positive integer or a list of ${dims}, got ${JSON.stringify(v)}`);
  }
  return list;
}

/** What the four layers share: the weight, the bias, the options, and PyTorch's initialisation. */
abstract class ConvLayer extends Module {
  readonly inChannels: number;
  readonly outChannels: number;
  readonly kernelSize: readonly number[];
  readonly options: Readonly<Omit<ConvLayerOptions, 'seed' | 'generator' | 'bias' | 'dtype'>>;
  readonly dtype: FloatDType;
  /** [out, in/groups, …kernel] for a convolution; [in, out/groups, …kernel] for a transposed one. */
  readonly weight: Tensor;
  readonly bias: Tensor | null;

  constructor(readonly kind: Kind, inChannels: number, outChannels: number, kernelSize: SpatialSize, options: ConvLayerOptions) {
    super();
    const where = kind;
    positive(where, 'inChannels', inChannels);
    positive(where, 'outChannels', outChannels);
    const groups = positive(where, 'groups', options.groups ?? 1);
    if (inChannels % groups !== 0 || outChannels % groups !== 0) {
      throw new ValueError(`${where}: groups = ${groups} must divide both inChannels (${inChannels}) and outChannels (${outChannels})`);
    }
    if (!isTransposed(kind) && options.outputPadding !== undefined) throw new ValueError(`${where}: outputPadding is for transposed convolutions`);
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`${where}: parameters must be float32 or float64, got dtype ${String(dtype)}`);
    this.inChannels = inChannels;
    this.outChannels = outChannels;
    this.kernelSize = sizeList(where, 'kernelSize', kernelSize, spatial(kind));
    this.dtype = dtype;
    const { seed: _seed, generator: _generator, bias: _bias, dtype: _dtype, ...rest } = options;
    this.options = rest;
    const shape = isTransposed(kind) ? [inChannels, outChannels / groups, ...this.kernelSize] : [outChannels, inChannels / groups, ...this.kernelSize];
    // PyTorch: kaiming_uniform(a = √5) for the weight and U(−1/√fanIn, 1/√fanIn) for the bias, fanIn
    // from the weight's shape (shape[1]·kernel area, for transposed layers too): the 'default' init.
    const generator = resolveGenerator(where, options);
    const fanIn = shape[1]! * this.kernelSize.reduce((p, k) => p * k, 1);
    const fans = { fanIn, fanOut: shape[0]! * this.kernelSize.reduce((p, k) => p * k, 1), generator, dtype };
    this.weight = this.registerParameter('weight', initTensor(shape, 'default', fans).named('weight'));
    this.bias = options.bias ?? true ? this.registerParameter('bias', initTensor([outChannels], 'default', fans).named('bias')) : null;
    // Checked now rather than at the first forward: a bad stride or padding is named with the layer.
    checkConvOptions(kind, rest, this.kernelSize, spatial(kind), isTransposed(kind));
  }

  forward(x: Tensor): Tensor {
    const rank = spatial(this.kind) + 2;
    if ((x.ndim !== rank && x.ndim !== rank - 1) || x.shape[x.ndim - spatial(this.kind) - 1] !== this.inChannels) {
      const layout = spatial(this.kind) === 2 ? '(N, C, H, W)' : '(N, C, L)';
      throw new ShapeError(`${this.describe()}: expected a ${rank}-d input ${layout} with C = ${this.inChannels} (or unbatched, ${rank - 1}-d), got shape ${formatShape(x.shape)}`);
    }
    const input = x.dtype === this.dtype ? x : cast(x, this.dtype);
    switch (this.kind) {
      case 'Conv1d':
        return conv1d(input, this.weight, this.bias, this.options as never);
      case 'Conv2d':
        return conv2d(input, this.weight, this.bias, this.options as never);
      case 'ConvTranspose1d':
        return convTranspose1d(input, this.weight, this.bias, this.options as never);
      default:
        return convTranspose2d(input, this.weight, this.bias, this.options as never);
    }
  }

  override describe(): string {
    // A fixed order, defaults left out: a layer rebuilt from its config reads the same.
    const extra = (['stride', 'padding', 'dilation', 'groups', 'outputPadding'] as const)
      .filter((k) => this.options[k] !== undefined && !(k === 'groups' && this.options[k] === 1))
      .map((k) => `${k}=${JSON.stringify(this.options[k])}`);
    if (this.bias === null) extra.push('no bias');
    return `${this.kind}(${this.inChannels} → ${this.outChannels}, kernel ${this.kernelSize.join('×')}${extra.length > 0 ? `, ${extra.join(', ')}` : ''})`;
  }

  override config(): ModuleConfig {
    return { type: this.kind, inChannels: this.inChannels, outChannels: this.outChannels, kernelSize: [...this.kernelSize], ...this.options, bias: this.bias !== null, dtype: this.dtype };
  }
}

/**
 * 2-d convolution layer, as nn.Conv2d: weight [out, in/groups, kH, kW], bias [out].
 * @example new Conv2d(1, 8, 3, { padding: 1, seed: 0 }).forward(zeros([2, 1, 28, 28])).shape // [2, 8, 28, 28]
 */
export class Conv2d extends ConvLayer {
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialSize, options: ConvLayerOptions = {}) {
    super('Conv2d', inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 1-d convolution layer, as nn.Conv1d: weight [out, in/groups, k], bias [out].
 * @example new Conv1d(2, 4, 3, { seed: 0 }).forward(zeros([1, 2, 10])).shape // [1, 4, 8]
 */
export class Conv1d extends ConvLayer {
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialSize, options: ConvLayerOptions = {}) {
    super('Conv1d', inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 2-d transposed convolution layer, as nn.ConvTranspose2d: weight [in, out/groups, kH, kW], bias [out].
 * @example new ConvTranspose2d(4, 2, 2, { stride: 2, seed: 0 }).forward(zeros([1, 4, 7, 7])).shape // [1, 2, 14, 14]
 */
export class ConvTranspose2d extends ConvLayer {
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialSize, options: ConvLayerOptions = {}) {
    super('ConvTranspose2d', inChannels, outChannels, kernelSize, options);
  }
}

/**
 * 1-d transposed convolution layer, as nn.ConvTranspose1d: weight [in, out/groups, k], bias [out].
 * @example new ConvTranspose1d(2, 1, 3, { stride: 2, seed: 0 }).forward(zeros([1, 2, 5])).shape // [1, 1, 11]
 */
export class ConvTranspose1d extends ConvLayer {
  constructor(inChannels: number, outChannels: number, kernelSize: SpatialSize, options: ConvLayerOptions = {}) {
    super('ConvTranspose1d', inChannels, outChannels, kernelSize, options);
  }
}
