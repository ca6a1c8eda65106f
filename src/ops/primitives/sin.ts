import { cos, mul } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const sinDef: OpDef<'sin'> = {
  name: 'sin',
  symbol: 'sin',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [mul(grad, cos(x!))],
  forward: formula('sin({0})', '\\sin {0}'),
  local: [formula('cos({0})', '\\cos {0}')],
};
