import { add, div } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/** A primitive rather than log(1 + x): composed, 1 + x rounds away the digits of a tiny x. */
export const log1pDef: OpDef<'log1p'> = {
  name: 'log1p',
  symbol: 'log1p',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [div(grad, add(x!, 1))],
  forward: formula('log(1 + {0})', '\\log(1 + {0})'),
  local: [formula('1/(1 + {0})', '\\frac1{1 + {0}}')],
};
