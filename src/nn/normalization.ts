/** Normalization layers: BatchNorm1d, BatchNorm2d and GroupNorm, with PyTorch's parameters and buffers. */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { cast } from '../ops/elementwise.js';
import { ones, zeros } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FloatDType } from './init.js';
import { Module, type ModuleConfig } from './module.js';
import { batchNorm, groupNorm } from './normalizationOps.js';

export interface BatchNormLayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
  /** Weight of each batch in the running statistics (default 0.1); null for their cumulative average. */
  readonly momentum?: number | null;
  /** Learnable per-channel weight (1) and bias (0) (default true). */
  readonly affine?: boolean;
  /** Keep running statistics for evaluation (default true); without them the batch's are used in both modes. */
  readonly trackRunningStats?: boolean;
  /** Parameter and statistics dtype: float32 (default) or float64. */
  readonly dtype?: DType;
}

export interface GroupNormLayerOptions {
  /** Added to the variance before the square root (default 1e-5). */
  readonly eps?: number;
  /** Learnable per-channel weight (1) and bias (0) (default true). */
  readonly affine?: boolean;
  /** Parameter dtype: float32 (default) or float64. */
  readonly dtype?: DType;
}

function checkDType(where: string, dtype: DType): FloatDType {
  if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`${where}: parameters must be float32 or float64, got dtype ${String(dtype)}`);
  return dtype;
}

function checkCount(where: string, name: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) throw new ValueError(`${where}: ${name} must be a positive integer, got ${value}`);
}

function checkEps(where: string, eps: number): void {
  if (!(typeof eps === 'number' && eps >= 0 && Number.isFinite(eps))) throw new ValueError(`${where}: eps must be a finite number ≥ 0, got ${eps}`);
}

/**
 * What BatchNorm1d and BatchNorm2d share: parameters `weight` and `bias` [C], buffers
 * `running_mean` (0), `running_var` (1) and `num_batches_tracked` — int32 here, where
 * PyTorch's is int64 (2³¹ − 1 batches is past any run). The buffers are read by name at each
 * call, so one replaced with `registerBuffer` is the one used.
 */
abstract class BatchNormBase extends Module {
  readonly numFeatures: number;
  readonly eps: number;
  readonly momentum: number | null;
  readonly affine: boolean;
  readonly trackRunningStats: boolean;
  readonly dtype: FloatDType;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;
  /** The input ranks this layer accepts, and how to say so. */
  protected abstract readonly ranks: readonly number[];
  protected abstract readonly layout: string;

  constructor(numFeatures: number, options: BatchNormLayerOptions = {}) {
    super();
    const where = this.constructor.name;
    checkCount(where, 'numFeatures', numFeatures);
    const eps = options.eps ?? 1e-5;
    checkEps(where, eps);
    const momentum = options.momentum === undefined ? 0.1 : options.momentum;
    if (momentum !== null && !(typeof momentum === 'number' && momentum >= 0 && momentum <= 1)) {
      throw new ValueError(`${where}: momentum must be a number in [0, 1], or null for a cumulative average, got ${String(momentum)}`);
    }
    this.numFeatures = numFeatures;
    this.eps = eps;
    this.momentum = momentum;
    this.affine = options.affine ?? true;
    this.trackRunningStats = options.trackRunningStats ?? true;
    this.dtype = checkDType(where, options.dtype ?? 'float32');
    const dtype = this.dtype;
    this.weight = this.affine ? this.registerParameter('weight', ones([numFeatures], { dtype }).named('weight')) : null;
    this.bias = this.affine ? this.registerParameter('bias', zeros([numFeatures], { dtype }).named('bias')) : null;
    if (this.trackRunningStats) {
      this.registerBuffer('running_mean', zeros([numFeatures], { dtype }).named('running_mean'));
      this.registerBuffer('running_var', ones([numFeatures], { dtype }).named('running_var'));
      this.registerBuffer('num_batches_tracked', zeros([], { dtype: 'int32' }).named('num_batches_tracked'));
    }
  }

  /** The running mean [C] (the current `running_mean` buffer), or null without running statistics. */
  get runningMean(): Tensor | null {
    return this.getBuffer('running_mean') ?? null;
  }

  /** The running (unbiased) variance [C], or null without running statistics. */
  get runningVar(): Tensor | null {
    return this.getBuffer('running_var') ?? null;
  }

  /** Training batches seen so far (0 without running statistics). */
  get numBatchesTracked(): number {
    return this.getBuffer('num_batches_tracked')?.item() ?? 0;
  }

  private checkShape(x: Tensor): void {
    if (!this.ranks.includes(x.ndim)) throw new ShapeError(`${this.describe()}: expected ${this.layout} input, got shape ${formatShape(x.shape)}`);
    if (x.shape[1] !== this.numFeatures) {
      throw new ShapeError(`${this.describe()}: expected ${this.numFeatures} channels (dimension 1) in the input, got shape ${formatShape(x.shape)}`);
    }
  }

  forward(x: Tensor): Tensor {
    this.checkShape(x);
    const input = x.dtype === this.dtype ? x : cast(x, this.dtype);
    const mean = this.runningMean;
    const variance = this.runningVar;
    const counter = this.getBuffer('num_batches_tracked');
    const updating = this.training && mean !== null && variance !== null;
    const batches = updating && counter !== undefined ? counter.item() + 1 : 0;
    // PyTorch's exponential_average_factor: momentum null averages all batches so far equally.
    const momentum = this.momentum ?? (batches > 0 ? 1 / batches : 0);
    const y = batchNorm(input, mean, variance, {
      weight: this.weight,
      bias: this.bias,
      training: this.training || mean === null,
      momentum,
      eps: this.eps,
    });
    // Counted after the call, so a batch it refuses (a single value per channel) is not counted.
    if (updating && counter !== undefined) counter._data[0] = batches;
    return y;
  }

  /** @internal A summary row without running the layer, so printing a summary leaves the running statistics alone. */
  override summarize([x]: [Tensor], prefix: string, rows: [string, string, string][]): Tensor {
    this.checkShape(x);
    rows.push([`${prefix}${this.describe()}`, formatShape(x.shape), String(this.parameterCount())]);
    return x;
  }

  override describe(): string {
    const extras = [this.affine ? '' : ', no affine', this.trackRunningStats ? '' : ', no running stats'].join('');
    return `${this.constructor.name}(${this.numFeatures}${extras})`;
  }

  override config(): ModuleConfig {
    return {
      type: this.constructor.name,
      numFeatures: this.numFeatures,
      eps: this.eps,
      momentum: this.momentum,
      affine: this.affine,
      trackRunningStats: this.trackRunningStats,
      dtype: this.dtype,
    };
  }
}

/**
 * Batch normalization over (N, C) or (N, C, L) inputs, as PyTorch's nn.BatchNorm1d: in training
 * each channel is normalized with the batch's mean and biased variance and the running statistics
 * are updated; after `eval()` the running statistics are used.
 * @example
 * const bn = new BatchNorm1d(2);
 * bn.forward(tensor([[1, 10], [3, 20]])).shape; // [2, 2]
 * bn.runningMean?.toArray(); // ≈ [0.2, 1.5]
 * bn.namedBuffers().map(([name]) => name); // ['running_mean', 'running_var', 'num_batches_tracked']
 */
export class BatchNorm1d extends BatchNormBase {
  protected readonly ranks = [2, 3];
  protected readonly layout = 'a 2-d (N, C) or 3-d (N, C, L)';
}

/**
 * Batch normalization over (N, C, H, W) inputs, as PyTorch's nn.BatchNorm2d (see BatchNorm1d).
 * @example
 * const bn = new BatchNorm2d(3);
 * bn.forward(randn([4, 3, 5, 5])).shape; // [4, 3, 5, 5]
 * Object.keys(bn.stateDict()); // ['weight', 'bias', 'running_mean', 'running_var', 'num_batches_tracked']
 */
export class BatchNorm2d extends BatchNormBase {
  protected readonly ranks = [4];
  protected readonly layout = 'a 4-d (N, C, H, W)';
}

/**
 * Group normalization, as PyTorch's nn.GroupNorm: the channels are split into `numGroups`
 * groups, each normalized per sample, then scaled and shifted per channel (`weight` 1, `bias` 0).
 * @example
 * const gn = new GroupNorm(2, 4);
 * gn.forward(randn([3, 4, 5])).shape; // [3, 4, 5]
 */
export class GroupNorm extends Module {
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  readonly dtype: FloatDType;
  readonly weight: Tensor | null;
  readonly bias: Tensor | null;

  constructor(numGroups: number, numChannels: number, options: GroupNormLayerOptions = {}) {
    super();
    const where = 'GroupNorm';
    checkCount(where, 'numGroups', numGroups);
    checkCount(where, 'numChannels', numChannels);
    if (numChannels % numGroups !== 0) throw new ValueError(`GroupNorm: numChannels (${numChannels}) must be divisible by numGroups (${numGroups})`);
    const eps = options.eps ?? 1e-5;
    checkEps(where, eps);
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    this.eps = eps;
    this.affine = options.affine ?? true;
    this.dtype = checkDType(where, options.dtype ?? 'float32');
    const dtype = this.dtype;
    this.weight = this.affine ? this.registerParameter('weight', ones([numChannels], { dtype }).named('weight')) : null;
    this.bias = this.affine ? this.registerParameter('bias', zeros([numChannels], { dtype }).named('bias')) : null;
  }

  forward(x: Tensor): Tensor {
    if (x.ndim < 2 || x.shape[1] !== this.numChannels) {
      throw new ShapeError(`${this.describe()}: expected an input (N, ${this.numChannels}, …) with ${this.numChannels} channels in dimension 1, got shape ${formatShape(x.shape)}`);
    }
    const input = x.dtype === this.dtype ? x : cast(x, this.dtype);
    return groupNorm(input, this.numGroups, { weight: this.weight, bias: this.bias, eps: this.eps });
  }

  override describe(): string {
    return `GroupNorm(${this.numGroups}, ${this.numChannels}${this.affine ? '' : ', no affine'})`;
  }

  override config(): ModuleConfig {
    return { type: 'GroupNorm', numGroups: this.numGroups, numChannels: this.numChannels, eps: this.eps, affine: this.affine, dtype: this.dtype };
  }
}
