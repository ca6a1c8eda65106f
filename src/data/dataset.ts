/** Datasets and batching. */
import { ShapeError, ValueError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { indexSelect } from '../ops/indexing.js';

/** A model's inputs: one tensor, or several (a multi-input model's, each [B, …]). */
export type Inputs = Tensor | readonly Tensor[];

/** The inputs as a list, one tensor per model argument. */
export function inputList(x: Inputs): readonly Tensor[] {
  return x instanceof Tensor ? [x] : x;
}

/** Samples in a batch: the first axis of its (first) input. */
export function batchSize(x: Inputs): number {
  return inputList(x)[0]?.shape[0] ?? 1;
}

/** Applies `f` to each input tensor, keeping the form (one tensor or a list). */
export function mapInputs<X extends Inputs>(x: X, f: (t: Tensor) => Tensor): X {
  // X is Tensor or a tensor list and f keeps tensors tensors, so the result has X's form.
  return (x instanceof Tensor ? f(x) : x.map(f)) as X;
}

/** One batch: inputs `x` [B, …] (or a list of them, for a multi-input model) and targets `y` [B, …]. */
export interface Batch<X extends Inputs = Tensor> {
  readonly x: X;
  readonly y: Tensor;
}

/**
 * A dataset of samples that can be fetched in batches by index. `TensorDataset` is the
 * implementation every built-in dataset returns.
 */
export interface Dataset<X extends Inputs = Tensor> {
  readonly length: number;
  /** The samples at `indices`, stacked along a new first axis. */
  batch(indices: readonly number[]): Batch<X>;
}

/**
 * Inputs and targets held as tensors whose first axis indexes samples; the inputs may be a list
 * of tensors (PyTorch's `TensorDataset(*tensors)`), which `fit` passes as the model's arguments.
 * @example
 * const ds = new TensorDataset(tensor([[0, 0], [0, 1]]), tensor([[0], [1]]));
 * ds.batch([1]).x.toArray(); // [[0, 1]]
 * new TensorDataset([zeros([4, 3]), ones([4, 2])], zeros([4])).batch([0, 1]).x.map((t) => t.shape); // [[2, 3], [2, 2]]
 */
export class TensorDataset<X extends Inputs = Tensor> implements Dataset<X> {
  readonly x: X;
  readonly y: Tensor;
  /** Class names for classification targets, in label order (optional). */
  readonly classes: readonly string[] | undefined;

  constructor(x: X, y: Tensor, classes?: readonly string[]) {
    const list = inputList(x);
    if (list.length === 0) throw new ShapeError('TensorDataset: the list of inputs is empty; give at least one input tensor');
    list.forEach((t, i) => {
      if (!(t instanceof Tensor)) throw new ShapeError(`TensorDataset: input ${i} is ${t === null ? 'null' : typeof t}, not a tensor`);
      if (t.ndim === 0 || y.ndim === 0 || t.shape[0] !== y.shape[0]) {
        const which = list.length === 1 ? 'inputs' : `input ${i}`;
        throw new ShapeError(`TensorDataset: ${which} ${formatShape(t.shape)} and targets ${formatShape(y.shape)} must have the same first dimension (one row per sample)`);
      }
    });
    this.x = x;
    this.y = y;
    this.classes = classes;
  }

  get length(): number {
    return inputList(this.x)[0]!.shape[0] ?? 0;
  }

  batch(indices: readonly number[]): Batch<X> {
    const idx = tensor([...indices], { dtype: 'int32' });
    return { x: mapInputs(this.x, (t) => indexSelect(t, 0, idx)), y: indexSelect(this.y, 0, idx) };
  }

  /** A dataset of the samples at `indices` (e.g. a train/validation split). */
  subset(indices: readonly number[]): TensorDataset<X> {
    const b = this.batch(indices);
    return new TensorDataset(b.x, b.y, this.classes);
  }

  /**
   * Splits into two datasets, the second holding `fraction` of the samples, chosen by a seeded
   * shuffle.
   * @example
   * const ds = new TensorDataset(arange(10).reshape([10, 1]), arange(10).reshape([10, 1]));
   * const [train, val] = ds.split(0.2, 0);
   * [train.length, val.length]; // [8, 2]
   */
  split(fraction: number, seed = 0): [TensorDataset<X>, TensorDataset<X>] {
    if (!(fraction >= 0 && fraction < 1)) throw new ValueError(`split: fraction must be in [0, 1), got ${fraction}`);
    const order = permutation(this.length, new Generator(seed));
    const nVal = splitSize(this.length, fraction);
    return [this.subset(order.slice(nVal)), this.subset(order.slice(0, nVal))];
  }
}

/** How many of `length` samples a split of `fraction` holds out (rounded): the one rule for split, fit and the CLI's counts. */
export function splitSize(length: number, fraction: number): number {
  return Math.round(length * fraction);
}

/**
 * A seeded random permutation of 0..n−1 (Fisher–Yates).
 * @example
 * permutation(5, new Generator(0)); // the same order of 0, 1, 2, 3, 4 for seed 0, everywhere
 */
export function permutation(n: number, generator: Generator): number[] {
  const order = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = generator.integer(0, i + 1);
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  return order;
}

export interface DataLoaderOptions {
  /**
   * Samples per batch (default 32; the whole dataset with `Infinity`). As in PyTorch, a finite
   * batchSize larger than the dataset gives one short batch, or none with dropLast.
   */
  readonly batchSize?: number;
  /** Reshuffle every epoch (default false). */
  readonly shuffle?: boolean;
  /** Drop the last batch if it is smaller than batchSize (default false). */
  readonly dropLast?: boolean;
  /** Seed of the shuffling generator (default 0): the same seed gives the same batches. */
  readonly seed?: number;
}

/**
 * Iterates over a dataset in batches, as PyTorch's DataLoader. Each `for … of` is one epoch;
 * with `shuffle`, every epoch draws a new order from the seeded generator.
 * @example
 * const ds = new TensorDataset(arange(10).reshape([5, 2]), arange(5).reshape([5, 1]));
 * const loader = new DataLoader(ds, { batchSize: 2, shuffle: true, seed: 1 });
 * for (const { x, y } of loader) console.log(x.shape, y.shape); // [2, 2] [2, 1] twice, then [1, 2] [1, 1]
 */
export class DataLoader<X extends Inputs = Tensor> implements Iterable<Batch<X>> {
  readonly dataset: Dataset<X>;
  readonly batchSize: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  private readonly generator: Generator;

  constructor(dataset: Dataset<X>, options: DataLoaderOptions = {}) {
    const batchSize = options.batchSize ?? 32;
    if (!(batchSize >= 1) || (!Number.isInteger(batchSize) && batchSize !== Infinity)) {
      throw new ValueError(`DataLoader: batchSize must be a positive integer, got ${batchSize}`);
    }
    this.dataset = dataset;
    // Only Infinity is clamped: a finite size is kept, so dropLast drops a batch the dataset
    // cannot fill even when that is the only one (as PyTorch does).
    this.batchSize = batchSize === Infinity ? Math.max(1, dataset.length) : batchSize;
    this.shuffle = options.shuffle ?? false;
    this.dropLast = options.dropLast ?? false;
    this.generator = new Generator(options.seed ?? 0);
  }

  /** Number of batches per epoch. */
  get length(): number {
    const n = this.dataset.length / this.batchSize;
    return this.dropLast ? Math.floor(n) : Math.ceil(n);
  }

  *[Symbol.iterator](): Iterator<Batch<X>> {
    const n = this.dataset.length;
    const order = this.shuffle ? permutation(n, this.generator) : Array.from({ length: n }, (_, i) => i);
    for (let start = 0; start < n; start += this.batchSize) {
      const indices = order.slice(start, start + this.batchSize);
      if (this.dropLast && indices.length < this.batchSize) break;
      yield this.dataset.batch(indices);
    }
  }
}
