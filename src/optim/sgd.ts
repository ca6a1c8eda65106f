/** Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay. */
import { getBackend } from '../backend/registry.js';
import { ValueError } from '../errors.js';
import { booleanOption, checkNonNegative, numberOption, Optimizer, type FloatData, type OptimizerParams, type ParamGroupOptions } from './optimizer.js';

export interface SGDOptions {
  /** Learning rate (default 1e-3, as PyTorch 2). */
  readonly lr?: number;
  /** Momentum factor (default 0: plain gradient descent). */
  readonly momentum?: number;
  /** Dampening of the momentum (default 0). */
  readonly dampening?: number;
  /** Nesterov momentum (default false; needs momentum > 0 and dampening 0). */
  readonly nesterov?: boolean;
  /** L2 penalty added to the gradient (default 0). */
  readonly weightDecay?: number;
}

/**
 * Stochastic gradient descent, with PyTorch's `torch.optim.SGD` update: with weight decay
 * `g ← g + λp`; with momentum `b ← μb + (1 − dampening)g` (b = g on the first step) and
 * `g ← g + μb` (Nesterov) or `g ← b`; then `p ← p − lr·g`.
 * @example
 * const w = tensor([1, 2], { dtype: 'float64', requiresGrad: true });
 * const opt = new SGD([w], { lr: 0.1 });
 * w.square().sum().backward(); // gradient 2w = [2, 4]
 * opt.step();
 * w.toArray(); // [0.8, 1.6]
 */
export class SGD extends Optimizer {
  constructor(params: OptimizerParams, options: SGDOptions = {}) {
    super(params, {
      lr: options.lr ?? 1e-3,
      momentum: options.momentum ?? 0,
      dampening: options.dampening ?? 0,
      nesterov: options.nesterov ?? false,
      weightDecay: options.weightDecay ?? 0,
    });
  }

  protected override validate(options: ParamGroupOptions): void {
    checkNonNegative('SGD: lr', options.lr);
    const momentum = numberOption(options, 'momentum');
    const dampening = numberOption(options, 'dampening');
    checkNonNegative('SGD: momentum', momentum);
    checkNonNegative('SGD: dampening', dampening);
    checkNonNegative('SGD: weightDecay', numberOption(options, 'weightDecay'));
    if (booleanOption(options, 'nesterov') && (momentum <= 0 || dampening !== 0)) {
      throw new ValueError(`SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${momentum} and dampening ${dampening}`);
    }
  }

  protected override update(param: FloatData, grad: FloatData, state: Map<string, Float64Array>, options: ParamGroupOptions, size: number): void {
    const lr = options.lr;
    const momentum = numberOption(options, 'momentum');
    const dampening = numberOption(options, 'dampening');
    const nesterov = booleanOption(options, 'nesterov');
    const wd = numberOption(options, 'weightDecay');
    if (momentum === 0) {
      if (wd === 0 && param instanceof Float32Array && grad instanceof Float32Array) {
        plainStepFloat32(param, grad, lr, size);
        return;
      }
      for (let i = 0; i < size; i++) {
        const p = param[i] ?? 0;
        const g = wd === 0 ? (grad[i] ?? 0) : (grad[i] ?? 0) + wd * p;
        param[i] = p - lr * g;
      }
      return;
    }
    const fresh = !state.has('momentumBuffer');
    const buf = this.buffer(state, 'momentumBuffer', size);
    for (let i = 0; i < size; i++) {
      const p = param[i] ?? 0;
      const g = wd === 0 ? (grad[i] ?? 0) : (grad[i] ?? 0) + wd * p;
      const b = fresh ? g : (buf[i] ?? 0) * momentum + (1 - dampening) * g;
      buf[i] = b;
      param[i] = p - lr * (nesterov ? g + momentum * b : b);
    }
  }
}

/**
 * p ← p − lr·g for float32 parameters and gradients, the common case, in a loop of its own so
 * V8 compiles it for one array type (the general loop sees float32 and float64 alike).
 */
function plainStepFloat32(param: Float32Array, grad: Float32Array, lr: number, size: number): void {
  // The backend's update kernel where it has one (wasm: SIMD, the same bits as this loop).
  const axpy = getBackend().axpyFloat32;
  if (axpy !== undefined && size === param.length && size === grad.length) {
    axpy(param, -lr, grad);
    return;
  }
  for (let i = 0; i < size; i++) param[i] = param[i]! - lr * grad[i]!;
}
