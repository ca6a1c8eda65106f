import { add, div, mul } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const atanDef: OpDef<'atan'> = {
  name: 'atan',
  symbol: 'atan',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [div(grad, add(mul(x!, x!), 1))],
  forward: formula('atan({0})', '\\arctan {0}'),
  local: [formula('1/(1 + {0}²)', '\\frac1{1 + {0}^2}')],
};
