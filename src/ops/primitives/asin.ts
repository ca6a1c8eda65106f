import { div, mul, sqrt, sub } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * A primitive: no composite keeps the digits near ±1. Outside [−1, 1] the value is NaN, as in
 * PyTorch (there is no real arcsine there); at ±1 the gradient is ∞ (docs/gradients.md).
 */
export const asinDef: OpDef<'asin'> = {
  name: 'asin',
  symbol: 'asin',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [div(grad, sqrt(sub(1, mul(x!, x!))))],
  forward: formula('asin({0})', '\\arcsin {0}'),
  local: [formula('1/√(1 − {0}²)', '\\frac1{\\sqrt{1 - {0}^2}}')],
};
