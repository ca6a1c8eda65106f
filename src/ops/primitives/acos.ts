import { div, mul, neg, sqrt, sub } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/** As asin: NaN outside [−1, 1] (PyTorch's value), gradient −∞ at ±1 (docs/gradients.md). */
export const acosDef: OpDef<'acos'> = {
  name: 'acos',
  symbol: 'acos',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [neg(div(grad, sqrt(sub(1, mul(x!, x!)))))],
  forward: formula('acos({0})', '\\arccos {0}'),
  local: [formula('−1/√(1 − {0}²)', '-\\frac1{\\sqrt{1 - {0}^2}}')],
};
