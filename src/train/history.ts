/** What `fit` returns: per-epoch records of a training run. */

/** One epoch's record. Metrics are keyed by name (`accuracy`, `valLoss`, `valAccuracy`, …). */
export interface EpochLog {
  readonly epoch: number;
  /** Mean training loss over the epoch's samples (computed before each batch's update). */
  readonly loss: number;
  /** Mean over the epoch's batches of the global L2 norm of the parameter gradients (before clipping). */
  readonly gradNorm: number;
  /** Learning rate used during the epoch. */
  readonly lr: number;
  /** Wall-clock seconds the epoch took. */
  readonly time: number;
  readonly metrics: Readonly<Record<string, number>>;
}

/**
 * The record of a training run, as Keras's History: `epochs[i]` per epoch, plus column access.
 * @example
 * const h = new History();
 * h.push({ epoch: 0, loss: 0.5, gradNorm: 1, lr: 0.1, time: 0, metrics: {} });
 * h.column('loss'); // [0.5]
 */
export class History {
  readonly epochs: EpochLog[] = [];
  /** Set when training stopped before the last epoch (early stopping), with the reason. */
  stoppedEarly: string | null = null;

  push(log: EpochLog): void {
    this.epochs.push(log);
  }

  get loss(): number[] {
    return this.column('loss');
  }

  get gradNorm(): number[] {
    return this.column('gradNorm');
  }

  get lr(): number[] {
    return this.column('lr');
  }

  /** Names of the metrics recorded (union over epochs, in first-seen order). */
  metricNames(): string[] {
    const names: string[] = [];
    for (const e of this.epochs) for (const k of Object.keys(e.metrics)) if (!names.includes(k)) names.push(k);
    return names;
  }

  /** One column: 'loss', 'gradNorm', 'lr', 'time' or a metric name (NaN where missing). */
  column(name: string): number[] {
    return this.epochs.map((e) => {
      if (name === 'loss' || name === 'gradNorm' || name === 'lr' || name === 'time' || name === 'epoch') return e[name];
      return e.metrics[name] ?? NaN;
    });
  }

  /** CSV text with a header: epoch, loss, gradNorm, lr, time, then each metric. */
  toCsv(): string {
    const metrics = this.metricNames();
    const header = ['epoch', 'loss', 'gradNorm', 'lr', 'time', ...metrics];
    const rows = this.epochs.map((e) => [e.epoch, e.loss, e.gradNorm, e.lr, e.time, ...metrics.map((m) => e.metrics[m] ?? NaN)].map(String).join(','));
    return [header.join(','), ...rows].join('\n') + '\n';
  }

  /** A plain object for JSON output. */
  toJSON(): { epochs: EpochLog[]; stoppedEarly: string | null } {
    return { epochs: [...this.epochs], stoppedEarly: this.stoppedEarly };
  }
}
