import { reluGrad } from '../elementwise.js';
import { formula, numericUnary } from './helpers.js';
import type { OpDef } from './types.js';

export const reluDef: OpDef<'relu'> = {
  name: 'relu',
  symbol: 'ReLU',
  role: 'activation',
  arity: 1,
  nondifferentiable: [],
  saves: { inputs: [0], result: false },
  infer: numericUnary('relu'),
  // NOTE: relu'(0) = 0 (docs/gradients.md).
  backward: ({ grad, inputs: [x] }) => [reluGrad(grad, x!)],
  forward: formula('relu({0})', '\\operatorname{ReLU}({0})'),
  local: [formula('[{0} > 0]', '\\mathbb 1[{0} > 0]')],
};
