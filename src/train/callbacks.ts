/** Built-in callbacks for `fit`: early stopping, checkpoints and progress output. */
import { ValueError } from '../errors.js';
import { save } from '../io/node.js';
import type { StateDict } from '../nn/module.js';
import type { EpochLog } from './history.js';
import { randomState } from './randomState.js';
import type { Callback, FitContext } from './fit.js';

function monitored(log: EpochLog, monitor: string): number {
  if (monitor === 'loss') return log.loss;
  const v = log.metrics[monitor];
  if (v === undefined) throw new ValueError(`earlyStopping: the monitored value '${monitor}' is not recorded; recorded: loss, ${Object.keys(log.metrics).join(', ')}`);
  return v;
}

export interface EarlyStoppingOptions {
  /** 'valLoss' (default), 'loss', or a metric such as 'valAccuracy'. */
  readonly monitor?: string;
  /** 'min' for losses (default), 'max' for accuracies. */
  readonly mode?: 'min' | 'max';
  /** Epochs without improvement before stopping (default 5). */
  readonly patience?: number;
  /** Smallest change that counts as an improvement (default 0). */
  readonly minDelta?: number;
  /** Put back the best epoch's weights when stopping (default false). */
  readonly restoreBest?: boolean;
}

/**
 * Stops training when the monitored value stops improving, as Keras's EarlyStopping.
 * @example
 * const model = mlp([2, 8, 1], { activation: 'tanh', seed: 0 });
 * const history = fit(model, circles({ n: 100, seed: 0 }), {
 *   loss: bceWithLogits, optimizer: new Adam(model.parameters(), { lr: 0.01 }), epochs: 100,
 *   validation: 0.2, callbacks: [earlyStopping({ patience: 3 })],
 * });
 * history.epochs.length <= 100; // true, and history.stoppedEarly says why when it stopped
 */
export function earlyStopping(options: EarlyStoppingOptions = {}): Callback {
  const monitor = options.monitor ?? 'valLoss';
  const mode = options.mode ?? (monitor.toLowerCase().includes('acc') ? 'max' : 'min');
  const patience = options.patience ?? 5;
  const minDelta = options.minDelta ?? 0;
  let best = mode === 'min' ? Infinity : -Infinity;
  let bestEpoch = -1;
  let wait = 0;
  let bestState: StateDict | null = null;
  return {
    onTrainBegin() {
      best = mode === 'min' ? Infinity : -Infinity;
      bestEpoch = -1;
      wait = 0;
      bestState = null;
    },
    onEpochEnd(log: EpochLog, ctx: FitContext) {
      const value = monitored(log, monitor);
      const improved = mode === 'min' ? value < best - minDelta : value > best + minDelta;
      if (improved) {
        best = value;
        bestEpoch = log.epoch;
        wait = 0;
        if (options.restoreBest === true) bestState = ctx.model.stateDict();
        return;
      }
      wait++;
      if (wait >= patience) {
        if (bestState !== null) ctx.model.loadStateDict(bestState);
        ctx.stop(`early stopping: ${monitor} did not improve for ${patience} epochs (best ${best} at epoch ${bestEpoch})`);
      }
    },
  };
}

export interface CheckpointOptions {
  /** File to write; `{epoch}` is replaced by the epoch number (1-based). */
  readonly path: string;
  /** Save every N epochs (default 1) and after the last epoch. */
  readonly every?: number;
  /** Also save the optimizer state so training can resume (default true). */
  readonly withOptimizer?: boolean;
}

/**
 * Saves the model — parameters and buffers — (and optimizer state) every N epochs with `save`,
 * atomically; the metadata holds `epochsCompleted`, the History so far, the `randomState` of
 * the run (Dropout's generators: restore it with `loadRandomState`) and, when fit has a
 * scheduler, its `stateDict()`: what a resumed run needs (see `initialEpoch` in fit).
 * @example
 * const model = mlp([2, 4, 1], { seed: 0 });
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * fit(model, xor({ n: 32, seed: 0 }), { loss: mse, optimizer, epochs: 10, callbacks: [checkpoint({ path: 'ckpt.json', every: 5 })] });
 * load('ckpt.json').metadata['epochsCompleted']; // 10: the last checkpoint, with the optimizer state to resume from
 */
export function checkpoint(options: CheckpointOptions): Callback {
  const every = options.every ?? 1;
  if (!Number.isInteger(every) || every < 1) throw new ValueError(`checkpoint: every must be a positive integer, got ${every}`);
  return {
    onEpochEnd(log: EpochLog, ctx: FitContext) {
      const done = log.epoch + 1;
      if (done % every !== 0 && done !== ctx.epochs) return;
      save(ctx.model, options.path.replaceAll('{epoch}', String(done)), {
        ...(options.withOptimizer === false ? {} : { optimizer: ctx.optimizer }),
        metadata: {
          epochsCompleted: done,
          // With stopOnNonFinite: false a history may hold NaN: stored as JSON does (null), not refused mid-training.
          history: JSON.parse(JSON.stringify(ctx.history.toJSON())) as unknown,
          randomState: randomState(ctx.model),
          ...(ctx.scheduler?.stateDict === undefined ? {} : { scheduler: ctx.scheduler.stateDict() }),
        },
      });
    },
  };
}
