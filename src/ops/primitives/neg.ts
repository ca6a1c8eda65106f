import { neg } from '../elementwise.js';
import { formula, numericUnary } from './helpers.js';
import type { OpDef } from './types.js';

export const negDef: OpDef<'neg'> = {
  name: 'neg',
  symbol: '\u2212x',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: false },
  infer: numericUnary('neg'),
  backward: ({ grad }) => [neg(grad)],
  forward: formula('−{0}', '-{0}'),
  local: [formula('−1', '-1')],
};
