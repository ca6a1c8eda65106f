/** Progress output for `fit`: a live bar on a terminal, plain lines otherwise. */
import { formatLogNumber } from '../math/format.js';
import type { EpochLog } from './history.js';
import type { BatchLogs, Callback, FitContext } from './fit.js';

/** Where progress is written: a stream with `write`, and whether it is an interactive terminal. */
export interface ProgressStream {
  write(text: string): unknown;
  readonly isTTY?: boolean;
  readonly columns?: number;
}

export interface ProgressOptions {
  /** Default: process.stderr. */
  readonly stream?: ProgressStream;
  /** Force the bar (true) or plain lines (false); default: the stream's isTTY. */
  readonly interactive?: boolean;
  /** In plain mode, write a line every N epochs (default: about 20 lines per run). */
  readonly every?: number;
}

function seconds(s: number): string {
  if (!Number.isFinite(s)) return '?';
  if (s < 60) return `${s.toFixed(s < 10 ? 1 : 0)}s`;
  return `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s`;
}

/** One line describing an epoch: `epoch 3/20 - loss 0.1234 - accuracy 0.9500 - valLoss 0.2000 - 0.1s`. */
export function describeEpoch(log: EpochLog, epochs: number): string {
  const parts = [`epoch ${log.epoch + 1}/${epochs}`, `loss ${formatLogNumber(log.loss)}`];
  for (const [k, v] of Object.entries(log.metrics)) parts.push(`${k} ${formatLogNumber(v)}`);
  parts.push(`gradNorm ${formatLogNumber(log.gradNorm)}`, seconds(log.time));
  return parts.join(' - ');
}

/**
 * A callback that reports progress: on a terminal a bar (epoch, loss, metric, ETA) redrawn in
 * place; elsewhere plain lines, so logs and CI output stay readable.
 * @example
 * const model = mlp([2, 4, 1], { seed: 0 });
 * const optimizer = new SGD(model.parameters(), { lr: 0.1 });
 * fit(model, xor({ n: 32, seed: 0 }), { loss: mse, optimizer, epochs: 10, callbacks: [progress()] });
 */
export function progress(options: ProgressOptions = {}): Callback {
  const stream = options.stream ?? process.stderr;
  const interactive = options.interactive ?? stream.isTTY === true;
  let started = 0;
  let lastDraw = 0;
  let batchesPerEpoch = 0;
  let batchInEpoch = 0;
  let lastLog: EpochLog | null = null;
  const draw = (ctx: FitContext, running: BatchLogs | null) => {
    const total = ctx.epochs;
    const doneEpochs = ctx.epoch + (batchesPerEpoch > 0 ? batchInEpoch / batchesPerEpoch : 0);
    const fraction = total === 0 ? 1 : Math.min(1, doneEpochs / total);
    const elapsed = (performance.now() - started) / 1000;
    const eta = fraction > 0 ? (elapsed * (1 - fraction)) / fraction : NaN;
    const width = 24;
    const filled = Math.round(fraction * width);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const loss = running?.loss ?? lastLog?.loss ?? NaN;
    const metric = lastLog === null ? '' : Object.entries(lastLog.metrics).map(([k, v]) => ` ${k} ${formatLogNumber(v)}`).join('');
    const line = `epoch ${Math.min(ctx.epoch + 1, total)}/${total} ${bar} ${String(Math.round(fraction * 100)).padStart(3)}% loss ${formatLogNumber(loss)}${metric} ETA ${seconds(eta)}`;
    const columns = stream.columns ?? 120;
    stream.write(`\r${line.slice(0, columns - 1)}\x1b[K`);
  };
  return {
    onTrainBegin() {
      started = performance.now();
      lastDraw = 0;
      lastLog = null;
    },
    onEpochBegin() {
      batchInEpoch = 0;
    },
    onBatchEnd(logs, ctx) {
      batchInEpoch = logs.batch + 1;
      if (!interactive) return;
      const now = performance.now();
      if (now - lastDraw < 100) return;
      lastDraw = now;
      draw(ctx, logs);
    },
    onEpochEnd(log, ctx) {
      batchesPerEpoch = batchInEpoch;
      lastLog = log;
      if (interactive) {
        draw(ctx, null);
        return;
      }
      const every = options.every ?? Math.max(1, Math.ceil(ctx.epochs / 20));
      if ((log.epoch + 1) % every === 0 || log.epoch === 0 || log.epoch + 1 === ctx.epochs) stream.write(describeEpoch(log, ctx.epochs) + '\n');
    },
    onTrainEnd(ctx) {
      if (interactive) {
        draw(ctx, null);
        stream.write('\n');
      }
    },
  };
}
