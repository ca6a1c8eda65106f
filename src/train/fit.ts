/** The training loop: `fit`, `evaluate` and `predict`, as Keras's, over chainrule's nn/optim/data. */
import { noGrad } from '../autograd/mode.js';
import { batchSize, inputList, type DataLoader, type Dataset, type Inputs } from '../data/dataset.js';
import { ValueError } from '../errors.js';
import { Adder } from '../math/fsum.js';
import type { Module } from '../nn/module.js';
import { argmax } from '../ops/reduce.js';
import { clipGradNorm, gradNorm } from '../optim/clip.js';
import type { Optimizer } from '../optim/optimizer.js';
import { Tensor } from '../tensor/tensor.js';
import { divergedError, findNonFinite, nonFiniteParameter, validationOrigin } from './divergence.js';
import { EpochTally, planFit, toLoader } from './fitPlan.js';
import { History, type EpochLog } from './history.js';

/** A loss: prediction and target to a scalar tensor. */
export type LossFn = (prediction: Tensor, target: Tensor) => Tensor;

/** What fit needs of a learning-rate schedule: one `step` per epoch (plateau schedules read the metric). */
export interface EpochScheduler {
  step(metric?: number): void;
  /** A resumable state; checkpoints store it when present (every chainrule scheduler has one). */
  stateDict?(): unknown;
}

export type Metric = 'accuracy';

/**
 * Training data: a dataset, a loader (its batch size and shuffling are used), or tensors. The
 * inputs `x` may be a list of tensors, passed to the model as its arguments (`model.call(...x)`).
 */
export type FitData<X extends Inputs = Inputs> = Dataset<X> | DataLoader<X> | { readonly x: X; readonly y: Tensor };

/** A model `fit`, `evaluate` and `predict` can drive: tensors in (one per input), one tensor out. */
export type FitModel = Module<Tensor[], Tensor>;

/** Passed to callbacks: the run's objects and a way to stop it. */
export interface FitContext {
  readonly model: FitModel;
  readonly optimizer: Optimizer;
  readonly history: History;
  /** The learning-rate schedule, when fit has one. */
  readonly scheduler: EpochScheduler | undefined;
  readonly epochs: number;
  /** Index of the current epoch. */
  epoch: number;
  /** Ends training after the current epoch, recording `reason` in history.stoppedEarly. */
  stop(reason: string): void;
}

export interface BatchLogs {
  readonly batch: number;
  readonly size: number;
  /** The batch loss before the update. */
  readonly loss: number;
  /** The global gradient norm before clipping. */
  readonly gradNorm: number;
  /** The model's output for the batch (before the update). */
  readonly output: Tensor;
  /** The batch's inputs (a list for a multi-input model). */
  readonly x: Inputs;
  readonly y: Tensor;
}

/** Hooks called during `fit`, as Keras callbacks. */
export interface Callback {
  onTrainBegin?(ctx: FitContext): void;
  onTrainEnd?(ctx: FitContext): void;
  onEpochBegin?(epoch: number, ctx: FitContext): void;
  onEpochEnd?(log: EpochLog, ctx: FitContext): void;
  onBatchBegin?(batch: number, ctx: FitContext): void;
  onBatchEnd?(logs: BatchLogs, ctx: FitContext): void;
}

export interface FitOptions {
  readonly loss: LossFn;
  readonly optimizer: Optimizer;
  readonly epochs: number;
  /** Samples per batch (default 32), unless `data` is a DataLoader. */
  readonly batchSize?: number;
  /** Shuffle each epoch (default true), unless `data` is a DataLoader. */
  readonly shuffle?: boolean;
  /** Validation data, or a fraction of the training data held out (seeded split). */
  readonly validation?: FitData | number;
  readonly metrics?: readonly Metric[];
  /** For accuracy on one-output models: outputs are logits (threshold 0) rather than probabilities (0.5). */
  readonly logits?: boolean;
  readonly callbacks?: readonly Callback[];
  /** Stepped once per epoch, with the validation loss (or the training loss) as its metric. */
  readonly scheduler?: EpochScheduler;
  /** Clip the global gradient norm of each batch to this value. */
  readonly clipNorm?: number;
  /** Seed of the shuffling and of the validation split (default 0). */
  readonly seed?: number;
  /**
   * The epoch to start from, when resuming from a checkpoint (default 0): epochs
   * initialEpoch..epochs−1 run, shuffled exactly as in an uninterrupted run.
   */
  readonly initialEpoch?: number;
  /**
   * Stop at the first non-finite loss, gradient norm, validation loss or final parameter, throwing
   * a TrainingDivergedError that names the epoch, the batch and the first op that produced a
   * non-finite value (default true). With false, NaNs are trained on and recorded in the History.
   */
  readonly stopOnNonFinite?: boolean;
}

/** Number of correct predictions in a batch (see FitOptions.logits for one-output models). */
export function countCorrect(output: Tensor, target: Tensor, logits = false): number {
  return noGrad(() => {
    const out = output.ndim === 1 ? output.reshape([-1, 1]) : output;
    const classes = out.shape[out.ndim - 1] ?? 1;
    let predicted: ArrayLike<number>;
    let actual: ArrayLike<number>;
    if (classes === 1) {
      const threshold = logits ? 0 : 0.5;
      predicted = Array.from(out.data(), (v) => (v > threshold ? 1 : 0));
      actual = Array.from(target.data(), (v) => (v > 0.5 ? 1 : 0));
    } else {
      predicted = argmax(out, -1).data();
      actual = target.dtype === 'int32' ? target.data() : argmax(target, -1).data();
    }
    if (predicted.length !== actual.length) {
      throw new ValueError(`accuracy: ${predicted.length} predictions for ${actual.length} targets; check the target shape`);
    }
    let correct = 0;
    for (let i = 0; i < predicted.length; i++) if (predicted[i] === actual[i]) correct++;
    return correct;
  });
}

export interface EvaluateOptions {
  readonly loss: LossFn;
  readonly metrics?: readonly Metric[];
  readonly logits?: boolean;
  readonly batchSize?: number;
}

/**
 * Mean loss (and metrics) of `model` on `data`, in eval mode without recording a graph.
 * @example
 * const model = mlp([2, 4, 1], { seed: 0 });
 * evaluate(model, xor({ n: 8, seed: 0 }), { loss: mse }).loss; // a number
 */
export function evaluate(model: FitModel, data: FitData, options: EvaluateOptions): Record<string, number> & { loss: number } {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => {
      const loader = toLoader(data, options.batchSize ?? 256, false, 0);
      const total = new Adder();
      let n = 0;
      let correct = 0;
      for (const { x, y } of loader) {
        const out = model.call(...inputList(x));
        const size = batchSize(x);
        total.add(options.loss(out, y).item() * size);
        n += size;
        if (options.metrics?.includes('accuracy')) correct += countCorrect(out, y, options.logits);
      }
      const result: Record<string, number> & { loss: number } = { loss: n === 0 ? NaN : total.valueOf() / n };
      if (options.metrics?.includes('accuracy')) result['accuracy'] = n === 0 ? NaN : correct / n;
      return result;
    });
  } finally {
    model.train(wasTraining);
  }
}

/**
 * The model's output for inputs `x`, in eval mode without recording a graph.
 * @example predict(mlp([2, 3, 1], { seed: 0 }), tensor([[0, 1]])).shape // [1, 1]
 */
export function predict(model: FitModel, x: Inputs): Tensor {
  const wasTraining = model.training;
  model.eval();
  try {
    return noGrad(() => model.call(...inputList(x)));
  } finally {
    model.train(wasTraining);
  }
}

/**
 * Trains `model` on `data` and returns a History with, per epoch, the loss, the gradient norm,
 * the learning rate, the metrics, the validation metrics and the time. The same seed and
 * initial weights give a bit-identical History (times aside).
 * @example
 * const model = mlp([2, 8, 1], { activation: 'tanh', outputActivation: 'sigmoid', seed: 0 });
 * const history = fit(model, xor({ n: 64, seed: 0 }), { loss: mse, optimizer: new Adam(model.parameters(), { lr: 0.05 }), epochs: 5, metrics: ['accuracy'] });
 * history.loss.length; // 5
 */
export function fit(model: FitModel, data: FitData, options: FitOptions): History {
  const plan = planFit(data, options);
  const params = model.parameters();
  const history = new History();
  const callbacks = options.callbacks ?? [];
  let stopReason: string | null = null;
  const stopOnNonFinite = options.stopOnNonFinite ?? true;
  const ctx: FitContext = {
    model,
    optimizer: options.optimizer,
    history,
    scheduler: options.scheduler,
    epochs: options.epochs,
    epoch: 0,
    stop: (reason: string) => {
      stopReason = reason;
    },
  };
  for (const cb of callbacks) cb.onTrainBegin?.(ctx);
  for (let epoch = plan.initialEpoch; epoch < options.epochs; epoch++) {
    ctx.epoch = epoch;
    const tally = new EpochTally(epoch, options.optimizer.lr);
    model.train();
    for (const cb of callbacks) cb.onEpochBegin?.(epoch, ctx);
    const loader = plan.loader(epoch);
    for (const { x, y } of loader) {
      for (const cb of callbacks) cb.onBatchBegin?.(tally.batches, ctx);
      // The step: zero, forward, loss, backward, (clip,) update.
      options.optimizer.zeroGrad();
      const output = model.call(...inputList(x));
      const loss = options.loss(output, y);
      loss.backward();
      // clipGradNorm returns the norm before clipping: one pass over the gradients either way.
      const norm = options.clipNorm === undefined ? gradNorm(params) : clipGradNorm(params, options.clipNorm);
      const lossValue = loss.item();
      // Checked before the update, so the weights stay those that gave the last finite loss.
      if (stopOnNonFinite && !(Number.isFinite(lossValue) && Number.isFinite(norm))) {
        const what = Number.isFinite(lossValue) ? `the gradient norm is ${norm}` : `the loss is ${lossValue}`;
        const at = { epoch, epochs: options.epochs, batch: tally.batches, batches: loader.length };
        throw divergedError(what, at, { loss: lossValue, gradNorm: norm }, findNonFinite(model, x, y, options.loss, options.optimizer), history);
      }
      options.optimizer.step();
      const logs = tally.add(x, y, output, lossValue, norm, plan.accuracy ? countCorrect(output, y, options.logits) : 0);
      for (const cb of callbacks) cb.onBatchEnd?.(logs, ctx);
    }
    const log = tally.log(plan.accuracy, plan.validation === undefined ? undefined : validate(model, plan.validation, options));
    const valLoss = log.metrics['valLoss'];
    if (stopOnNonFinite && valLoss !== undefined && !Number.isFinite(valLoss)) {
      const at = { epoch, epochs: options.epochs, batch: -1, batches: loader.length };
      throw divergedError(`the validation loss is ${valLoss}`, at, log, validationOrigin(model, plan.validation), history);
    }
    history.push(log);
    options.scheduler?.step(log.metrics['valLoss'] ?? log.loss);
    for (const cb of callbacks) cb.onEpochEnd?.(log, ctx);
    if (stopReason !== null) {
      history.stoppedEarly = stopReason;
      break;
    }
  }
  // The last update is the one no later loss has checked.
  const last = history.epochs[history.epochs.length - 1];
  const parameter = stopOnNonFinite && last !== undefined ? nonFiniteParameter(model) : null;
  if (last !== undefined && parameter !== null) {
    throw divergedError('a parameter is not finite after the last update', { epoch: last.epoch, epochs: options.epochs, batch: -1, batches: 0 }, last, parameter, history);
  }
  for (const cb of callbacks) cb.onTrainEnd?.(ctx);
  return history;
}

/** The validation metrics of an epoch. */
function validate(model: FitModel, validation: FitData, options: FitOptions): Record<string, number> {
  const v = evaluate(model, validation, { loss: options.loss, ...(options.metrics ? { metrics: options.metrics } : {}), ...(options.logits !== undefined ? { logits: options.logits } : {}) });
  const metrics: Record<string, number> = { valLoss: v.loss };
  if (v['accuracy'] !== undefined) metrics['valAccuracy'] = v['accuracy'];
  return metrics;
}
