/** The base of every optimizer: parameter groups, learning rate, zeroGrad and resumable state. */
import { getBackend } from '../backend/registry.js';
import { ValueError } from '../errors.js';
import { FUSED_MIN, runFused, toJsState, type DeviceState, type FusedPlan } from './fused.js';
import { givenOptions, isGroupSpec, withOptions, type OptimizerParams, type ParamGroup, type ParamGroupOptions, type ParamGroupSpec } from './groups.js';
import { checkStateHeader, isRecord, stateFailure, typeNameOf } from './state.js';
import type { Tensor } from '../tensor/tensor.js';

export type { OptimizerParams, ParamGroup, ParamGroupOptions, ParamGroupSpec };

/** The storage an update writes: a floating parameter's values, or reads: its gradient. */
export type FloatData = Float32Array | Float64Array;

/**
 * JSON-serializable optimizer state: per-parameter buffers (flat number arrays, by parameter
 * index across groups) and update counts, the group options and the step count. Saved in model
 * files so that training resumes exactly.
 */
export interface OptimizerState {
  readonly type: string;
  readonly step: number;
  readonly groups: readonly ParamGroupOptions[];
  /** How many updates each parameter has had (a parameter without a gradient is skipped), by index. */
  readonly steps: Record<string, number>;
  readonly buffers: Record<string, Record<string, number[]>>;
}

/** Throws unless `value` is a finite number ≥ 0 (`what` names the optimizer and option). */
export function checkNonNegative(what: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0) || !Number.isFinite(value)) {
    throw new ValueError(`${what} must be a non-negative finite number, got ${String(value)}`);
  }
}

/** Throws unless `0 ≤ value < 1`. */
export function checkUnitInterval(what: string, value: number): void {
  if (typeof value !== 'number' || !(value >= 0 && value < 1)) {
    throw new ValueError(`${what} must be in [0, 1), got ${String(value)}`);
  }
}

/**
 * Base class, as PyTorch's `torch.optim.Optimizer`. `step()` updates each parameter's values in
 * place (outside the graph) from its `.grad`; parameters without a gradient are skipped.
 * Gradients are never written: a gradient tensor may be shared by several parameters.
 * A subclass gives `validate(options)` and `update(param, grad, state, options, size, step)`,
 * its resolved group options `R`, its option names and a `static typeName` (state tags and
 * messages use it: a class's own name does not survive minification).
 * @example
 * class SignDescent extends Optimizer {
 *   constructor(params: Tensor[], lr: number) { super(params, { lr }); }
 *   protected override validate(): void {}
 *   protected override update(param: Float64Array, grad: Float64Array, state: Map<string, Float64Array>, options: ParamGroupOptions, size: number): void {
 *     for (let i = 0; i < size; i++) param[i] -= options.lr * Math.sign(grad[i]);
 *   }
 * }
 * const w = tensor([0.5, -2], { dtype: 'float64', requiresGrad: true });
 * const opt = new SignDescent([w], 0.25);
 * w.square().sum().backward();
 * opt.step();
 * w.toArray(); // [0.25, -1.75]
 */
export abstract class Optimizer<R extends ParamGroupOptions = ParamGroupOptions> {
  readonly groups: ParamGroup<R>[];
  /** Number of completed `step()` calls. */
  stepCount = 0;
  /** Per-parameter buffers (momentum, moments…), keyed by parameter index then buffer name. */
  protected readonly buffers = new Map<number, Map<string, Float64Array>>();
  /** Per-parameter update counts (PyTorch's `state['step']`), keyed by parameter index. */
  protected readonly steps = new Map<number, number>();
  /** The float32 state of parameters updated by the backend's fused kernel (fused.ts), beside `buffers`. */
  private readonly deviceState: DeviceState = new Map();

  /**
   * `defaults`: every option of a group at its default; `options`: the constructor's options,
   * over the defaults; each group's own options go over those, as in PyTorch. `optionNames`: the
   * names `options` and groups may use (default: the keys of `defaults`); any other is an error.
   */
  constructor(params: OptimizerParams<object>, defaults: R, options: object = {}, optionNames: readonly string[] = Object.keys(defaults)) {
    const name = this.typeName;
    const base = this.resolveOptions(defaults, givenOptions(name, options, optionNames, ''), '');
    checkNonNegative(`${name}: lr`, base.lr);
    // The constructor's options are checked even when every group overrides them (PyTorch does too).
    this.validate(base);
    const list: readonly (Tensor | ParamGroupSpec<object>)[] = params;
    if (list.length === 0) throw new ValueError(`${name}: got an empty parameter list`);
    const groups: ParamGroup<R>[] = [];
    const loose: Tensor[] = [];
    for (const entry of list) {
      if (isGroupSpec(entry)) {
        const where = ` in parameter group ${groups.length}`;
        const own = givenOptions(name, entry, optionNames, where);
        const lr = own.get('lr');
        if (typeof lr === 'number') checkNonNegative(`${name}: group ${groups.length} lr`, lr);
        if (entry.params.length === 0) throw new ValueError(`${name}: parameter group ${groups.length} is empty`);
        groups.push({ params: [...entry.params], options: this.resolveOptions(base, own, where) });
      } else {
        loose.push(entry);
      }
    }
    if (groups.length > 0 && loose.length > 0) {
      throw new ValueError(`${name}: pass either a list of parameters or a list of { params, lr } groups, not a mix`);
    }
    this.groups = groups.length > 0 ? groups : [{ params: loose, options: { ...base } }];
    const seen = new Set<Tensor>();
    for (const g of this.groups) {
      for (const p of g.params) {
        if (!p.isLeaf || !p.requiresGrad) throw new ValueError(`${name}: every parameter must be a leaf tensor that requires grad`);
        if (seen.has(p)) throw new ValueError(`${name}: a parameter appears more than once (in one group or in two)`);
        seen.add(p);
      }
      this.validate(g.options);
    }
  }

  /** The stable name of this optimizer's type ('SGD', 'Adam'…), in saved states and messages. */
  get typeName(): string {
    return typeNameOf(this);
  }

  /**
   * `base` with the options set in `given` (checked to be names this optimizer takes) put in;
   * `where` locates them in messages. An optimizer whose option names differ from the keys of
   * its group options (Adam's `betas`) translates them here.
   */
  protected resolveOptions(base: R, given: ReadonlyMap<string, unknown>, where: string): R {
    return withOptions(this.typeName, base, given, where);
  }

  /** The learning rate of the first group; setting it sets every group's (schedulers do). */
  get lr(): number {
    return this.groups[0]?.options.lr ?? 0;
  }

  set lr(value: number) {
    checkNonNegative(`${this.typeName}: lr`, value);
    for (const g of this.groups) g.options.lr = value;
  }

  /** Every parameter, across groups, in order (indices used by the state). */
  params(): Tensor[] {
    return this.groups.flatMap((g) => [...g.params]);
  }

  /** Clears the gradient of every parameter. */
  zeroGrad(): void {
    // Loops, not params(): this runs every step and should allocate nothing.
    for (const group of this.groups) for (const p of group.params) p.zeroGrad();
  }

  /** Applies one update to every parameter that has a gradient. */
  step(): void {
    let index = 0;
    this.stepCount++;
    for (const group of this.groups) {
      for (const p of group.params) {
        const i = index++;
        const grad = p.grad;
        if (grad === null) continue;
        const param = p._data;
        const g = grad._data;
        if (!(param instanceof Float32Array || param instanceof Float64Array) || !(g instanceof Float32Array || g instanceof Float64Array)) {
          throw new ValueError(`${this.typeName}.step: parameter ${i} or its gradient is not floating (${p.dtype}, gradient ${grad.dtype})`);
        }
        if (g.length !== param.length) {
          throw new ValueError(`${this.typeName}.step: the gradient of parameter ${i} has ${g.length} elements, the parameter ${param.length}`);
        }
        let state = this.buffers.get(i);
        if (state === undefined) {
          state = new Map();
          this.buffers.set(i, state);
        }
        const step = (this.steps.get(i) ?? 0) + 1;
        this.steps.set(i, step);
        const backend = getBackend();
        const hook = backend.updateFloat32;
        const plan = hook !== undefined && param instanceof Float32Array && g instanceof Float32Array && param.length >= FUSED_MIN ? this.fusedPlan(group.options, step) : null;
        let own = this.deviceState.get(i);
        if (plan !== null && hook !== undefined) {
          if (own === undefined) this.deviceState.set(i, (own = new Map()));
          runFused(backend, hook, p, grad, plan, own, state);
          continue;
        }
        if (own !== undefined) {
          toJsState(own, state);
          this.deviceState.delete(i);
        }
        this.update(param, g, state, group.options, param.length, step);
      }
    }
  }

  /**
   * Updates `param` in place from `grad` (never written); `state` holds this parameter's
   * buffers and `step` is its update count, 1 on its first update.
   */
  protected abstract update(param: FloatData, grad: FloatData, state: Map<string, Float64Array>, options: R, size: number, step: number): void;

  /**
   * The fused float32 update for these options (fused.ts), run by the backend's `updateFloat32`
   * for large float32 parameters; null (the default): `update` runs.
   */
  protected fusedPlan(_options: R, _step: number): FusedPlan | null {
    return null;
  }

  /** Checks a group's options (called on construction and on loadStateDict); throws ValueError. */
  protected abstract validate(options: R): void;

  /** The buffer `name` of a parameter, created filled with `initial` (default 0) on first use. */
  protected buffer(state: Map<string, Float64Array>, name: string, size: number, initial = 0): Float64Array {
    let b = state.get(name);
    if (b === undefined) {
      b = new Float64Array(size);
      if (initial !== 0) b.fill(initial);
      state.set(name, b);
    }
    return b;
  }

  /** A JSON-serializable copy of the state, for checkpoints. */
  stateDict(): OptimizerState {
    const buffers: Record<string, Record<string, number[]>> = {};
    for (const [i, state] of this.buffers) {
      const entry: Record<string, number[]> = {};
      for (const [name, b] of state) entry[name] = Array.from(b);
      for (const [name, t] of this.deviceState.get(i) ?? []) entry[name] = Array.from(t._data);
      buffers[String(i)] = entry;
    }
    const steps: Record<string, number> = {};
    for (const [i, s] of this.steps) steps[String(i)] = s;
    return { type: this.typeName, step: this.stepCount, groups: this.groups.map((g) => ({ ...g.options })), steps, buffers };
  }

  /**
   * Restores a state from `stateDict()` (also after a JSON round trip); the optimizer type, the
   * groups' options and the parameter sizes must match. Nothing changes when it throws.
   */
  loadStateDict(state: OptimizerState): void {
    const name = this.typeName;
    const fail: (message: string) => never = stateFailure(name);
    checkStateHeader(name, state, 'step');
    if (!Array.isArray(state.groups)) fail(`'groups' must be an array`);
    if (state.groups.length !== this.groups.length) {
      fail(`the state has ${state.groups.length} parameter groups, the optimizer ${this.groups.length}`);
    }
    const groups: R[] = [];
    state.groups.forEach((saved, gi) => {
      const current = this.groups[gi]?.options;
      if (current === undefined) fail(`the state has ${state.groups.length} parameter groups, the optimizer ${this.groups.length}`);
      const savedValue: unknown = saved;
      if (!isRecord(savedValue)) fail(`group ${gi} must be an object of options`);
      const expected = Object.keys(current).sort().join(', ');
      const got = Object.keys(saved).sort().join(', ');
      if (expected !== got) fail(`group ${gi} has options (${got}), ${name} takes (${expected})`);
      for (const key of Object.keys(current)) {
        if (typeof saved[key] !== typeof current[key]) fail(`option '${key}' of group ${gi} must be a ${typeof current[key]}, got ${String(saved[key])}`);
      }
      // The same keys, each of the same type as in R: the saved group has R's shape.
      const options: R = Object.assign({ ...current }, saved);
      try {
        this.validate(options);
      } catch (e) {
        fail(e instanceof Error ? e.message : String(e));
      }
      groups.push(options);
    });
    const params = this.params();
    const checkIndex = (key: string, what: string): number => {
      const i = Number(key);
      if (!Number.isInteger(i) || i < 0 || String(i) !== key) fail(`${what} key '${key}' is not a parameter index`);
      if (i >= params.length) fail(`the state has ${what} for parameter ${key}, but there are ${params.length} parameters`);
      return i;
    };
    const steps = new Map<number, number>();
    const rawSteps: unknown = state.steps;
    if (!isRecord(rawSteps)) fail(`'steps' must be an object of per-parameter update counts`);
    for (const [key, s] of Object.entries(state.steps)) {
      const i = checkIndex(key, 'an update count');
      if (!Number.isInteger(s) || s < 1) fail(`the update count of parameter ${key} must be a positive integer, got ${String(s)}`);
      steps.set(i, s);
    }
    const restored = new Map<number, Map<string, Float64Array>>();
    const rawBuffers: unknown = state.buffers;
    if (!isRecord(rawBuffers)) fail(`'buffers' must be an object of per-parameter buffers`);
    for (const [key, entry] of Object.entries(state.buffers)) {
      const i = checkIndex(key, 'buffers');
      const entryValue: unknown = entry;
      if (!isRecord(entryValue)) fail(`the buffers of parameter ${key} must be an object of number arrays`);
      const size = params[i]?.size ?? 0;
      const m = new Map<string, Float64Array>();
      for (const [bufferName, values] of Object.entries(entry)) {
        if (!Array.isArray(values)) fail(`buffer '${bufferName}' of parameter ${key} must be an array of numbers`);
        if (values.length !== size) fail(`buffer '${bufferName}' of parameter ${key} has ${values.length} values, the parameter ${size}`);
        const b = new Float64Array(size);
        for (let j = 0; j < size; j++) {
          const v: unknown = values[j];
          // JSON writes NaN and ±Infinity as null: refuse rather than resume from zeros.
          if (typeof v !== 'number') fail(`value ${j} of buffer '${bufferName}' of parameter ${key} is ${String(v)}, not a number (a NaN or infinity written as JSON?)`);
          b[j] = v;
        }
        m.set(bufferName, b);
      }
      if (m.size > 0 && !steps.has(i)) fail(`parameter ${key} has buffers but no update count in 'steps'`);
      restored.set(i, m);
    }
    this.buffers.clear();
    this.deviceState.clear();
    for (const [i, m] of restored) this.buffers.set(i, m);
    this.steps.clear();
    for (const [i, s] of steps) this.steps.set(i, s);
    this.groups.forEach((g, i) => Object.assign(g.options, groups[i]));
    this.stepCount = state.step;
  }
}
