import { mul, neg, sin } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const cosDef: OpDef<'cos'> = {
  name: 'cos',
  symbol: 'cos',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [mul(grad, neg(sin(x!)))],
  forward: formula('cos({0})', '\\cos {0}'),
  local: [formula('−sin({0})', '-\\sin {0}')],
};
