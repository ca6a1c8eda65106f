/**
 * Batch norm in training as one 'batchNorm' step for explanations (see autograd/annotate.ts):
 * the normalization over the batch statistics is a dozen primitives whose gradients combine into
 * the three-term rule the explanation writes (explain/otherRules.ts). Its eps is kept beside the
 * step so the rule can rebuild x̂ exactly.
 */
import { annotate } from '../autograd/annotate.js';
import { formula } from '../ops/primitives/helpers.js';
import type { Formula } from '../ops/primitives/types.js';
import type { Tensor } from '../tensor/tensor.js';

// A WeakMap, not a field: only batch norm outputs in training carry it.
const EPS = new WeakMap<Tensor, number>();

/** The eps of a batch norm step's output (undefined for any other tensor). */
export function batchNormEps(t: Tensor): number | undefined {
  return EPS.get(t);
}

const XHAT = '({0} − μ)/√(σ² + ε)';

/** Marks a training batch norm's output as one step with inputs [x, γ?, β?]. */
export function annotateBatchNorm(out: Tensor, x: Tensor, weight: Tensor | null, bias: Tensor | null, eps: number, recompute: (xs: readonly Tensor[]) => Tensor): Tensor {
  if (out._node === null) return out;
  EPS.set(out, eps);
  const inputs = [x, ...(weight === null ? [] : [weight]), ...(bias === null ? [] : [bias])];
  const g = weight === null ? '' : '{1}·';
  const b = bias === null ? '' : ` + {${inputs.length - 1}}`;
  const forward = formula(`${g}${XHAT}${b}`, `${weight === null ? '' : '{1} \\odot '}\\frac{{0} - \\mu}{\\sqrt{\\sigma^2 + \\varepsilon}}${bias === null ? '' : ` + {${inputs.length - 1}}`}`);
  const vjp: Formula[] = [
    formula(`(${weight === null ? '1' : '{1}'}/√(σ² + ε))·({g} − mean {g} − x̂·mean({g} ⊙ x̂))`, `\\frac{${weight === null ? '1' : '{1}'}}{\\sqrt{\\sigma^2+\\varepsilon}} \\left({g} - \\overline{{g}} - \\hat{x}\\,\\overline{{g} \\odot \\hat{x}}\\right)`),
    ...(weight === null ? [] : [formula('Σ_{n,i,j} {g} ⊙ x̂', '\\textstyle\\sum_{n,i,j} {g} \\odot \\hat{x}')]),
    ...(bias === null ? [] : [formula('Σ_{n,i,j} {g}', '\\textstyle\\sum_{n,i,j} {g}')]),
  ];
  return annotate(out, { op: 'batchNorm', role: 'other', inputs, forward, local: inputs.map(() => null), vjp, recompute });
}
