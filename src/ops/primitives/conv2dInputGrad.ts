import { ShapeError } from '../../errors.js';
import { formatShape } from '../../tensor/shape.js';
import { conv2dRaw, conv2dWeightGradRaw } from '../conv.js';
import { convDType, convOutput, fourD } from './convShape.js';
import { formula } from './helpers.js';
import type { OpDef } from './types.js';

/**
 * The adjoint of conv2d in its input (a transposed convolution, what convTranspose2d computes):
 * δ [N, O, OH, OW], weight [O, C/groups, kH, kW] → [N, C, H, W] with H, W = `inputSize`. Linear
 * in δ (its gradient there is conv2d of the upstream gradient) and in the weight (the correlation
 * of the upstream gradient with δ).
 */
export const conv2dInputGradDef: OpDef<'conv2dInputGrad'> = {
  name: 'conv2dInputGrad',
  symbol: 'convᵀ',
  role: null,
  arity: 2,
  nondifferentiable: [],
  saves: { inputs: [0, 1], result: false },
  infer: ([d, w], p) => {
    const ds = fourD('convTranspose2d', 'input (N, C, H, W)', d);
    const ws = fourD('convTranspose2d', 'weight (in, out/groups, kH, kW)', w);
    if (ws[0] !== ds[1] || ws[0]! % p.groups !== 0) {
      throw new ShapeError(`convTranspose2d: the weight ${formatShape(ws)} expects ${ws[0]} input channels (divisible by groups = ${p.groups}), the input ${formatShape(ds)} has ${ds[1]}`);
    }
    const [oh, ow] = convOutput('convTranspose2d', p.inputSize, [ws[2]!, ws[3]!], p);
    if (oh !== ds[2] || ow !== ds[3]) {
      throw new ShapeError(`convTranspose2d: an output of ${p.inputSize[0]}×${p.inputSize[1]} does not convolve back to the input's ${ds[2]}×${ds[3]} with this kernel, stride and padding`);
    }
    return { shape: [ds[0]!, ws[1]! * p.groups, p.inputSize[0], p.inputSize[1]], dtype: convDType('convTranspose2d', d!, w!) };
  },
  backward: ({ grad, inputs: [d, w], params, needsGrad }) => {
    const conv = { stride: params.stride, padding: params.padding, dilation: params.dilation, groups: params.groups };
    return [
      needsGrad[0] ? conv2dRaw(grad, w!, conv) : null,
      needsGrad[1] ? conv2dWeightGradRaw(grad, d!, { ...conv, kernelSize: [w!.shape[2]!, w!.shape[3]!] }) : null,
    ];
  },
  forward: formula('{0} ⋆ᵀ {1}', '{0} \\star^\\top {1}'),
  local: [formula('grad ⋆ {1}', '\\bar{g} \\star {1}'), formula('grad ⋆ {0}', '\\bar{g} \\star {0}')],
};
