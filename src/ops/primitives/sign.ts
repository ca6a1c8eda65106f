import { formula, numericUnary } from './helpers.js';
import type { OpDef } from './types.js';

/** sign is piecewise constant: its output never requires grad. */
export const signDef: OpDef<'sign'> = {
  name: 'sign',
  symbol: 'sign',
  role: null,
  arity: 1,
  nondifferentiable: [0],
  saves: { inputs: [], result: false },
  infer: numericUnary('sign'),
  backward: null,
  forward: formula('sign({0})', '\\operatorname{sign}({0})'),
  local: [null],
};
