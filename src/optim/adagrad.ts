/** Adagrad: per-coordinate learning rates from the sum of past squared gradients. */
import { checkNonNegative, numberOption, Optimizer, type FloatData, type OptimizerParams, type ParamGroupOptions } from './optimizer.js';

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
export class Adagrad extends Optimizer {
  constructor(params: OptimizerParams, options: AdagradOptions = {}) {
    super(params, {
      lr: options.lr ?? 1e-2,
      lrDecay: options.lrDecay ?? 0,
      weightDecay: options.weightDecay ?? 0,
      initialAccumulatorValue: options.initialAccumulatorValue ?? 0,
      eps: options.eps ?? 1e-10,
    });
  }

  protected override validate(options: ParamGroupOptions): void {
    checkNonNegative('Adagrad: lr', options.lr);
    checkNonNegative('Adagrad: lrDecay', numberOption(options, 'lrDecay'));
    checkNonNegative('Adagrad: weightDecay', numberOption(options, 'weightDecay'));
    checkNonNegative('Adagrad: initialAccumulatorValue', numberOption(options, 'initialAccumulatorValue'));
    checkNonNegative('Adagrad: eps', numberOption(options, 'eps'));
  }

  protected override update(param: FloatData, grad: FloatData, state: Map<string, Float64Array>, options: ParamGroupOptions, size: number, step: number): void {
    const wd = numberOption(options, 'weightDecay');
    const eps = numberOption(options, 'eps');
    const clr = options.lr / (1 + (step - 1) * numberOption(options, 'lrDecay'));
    const sum = this.buffer(state, 'sum', size, numberOption(options, 'initialAccumulatorValue'));
    for (let i = 0; i < size; i++) {
      const p = param[i] ?? 0;
      const g = wd === 0 ? (grad[i] ?? 0) : (grad[i] ?? 0) + wd * p;
      const s = (sum[i] ?? 0) + g * g;
      sum[i] = s;
      param[i] = p - clr * (g / (Math.sqrt(s) + eps));
    }
  }
}
