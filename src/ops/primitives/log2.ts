import { div, mul } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/** A primitive rather than log(x)/ln 2, so that powers of two give exact integers (log2(8) = 3). */
export const log2Def: OpDef<'log2'> = {
  name: 'log2',
  symbol: 'log₂',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [div(grad, mul(x!, Math.LN2))],
  forward: formula('log₂({0})', '\\log_2 {0}'),
  local: [formula('1/({0}·ln 2)', '\\frac1{{0} \\ln 2}')],
};
