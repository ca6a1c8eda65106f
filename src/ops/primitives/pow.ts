import { eq, log, mul, pow, sub, where } from '../elementwise.js';
import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const powDef: OpDef<'pow'> = {
  name: 'pow',
  symbol: 'pow',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: true },
  infer: binary('pow', 'float'),
  backward: ({ grad, inputs: [a, b], result, needsGrad }) => [
    // NOTE: ∂(aᵇ)/∂a = b·aᵇ⁻¹, taken as 0 where b = 0 (a⁰ = 1 is constant; 0·0⁻¹ would be NaN at a = 0),
    // as PyTorch does (docs/gradients.md).
    needsGrad[0] ? where(eq(b!, 0), 0, mul(grad, mul(b!, pow(a!, sub(b!, 1))))) : null,
    // NOTE: ∂(aᵇ)/∂b = aᵇ·log a, taken as 0 where a = 0 (docs/gradients.md); NaN for a < 0.
    needsGrad[1] ? where(eq(a!, 0), 0, mul(grad, mul(result, log(a!)))) : null,
  ],
  forward: formula('{0}^{1}', '{0}^{{1}}'),
  local: [formula('{1}·{0}^({1}−1)', '{1}\\,{0}^{{1}-1}'), formula('{0}^{1}·log({0})', '{0}^{{1}}\\log {0}')],
};
