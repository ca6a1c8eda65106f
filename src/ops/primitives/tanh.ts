import { tanhGrad } from '../elementwise.js';
import { floatUnary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const tanhDef: OpDef<'tanh'> = {
  name: 'tanh',
  symbol: 'tanh',
  role: 'activation',
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [], result: true },
  infer: floatUnary,
  backward: ({ grad, result }) => [tanhGrad(grad, result)],
  forward: formula('tanh({0})', '\\tanh {0}'),
  local: [formula('1−tanh²({0})', '1-\\tanh^2 {0}')],
};
