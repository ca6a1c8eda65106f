/** Argument checks shared by the sorting, scatter and sampling ops: options objects and integer indices. */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { formatShape, type Shape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

function isPlainObject(value: unknown): value is Readonly<Record<string, unknown>> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** The options object (or {} when omitted), refusing anything else and keys outside `keys`, with PyTorch's names as hints. */
export function optionsOf(op: string, options: unknown, keys: readonly string[], aliases: Readonly<Record<string, string>> = {}): Readonly<Record<string, unknown>> {
  if (options === undefined) return {};
  if (!isPlainObject(options)) throw new ValueError(`${op}: expected an options object { ${keys.join(', ')} }, got ${typeof options === 'string' ? JSON.stringify(options) : String(options)}`);
  for (const key of Object.keys(options)) {
    if (keys.includes(key)) continue;
    const alias = aliases[key];
    throw new ValueError(`${op}: unknown option ${JSON.stringify(key)}${alias !== undefined ? ` (did you mean ${alias}?)` : ''}; the options are ${keys.join(', ')}`);
  }
  return options;
}

/** A boolean option, or its default. */
export function boolOption(op: string, options: Readonly<Record<string, unknown>>, key: string, fallback: boolean): boolean {
  const v = options[key];
  if (v === undefined) return fallback;
  if (typeof v !== 'boolean') throw new ValueError(`${op}: ${key} must be true or false, got ${String(v)}`);
  return v;
}

/** A Tensor argument (a plain array is refused with a hint, not met later as a TypeError). */
export function tensorArg(op: string, value: unknown, name = 'x'): Tensor {
  if (value instanceof Tensor) return value;
  throw new DTypeError(`${op}: ${name} must be a Tensor, got ${Array.isArray(value) ? 'an array (wrap it with tensor(...))' : typeof value}`);
}

/** An integer option or argument, or its default (required when there is none). */
export function intOption(op: string, value: unknown, name: string, fallback?: number): number {
  if (value === undefined && fallback !== undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value)) throw new ValueError(`${op}: ${name} must be an integer, got ${String(value)}`);
  return value;
}

/** Every value of an int32 `index` lies in 0..size−1 of `shape`'s `axis`. */
export function checkIndexValues(op: string, index: Tensor, shape: Shape, axis: number): void {
  if (index.dtype !== 'int32') throw new DTypeError(`${op}: index must be int32, got ${index.dtype}; convert it with .cast('int32')`);
  const size = shape[axis] ?? 0;
  const data = index._data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i] ?? 0;
    if (v < 0 || v >= size) {
      const valid = size === 0 ? 'the axis is empty' : `valid: 0..${size - 1}`;
      throw new ShapeError(`${op}: index ${v} is out of range for axis ${axis} of shape ${formatShape(shape)} (${valid})`);
    }
  }
}
