/** Adam and AdamW: adaptive moment estimation, with L2 or decoupled weight decay. */
import { booleanOption, checkNonNegative, checkUnitInterval, numberOption, Optimizer, type FloatData, type OptimizerParams, type ParamGroupOptions } from './optimizer.js';

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

function adamDefaults(options: AdamOptions, weightDecay: number): ParamGroupOptions {
  return {
    lr: options.lr ?? 1e-3,
    beta1: options.betas?.[0] ?? 0.9,
    beta2: options.betas?.[1] ?? 0.999,
    eps: options.eps ?? 1e-8,
    weightDecay: options.weightDecay ?? weightDecay,
    amsgrad: options.amsgrad ?? false,
  };
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
export class Adam extends Optimizer {
  constructor(params: OptimizerParams, options: AdamOptions = {}) {
    super(params, adamDefaults(options, 0));
  }

  /** Whether weight decay is decoupled from the gradient (AdamW) rather than an L2 term (Adam). */
  protected get decoupled(): boolean {
    return false;
  }

  protected override validate(options: ParamGroupOptions): void {
    const name = this.constructor.name;
    checkNonNegative(`${name}: lr`, options.lr);
    checkUnitInterval(`${name}: betas[0]`, numberOption(options, 'beta1'));
    checkUnitInterval(`${name}: betas[1]`, numberOption(options, 'beta2'));
    checkNonNegative(`${name}: eps`, numberOption(options, 'eps'));
    checkNonNegative(`${name}: weightDecay`, numberOption(options, 'weightDecay'));
    booleanOption(options, 'amsgrad');
  }

  protected override update(param: FloatData, grad: FloatData, state: Map<string, Float64Array>, options: ParamGroupOptions, size: number, step: number): void {
    const lr = options.lr;
    const beta1 = numberOption(options, 'beta1');
    const beta2 = numberOption(options, 'beta2');
    const eps = numberOption(options, 'eps');
    const wd = numberOption(options, 'weightDecay');
    const amsgrad = booleanOption(options, 'amsgrad');
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
 */
export class AdamW extends Adam {
  constructor(params: OptimizerParams, options: AdamOptions = {}) {
    super(params, { ...options, weightDecay: options.weightDecay ?? 1e-2 });
  }

  protected override get decoupled(): boolean {
    return true;
  }
}
