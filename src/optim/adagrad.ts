/** Adagrad: per-coordinate learning rates from the sum of past squared gradients. */
import { checkNonNegative, Optimizer, type FloatData, type OptimizerParams } from './optimizer.js';

export interface AdagradOptions {
  /** Learning rate (default 1e-2). */
  readonly lr?: number;
  /** Learning-rate decay: step t uses lr / (1 + (t − 1)·lrDecay) (default 0). */
  readonly lrDecay?: number;
  /** L2 penalty added to the gradient (default 0). */
  readonly weightDecay?: number;
  /** Starting value of the sum of squared gradients (default 0). */
  readonly initialAccumulatorValue?: number;
  /** Added to the denominator for stability (default 1e-10). */
  readonly eps?: number;
}

/** Adagrad's options as each parameter group keeps them. */
export type AdagradGroupOptions = { lr: number; lrDecay: number; weightDecay: number; initialAccumulatorValue: number; eps: number };

const DEFAULTS: AdagradGroupOptions = { lr: 1e-2, lrDecay: 0, weightDecay: 0, initialAccumulatorValue: 0, eps: 1e-10 };

/**
 * Adagrad, with PyTorch's `torch.optim.Adagrad` update: `g ← g + λp`, `s ← s + g²`,
 * `p ← p − lr/(1 + (t − 1)·lrDecay) · g / (√s + ε)`, t counting this parameter's updates.
 * @example
 * const w = tensor([1, -1], { dtype: 'float64', requiresGrad: true });
 * const opt = new Adagrad([w], { lr: 0.1 });
 * w.square().sum().backward();
 * opt.step();
 * w.toArray(); // about [0.9, -0.9]
 */
export class Adagrad extends Optimizer<AdagradGroupOptions> {
  static readonly typeName = 'Adagrad';
  /** The options Adagrad takes, in the constructor and in each parameter group. */
  static readonly optionNames: readonly (keyof AdagradOptions)[] = ['lr', 'lrDecay', 'weightDecay', 'initialAccumulatorValue', 'eps'];

  constructor(params: OptimizerParams<AdagradOptions>, options: AdagradOptions = {}) {
    super(params, DEFAULTS, options, Adagrad.optionNames);
  }

  protected override validate(options: AdagradGroupOptions): void {
    checkNonNegative('Adagrad: lr', options.lr);
    checkNonNegative('Adagrad: lrDecay', options.lrDecay);
    checkNonNegative('Adagrad: weightDecay', options.weightDecay);
    checkNonNegative('Adagrad: initialAccumulatorValue', options.initialAccumulatorValue);
    checkNonNegative('Adagrad: eps', options.eps);
  }

  protected override update(param: FloatData, grad: FloatData, state: Map<string, Float64Array>, options: AdagradGroupOptions, size: number, step: number): void {
    const { weightDecay: wd, eps } = options;
    const clr = options.lr / (1 + (step - 1) * options.lrDecay);
    // Per group, as PyTorch, whose Adagrad fills each group's 'sum' from its own value.
    const sum = this.buffer(state, 'sum', size, options.initialAccumulatorValue);
    for (let i = 0; i < size; i++) {
      const p = param[i] ?? 0;
      const g = wd === 0 ? (grad[i] ?? 0) : (grad[i] ?? 0) + wd * p;
      const s = (sum[i] ?? 0) + g * g;
      sum[i] = s;
      param[i] = p - clr * (g / (Math.sqrt(s) + eps));
    }
  }
}
