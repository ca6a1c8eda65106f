/**
 * What `fit` does on the first non-finite loss or gradient norm: it stops, and says where the
 * first non-finite value came from. The normal path pays one `Number.isFinite` per batch; only
 * once training has diverged is the batch re-run in anomaly mode (slow: a stack trace and a scan
 * per op) to name the op, as PyTorch's `detect_anomaly` does on request.
 */
import { firstNonFinite } from '../autograd/anomaly.js';
import { detectAnomaly } from '../autograd/mode.js';
import { AnomalyError, ChainruleError } from '../errors.js';
import { inputList, TensorDataset, type Inputs } from '../data/dataset.js';
import type { Module, AnyModule } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import type { Tensor } from '../tensor/tensor.js';
import type { FitData, FitModel } from './fit.js';
import { toDataset } from './fitPlan.js';
import type { History } from './history.js';

/**
 * Training produced a NaN or an infinity; thrown by `fit` (unless `stopOnNonFinite: false`).
 * The message names the epoch and batch (1-based, as progress prints them) and the first
 * non-finite value found; the fields keep the 0-based indices, as History and BatchLogs do.
 * @example
 * const model = mlp([2, 4, 1], { seed: 0 });
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * fit(model, xor({ n: 8 }), { loss: (p, t) => p.sub(t).log().mean(), optimizer, epochs: 3 }); // throws TrainingDivergedError: … the loss is NaN; the first non-finite value: log produced NaN …
 */
export class TrainingDivergedError extends ChainruleError {
  override name = 'TrainingDivergedError';
  /** The epochs completed before the divergence (the partial run, for callers who want it). */
  readonly history: History;
  /** 0-based epoch and batch of the divergence. */
  readonly epoch: number;
  readonly batch: number;
  /** The batch's loss and gradient norm (at least one is not finite). */
  readonly loss: number;
  readonly gradNorm: number;
  /** Where the first non-finite value was found: a parameter, the data, or an op (anomaly mode's report). */
  readonly origin: string;

  constructor(message: string, fields: { history: History; epoch: number; batch: number; loss: number; gradNorm: number; origin: string }) {
    super(message);
    this.history = fields.history;
    this.epoch = fields.epoch;
    this.batch = fields.batch;
    this.loss = fields.loss;
    this.gradNorm = fields.gradNorm;
    this.origin = fields.origin;
  }
}

/** The first non-finite parameter of `model`, described, or null. */
export function nonFiniteParameter(model: AnyModule): string | null {
  for (const [name, p] of model.namedParameters()) {
    const found = firstNonFinite(p.data());
    if (found !== null) return `the parameter '${name}' already holds ${found} (an update overflowed it: try a lower learning rate or clipNorm)`;
  }
  return null;
}

/** Describes the first non-finite value of the batch: the data, a parameter, or (re-run in anomaly mode) the first op. */
export function findNonFinite(model: FitModel, x: Inputs, y: Tensor, loss: (prediction: Tensor, target: Tensor) => Tensor, optimizer: Optimizer): string {
  for (const [what, t] of [...labelInputs(x, 'inputs'), ['targets', y] as const]) {
    const found = firstNonFinite(t.data());
    if (found !== null) return `the batch's ${what} hold ${found} (the data itself is not finite${t.dtype === 'float32' ? ', or too large for float32' : ''})`;
  }
  const parameter = nonFiniteParameter(model);
  if (parameter !== null) return parameter;
  optimizer.zeroGrad();
  try {
    detectAnomaly(() => loss(model.call(...inputList(x)), y).backward());
  } catch (e) {
    if (!(e instanceof AnomalyError)) throw e;
    return `the first non-finite value: ${e.message.replace(/^anomaly: /, '')}`;
  } finally {
    optimizer.zeroGrad();
  }
  return 'the batch re-run in anomaly mode gave finite values (the divergence depends on randomness, such as dropout)';
}

/** Where in a run, 0-based; `batch` −1 for the end of an epoch (its validation). */
export interface DivergenceSite {
  readonly epoch: number;
  readonly epochs: number;
  readonly batch: number;
  readonly batches: number;
}

/** The error for a run that diverged at `at`: `what` says which value, e.g. "the loss is NaN". */
export function divergedError(what: string, at: DivergenceSite, values: { loss: number; gradNorm: number }, origin: string, history: History): TrainingDivergedError {
  const where = `epoch ${at.epoch + 1}/${at.epochs}${at.batch < 0 ? '' : `, batch ${at.batch + 1}/${at.batches}`}`;
  return new TrainingDivergedError(`fit: training diverged at ${where}: ${what}; ${origin}`, { history, epoch: at.epoch, batch: at.batch, loss: values.loss, gradNorm: values.gradNorm, origin });
}

/** Why a validation loss is not finite: a parameter, or the validation data itself. */
export function validationOrigin(model: AnyModule, validation: FitData | undefined): string {
  const parameter = nonFiniteParameter(model);
  if (parameter !== null) return parameter;
  const ds = validation === undefined ? undefined : toDataset(validation);
  if (ds instanceof TensorDataset) {
    for (const [what, t] of [...labelInputs(ds.x, 'inputs'), ['targets', ds.y] as const]) {
      const found = firstNonFinite(t.data());
      if (found !== null) return `the validation ${what} hold ${found}`;
    }
  }
  return 'the parameters are finite, so the validation data or the loss must produce it';
}

/** Each input with a name for messages: 'inputs' for one tensor, 'input 0', 'input 1', … for several. */
function labelInputs(x: Inputs, one: string): [string, Tensor][] {
  const list = inputList(x);
  return list.length === 1 ? [[one, list[0]!]] : list.map((t, i) => [`input ${i}`, t]);
}
