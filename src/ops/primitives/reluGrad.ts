import { reluGrad } from '../elementwise.js';
import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * ReLU's backward step in one pass, as PyTorch's `threshold_backward`: g where x > 0, else 0
 * (relu'(0) = 0, docs/gradients.md), for an upstream gradient g and ReLU's input x. ReLU's rule
 * uses it (one op and no bool mask, where `where(gt(x, 0), g, 0)` made two and a mask). Linear in
 * g, so its own rule is itself; x only selects (not differentiable, as where's condition).
 */
export const reluGradDef: OpDef<'reluGrad'> = {
  name: 'reluGrad',
  symbol: 'reluGrad',
  role: null,
  arity: 2,
  nondifferentiable: [1],
  saves: { inputs: [1], result: false },
  infer: binary('reluGrad', 'float'),
  backward: ({ grad, inputs: [, x] }) => [reluGrad(grad, x!), null],
  forward: formula('{0}·[{1} > 0]', '{0}\\,\\mathbb 1[{1} > 0]'),
  local: [formula('[{1} > 0]', '\\mathbb 1[{1} > 0]'), null],
};
