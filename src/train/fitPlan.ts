/** What `fit` decides before its loop (the data of each epoch, the validation split) and what it adds up during an epoch. */
import { DataLoader, TensorDataset, batchSize, splitSize, type Dataset, type Inputs } from '../data/dataset.js';
import { ValueError } from '../errors.js';
import { MAX_EPOCHS } from '../limits.js';
import { Adder } from '../math/fsum.js';
import type { Tensor } from '../tensor/tensor.js';
import type { BatchLogs, FitData, FitOptions } from './fit.js';
import type { EpochLog } from './history.js';

export function toDataset(data: FitData): Dataset<Inputs> {
  if (data instanceof DataLoader) return data.dataset;
  if ('batch' in data) return data;
  return new TensorDataset(data.x, data.y);
}

export function toLoader(data: FitData, size: number, shuffle: boolean, seed: number): DataLoader<Inputs> {
  if (data instanceof DataLoader) return data;
  return new DataLoader(toDataset(data), { batchSize: size, shuffle, seed });
}

// Each epoch shuffles with its own seed derived from (seed, epoch), so that a run resumed at
// any epoch sees the same batches as an uninterrupted one.
function epochSeed(seed: number, epoch: number): number {
  return (Math.imul(seed | 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
}

export interface FitPlan {
  readonly initialEpoch: number;
  /** The batches of an epoch. */
  loader(epoch: number): DataLoader<Inputs>;
  readonly validation: FitData | undefined;
  readonly accuracy: boolean;
}

/** Checks fit's options and splits off the validation data (seeded) when asked for a fraction. */
export function planFit(data: FitData, options: FitOptions): FitPlan {
  if (!Number.isInteger(options.epochs) || options.epochs < 0 || options.epochs > MAX_EPOCHS) {
    throw new ValueError(`fit: epochs must be an integer from 0 to ${MAX_EPOCHS.toLocaleString('en-US')} (MAX_EPOCHS), got ${options.epochs}`);
  }
  const seed = options.seed ?? 0;
  let trainData = data;
  let validation: FitData | undefined;
  const size = toDataset(data).length;
  if (size === 0) throw new ValueError('fit: the training data is empty (0 samples)');
  if (typeof options.validation === 'number') {
    const ds = toDataset(data);
    if (!(ds instanceof TensorDataset)) throw new ValueError('fit: a validation fraction needs a TensorDataset (or tensors) to split');
    // A fraction of 0 is no validation (not an empty set whose loss would be NaN).
    if (checkSplit(options.validation, size)) {
      const [train, val] = ds.split(options.validation, seed);
      trainData = data instanceof DataLoader ? new DataLoader(train, { batchSize: data.batchSize, shuffle: data.shuffle, dropLast: data.dropLast, seed }) : train;
      validation = val;
    }
  } else {
    validation = options.validation;
    if (validation !== undefined && toDataset(validation).length === 0) throw new ValueError('fit: the validation data is empty (0 samples)');
  }
  const initialEpoch = options.initialEpoch ?? 0;
  if (!Number.isInteger(initialEpoch) || initialEpoch < 0) throw new ValueError(`fit: initialEpoch must be a non-negative integer, got ${initialEpoch}`);
  const trainSet = toDataset(trainData);
  const loader = (epoch: number): DataLoader<Inputs> =>
    trainData instanceof DataLoader
      ? trainData
      : new DataLoader(trainSet, { batchSize: options.batchSize ?? 32, shuffle: options.shuffle ?? true, seed: epochSeed(seed, epoch) });
  const first = loader(0);
  if (first.length === 0) {
    throw new ValueError(`fit: the loader yields no batches: ${trainSet.length} training samples, batchSize ${first.batchSize} with dropLast`);
  }
  return { initialEpoch, loader, validation, accuracy: options.metrics?.includes('accuracy') ?? false };
}

/**
 * Whether to split (false for a fraction of 0). A fraction must leave at least one sample on each side, as Keras's
 * validation_split requires: an empty side would report a NaN loss as if it were a result.
 */
function checkSplit(fraction: number, size: number): boolean {
  if (!(fraction >= 0 && fraction < 1)) throw new ValueError(`fit: validation (a fraction) must be in [0, 1), got ${fraction}`);
  if (fraction === 0) return false;
  const nVal = splitSize(size, fraction);
  if (nVal === 0 || nVal === size) {
    throw new ValueError(
      `fit: a validation split of ${fraction} of ${size} samples leaves ${size - nVal} for training and ${nVal} for validation; ` +
        'each needs at least one: change the fraction (0 for no validation) or use more data',
    );
  }
  return true;
}

/** An epoch's running totals (compensated sums), and its log. */
export class EpochTally {
  private readonly started = performance.now();
  private readonly lossTotal = new Adder();
  private readonly normTotal = new Adder();
  private samples = 0;
  private correct = 0;
  batches = 0;

  constructor(
    private readonly epoch: number,
    private readonly lr: number,
  ) {}

  /** Adds one batch; returns what the batch callbacks see. */
  add(x: Inputs, y: Tensor, output: Tensor, loss: number, gradNorm: number, correct: number): BatchLogs {
    const size = batchSize(x);
    this.lossTotal.add(loss * size);
    this.normTotal.add(gradNorm);
    this.samples += size;
    this.correct += correct;
    return { batch: this.batches++, size, loss, gradNorm, output: output.detach(), x, y };
  }

  log(accuracy: boolean, validation: Record<string, number> | undefined): EpochLog {
    const metrics: Record<string, number> = {};
    if (accuracy) metrics['accuracy'] = this.samples === 0 ? NaN : this.correct / this.samples;
    if (validation !== undefined) Object.assign(metrics, validation);
    return {
      epoch: this.epoch,
      loss: this.samples === 0 ? NaN : this.lossTotal.valueOf() / this.samples,
      gradNorm: this.batches === 0 ? NaN : this.normTotal.valueOf() / this.batches,
      lr: this.lr,
      time: (performance.now() - this.started) / 1000,
      metrics,
    };
  }
}
