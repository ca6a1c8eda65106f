import { div, mul, neg } from '../elementwise.js';
import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const divDef: OpDef<'div'> = {
  name: 'div',
  symbol: '÷',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [1], result: true },
  infer: binary('div', 'float'),
  backward: ({ grad, inputs: [, b], result, needsGrad }) => [
    needsGrad[0] ? div(grad, b!) : null,
    needsGrad[1] ? neg(div(mul(grad, result), b!)) : null,
  ],
  forward: formula('{0}/{1}', '\\frac{{0}}{{1}}'),
  local: [formula('1/{1}', '1/{1}'), formula('−{0}/{1}²', '-\\frac{{0}}{{1}^2}')],
};
