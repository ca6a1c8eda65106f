import { div } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const logDef: OpDef<'log'> = {
  name: 'log',
  symbol: 'log',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [div(grad, x!)],
  forward: formula('log({0})', '\\log {0}'),
  local: [formula('1/{0}', '\\frac1{{0}}')],
};
