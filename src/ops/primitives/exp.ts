import { mul } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const expDef: OpDef<'exp'> = {
  name: 'exp',
  symbol: 'exp',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: true },
  infer: floatUnary,
  backward: ({ grad, result }) => [mul(grad, result)],
  forward: formula('exp({0})', 'e^{{0}}'),
  local: [formula('exp({0})', 'e^{{0}}')],
};
