// backward()'s arguments: PyTorch's forms (a gradient, the options, or both), checked with
// errors that name what was wrong. Part of the tensor core (it tells tensors from options).
import { AutogradError, ValueError } from '../errors.js';
import type { DType } from './dtype.js';
import { formatShape } from './shape.js';
import * as ops from '../ops/functional.js';
import { Tensor, type NestedArray } from './tensor.js';

/** backward()'s options, as PyTorch's `retain_graph` and `create_graph`. */
export interface BackwardCallOptions {
  /** Accepted for PyTorch's sake: the graph is always kept, so a second backward() works anyway. */
  readonly retainGraph?: boolean;
  /** Record the backward pass, so the gradients can be differentiated again. */
  readonly createGraph?: boolean;
}

const BACKWARD_KEYS: readonly string[] = ['retainGraph', 'createGraph'];

/** A plain object (not a tensor, an array or a number) as backward()'s first argument: its options, if its keys are theirs. */
export function isBackwardOptions(value: unknown): value is BackwardCallOptions {
  // A typed array is a gradient's values (as tensor() takes them), never options.
  if (typeof value !== 'object' || value === null || value instanceof Tensor || Array.isArray(value) || ArrayBuffer.isView(value)) return false;
  const keys = Object.keys(value);
  const unknown = keys.filter((k) => !BACKWARD_KEYS.includes(k));
  if (unknown.length > 0) {
    throw new AutogradError(
      `backward: the first argument is an object with ${unknown.map((k) => JSON.stringify(k)).join(', ')}; ` +
        'pass a gradient (a tensor, a number or nested arrays) or the options { retainGraph, createGraph }',
    );
  }
  return true;
}

/** Checks backward()'s options; returns createGraph. */
export function backwardOptions(options: unknown): boolean {
  if (options === undefined) return false;
  if (typeof options !== 'object' || options === null || Array.isArray(options) || options instanceof Tensor) {
    throw new AutogradError(`backward: the second argument must be the options { retainGraph, createGraph }, got ${describeArg(options)}`);
  }
  const record = options as Readonly<Record<string, unknown>>;
  for (const key of Object.keys(record)) {
    if (!BACKWARD_KEYS.includes(key)) throw new AutogradError(`backward: unknown option ${JSON.stringify(key)}; the options are retainGraph, createGraph`);
    const v = record[key];
    if (v !== undefined && typeof v !== 'boolean') throw new AutogradError(`backward: ${key} must be true or false, got ${describeArg(v)}`);
  }
  return record['createGraph'] === true;
}

/** The seed gradient made from a number or nested arrays, with a bad one named as backward's. */
export function seedFrom(seed: unknown, dtype: DType): Tensor {
  if (typeof seed !== 'number' && typeof seed !== 'boolean' && !Array.isArray(seed) && !ArrayBuffer.isView(seed)) {
    throw new AutogradError(`backward: the gradient must be a tensor, a number, nested arrays or a typed array, got ${describeArg(seed)}`);
  }
  try {
    return ops.tensor(seed as NestedArray, { dtype });
  } catch (e) {
    if (e instanceof ValueError) throw new ValueError(`backward: the gradient is not a valid tensor: ${e.message}`);
    throw e;
  }
}

function describeArg(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value);
  if (value instanceof Tensor) return `a tensor of shape ${formatShape(value.shape)}`;
  if (typeof value === 'object' && value !== null) return Array.isArray(value) ? 'an array' : 'an object';
  return String(value);
}

