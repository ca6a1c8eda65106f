/** Unflatten: one axis split into several, so a model taking flat rows (a CSV, the digits' 784 pixels) can start with a convolution. */
import { ShapeError, ValueError } from '../errors.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { ModuleFactory } from './registry.js';
import { Module, type ModuleConfig } from './module.js';

/**
 * Splits axis `dim` into `unflattenedSize`, as PyTorch's nn.Unflatten: the sizes' product must
 * equal that axis's length. The model file then records how its inputs are shaped, so predict
 * and evaluate feed it the same flat rows it was trained on.
 * @example new Unflatten(1, [1, 28, 28]).forward(zeros([64, 784])).shape // [64, 1, 28, 28]
 */
export class Unflatten extends Module {
  readonly dim: number;
  readonly unflattenedSize: readonly number[];

  constructor(dim: number, unflattenedSize: readonly number[]) {
    super();
    if (!Number.isSafeInteger(dim)) throw new ValueError(`Unflatten: dim must be an integer, got ${dim}`);
    if (!Array.isArray(unflattenedSize) || unflattenedSize.length === 0 || !unflattenedSize.every((s) => Number.isSafeInteger(s) && s >= 1)) {
      throw new ValueError(`Unflatten: unflattenedSize must be a non-empty list of positive integers, got ${JSON.stringify(unflattenedSize)}`);
    }
    this.dim = dim;
    this.unflattenedSize = [...unflattenedSize];
  }

  forward(x: Tensor): Tensor {
    const axis = this.dim < 0 ? this.dim + x.ndim : this.dim;
    if (axis < 0 || axis >= x.ndim) throw new ShapeError(`${this.describe()}: dim ${this.dim} is out of range for an input of shape ${formatShape(x.shape)}`);
    const length = x.shape[axis]!;
    const product = this.unflattenedSize.reduce((p, s) => p * s, 1);
    if (product !== length) {
      throw new ShapeError(`${this.describe()}: axis ${this.dim} of the input ${formatShape(x.shape)} has ${length} values, but ${this.unflattenedSize.join('×')} = ${product}`);
    }
    return x.reshape([...x.shape.slice(0, axis), ...this.unflattenedSize, ...x.shape.slice(axis + 1)]);
  }

  override describe(): string {
    return `Unflatten(${this.dim}, [${this.unflattenedSize.join(', ')}])`;
  }

  override config(): ModuleConfig {
    return { type: 'Unflatten', dim: this.dim, unflattenedSize: [...this.unflattenedSize] };
  }
}

/** Rebuilds an Unflatten from its config, naming the field that is wrong. */
export const unflattenFactory: ModuleFactory = (c, _ctx, path) => {
  const dim = c['dim'];
  const sizes = c['unflattenedSize'];
  if (typeof dim !== 'number' || !Number.isSafeInteger(dim)) {
    throw new ValueError(`moduleFromConfig: ${path}: Unflatten.dim must be an integer, got ${JSON.stringify(dim) ?? String(dim)}`);
  }
  if (!Array.isArray(sizes) || sizes.length === 0 || !sizes.every((s): s is number => typeof s === 'number' && Number.isSafeInteger(s) && s >= 1)) {
    throw new ValueError(`moduleFromConfig: ${path}: Unflatten.unflattenedSize must be a non-empty list of positive integers, got ${JSON.stringify(sizes) ?? String(sizes)}`);
  }
  return new Unflatten(dim, sizes);
};
