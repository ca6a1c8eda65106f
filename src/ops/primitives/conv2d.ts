import { conv2dInputGradRaw, conv2dWeightGradRaw } from '../conv.js';
import { checkWeight, convDType, convOutput, fourD } from './convShape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * 2-D cross-correlation, as PyTorch's conv2d (no bias: the functional op adds it): x [N, C, H, W],
 * weight [O, C/groups, kH, kW] → [N, O, OH, OW]. Its gradients are its own two adjoint ops
 * (conv2dInputGrad, conv2dWeightGrad), each differentiable again through the other two: the
 * three form a closed family, so second-order gradients run on the same kernels.
 */
export const conv2dDef: OpDef<'conv2d'> = {
  name: 'conv2d',
  symbol: 'conv',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: ([x, w], p) => {
    const xs = fourD('conv2d', 'input (N, C, H, W)', x);
    const ws = fourD('conv2d', 'weight (out, in/groups, kH, kW)', w);
    checkWeight('conv2d', ws, xs[1]!, p.groups);
    const [oh, ow] = convOutput('conv2d', [xs[2]!, xs[3]!], [ws[2]!, ws[3]!], p);
    return { shape: [xs[0]!, ws[0]!, oh, ow], dtype: convDType('conv2d', x!, w!) };
  },
  backward: ({ grad, inputs: [x, w], params, needsGrad }) => [
    needsGrad[0] ? conv2dInputGradRaw(grad, w!, { ...params, inputSize: [x!.shape[2]!, x!.shape[3]!] }) : null,
    needsGrad[1] ? conv2dWeightGradRaw(x!, grad, { ...params, kernelSize: [w!.shape[2]!, w!.shape[3]!] }) : null,
  ],
  forward: formula('{0} ⋆ {1}', '{0} \\star {1}'),
  local: [formula('grad ⋆ᵀ {1} (full convolution with the flipped kernel)', '\\bar{g} \\star^\\top {1}'), formula('{0} ⋆ grad (correlation of the input with δ)', '{0} \\star \\bar{g}')],
};
