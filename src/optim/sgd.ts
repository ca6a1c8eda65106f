/** Stochastic gradient descent with optional momentum, Nesterov momentum and weight decay. */
import { getBackend } from '../backend/registry.js';
import { ValueError } from '../errors.js';
import type { FusedPlan } from './fused.js';
import { checkNonNegative, Optimizer, type FloatData, type OptimizerParams } from './optimizer.js';

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

/** SGD's options as each parameter group keeps them. */
export type SGDGroupOptions = { lr: number; momentum: number; dampening: number; nesterov: boolean; weightDecay: number };

const DEFAULTS: SGDGroupOptions = { lr: 1e-3, momentum: 0, dampening: 0, nesterov: false, weightDecay: 0 };

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
 * // Each group may set any option; what it leaves out comes from the second argument.
 * const b = tensor([1], { dtype: 'float64', requiresGrad: true });
 * const grouped = new SGD([{ params: [b], momentum: 0.9, weightDecay: 0.1 }], { lr: 0.1 });
 * grouped.groups[0].options; // { lr: 0.1, momentum: 0.9, dampening: 0, nesterov: false, weightDecay: 0.1 }
 */
export class SGD extends Optimizer<SGDGroupOptions> {
  static readonly typeName = 'SGD';
  /** The options SGD takes, in the constructor and in each parameter group. */
  static readonly optionNames: readonly (keyof SGDOptions)[] = ['lr', 'momentum', 'dampening', 'nesterov', 'weightDecay'];

  constructor(params: OptimizerParams<SGDOptions>, options: SGDOptions = {}) {
    super(params, DEFAULTS, options, SGD.optionNames);
  }

  protected override validate(options: SGDGroupOptions): void {
    const { momentum, dampening } = options;
    checkNonNegative('SGD: lr', options.lr);
    checkNonNegative('SGD: momentum', momentum);
    checkNonNegative('SGD: dampening', dampening);
    checkNonNegative('SGD: weightDecay', options.weightDecay);
    if (options.nesterov && (momentum <= 0 || dampening !== 0)) {
      throw new ValueError(`SGD: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${momentum} and dampening ${dampening}`);
    }
  }

  /** Momentum or weight decay fused; plain steps stay on the backend's axpy (plainStepFloat32). */
  protected override fusedPlan(options: SGDGroupOptions): FusedPlan | null {
    const { lr, momentum, dampening, nesterov, weightDecay } = options;
    if (momentum === 0 && weightDecay === 0) return null;
    return {
      buffers: momentum === 0 ? [] : ['momentumBuffer'],
      build: (param, grad, [momentumBuffer], fresh) => ({
        kind: 'sgd',
        param,
        grad,
        momentumBuffer: momentumBuffer ?? null,
        lr,
        weightDecay,
        momentum,
        dampening,
        nesterov,
        first: fresh,
      }),
    };
  }

  protected override update(param: FloatData, grad: FloatData, state: Map<string, Float64Array>, options: SGDGroupOptions, size: number): void {
    const { lr, momentum, dampening, nesterov, weightDecay: wd } = options;
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
