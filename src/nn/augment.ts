/** Data augmentation as a layer: random shifts of images during training, the identity in evaluation. */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { isFloating } from '../tensor/dtype.js';
import { mul } from '../ops/elementwise.js';
import { gather } from '../ops/indexing.js';
import { Generator, getDefaultGenerator } from '../random/generator.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig } from './module.js';
import type { ModuleFactory } from './registry.js';

export interface RandomShiftOptions {
  /** Seed a generator of the layer's own, so its shifts repeat run to run. */
  readonly seed?: number;
}

/**
 * Shifts each image of an (N, C, H, W) batch by a random whole number of pixels, up to
 * `maxShift` each way on both axes (all of an image's channels alike), filling with zeros —
 * torchvision's `RandomCrop(size, padding=maxShift)` applied to every sample, or Keras's
 * RandomTranslation layer in pixels. Only in training mode, like Dropout: after `eval()` it
 * returns its input, so a saved model predicts on the images as they are. On small datasets
 * (the 8,000 training digits) it is what lifts a CNN past memorising the exact pixels.
 * @example
 * const shift = new RandomShift(2, { seed: 0 });
 * const x = ones([4, 1, 28, 28]);
 * shift.forward(x).shape; // [4, 1, 28, 28], each image moved by up to 2 pixels
 * shift.eval().forward(x) === x; // true
 */
export class RandomShift extends Module {
  readonly maxShift: number;
  readonly seed: number | undefined;
  private readonly generator: Generator | undefined;

  constructor(maxShift: number, options: RandomShiftOptions = {}) {
    super();
    if (!Number.isSafeInteger(maxShift) || maxShift < 0) throw new ValueError(`RandomShift: maxShift must be a non-negative integer (pixels), got ${maxShift}`);
    this.maxShift = maxShift;
    this.seed = options.seed;
    this.generator = options.seed === undefined ? undefined : new Generator(options.seed);
    // Registered so a checkpoint saves where the shifts are in their sequence.
    if (this.generator !== undefined) this.registerGenerator('generator', this.generator);
  }

  forward(x: Tensor): Tensor {
    if (!this.training || this.maxShift === 0) return x;
    if (x.ndim !== 4) throw new ShapeError(`${this.describe()}: expected a 4-d input (N, C, H, W), got shape ${formatShape(x.shape)}`);
    if (!isFloating(x.dtype)) throw new DTypeError(`${this.describe()}: the input must be float32 or float64, got ${x.dtype}`);
    const [n, c, h, w] = x.shape as [number, number, number, number];
    const g = this.generator ?? getDefaultGenerator();
    const m = this.maxShift;
    const plane = h * w;
    // Output pixel (i, j) reads input (i + dy, j + dx): a gather, so the gradient flows back too.
    const index = new Int32Array(n * c * plane);
    const mask = new Float64Array(n * c * plane);
    for (let s = 0; s < n; s++) {
      const dy = Math.floor(g.uniform() * (2 * m + 1)) - m;
      const dx = Math.floor(g.uniform() * (2 * m + 1)) - m;
      for (let i = 0; i < h; i++) {
        const si = i + dy;
        for (let j = 0; j < w; j++) {
          const sj = j + dx;
          const inside = si >= 0 && si < h && sj >= 0 && sj < w;
          for (let k = 0; k < c; k++) {
            const o = (s * c + k) * plane + i * w + j;
            index[o] = inside ? si * w + sj : 0;
            mask[o] = inside ? 1 : 0;
          }
        }
      }
    }
    const flat = x.reshape([n, c, plane]);
    const moved = gather(flat, 2, tensor(index, { shape: [n, c, plane] }));
    return mul(moved, tensor(mask, { shape: [n, c, plane], dtype: x.dtype, name: 'shift mask' })).reshape([n, c, h, w]);
  }

  /** @internal A summary row without drawing shifts, so printing a summary leaves the random state alone. */
  override summarize([x]: [Tensor], prefix: string, rows: [string, string, string][]): Tensor {
    rows.push([`${prefix}${this.describe()}`, formatShape(x.shape), '0']);
    return x;
  }

  override describe(): string {
    return `RandomShift(${this.maxShift})`;
  }

  override config(): ModuleConfig {
    return this.seed === undefined ? { type: 'RandomShift', maxShift: this.maxShift } : { type: 'RandomShift', maxShift: this.maxShift, seed: this.seed };
  }
}

/** Rebuilds a RandomShift from its config, naming the field that is wrong. */
export const randomShiftFactory: ModuleFactory = (c, _ctx, path) => {
  const maxShift = c['maxShift'];
  if (typeof maxShift !== 'number' || !Number.isSafeInteger(maxShift) || maxShift < 0) {
    throw new ValueError(`moduleFromConfig: ${path}: RandomShift.maxShift must be a non-negative integer (pixels), got ${JSON.stringify(maxShift) ?? String(maxShift)}`);
  }
  const seed = c['seed'];
  if (seed !== undefined && !(typeof seed === 'number' && Number.isSafeInteger(seed))) {
    throw new ValueError(`moduleFromConfig: ${path}: RandomShift.seed must be a safe integer, got ${JSON.stringify(seed) ?? String(seed)}`);
  }
  return new RandomShift(maxShift, seed === undefined ? {} : { seed });
};
