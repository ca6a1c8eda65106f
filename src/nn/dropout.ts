/** Dropout: random zeroing (of elements, or of whole channels) during training, the identity in evaluation. */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { isFloating } from '../tensor/dtype.js';
import { mul } from '../ops/elementwise.js';
import { Generator, getDefaultGenerator } from '../random/generator.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig } from './module.js';

export interface DropoutOptions {
  /** Seed a generator of the layer's own, so its masks repeat run to run (not with `generator`). */
  readonly seed?: number;
  /** The generator to draw masks from (default: the one `manualSeed` sets, read at each call). */
  readonly generator?: Generator;
}

/**
 * Inverted dropout, as PyTorch's nn.Dropout: in training mode each element is zeroed with
 * probability `p` and the others are scaled by 1/(1 − p), so the expected value is unchanged;
 * after `eval()` it returns its input.
 * @example
 * const drop = new Dropout(0.5, { seed: 0 });
 * drop.forward(ones([4])).toArray(); // each entry 0 or 2
 * drop.eval().forward(ones([4])).toArray(); // [1, 1, 1, 1]
 */
export class Dropout extends Module {
  readonly p: number;
  readonly seed: number | undefined;
  protected readonly generator: Generator | undefined;

  constructor(p = 0.5, options: DropoutOptions = {}) {
    super();
    const type = this.constructor.name;
    if (!(typeof p === 'number' && p >= 0 && p <= 1)) throw new ValueError(`${type}: p must be a probability in [0, 1], got ${p}`);
    if (options.seed !== undefined && options.generator !== undefined) throw new ValueError(`${type}: pass either a seed or a generator, not both`);
    this.p = p;
    this.seed = options.seed;
    this.generator = options.seed !== undefined ? new Generator(options.seed) : options.generator;
    // Registered so a checkpoint saves where the masks are in their sequence (the default generator is saved apart).
    if (this.generator !== undefined) this.registerGenerator('generator', this.generator);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.p === 0) return x;
    if (!isFloating(x.dtype)) throw new DTypeError(`${this.describe()}: the input must be float32 or float64, got ${x.dtype}`);
    const g = this.generator ?? getDefaultGenerator();
    const scale = this.p === 1 ? 0 : 1 / (1 - this.p);
    const mask = new Float64Array(x.size);
    for (let i = 0; i < mask.length; i++) mask[i] = g.uniform() < this.p ? 0 : scale;
    return mul(x, tensor(mask, { shape: x.shape, dtype: x.dtype, name: 'dropout mask' }));
  }

  /** @internal A summary row without drawing a mask, so printing a summary leaves the random state alone. */
  override summarize([x]: [Tensor], prefix: string, rows: [string, string, string][]): Tensor {
    rows.push([`${prefix}${this.describe()}`, formatShape(x.shape), '0']);
    return x;
  }

  override describe(): string {
    return `Dropout(${this.p})`;
  }

  override config(): ModuleConfig {
    return this.seed === undefined ? { type: 'Dropout', p: this.p } : { type: 'Dropout', p: this.p, seed: this.seed };
  }
}

export interface Dropout2dOptions {
  /** Probability of zeroing a channel (default 0.5). */
  readonly p?: number;
  /** Apply it (default true, as F.dropout2d); false returns the input. */
  readonly training?: boolean;
  /** The generator to draw the mask from (default: the one `manualSeed` sets). */
  readonly generator?: Generator;
}

/**
 * Channel dropout, as PyTorch's F.dropout2d: each channel of an (N, C, H, W) input (or (N, C, L),
 * as PyTorch reads a 3-d input) is zeroed whole with probability `p`, the others scaled by
 * 1/(1 − p); one uniform draw per (sample, channel), in that order.
 * @example
 * const y = dropout2d(ones([1, 4, 2, 2]), { p: 0.5, generator: new Generator(0) });
 * y.sum([2, 3]).toArray(); // [[each 0 or 8]]
 */
export function dropout2d(x: Tensor, options: Dropout2dOptions = {}): Tensor {
  const p = options.p ?? 0.5;
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) throw new ValueError(`dropout2d: p must be a probability in [0, 1], got ${p}`);
  if (x.ndim !== 3 && x.ndim !== 4) {
    throw new ShapeError(`dropout2d: expected a 3-d (N, C, L) or 4-d (N, C, H, W) input, got shape ${formatShape(x.shape)}`);
  }
  if (!(options.training ?? true) || p === 0) return x;
  if (!isFloating(x.dtype)) throw new DTypeError(`dropout2d: the input must be float32 or float64, got ${x.dtype}`);
  const g = options.generator ?? getDefaultGenerator();
  const scale = p === 1 ? 0 : 1 / (1 - p);
  const channels = x.shape[0]! * x.shape[1]!;
  const mask = new Float64Array(channels);
  for (let i = 0; i < channels; i++) mask[i] = g.uniform() < p ? 0 : scale;
  const maskShape = [x.shape[0]!, x.shape[1]!, ...x.shape.slice(2).map(() => 1)];
  return mul(x, tensor(mask, { shape: maskShape, dtype: x.dtype, name: 'dropout2d mask' }));
}

/**
 * Channel dropout as a layer, as PyTorch's nn.Dropout2d: in training mode whole channels of an
 * (N, C, H, W) input are zeroed with probability `p` (the rest scaled by 1/(1 − p)); after
 * `eval()` it returns its input. Options as Dropout's.
 * @example
 * const drop = new Dropout2d(0.5, { seed: 0 });
 * drop.forward(ones([2, 3, 4, 4])).shape; // [2, 3, 4, 4]
 */
export class Dropout2d extends Dropout {
  override forward(x: Tensor): Tensor {
    if (x.ndim !== 3 && x.ndim !== 4) {
      throw new ShapeError(`${this.describe()}: expected a 3-d (N, C, L) or 4-d (N, C, H, W) input, got shape ${formatShape(x.shape)}`);
    }
    const generator = this.generator ?? getDefaultGenerator();
    return dropout2d(x, { p: this.p, training: this.training, generator });
  }

  override describe(): string {
    return `Dropout2d(${this.p})`;
  }

  override config(): ModuleConfig {
    return this.seed === undefined ? { type: 'Dropout2d', p: this.p } : { type: 'Dropout2d', p: this.p, seed: this.seed };
  }
}
