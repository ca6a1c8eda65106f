/** RMSprop: gradients scaled by a running root mean square, with optional momentum and centering. */
import type { FusedPlan } from './fused.js';
import { checkNonNegative, Optimizer, type FloatData, type OptimizerParams } from './optimizer.js';

export interface RMSpropOptions {
  /** Learning rate (default 1e-2). */
  readonly lr?: number;
  /** Smoothing constant of the running mean of squared gradients (default 0.99). */
  readonly alpha?: number;
  /** Added to the denominator for stability (default 1e-8). */
  readonly eps?: number;
  /** L2 penalty added to the gradient (default 0). */
  readonly weightDecay?: number;
  /** Momentum factor (default 0). */
  readonly momentum?: number;
  /** Normalize by an estimate of the gradient's variance instead of its second moment (default false). */
  readonly centered?: boolean;
}

/** RMSprop's options as each parameter group keeps them. */
export type RMSpropGroupOptions = { lr: number; alpha: number; eps: number; weightDecay: number; momentum: number; centered: boolean };

const DEFAULTS: RMSpropGroupOptions = { lr: 1e-2, alpha: 0.99, eps: 1e-8, weightDecay: 0, momentum: 0, centered: false };

/**
 * RMSprop, with PyTorch's `torch.optim.RMSprop` update: `g ← g + λp`, `s ← αs + (1 − α)g²`;
 * centered: `ḡ ← αḡ + (1 − α)g` and `d = √(s − ḡ²) + ε`, else `d = √s + ε`; then with momentum
 * `b ← μb + g/d` and `p ← p − lr·b`, else `p ← p − lr·g/d`.
 * @example
 * const w = tensor([1, -1], { dtype: 'float64', requiresGrad: true });
 * const opt = new RMSprop([w], { lr: 0.01 });
 * w.square().sum().backward();
 * opt.step();
 * w.toArray(); // about [0.9, -0.9]: the first step is lr/√(1 − α) = 0.1
 */
export class RMSprop extends Optimizer<RMSpropGroupOptions> {
  static readonly typeName = 'RMSprop';
  /** The options RMSprop takes, in the constructor and in each parameter group. */
  static readonly optionNames: readonly (keyof RMSpropOptions)[] = ['lr', 'alpha', 'eps', 'weightDecay', 'momentum', 'centered'];

  constructor(params: OptimizerParams<RMSpropOptions>, options: RMSpropOptions = {}) {
    super(params, DEFAULTS, options, RMSprop.optionNames);
  }

  protected override validate(options: RMSpropGroupOptions): void {
    checkNonNegative('RMSprop: lr', options.lr);
    checkNonNegative('RMSprop: alpha', options.alpha);
    checkNonNegative('RMSprop: eps', options.eps);
    checkNonNegative('RMSprop: weightDecay', options.weightDecay);
    checkNonNegative('RMSprop: momentum', options.momentum);
  }

  protected override fusedPlan(options: RMSpropGroupOptions): FusedPlan {
    const { lr, alpha, eps, weightDecay, momentum, centered } = options;
    const buffers = ['squareAvg'];
    if (centered) buffers.push('gradAvg');
    if (momentum > 0) buffers.push('momentumBuffer');
    return {
      buffers,
      build: (param, grad, [squareAvg, ...rest]) => ({
        kind: 'rmsprop',
        param,
        grad,
        squareAvg: squareAvg!,
        gradAvg: centered ? rest[0]! : null,
        momentumBuffer: momentum > 0 ? rest[centered ? 1 : 0]! : null,
        alpha,
        weightDecay,
        eps,
        momentum,
        lr,
      }),
    };
  }

  protected override update(param: FloatData, grad: FloatData, state: Map<string, Float64Array>, options: RMSpropGroupOptions, size: number): void {
    const { lr, alpha, eps, weightDecay: wd, momentum, centered } = options;
    const squareAvg = this.buffer(state, 'squareAvg', size);
    const gradAvg = centered ? this.buffer(state, 'gradAvg', size) : null;
    const buf = momentum > 0 ? this.buffer(state, 'momentumBuffer', size) : null;
    for (let i = 0; i < size; i++) {
      const p = param[i] ?? 0;
      const g = wd === 0 ? (grad[i] ?? 0) : (grad[i] ?? 0) + wd * p;
      const s = (squareAvg[i] ?? 0) * alpha + (1 - alpha) * g * g;
      squareAvg[i] = s;
      let avg: number;
      if (gradAvg !== null) {
        const ga = (gradAvg[i] ?? 0) * alpha + (1 - alpha) * g;
        gradAvg[i] = ga;
        avg = Math.sqrt(s - ga * ga) + eps;
      } else {
        avg = Math.sqrt(s) + eps;
      }
      if (buf !== null) {
        const b = (buf[i] ?? 0) * momentum + g / avg;
        buf[i] = b;
        param[i] = p - lr * b;
      } else {
        param[i] = p - lr * (g / avg);
      }
    }
  }
}
