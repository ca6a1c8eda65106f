import { sigmoidGrad } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/** A primitive rather than 1/(1+e^−x): stable for large |x| and explained as σ. */
export const sigmoidDef: OpDef<'sigmoid'> = {
  name: 'sigmoid',
  symbol: 'σ',
  role: 'activation',
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: true },
  infer: floatUnary,
  backward: ({ grad, result }) => [sigmoidGrad(grad, result)],
  forward: formula('σ({0})', '\\sigma({0})'),
  local: [formula('σ({0})(1−σ({0}))', '\\sigma({0})(1-\\sigma({0}))')],
};
