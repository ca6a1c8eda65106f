/**
 * Training an MLP on a dataset end to end, with the choices a user would otherwise repeat:
 * the task (regression, binary or multiclass classification) read from the targets, a loss
 * and output layer to match, a seeded validation split, and the metadata a model file needs to
 * predict later (feature names, standardisation, classes). `chainrule train` is a thin layer
 * over `trainMlp`; `predictWithModel` serves `chainrule predict`.
 */
import { splitSize, type TensorDataset } from '../data/dataset.js';
import { ValueError } from '../errors.js';
import { MAX_ACTIVATION_ELEMENTS, MAX_EPOCHS, MAX_PARAMETERS } from '../limits.js';
import { mlp, type MlpOptions } from '../nn/mlp.js';
import { getLoss, type LossName } from '../nn/losses.js';
import type { Module } from '../nn/module.js';
import { createOptimizer, type OptimizerName } from '../optim/index.js';
import { CosineAnnealingLR } from '../optim/schedulers.js';
import { sigmoid } from '../ops/elementwise.js';
import { argmax, softmax } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { fit, type Callback, type LossFn } from './fit.js';
import type { History } from './history.js';

export type Task = 'regression' | 'binary' | 'multiclass';

/** Reads the task from the targets: int32 labels → multiclass; one column of 0/1 → binary; else regression. */
export function inferTask(dataset: TensorDataset): Task {
  const y = dataset.y;
  if (y.dtype === 'int32' && y.ndim === 1) return 'multiclass';
  const values = y._data;
  const oneColumn = y.ndim === 1 || (y.ndim === 2 && y.shape[1] === 1);
  if (oneColumn && values.length > 0 && Array.prototype.every.call(values, (v: number) => v === 0 || v === 1)) return 'binary';
  return 'regression';
}

/** Number of model outputs a task needs. */
export function outputsFor(task: Task, dataset: TensorDataset): number {
  if (task === 'multiclass') return Math.max(dataset.classes?.length ?? 0, largest(dataset.y._data) + 1);
  if (task === 'binary') return 1;
  return dataset.y.ndim === 1 ? 1 : (dataset.y.shape[1] ?? 1);
}

// A loop, not Math.max(...values): spreading a data-sized array overflows the call stack (~200k labels).
function largest(values: ArrayLike<number>): number {
  let max = -1;
  for (let i = 0; i < values.length; i++) if ((values[i] ?? -1) > max) max = values[i] ?? -1;
  return max;
}

/** The loss used when none is chosen: crossEntropy (multiclass), bceWithLogits (binary), mse (regression). */
export function defaultLoss(task: Task): LossName {
  return task === 'multiclass' ? 'crossEntropy' : task === 'binary' ? 'bceWithLogits' : 'mse';
}

export interface TrainMlpOptions {
  /** Layer sizes including input and output, e.g. [2, 8, 8, 1]; default [features, 8, 8, outputs]. */
  readonly layers?: readonly number[];
  readonly activation?: MlpOptions['activation'];
  readonly loss?: LossName;
  readonly optimizer?: OptimizerName;
  readonly lr?: number;
  readonly epochs?: number;
  readonly batchSize?: number;
  readonly seed?: number;
  /** Fraction held out for validation (default 0.2; 0 for none). */
  readonly valSplit?: number;
  readonly clipNorm?: number;
  /** Dropout probability after each hidden activation (default 0). */
  readonly dropout?: number;
  /** The optimizer's weight decay (L2 penalty; decoupled for AdamW). */
  readonly weightDecay?: number;
  /** SGD/RMSprop momentum. */
  readonly momentum?: number;
  readonly callbacks?: readonly Callback[];
  readonly dtype?: 'float32' | 'float64';
}

export interface TrainedMlp {
  readonly model: Module;
  readonly history: History;
  readonly task: Task;
  readonly layers: readonly number[];
  readonly loss: LossName;
  /** Outputs are logits (binary with bceWithLogits, multiclass with crossEntropy). */
  readonly logits: boolean;
  readonly optimizer: ReturnType<typeof createOptimizer>;
  /** The validation fraction trained with (the default's, when none was given). */
  readonly valSplit: number;
}

/** The default validation fraction: 20%, or none when that would leave a side empty (1–2 samples); a split given is checked by fit. */
export function defaultValSplit(length: number): number {
  const held = splitSize(length, 0.2);
  return held === 0 || held === length ? 0 : 0.2;
}

const PROBABILITY_LOSSES: readonly LossName[] = ['binaryCrossEntropy'];

/**
 * Builds and trains an MLP for the dataset's task.
 * @example trainMlp(xor({ n: 64, seed: 0 }), { epochs: 3 }).history.loss.length // 3
 */
export function trainMlp(dataset: TensorDataset, options: TrainMlpOptions = {}): TrainedMlp {
  const { task } = checkRun(dataset, options);
  const features = dataset.x.shape[1] ?? 1;
  const outputs = outputsFor(task, dataset);
  const layers = options.layers ?? [features, 8, 8, outputs];
  checkLayers(layers, Math.min(options.batchSize ?? 32, dataset.length));
  if (layers[0] !== features) throw new ValueError(`train: the first layer has ${layers[0]} units but the data has ${features} features`);
  if (layers[layers.length - 1] !== outputs) {
    throw new ValueError(`train: the last layer has ${layers[layers.length - 1]} units but the ${task} task needs ${outputs} outputs`);
  }
  const lossName = options.loss ?? defaultLoss(task);
  const model = mlp([...layers], {
    activation: options.activation ?? 'relu',
    outputActivation: PROBABILITY_LOSSES.includes(lossName) ? 'sigmoid' : 'linear',
    seed: options.seed ?? 0,
    dtype: options.dtype ?? 'float32',
    ...(options.dropout === undefined ? {} : { dropout: options.dropout }),
  });
  return { ...trainModel(dataset, model, options), layers };
}

export interface TrainModelOptions extends Omit<TrainMlpOptions, 'layers' | 'activation' | 'dropout' | 'dtype'> {
  /** Cosine annealing of the learning rate over the epochs, stepped once per epoch, down to 0 (default false). */
  readonly cosine?: boolean;
}

export type TrainedModel = Omit<TrainedMlp, 'layers'>;

/**
 * Trains a model built elsewhere (a preset, or a description from a file) for the dataset's
 * task, with trainMlp's choices of loss, metrics, validation split and optimizer; the model
 * must already give one output per class (or one for binary and regression).
 * @example trainModel(xor({ n: 64, seed: 0 }), mlp([2, 4, 1], { seed: 0 }), { epochs: 2 }).history.loss.length // 2
 */
export function trainModel(dataset: TensorDataset, model: Module, options: TrainModelOptions = {}): TrainedModel {
  const { task, epochs, valSplit } = checkRun(dataset, options);
  const lossName = options.loss ?? defaultLoss(task);
  const probabilities = PROBABILITY_LOSSES.includes(lossName);
  const seed = options.seed ?? 0;
  const optimizer = createOptimizer(options.optimizer ?? 'adam', model.parameters(), {
    lr: options.lr ?? 0.01,
    ...(options.weightDecay === undefined ? {} : { weightDecay: options.weightDecay }),
    ...(options.momentum === undefined ? {} : { momentum: options.momentum }),
  });
  const loss: LossFn = getLoss(lossName);
  const logits = task !== 'regression' && !probabilities;
  const history = fit(model, dataset, {
    loss,
    optimizer,
    epochs,
    batchSize: options.batchSize ?? 32,
    seed,
    ...(task === 'regression' ? {} : { metrics: ['accuracy'] as const, logits }),
    ...(valSplit > 0 ? { validation: valSplit } : {}),
    ...(options.clipNorm === undefined ? {} : { clipNorm: options.clipNorm }),
    ...(options.cosine === true ? { scheduler: new CosineAnnealingLR(optimizer, { totalSteps: epochs }) } : {}),
    callbacks: options.callbacks ?? [],
  });
  return { model, history, task, loss: lossName, logits, optimizer, valSplit };
}

/** What every training run checks before building anything: data, epochs, split, classes. */
function checkRun(dataset: TensorDataset, options: { readonly epochs?: number; readonly valSplit?: number }): { task: Task; epochs: number; valSplit: number } {
  if (dataset.length === 0) throw new ValueError('train: the dataset is empty (0 samples)');
  const epochs = options.epochs ?? 100;
  // Unlike fit, 0 epochs is refused: it would return an untrained model as if it were a result.
  if (!Number.isSafeInteger(epochs) || epochs < 1 || epochs > MAX_EPOCHS) {
    throw new ValueError(`train: epochs must be an integer from 1 to ${MAX_EPOCHS.toLocaleString('en-US')} (MAX_EPOCHS), got ${epochs}`);
  }
  const valSplit = options.valSplit ?? defaultValSplit(dataset.length);
  if (!(valSplit >= 0 && valSplit < 1)) throw new ValueError(`train: valSplit must be a fraction in [0, 1), got ${valSplit}`);
  const task = inferTask(dataset);
  checkClasses(task, dataset);
  return { task, epochs, valSplit };
}

/** A classification target needs two classes: with one, the model learns nothing and accuracy means nothing. */
function checkClasses(task: Task, dataset: TensorDataset): void {
  if (task === 'regression') return;
  const values = dataset.y._data;
  const first = values[0] ?? 0;
  for (let i = 1; i < values.length; i++) if (values[i] !== first) return;
  const name = dataset.classes?.[first];
  throw new ValueError(
    `train: the target has one class (${name === undefined ? first : `'${name}'`}) in all ${values.length} samples; classification needs at least 2`,
  );
}

/** The weights and biases of an MLP with these layer sizes (input, hidden…, output): Σ (inᵢ + 1)·outᵢ. */
export function mlpParameterCount(layers: readonly number[]): number {
  let parameters = 0;
  for (let i = 1; i < layers.length; i++) parameters += (layers[i - 1]! + 1) * layers[i]!;
  return parameters;
}

/** Layer sizes checked against MAX_PARAMETERS and MAX_ACTIVATION_ELEMENTS before any weight is allocated. */
function checkLayers(layers: readonly number[], batch: number): void {
  if (layers.length < 2 || !layers.every((u) => Number.isSafeInteger(u) && u >= 1)) {
    throw new ValueError(`train: layers must be two or more positive integers (input size, hidden sizes, output size), got [${layers.slice(0, 8).join(', ')}${layers.length > 8 ? ', …' : ''}]`);
  }
  const parameters = mlpParameterCount(layers);
  if (parameters > MAX_PARAMETERS) {
    throw new ValueError(
      `train: layers [${layers.join(', ')}] make ${parameters.toLocaleString('en-US')} parameters, over the limit of ${MAX_PARAMETERS.toLocaleString('en-US')} (MAX_PARAMETERS); use narrower layers`,
    );
  }
  const widest = largest(layers);
  if (batch * widest > MAX_ACTIVATION_ELEMENTS) {
    throw new ValueError(
      `train: layers [${layers.join(', ')}] with batches of ${batch} samples make activations of ${batch} × ${widest} = ${(batch * widest).toLocaleString('en-US')} values, ` +
        `over the limit of ${MAX_ACTIVATION_ELEMENTS.toLocaleString('en-US')} (MAX_ACTIVATION_ELEMENTS); use a smaller batchSize or narrower layers`,
    );
  }
}

export interface Predictions {
  /** Predicted values (regression) or class indices (classification), one row per sample. */
  readonly values: number[][];
  /** Class probabilities for classification (one column for binary: P(class 1)). */
  readonly probabilities: number[][] | null;
}

/** Turns model outputs into predictions for a task (argmax/threshold for classes, probabilities). */
export function interpretOutputs(output: Tensor, task: Task, logits: boolean): Predictions {
  const rows = (t: Tensor): number[][] => {
    const a = t.ndim === 1 ? t.reshape([-1, 1]) : t;
    const width = a.shape[1] ?? 1;
    const data = Array.from(a._data);
    return Array.from({ length: a.shape[0] ?? 0 }, (_, i) => data.slice(i * width, (i + 1) * width));
  };
  if (task === 'regression') return { values: rows(output), probabilities: null };
  if (task === 'binary') {
    const p = logits ? sigmoid(output) : output;
    return { values: rows(p).map(([v]) => [(v ?? 0) > 0.5 ? 1 : 0]), probabilities: rows(p) };
  }
  const p = logits ? softmax(output, -1) : output;
  return { values: Array.from(argmax(output, -1)._data, (v) => [v]), probabilities: rows(p) };
}
