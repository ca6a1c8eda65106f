import { zerosLike } from '../../tensor/create.js';
import type { Tensor } from '../../tensor/tensor.js';
import { formula, numericUnary } from './helpers.js';
import type { OpDef } from './types.js';

type RoundingName = 'floor' | 'ceil' | 'round' | 'trunc';

// NOTE: piecewise constant, so the gradient is 0 wherever it exists (and taken as 0 at the
// jumps), as PyTorch's: unlike sign (backward null), the output still requires grad, so
// `x.floor().sum().backward()` works and leaves x.grad = 0 (docs/gradients.md).
const zeroGradient = ({ grad }: { readonly grad: Tensor }): Tensor[] => [zerosLike(grad)];

function roundingDef<P extends RoundingName>(name: P, text: string, latex: string): OpDef<P> {
  return {
    name,
    symbol: name,
    role: null,
    arity: 1,
    nondifferentiable: [],
    saves: { inputs: [], result: false },
    // Integers are their own floor: int32 stays int32 (PyTorch's rule); bool is refused.
    infer: numericUnary(name),
    backward: zeroGradient,
    forward: formula(text, latex),
    local: [formula('0', '0')],
  };
}

export const floorDef: OpDef<'floor'> = roundingDef('floor', '⌊{0}⌋', '\\lfloor {0} \\rfloor');
export const ceilDef: OpDef<'ceil'> = roundingDef('ceil', '⌈{0}⌉', '\\lceil {0} \\rceil');
/** Half to even, as torch.round (and IEEE's roundTiesToEven): round(2.5) = 2, round(-0.5) = -0. */
export const roundDef: OpDef<'round'> = roundingDef('round', 'round({0})', '\\operatorname{round}({0})');
export const truncDef: OpDef<'trunc'> = roundingDef('trunc', 'trunc({0})', '\\operatorname{trunc}({0})');
