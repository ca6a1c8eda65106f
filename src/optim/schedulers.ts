/**
 * Learning-rate schedules, as PyTorch's `torch.optim.lr_scheduler`: call `step()` once per
 * epoch (ReduceLROnPlateau: `step(metric)`); each keeps a resumable `stateDict()`.
 */
import { ValueError } from '../errors.js';
import { checkStateHeader, isRecord, stateFailure, typeNameOf } from './state.js';
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
export function readNumber(raw: Readonly<Record<string, unknown>>, key: string, what: string, min: number, integer = false): number {
  const v = raw[key];
  if (typeof v !== 'number' || !Number.isFinite(v) || v < min || (integer && !Number.isInteger(v))) {
    throw new ValueError(`${what}: ${key} must be ${integer ? 'an integer' : 'a finite number'} ≥ ${min}, got ${String(v)}`);
  }
  return v;
}

/**
 * The base of every learning-rate scheduler: it records each parameter group's lr as its base
 * lr, sets the lr of epoch 0 on construction, and sets the next epoch's on each `step()`.
 * Subclasses give `lrAt(baseLr, epoch)` in closed form, so a restored scheduler continues
 * exactly and a user's manual change of lr lasts until the next `step()`. A subclass gives a
 * `static typeName`, which its saved states are tagged with (a class's own name does not survive
 * minification).
 * @example
 * import { SGD } from 'chainrule';
 * class Halving extends LRScheduler {
 *   static readonly typeName = 'Halving';
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

  /** The stable name of this scheduler's type ('StepLR'…), in saved states and messages. */
  get typeName(): string {
    return typeNameOf(this);
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
      type: this.typeName,
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
    const name = this.typeName;
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
  static readonly typeName = 'StepLR';
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
  static readonly typeName = 'ExponentialLR';
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
  static readonly typeName = 'CosineAnnealingLR';
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
