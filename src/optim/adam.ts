/** Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay. */
import { ValueError } from '../errors.js';
import type { FusedPlan } from './fused.js';
import { checkNonNegative, checkUnitInterval, Optimizer, type FloatData, type OptimizerParams } from './optimizer.js';

export interface AdamOptions {
  /** Learning rate (default 1e-3). */
  readonly lr?: number;
  /** Decay rates of the first and second moment estimates (default [0.9, 0.999]). */
  readonly betas?: readonly [number, number];
  /** Added to the denominator for stability (default 1e-8). */
  readonly eps?: number;
  /** Weight decay: an L2 penalty for Adam (default 0), decoupled for AdamW (default 1e-2). */
  readonly weightDecay?: number;
  /** Use the maximum of past second moments (AMSGrad; default false). */
  readonly amsgrad?: boolean;
}

/** Adam's and AdamW's options as each parameter group keeps them (`betas` as beta1 and beta2). */
export type AdamGroupOptions = { lr: number; beta1: number; beta2: number; eps: number; weightDecay: number; amsgrad: boolean };

const ADAM_DEFAULTS: AdamGroupOptions = { lr: 1e-3, beta1: 0.9, beta2: 0.999, eps: 1e-8, weightDecay: 0, amsgrad: false };

function isBetas(v: unknown): v is readonly [number, number] {
  return Array.isArray(v) && v.length === 2 && v.every((b) => typeof b === 'number');
}

/**
 * Adam, with PyTorch's `torch.optim.Adam` update: `g ← g + λp` (weight decay as L2),
 * `m ← β₁m + (1 − β₁)g`, `v ← β₂v + (1 − β₂)g²`, then
 * `p ← p − lr/(1 − β₁ᵗ) · m / (√v / √(1 − β₂ᵗ) + ε)` (with AMSGrad, v is the running maximum),
 * t counting this parameter's updates.
 * @example
 * const w = tensor([1, -1], { dtype: 'float64', requiresGrad: true });
 * const opt = new Adam([w], { lr: 0.1 });
 * w.square().sum().backward();
 * opt.step();
 * w.toArray(); // about [0.9, -0.9]: Adam's first step moves each weight by lr
 */
export class Adam extends Optimizer<AdamGroupOptions> {
  static readonly typeName: string = 'Adam';
  /** The options Adam and AdamW take, in the constructor and in each parameter group. */
  static readonly optionNames: readonly (keyof AdamOptions)[] = ['lr', 'betas', 'eps', 'weightDecay', 'amsgrad'];

  /** Every group option at its default; AdamW's weight decay differs. */
  static readonly defaults: AdamGroupOptions = ADAM_DEFAULTS;

  constructor(params: OptimizerParams<AdamOptions>, options: AdamOptions = {}) {
    super(params, new.target.defaults, options, Adam.optionNames);
  }

  protected override resolveOptions(base: AdamGroupOptions, given: ReadonlyMap<string, unknown>, where: string): AdamGroupOptions {
    const betas = given.get('betas');
    const rest = new Map(given);
    rest.delete('betas');
    const resolved = super.resolveOptions(base, rest, where);
    if (betas === undefined) return resolved;
    if (!isBetas(betas)) throw new ValueError(`${this.typeName}: option 'betas'${where} must be two numbers, got ${JSON.stringify(betas) ?? String(betas)}`);
    return { ...resolved, beta1: betas[0], beta2: betas[1] };
  }

  /** Whether weight decay is decoupled from the gradient (AdamW) rather than an L2 term (Adam). */
  protected get decoupled(): boolean {
    return false;
  }

  protected override validate(options: AdamGroupOptions): void {
    const name = this.typeName;
    checkNonNegative(`${name}: lr`, options.lr);
    checkUnitInterval(`${name}: betas[0]`, options.beta1);
    checkUnitInterval(`${name}: betas[1]`, options.beta2);
    checkNonNegative(`${name}: eps`, options.eps);
    checkNonNegative(`${name}: weightDecay`, options.weightDecay);
  }

  protected override fusedPlan(options: AdamGroupOptions, step: number): FusedPlan {
    const { lr, beta1, beta2, eps, weightDecay: wd, amsgrad } = options;
    const decoupled = this.decoupled;
    return {
      buffers: amsgrad ? ['expAvg', 'expAvgSq', 'maxExpAvgSq'] : ['expAvg', 'expAvgSq'],
      build: (param, grad, [expAvg, expAvgSq, maxExpAvgSq]) => ({
        kind: 'adam',
        param,
        grad,
        expAvg: expAvg!,
        expAvgSq: expAvgSq!,
        maxExpAvgSq: maxExpAvgSq ?? null,
        beta1,
        beta2,
        l2: decoupled ? 0 : wd,
        shrink: decoupled ? 1 - lr * wd : 1,
        stepSize: lr / (1 - beta1 ** step),
        biasCorrection2Sqrt: Math.sqrt(1 - beta2 ** step),
        eps,
      }),
    };
  }

  protected override update(param: FloatData, grad: FloatData, state: Map<string, Float64Array>, options: AdamGroupOptions, size: number, step: number): void {
    const { lr, beta1, beta2, eps, weightDecay: wd, amsgrad } = options;
    const decoupled = this.decoupled;
    const m = this.buffer(state, 'expAvg', size);
    const v = this.buffer(state, 'expAvgSq', size);
    const vMax = amsgrad ? this.buffer(state, 'maxExpAvgSq', size) : null;
    const biasCorrection1 = 1 - beta1 ** step;
    const biasCorrection2Sqrt = Math.sqrt(1 - beta2 ** step);
    const stepSize = lr / biasCorrection1;
    const shrink = 1 - lr * wd;
    for (let i = 0; i < size; i++) {
      let p = param[i] ?? 0;
      let g = grad[i] ?? 0;
      if (wd !== 0) {
        if (decoupled) p *= shrink;
        else g += wd * p;
      }
      const mi = (m[i] ?? 0) * beta1 + (1 - beta1) * g;
      let vi = (v[i] ?? 0) * beta2 + (1 - beta2) * g * g;
      m[i] = mi;
      v[i] = vi;
      if (vMax !== null) {
        vi = Math.max(vMax[i] ?? 0, vi);
        vMax[i] = vi;
      }
      param[i] = p - stepSize * (mi / (Math.sqrt(vi) / biasCorrection2Sqrt + eps));
    }
  }
}

/**
 * AdamW: Adam with decoupled weight decay (Loshchilov & Hutter), as PyTorch's
 * `torch.optim.AdamW`: `p ← p·(1 − lr·λ)` before the Adam update, which sees the raw gradient.
 * @example
 * const w = tensor([1, -1], { dtype: 'float64', requiresGrad: true });
 * const opt = new AdamW([w], { lr: 0.1, weightDecay: 0.01 });
 * w.square().sum().backward();
 * opt.step();
 * w.toArray(); // about [0.899, -0.899]
 * // Per group, as in PyTorch: no decay for the bias, say.
 * const bias = tensor([1], { dtype: 'float64', requiresGrad: true });
 * new AdamW([{ params: [w] }, { params: [bias], weightDecay: 0 }], { lr: 0.1 });
 */
export class AdamW extends Adam {
  static override readonly typeName: string = 'AdamW';
  static override readonly defaults: AdamGroupOptions = { ...ADAM_DEFAULTS, weightDecay: 1e-2 };

  protected override get decoupled(): boolean {
    return true;
  }
}
