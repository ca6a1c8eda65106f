import { exp, mul } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/** A primitive rather than exp(x) − 1: composed, the subtraction cancels every digit of a tiny x. */
export const expm1Def: OpDef<'expm1'> = {
  name: 'expm1',
  symbol: 'expm1',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [mul(grad, exp(x!))],
  forward: formula('exp({0}) − 1', 'e^{{0}} - 1'),
  local: [formula('exp({0})', 'e^{{0}}')],
};
