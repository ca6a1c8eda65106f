import { add, mul } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/** One pass and one rounding (sin/cos would round three times); tan' = 1 + tan², read from the result. */
export const tanDef: OpDef<'tan'> = {
  name: 'tan',
  symbol: 'tan',
  role: null,
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: true },
  infer: floatUnary,
  backward: ({ grad, result }) => [mul(grad, add(mul(result, result), 1))],
  forward: formula('tan({0})', '\\tan {0}'),
  local: [formula('1 + tan²({0})', '1 + \\tan^2 {0}')],
};
