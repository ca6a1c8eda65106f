import { mul, sign } from '../elementwise.js';
import { formula, numericUnary } from './helpers.js';
import type { OpDef } from './types.js';

export const absDef: OpDef<'abs'> = {
  name: 'abs',
  symbol: '|x|',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: numericUnary('abs'),
  // NOTE: abs'(0) = sign(0) = 0 (docs/gradients.md).
  backward: ({ grad, inputs: [x] }) => [mul(grad, sign(x!))],
  forward: formula('|{0}|', '\\lvert {0} \\rvert'),
  local: [formula('sign({0})', '\\operatorname{sign}({0})')],
};
