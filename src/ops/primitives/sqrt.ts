import { div, mul } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const sqrtDef: OpDef<'sqrt'> = {
  name: 'sqrt',
  symbol: '√',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: true },
  infer: floatUnary,
  backward: ({ grad, result }) => [div(grad, mul(result, 2))],
  forward: formula('√{0}', '\\sqrt{{0}}'),
  local: [formula('1/(2√{0})', '\\frac1{2\\sqrt{{0}}}')],
};
