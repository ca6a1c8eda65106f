/**
 * Learning-rate schedules, as PyTorch's `torch.optim.lr_scheduler`: call `step()` once per
 * epoch (ReduceLROnPlateau: `step(metric)`); each keeps a resumable `stateDict()`.
 */
import { ValueError } from '../errors.js';
import { checkStateHeader, isRecord, stateFailure } from './state.js';
import type { Optimizer } from './optimizer.js';

/** The value of a scheduler option or counter in a saved state. */
export type SchedulerValue = number | string;

/** JSON-serializable scheduler state, for checkpoints. */
export interface SchedulerState {
  readonly type: string;
  /** How many times `step()` has been called (PyTorch's `last_epoch`). */
  readonly lastEpoch: number;
  /** Each parameter group's learning rate when the scheduler was made. */
  readonly baseLrs: readonly number[];
  /** Each group's learning rate after the last step. */
  readonly lastLrs: readonly number[];
  readonly options: Readonly<Record<string, SchedulerValue>>;
  /** Running counters (ReduceLROnPlateau's best metric and patience counts); non-finite numbers as strings. */
  readonly counters: Readonly<Record<string, SchedulerValue>>;
}


function isNumberArray(v: unknown): v is number[] {
  return Array.isArray(v) && v.every((x) => typeof x === 'number' && Number.isFinite(x));
}

/** Reads a finite number ≥ `min` (an integer when `integer`) from `raw[key]`, or throws. */
function readNumber(raw: Readonly<Record<string, unknown>>, key: string, what: string, min: number, integer = false): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new ValueError(`${what}: ${key} must be ${integer ? 'an integer' : 'a finite number'} ≥ ${min}, got ${String(v)}`);
  }
  return v;
}

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

/**
 * The base of every learning-rate scheduler: it records each parameter group's lr as its base
 * lr, sets the lr of epoch 0 on construction, and sets the next epoch's on each `step()`.
 * Subclasses give `lrAt(baseLr, epoch)` in closed form, so a restored scheduler continues
 * exactly and a user's manual change of lr lasts until the next `step()`.
 * @example
 * import { SGD } from 'chainrule';
 * class Halving extends LRScheduler {
 *   protected override parseOptions(): Record<string, number> { return {}; }
 *   protected override lrAt(baseLr: number, epoch: number): number { return baseLr / 2 ** epoch; }
 * }
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const scheduler = new Halving(opt, {});
 * scheduler.step();
 * opt.lr; // 0.05
 */
export abstract class LRScheduler<O extends Record<string, SchedulerValue> = Record<string, SchedulerValue>> {
  readonly optimizer: Optimizer;
  /** How many times `step()` has been called: the epoch whose lr is now set. */
  lastEpoch = 0;
  protected baseLrs: number[];
  protected lastLrs: number[];
  protected options: O;

  constructor(optimizer: Optimizer, options: O) {
    this.optimizer = optimizer;
    this.options = this.parseOptions(options);
    this.baseLrs = optimizer.groups.map((g) => g.options.lr);
    this.lastLrs = [...this.baseLrs];
    this.apply();
  }

  /** Advances one epoch and sets each group's lr for it; `metric` is read only by ReduceLROnPlateau. */
  step(metric?: number): void {
    void metric;
    this.lastEpoch++;
    this.apply();
  }

  /** Each parameter group's current learning rate, as set by this scheduler. */
  getLastLr(): number[] {
    return [...this.lastLrs];
  }

  /** The lr of a group whose base lr is `baseLr` at `epoch`. */
  protected abstract lrAt(baseLr: number, epoch: number): number;

  /** Checks the options (on construction and on loadStateDict) and returns a typed copy; throws ValueError. */
  protected abstract parseOptions(raw: Readonly<Record<string, unknown>>): O;

  /** Running counters to save (none for closed-form schedules). */
  protected counters(): Record<string, SchedulerValue> {
    return {};
  }

  /** Restores the counters of `counters()`, checking them (throws ValueError). */
  protected loadCounters(counters: Readonly<Record<string, unknown>>): void {
    void counters;
  }

  protected apply(): void {
    const lrs = this.baseLrs.map((base) => this.lrAt(base, this.lastEpoch));
    this.setLrs(lrs);
  }

  protected setLrs(lrs: readonly number[]): void {
    this.optimizer.groups.forEach((g, i) => {
      g.options.lr = lrs[i] ?? g.options.lr;
    });
    this.lastLrs = this.optimizer.groups.map((g) => g.options.lr);
  }

  /** A JSON-serializable copy of the state, for checkpoints. */
  stateDict(): SchedulerState {
    return {
      type: this.constructor.name,
      lastEpoch: this.lastEpoch,
      baseLrs: [...this.baseLrs],
      lastLrs: [...this.lastLrs],
      options: { ...this.options },
      counters: this.counters(),
    };
  }

  /**
   * Restores a state from `stateDict()` (also after a JSON round trip) and sets the optimizer's
   * learning rates to the saved ones. Nothing changes when it throws.
   */
  loadStateDict(state: SchedulerState): void {
    const name = this.constructor.name;
    const fail: (message: string) => never = stateFailure(name);
    checkStateHeader(name, state, 'lastEpoch');
    const groups = this.optimizer.groups.length;
    const baseLrs: unknown = state.baseLrs;
    const lastLrs: unknown = state.lastLrs;
    if (!isNumberArray(baseLrs) || !isNumberArray(lastLrs)) fail(`'baseLrs' and 'lastLrs' must be arrays of finite numbers`);
    if (baseLrs.length !== groups || lastLrs.length !== groups) {
      fail(`the state has learning rates for ${baseLrs.length} parameter groups, the optimizer has ${groups}`);
    }
    const options: unknown = state.options;
    const counters: unknown = state.counters;
    if (!isRecord(options) || !isRecord(counters)) fail(`'options' and 'counters' must be objects`);
    const expected = Object.keys(this.options).sort().join(', ');
    const got = Object.keys(options).sort().join(', ');
    if (expected !== got) fail(`the state has options (${got}), ${name} takes (${expected})`);
    let parsed: O;
    try {
      parsed = this.parseOptions(options);
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
    }
    try {
      this.loadCounters(counters); // reads every counter before setting any
    } catch (e) {
      fail(e instanceof Error ? e.message : String(e));
    }
    this.options = parsed;
    this.lastEpoch = state.lastEpoch;
    this.baseLrs = [...baseLrs];
    this.setLrs(lastLrs);
  }
}

/** Options of StepLR: multiply the lr by `gamma` every `stepSize` epochs. */
export type StepLROptions = { stepSize: number; gamma: number };

/**
 * Multiplies each group's lr by `gamma` (default 0.1) every `stepSize` epochs, as PyTorch's
 * `StepLR`: lr = base·gamma^⌊epoch / stepSize⌋.
 * @example
 * import { SGD } from 'chainrule';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const scheduler = new StepLR(opt, { stepSize: 2, gamma: 0.5 });
 * scheduler.step();
 * scheduler.step();
 * scheduler.getLastLr(); // [0.05]
 */
export class StepLR extends LRScheduler<StepLROptions> {
  constructor(optimizer: Optimizer, options: { readonly stepSize: number; readonly gamma?: number }) {
    super(optimizer, { stepSize: options.stepSize, gamma: options.gamma ?? 0.1 });
  }

  protected override parseOptions(raw: Readonly<Record<string, unknown>>): StepLROptions {
    return { stepSize: readNumber(raw, 'stepSize', 'StepLR', 1, true), gamma: readNumber(raw, 'gamma', 'StepLR', 0) };
  }

  protected override lrAt(baseLr: number, epoch: number): number {
    return baseLr * this.options.gamma ** Math.floor(epoch / this.options.stepSize);
  }
}

/** Options of ExponentialLR: multiply the lr by `gamma` every epoch. */
export type ExponentialLROptions = { gamma: number };

/**
 * Multiplies each group's lr by `gamma` every epoch, as PyTorch's `ExponentialLR`:
 * lr = base·gamma^epoch.
 * @example
 * import { SGD } from 'chainrule';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const scheduler = new ExponentialLR(opt, { gamma: 0.5 });
 * scheduler.step();
 * scheduler.getLastLr(); // [0.05]
 */
export class ExponentialLR extends LRScheduler<ExponentialLROptions> {
  constructor(optimizer: Optimizer, options: { readonly gamma: number }) {
    super(optimizer, { gamma: options.gamma });
  }

  protected override parseOptions(raw: Readonly<Record<string, unknown>>): ExponentialLROptions {
    return { gamma: readNumber(raw, 'gamma', 'ExponentialLR', 0) };
  }

  protected override lrAt(baseLr: number, epoch: number): number {
    return baseLr * this.options.gamma ** epoch;
  }
}

/** Options of CosineAnnealingLR as stored: the whole length, the warm-up length and the floor. */
export type CosineAnnealingLROptions = { totalSteps: number; warmupSteps: number; minLr: number };

/** Give either `totalSteps` (warm-up included) or `tMax` (the cosine part alone, PyTorch's T_max). */
export type CosineAnnealingLRInit =
  | { readonly totalSteps: number; readonly tMax?: undefined; readonly warmupSteps?: number; readonly minLr?: number }
  | { readonly tMax: number; readonly totalSteps?: undefined; readonly warmupSteps?: number; readonly minLr?: number };

/**
 * Linear warm-up then cosine annealing: with W = `warmupSteps` and T = `totalSteps`, the lr is
 * base·(epoch + 1)/(W + 1) for epoch < W (rising linearly to base at epoch W), then
 * minLr + (base − minLr)·(1 + cos(π(epoch − W)/(T − W)))/2, reaching `minLr` at epoch T and
 * staying there. The same lrs as PyTorch's SequentialLR of LinearLR(1/(W + 1), 1, W) and
 * CosineAnnealingLR(T − W, minLr) up to epoch T (PyTorch's cosine rises again after it).
 * @example
 * import { SGD } from 'chainrule';
 * const opt = new SGD([tensor([1], { requiresGrad: true })], { lr: 0.1 });
 * const scheduler = new CosineAnnealingLR(opt, { totalSteps: 10, warmupSteps: 1 });
 * scheduler.getLastLr(); // [0.05]: half the lr during the one warm-up epoch
 * scheduler.step();
 * scheduler.getLastLr(); // [0.1]
 */
export class CosineAnnealingLR extends LRScheduler<CosineAnnealingLROptions> {
  constructor(optimizer: Optimizer, options: CosineAnnealingLRInit) {
    const warmupSteps = options.warmupSteps ?? 0;
    if ((options.totalSteps === undefined) === (options.tMax === undefined)) {
      throw new ValueError('CosineAnnealingLR: give either totalSteps (warm-up included) or tMax (the cosine part alone), not both or neither');
    }
    const totalSteps = options.totalSteps ?? warmupSteps + (options.tMax ?? 0);
    super(optimizer, { totalSteps, warmupSteps, minLr: options.minLr ?? 0 });
  }

  protected override parseOptions(raw: Readonly<Record<string, unknown>>): CosineAnnealingLROptions {
    const warmupSteps = readNumber(raw, 'warmupSteps', 'CosineAnnealingLR', 0, true);
    const totalSteps = readNumber(raw, 'totalSteps', 'CosineAnnealingLR', warmupSteps + 1, true);
    return { totalSteps, warmupSteps, minLr: readNumber(raw, 'minLr', 'CosineAnnealingLR', 0) };
  }

  protected override lrAt(baseLr: number, epoch: number): number {
    const { totalSteps, warmupSteps, minLr } = this.options;
    if (epoch < warmupSteps) return (baseLr * (epoch + 1)) / (warmupSteps + 1);
    if (epoch >= totalSteps) return minLr;
    return minLr + ((baseLr - minLr) * (1 + Math.cos((Math.PI * (epoch - warmupSteps)) / (totalSteps - warmupSteps)))) / 2;
  }
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
