import { mul, tanhGrad } from '../elementwise.js';
import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * tanh's backward step in one pass, as PyTorch's `tanh_backward`: g·(1 − t²) for an upstream
 * gradient g and tanh's output t. tanh's gradient rule uses it (one op instead of three); it is
 * differentiable again (double backward).
 */
export const tanhGradDef: OpDef<'tanhGrad'> = {
  name: 'tanhGrad',
  symbol: 'tanhGrad',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: binary('tanhGrad', 'float'),
  backward: ({ grad, inputs: [g, t], needsGrad }) => [
    needsGrad[0] ? tanhGrad(grad, t!) : null,
    // ∂/∂t of g·(1 − t²) = −2·g·t.
    needsGrad[1] ? mul(mul(grad, g!), mul(t!, -2)) : null,
  ],
  forward: formula('{0}·(1−{1}²)', '{0}\\,(1-{1}^2)'),
  local: [formula('1−{1}²', '1-{1}^2'), formula('−2{0}{1}', '-2{0}{1}')],
};
