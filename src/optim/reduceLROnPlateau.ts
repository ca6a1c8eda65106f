/** ReduceLROnPlateau: the one schedule driven by a metric rather than by the epoch alone. */
import { ValueError } from '../errors.js';
import type { Optimizer } from './optimizer.js';
import { LRScheduler, readNumber, type SchedulerValue } from './schedulers.js';

function readChoice<C extends string>(raw: Readonly<Record<string, unknown>>, key: string, what: string, choices: readonly C[]): C {
  const v = raw[key];
  const found = choices.find((c) => c === v);
  if (found === undefined) throw new ValueError(`${what}: ${key} must be ${choices.map((c) => `'${c}'`).join(' or ')}, got ${String(v)}`);
  return found;
}

function encodeNumber(x: number): SchedulerValue {
  return Number.isFinite(x) ? x : String(x);
}

function decodeNumber(v: unknown, what: string): number {
  if (typeof v === 'number') return v;
  if (v === 'Infinity' || v === '-Infinity' || v === 'NaN') return Number(v);
  throw new ValueError(`${what} must be a number, got ${String(v)}`);
}

/** Options of ReduceLROnPlateau, as PyTorch's (camelCase). */
export type ReduceLROnPlateauOptions = {
  mode: 'min' | 'max';
  factor: number;
  patience: number;
  threshold: number;
  thresholdMode: 'rel' | 'abs';
  cooldown: number;
  minLr: number;
  eps: number;
};

/**
 * Multiplies each group's lr by `factor` (default 0.1) when the metric passed to `step(metric)`
 * has not improved for more than `patience` (default 10) epochs, as PyTorch's
 * `ReduceLROnPlateau`: improving means below best·(1 − threshold) in 'min' mode (default;
 * 'max': above best·(1 + threshold); thresholdMode 'abs': best ∓ threshold), with threshold
 * 1e-4; after a reduction `cooldown` (default 0) epochs pass before counting again; the lr never
 * goes below `minLr` (default 0) and changes smaller than `eps` (1e-8) are skipped.
 * @example
 * import { SGD } from 'chainrule';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const scheduler = new ReduceLROnPlateau(opt, { patience: 1, factor: 0.5 });
 * for (const loss of [1, 0.9, 0.95, 0.92]) scheduler.step(loss);
 * scheduler.getLastLr(); // [0.05]: two epochs without improving on 0.9
 */
export class ReduceLROnPlateau extends LRScheduler<ReduceLROnPlateauOptions> {
  static readonly typeName = 'ReduceLROnPlateau';
  private best = Infinity;
  private numBadEpochs = 0;
  private cooldownCounter = 0;

  constructor(optimizer: Optimizer, options: Partial<ReduceLROnPlateauOptions> = {}) {
    super(optimizer, {
      mode: options.mode ?? 'min',
      factor: options.factor ?? 0.1,
      patience: options.patience ?? 10,
      threshold: options.threshold ?? 1e-4,
      thresholdMode: options.thresholdMode ?? 'rel',
      cooldown: options.cooldown ?? 0,
      minLr: options.minLr ?? 0,
      eps: options.eps ?? 1e-8,
    });
    this.best = this.options.mode === 'min' ? Infinity : -Infinity;
  }

  protected override parseOptions(raw: Readonly<Record<string, unknown>>): ReduceLROnPlateauOptions {
    const what = 'ReduceLROnPlateau';
    const factor = readNumber(raw, 'factor', what, 0);
    if (factor >= 1) throw new ValueError(`${what}: factor must be below 1 (it multiplies the lr), got ${factor}`);
    return {
      mode: readChoice(raw, 'mode', what, ['min', 'max']),
      factor,
      patience: readNumber(raw, 'patience', what, 0, true),
      threshold: readNumber(raw, 'threshold', what, 0),
      thresholdMode: readChoice(raw, 'thresholdMode', what, ['rel', 'abs']),
      cooldown: readNumber(raw, 'cooldown', what, 0, true),
      minLr: readNumber(raw, 'minLr', what, 0),
      eps: readNumber(raw, 'eps', what, 0),
    };
  }

  protected override lrAt(baseLr: number, epoch: number): number {
    void epoch;
    return baseLr;
  }

  /** Records `metric` for the epoch that ended (e.g. the validation loss) and reduces the lr on a plateau. */
  override step(metric?: number): void {
    if (typeof metric !== 'number') {
      throw new ValueError('ReduceLROnPlateau.step: pass the metric it watches, e.g. scheduler.step(valLoss)');
    }
    this.lastEpoch++;
    if (this.isBetter(metric)) {
      this.best = metric;
      this.numBadEpochs = 0;
    } else {
      this.numBadEpochs++;
    }
    if (this.cooldownCounter > 0) {
      this.cooldownCounter--;
      this.numBadEpochs = 0;
    }
    if (this.numBadEpochs > this.options.patience) {
      const { factor, minLr, eps } = this.options;
      for (const g of this.optimizer.groups) {
        const old = g.options.lr;
        const next = Math.max(old * factor, minLr);
        if (old - next > eps) g.options.lr = next;
      }
      this.cooldownCounter = this.options.cooldown;
      this.numBadEpochs = 0;
    }
    this.lastLrs = this.optimizer.groups.map((g) => g.options.lr);
  }

  private isBetter(metric: number): boolean {
    const { mode, threshold, thresholdMode } = this.options;
    if (mode === 'min') return thresholdMode === 'rel' ? metric < this.best * (1 - threshold) : metric < this.best - threshold;
    return thresholdMode === 'rel' ? metric > this.best * (threshold + 1) : metric > this.best + threshold;
  }

  protected override apply(): void {
    this.lastLrs = this.optimizer.groups.map((g) => g.options.lr);
  }

  protected override counters(): Record<string, SchedulerValue> {
    return { best: encodeNumber(this.best), numBadEpochs: this.numBadEpochs, cooldownCounter: this.cooldownCounter };
  }

  protected override loadCounters(counters: Readonly<Record<string, unknown>>): void {
    const best = decodeNumber(counters['best'], 'ReduceLROnPlateau: counter best');
    const numBadEpochs = readNumber(counters, 'numBadEpochs', 'ReduceLROnPlateau', 0, true);
    const cooldownCounter = readNumber(counters, 'cooldownCounter', 'ReduceLROnPlateau', 0, true);
    this.best = best;
    this.numBadEpochs = numBadEpochs;
    this.cooldownCounter = cooldownCounter;
  }
}
