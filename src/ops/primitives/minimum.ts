import { cast, eq, lt, mul, sub, add } from '../elementwise.js';
import { binary, formula } from './helpers.js';
import type { OpDef } from './types.js';

export const minimumDef: OpDef<'minimum'> = {
  name: 'minimum',
  symbol: 'min',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: binary('minimum', 'promote'),
  backward: ({ grad, inputs: [a, b] }) => {
    // NOTE: at a tie the gradient is split evenly, half to each input (docs/gradients.md).
    const wins = cast(lt(a!, b!), grad.dtype);
    const ties = mul(cast(eq(a!, b!), grad.dtype), 0.5);
    const weightA = add(wins, ties);
    return [mul(grad, weightA), mul(grad, sub(1, weightA))];
  },
  forward: formula('min({0}, {1})', '\\min({0}, {1})'),
  local: [formula('[{0} wins]', '\\mathbb 1[{0} \\text{ wins}]'), formula('[{1} wins]', '\\mathbb 1[{1} \\text{ wins}]')],
};
