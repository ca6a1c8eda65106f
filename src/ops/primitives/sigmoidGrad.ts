import { sigmoidGrad, mul, sub } from '../elementwise.js';
import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * The sigmoid's backward step in one pass, as PyTorch's `sigmoid_backward`: g·s·(1 − s) for an
 * upstream gradient g and the sigmoid's output s. The sigmoid's gradient rule uses it, so a
 * backward pass runs one op here instead of three; it is differentiable again (double backward).
 */
export const sigmoidGradDef: OpDef<'sigmoidGrad'> = {
  name: 'sigmoidGrad',
  symbol: 'sigmoidGrad',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: binary('sigmoidGrad', 'float'),
  backward: ({ grad, inputs: [g, s], needsGrad }) => [
    needsGrad[0] ? sigmoidGrad(grad, s!) : null,
    // ∂/∂s of g·s·(1 − s) = g·(1 − 2s).
    needsGrad[1] ? mul(mul(grad, g!), sub(1, mul(s!, 2))) : null,
  ],
  forward: formula('{0}·{1}(1−{1})', '{0}\\,{1}(1-{1})'),
  local: [formula('{1}(1−{1})', '{1}(1-{1})'), formula('{0}(1−2{1})', '{0}(1-2{1})')],
};
