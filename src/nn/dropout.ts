/** Dropout: random zeroing during training, the identity in evaluation. */
import { DTypeError, ValueError } from '../errors.js';
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
  private readonly generator: Generator | undefined;

  constructor(p = 0.5, options: DropoutOptions = {}) {
    super();
    if (!(typeof p === 'number' && p >= 0 && p <= 1)) throw new ValueError(`Dropout: p must be a probability in [0, 1], got ${p}`);
    if (options.seed !== undefined && options.generator !== undefined) throw new ValueError('Dropout: pass either a seed or a generator, not both');
    this.p = p;
    this.seed = options.seed;
    this.generator = options.seed !== undefined ? new Generator(options.seed) : options.generator;
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
  override summarize(x: Tensor, prefix: string, rows: [string, string, string][]): Tensor {
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
