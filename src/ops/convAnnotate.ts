/**
 * conv2d's output as one 'conv2d' step for explanations (see autograd/annotate.ts): the layer's
 * formulas in tensor form instead of the primitive, the bias add and the reshape inside it. The
 * role is 'linear' (an affine map of its input), so the output is named z1, z2… like a Linear's.
 */
import { annotate } from '../autograd/annotate.js';
import type { Tensor } from '../tensor/tensor.js';
import { formula } from './primitives/helpers.js';

const WITH_BIAS = {
  forward: formula('{0} ⋆ {1} + {2}', '{0} \\star {1} + {2}'),
  local: [formula('{1}', '{1}'), formula('{0}', '{0}'), formula('1', '1')],
  vjp: [
    // ⋆ᵀ: the transposed convolution, i.e. the full convolution of δ with the flipped kernel.
    formula('{g} ⋆ᵀ {1}', '{g} \\star^{\\top} {1}'),
    // The correlation of the input with δ, summed over the batch.
    formula('{0} ⋆ {g}', '{0} \\star {g}'),
    formula('Σ_{n,i,j} {g}', '\\textstyle\\sum_{n,i,j} {g}'),
  ],
} as const;

const NO_BIAS = { forward: formula('{0} ⋆ {1}', '{0} \\star {1}'), local: WITH_BIAS.local.slice(0, 2), vjp: WITH_BIAS.vjp.slice(0, 2) } as const;

/** Marks `out` = conv2d(x, weight) (+ bias) as one step; `recompute` rebuilds it from copies of the inputs. */
export function annotateConv2d(out: Tensor, x: Tensor, weight: Tensor, bias: Tensor | null, recompute: (inputs: readonly Tensor[]) => Tensor): Tensor {
  if (out._node === null) return out;
  const f = bias === null ? NO_BIAS : WITH_BIAS;
  return annotate(out, { op: 'conv2d', role: 'linear', inputs: bias === null ? [x, weight] : [x, weight, bias], forward: f.forward, local: f.local, vjp: f.vjp, recompute });
}
