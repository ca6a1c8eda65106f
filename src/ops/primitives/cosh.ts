import { mul } from '../elementwise.js';
import { sinh } from '../math.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/** sinh's partner: each one's rule is the other, so every order of derivative has a rule. */
export const coshDef: OpDef<'cosh'> = {
  name: 'cosh',
  symbol: 'cosh',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [mul(grad, sinh(x!))],
  forward: formula('cosh({0})', '\\cosh {0}'),
  local: [formula('sinh({0})', '\\sinh {0}')],
};
