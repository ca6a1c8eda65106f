import { conv2dInputGradRaw, conv2dRaw } from '../conv.js';
import { convDType, convOutput, fourD } from './convShape.js';
import { ShapeError } from '../../errors.js';
import { formatShape } from '../../tensor/shape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * The adjoint of conv2d in its weight: the correlation of the input x [N, C, H, W] with
 * δ [N, O, OH, OW], summed over the batch and the positions → [O, C/groups, kH, kW]. Bilinear: its
 * gradient in x is the transposed convolution of δ with the upstream gradient, in δ the
 * convolution of x with it.
 */
export const conv2dWeightGradDef: OpDef<'conv2dWeightGrad'> = {
  name: 'conv2dWeightGrad',
  symbol: 'conv ∂W',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: ([x, d], p) => {
    const xs = fourD('conv2d weight gradient', 'input (N, C, H, W)', x);
    const ds = fourD('conv2d weight gradient', 'gradient (N, O, OH, OW)', d);
    const [oh, ow] = convOutput('conv2d weight gradient', [xs[2]!, xs[3]!], p.kernelSize, p);
    if (xs[0] !== ds[0] || oh !== ds[2] || ow !== ds[3] || xs[1]! % p.groups !== 0 || ds[1]! % p.groups !== 0) {
      throw new ShapeError(`conv2d weight gradient: the gradient ${formatShape(ds)} is not the output shape of the input ${formatShape(xs)} with this kernel, stride, padding and groups`);
    }
    return { shape: [ds[1]!, xs[1]! / p.groups, p.kernelSize[0], p.kernelSize[1]], dtype: convDType('conv2d weight gradient', x!, d!) };
  },
  backward: ({ grad, inputs: [x, d], params, needsGrad }) => {
    const conv = { stride: params.stride, padding: params.padding, dilation: params.dilation, groups: params.groups };
    return [
      needsGrad[0] ? conv2dInputGradRaw(d!, grad, { ...conv, inputSize: [x!.shape[2]!, x!.shape[3]!] }) : null,
      needsGrad[1] ? conv2dRaw(x!, grad, conv) : null,
    ];
  },
  forward: formula('Σ {0} ⋆ {1}', '\\textstyle\\sum {0} \\star {1}'),
  local: [formula('{1} ⋆ᵀ grad', '{1} \\star^\\top \\bar{g}'), formula('{0} ⋆ grad', '{0} \\star \\bar{g}')],
};
