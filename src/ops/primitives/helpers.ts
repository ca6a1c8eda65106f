import { DTypeError } from '../../errors.js';
import { promoteTypes, toFloating, type DType } from '../../tensor/dtype.js';
import { broadcastShapes, shapeEqual } from '../../tensor/shape.js';
import type { Formula, TensorMeta } from './types.js';

/** The params of the primitives that take none, shared (params are never mutated): no object per op. */
export const NO_PARAMS: Readonly<Record<never, never>> = Object.freeze({});

export function formula(text: string, latex: string): Formula {
  return { text, latex };
}

function only(inputs: readonly TensorMeta[]): TensorMeta {
  const x = inputs[0];
  if (x === undefined) throw new DTypeError('internal: unary op called without an input');
  return x;
}

/** Output keeps the input's dtype; bool is refused (numbers are needed). */
export function numericUnary(op: string) {
  return (inputs: readonly TensorMeta[]): TensorMeta => {
    const x = only(inputs);
    if (x.dtype === 'bool') throw new DTypeError(`${op}: expected a numeric tensor, got bool; cast it first with .cast('float32')`);
    return { shape: x.shape, dtype: x.dtype };
  };
}

/** Output is floating point: int32 and bool inputs give float32. */
export function floatUnary(inputs: readonly TensorMeta[]): TensorMeta {
  const x = only(inputs);
  return { shape: x.shape, dtype: toFloating(x.dtype) };
}

export type BinaryResult = 'promote' | 'float' | 'bool';

export function binary(op: string, result: BinaryResult) {
  return (inputs: readonly TensorMeta[]): TensorMeta => {
    const [a, b] = inputs;
    if (a === undefined || b === undefined) throw new DTypeError(`internal: ${op} needs two inputs`);
    // Equal shapes (most binary ops in a network) need no broadcasting: keep the input's shape.
    const shape = a.shape === b.shape || shapeEqual(a.shape, b.shape) ? a.shape : broadcastShapes(op, a.shape, b.shape);
    let dtype: DType = promoteTypes(a.dtype, b.dtype);
    if (result === 'bool') dtype = 'bool';
    else if (result === 'float') dtype = toFloating(dtype);
    else if (dtype === 'bool') dtype = 'int32';
    return { shape, dtype };
  };
}
