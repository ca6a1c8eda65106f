import { DTypeError, ShapeError } from '../../errors.js';
import { formatShape, type Shape } from '../../tensor/shape.js';
import type { AxesParams, TensorMeta } from './types.js';

/** The shape left after reducing `axes`, with size-1 dimensions kept or dropped. */
export function reducedShape(shape: Shape, axes: readonly number[], keepdims: boolean): number[] {
  const out: number[] = [];
  shape.forEach((d, i) => {
    if (!axes.includes(i)) out.push(d);
    else if (keepdims) out.push(1);
  });
  return out;
}

export function reduceInfer(op: string, allowEmpty: boolean) {
  return (inputs: readonly TensorMeta[], params: AxesParams): TensorMeta => {
    const x = inputs[0];
    if (x === undefined) throw new DTypeError(`internal: ${op} needs an input`);
    if (!allowEmpty) {
      for (const a of params.axes) {
        if (x.shape[a] === 0) {
          throw new ShapeError(`${op}: cannot reduce over axis ${a} of shape ${formatShape(x.shape)}: it has size 0 and ${op} has no identity`);
        }
      }
    }
    return { shape: reducedShape(x.shape, params.axes, params.keepdims), dtype: x.dtype === 'bool' ? 'int32' : x.dtype };
  };
}
