/** Shape rules shared by the convolution primitives (conv2d and its two gradients). */
import { DTypeError, ShapeError } from '../../errors.js';
import { isFloating, promoteTypes, type DType } from '../../tensor/dtype.js';
import { formatShape } from '../../tensor/shape.js';
import type { ConvParams, TensorMeta } from './types.js';

/** Output length of one spatial axis: ⌊(size + padding − dilation·(kernel − 1) − 1) / stride⌋ + 1, as PyTorch. */
export function convOutSize(size: number, kernel: number, stride: number, padBefore: number, padAfter: number, dilation: number): number {
  return Math.floor((size + padBefore + padAfter - dilation * (kernel - 1) - 1) / stride) + 1;
}

/** The output's height and width for an input of `size` and a kernel of `kernel`, or a ShapeError naming `op`. */
export function convOutput(op: string, size: readonly [number, number], kernel: readonly [number, number], p: ConvParams): [number, number] {
  const oh = convOutSize(size[0], kernel[0], p.stride[0], p.padding[0], p.padding[1], p.dilation[0]);
  const ow = convOutSize(size[1], kernel[1], p.stride[1], p.padding[2], p.padding[3], p.dilation[1]);
  if (oh < 1 || ow < 1) {
    throw new ShapeError(
      `${op}: the input's spatial size ${size[0]}×${size[1]} (padded to ${size[0] + p.padding[0] + p.padding[1]}×${size[1] + p.padding[2] + p.padding[3]}) is smaller than the dilated kernel ${p.dilation[0] * (kernel[0] - 1) + 1}×${p.dilation[1] * (kernel[1] - 1) + 1}`,
    );
  }
  return [oh, ow];
}

/** The dtype of a convolution of a and b: float32 or float64 (promoted), anything else refused. */
export function convDType(op: string, a: TensorMeta, b: TensorMeta): DType {
  if (!isFloating(a.dtype) || !isFloating(b.dtype)) throw new DTypeError(`${op}: expected float32 or float64 tensors, got ${a.dtype} and ${b.dtype}; cast them first`);
  return promoteTypes(a.dtype, b.dtype);
}

/** Checks a 4-d operand. */
export function fourD(op: string, what: string, t: TensorMeta | undefined): readonly number[] {
  if (t === undefined) throw new DTypeError(`internal: ${op} needs two inputs`);
  if (t.shape.length !== 4) throw new ShapeError(`${op}: expected a 4-d ${what}, got shape ${formatShape(t.shape)}`);
  return t.shape;
}

/** Checks that the weight [out, in/groups, kH, kW] fits `channels` input channels. */
export function checkWeight(op: string, w: readonly number[], channels: number, groups: number): void {
  const out = w[0]!;
  if (channels % groups !== 0 || out % groups !== 0) {
    throw new ShapeError(`${op}: groups = ${groups} must divide both the input channels (${channels}) and the output channels (${out})`);
  }
  if (w[1]! * groups !== channels) {
    throw new ShapeError(`${op}: the weight ${formatShape(w)} expects ${w[1]! * groups} input channels (${w[1]} per group × ${groups} groups), the input has ${channels}`);
  }
}
