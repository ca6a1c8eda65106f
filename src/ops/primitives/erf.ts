import { exp, mul, neg } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

const TWO_OVER_SQRT_PI = 2 / Math.sqrt(Math.PI);

export const erfDef: OpDef<'erf'> = {
  name: 'erf',
  symbol: 'erf',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: floatUnary,
  backward: ({ grad, inputs: [x] }) => [mul(grad, mul(exp(neg(mul(x!, x!))), TWO_OVER_SQRT_PI))],
  forward: formula('erf({0})', '\\operatorname{erf}({0})'),
  local: [formula('(2/√π)·exp(−{0}²)', '\\tfrac2{\\sqrt{\\pi}} e^{-{0}^2}')],
};
