import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { Generator, getDefaultGenerator } from '../random/generator.js';
import { assertDType, dtypeOfArray, isFloating, type DType, type TypedArray } from './dtype.js';
import { allocChecked, checkedCount, checkedShape } from './limits.js';
import { formatShape, shapeSize } from './shape.js';
import { Tensor, type NestedArray } from './tensor.js';
import { getBackend } from '../backend/registry.js';

export interface TensorOptions {
  /** Element type; default float32 (a typed array keeps its own type, booleans give bool). */
  readonly dtype?: DType;
  /** Track gradients for this leaf (floating dtypes only). */
  readonly requiresGrad?: boolean;
  /** A label for graph inspection and explanations. */
  readonly name?: string;
}

export interface TensorFromOptions extends TensorOptions {
  /** The shape of flat data (a typed array or a flat list); default: inferred from nesting. */
  readonly shape?: readonly number[];
}

export type TensorData = number | boolean | NestedArray | TypedArray | readonly number[];

function isTypedArray(value: unknown): value is TypedArray {
  return value instanceof Float32Array || value instanceof Float64Array || value instanceof Int32Array || value instanceof Uint8Array;
}

function finish(data: TypedArray, shape: readonly number[], dtype: DType, options: TensorOptions): Tensor {
  // The current backend decides where made tensors live (the wasm backend moves them onto its
  // heap, so parameters stay resident and products read them in place).
  const adopt = getBackend().adopt;
  const t = new Tensor(adopt === undefined ? data : adopt(data), shape, dtype, null, options.name);
  if (options.requiresGrad === true) t.requiresGrad_(true);
  return t;
}

/** Infers the shape of nested arrays, rejecting ragged ones with the path of the first mismatch. */
function inferShape(data: unknown): number[] {
  const shape: number[] = [];
  let probe = data;
  while (Array.isArray(probe)) {
    shape.push(probe.length);
    probe = probe[0];
  }
  const check = (value: unknown, depth: number, path: number[]): void => {
    if (depth === shape.length) {
      if (Array.isArray(value)) {
        throw new ValueError(`tensor: ragged nested array: element at [${path.join(',')}] is an array, but elements at that depth are numbers`);
      }
      return;
    }
    if (!Array.isArray(value) || value.length !== shape[depth]) {
      const got = Array.isArray(value) ? `length ${value.length}` : 'a number';
      throw new ValueError(`tensor: ragged nested array: expected length ${shape[depth]} at [${path.join(',')}], got ${got}`);
    }
    value.forEach((v, i) => check(v, depth + 1, [...path, i]));
  };
  check(data, 0, []);
  return shape;
}

function flattenInto(data: unknown, out: TypedArray, dtype: DType): void {
  let i = 0;
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      for (const v of value) visit(v);
      return;
    }
    let x: number;
    if (typeof value === 'boolean') x = value ? 1 : 0;
    else if (typeof value === 'number') x = value;
    else throw new ValueError(`tensor: element ${i} is ${value === null ? 'null' : typeof value}; expected a number or boolean`);
    if (dtype === 'int32' && !Number.isInteger(x)) {
      throw new ValueError(`tensor: dtype int32 needs integers, got ${x} at flat index ${i}`);
    }
    out[i++] = dtype === 'bool' ? (x !== 0 ? 1 : 0) : x;
  };
  visit(data);
}

/**
 * Makes a tensor from a number, nested arrays or a typed array (row-major).
 * @example
 * const x = tensor([[1, 2, 3], [4, 5, 6]], { dtype: 'float64' }); // shape [2, 3]
 * const w = tensor(0.4, { requiresGrad: true, name: 'w1' });     // a 0-d scalar
 */
export function tensor(data: TensorData | Tensor, options: TensorFromOptions = {}): Tensor {
  if (data instanceof Tensor) {
    const dtype = options.dtype === undefined ? data.dtype : assertDType(options.dtype, 'tensor');
    const copy = allocChecked('tensor', dtype, data.size);
    copy.set(data._data);
    const shape = options.shape === undefined ? data.shape : checkedShape('tensor', options.shape);
    if (shapeSize(shape) !== data.size) {
      throw new ShapeError(`tensor: ${data.size} values do not fill shape ${formatShape(shape)} (${shapeSize(shape)} elements)`);
    }
    return finish(copy, shape, dtype, options);
  }
  if (isTypedArray(data)) {
    const dtype = options.dtype === undefined ? dtypeOfArray(data) : assertDType(options.dtype, 'tensor');
    const shape = options.shape === undefined ? [data.length] : checkedShape('tensor', options.shape);
    if (shapeSize(shape) !== data.length) {
      throw new ShapeError(`tensor: ${data.length} values do not fill shape ${formatShape(shape)} (${shapeSize(shape)} elements)`);
    }
    const copy = allocChecked('tensor', dtype, data.length);
    if (dtype === 'int32' && !(data instanceof Int32Array)) flattenInto(Array.from(data), copy, dtype);
    else copy.set(data);
    return finish(copy, shape, dtype, options);
  }
  const nestedShape = inferShape(data);
  const isBool = typeof data === 'boolean' || (Array.isArray(data) && firstLeaf(data) === 'boolean');
  const dtype = options.dtype === undefined ? (isBool ? 'bool' : 'float32') : assertDType(options.dtype, 'tensor');
  const size = shapeSize(nestedShape);
  const out = allocChecked('tensor', dtype, size);
  flattenInto(data, out, dtype);
  let shape: readonly number[] = nestedShape;
  if (options.shape !== undefined) {
    shape = checkedShape('tensor', options.shape);
    if (shapeSize(shape) !== size) {
      throw new ShapeError(`tensor: ${size} values do not fill shape ${formatShape(shape)} (${shapeSize(shape)} elements)`);
    }
  }
  return finish(out, shape, dtype, options);
}

function firstLeaf(data: unknown): string {
  let probe = data;
  while (Array.isArray(probe)) probe = probe[0];
  return typeof probe;
}

/** A 0-d tensor holding `value`. */
export function scalar(value: number, dtype: DType = 'float32'): Tensor {
  const data = allocChecked('scalar', assertDType(dtype, 'scalar'), 1);
  data[0] = value;
  return new Tensor(data, [], dtype);
}

function shapeOf(op: string, shape: number | readonly number[]): readonly number[] {
  // A frozen array is usually a tensor's shape (zerosLike, onesLike, backward's seed): kept as it is
  // (shared, no copy), but still checked — a user's Object.freeze([0.5, 4]) is no valid shape.
  if (Array.isArray(shape) && Object.isFrozen(shape)) {
    checkedShape(op, shape);
    return shape;
  }
  return checkedShape(op, typeof shape === 'number' ? [shape] : shape);
}

function filled(op: string, shape: number | readonly number[], value: number, options: TensorOptions): Tensor {
  const dtype = assertDType(options.dtype ?? 'float32', op);
  const s = shapeOf(op, shape);
  const v: unknown = value;
  if (typeof v !== 'number' && typeof v !== 'boolean') throw new ValueError(`${op}: the fill value must be a number, got ${typeof v}`);
  const x = Number(v);
  if (dtype === 'int32' && !Number.isInteger(x)) throw new ValueError(`${op}: dtype int32 needs an integer fill value, got ${x}`);
  const data = allocChecked(op, dtype, shapeSize(s));
  data.fill(dtype === 'bool' ? (x !== 0 ? 1 : 0) : x);
  return finish(data, s, dtype, options);
}

/** A tensor filled with `value`. @example full([2, 2], 7) */
export function full(shape: number | readonly number[], value: number, options: TensorOptions = {}): Tensor {
  return filled('full', shape, value, options);
}

/** A tensor of zeros. @example zeros([2, 3]) */
export function zeros(shape: number | readonly number[], options: TensorOptions = {}): Tensor {
  return filled('zeros', shape, 0, options);
}

/** A tensor of ones. @example ones([3]) */
export function ones(shape: number | readonly number[], options: TensorOptions = {}): Tensor {
  return filled('ones', shape, 1, options);
}

/** Zeros with the shape and dtype of `like`. */
export function zerosLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return filled('zerosLike', like.shape, 0, { dtype: like.dtype, ...options });
}

/** Ones with the shape and dtype of `like`. */
export function onesLike(like: Tensor, options: TensorOptions = {}): Tensor {
  return filled('onesLike', like.shape, 1, { dtype: like.dtype, ...options });
}

/** `value` with the shape and dtype of `like`. */
export function fullLike(like: Tensor, value: number, options: TensorOptions = {}): Tensor {
  return filled('fullLike', like.shape, value, { dtype: like.dtype, ...options });
}

/**
 * Values from `start` (inclusive) to `end` (exclusive) by `step`, as `torch.arange`.
 * With one argument it counts from 0. Integer arguments give int32 unless a dtype is given.
 * @example arange(5) // [0, 1, 2, 3, 4]; arange(0, 1, 0.25) // [0, 0.25, 0.5, 0.75]
 */
export function arange(start: number, end?: number, step = 1, options: TensorOptions = {}): Tensor {
  const [lo, hi] = end === undefined ? [0, start] : [start, end];
  if (step === 0 || !Number.isFinite(step)) throw new ValueError(`arange: step must be a non-zero finite number, got ${step}`);
  if (!Number.isFinite(lo) || !Number.isFinite(hi)) throw new ValueError(`arange: start and end must be finite, got ${lo} and ${hi}`);
  const n = checkedCount('arange', Math.max(0, Math.ceil((hi - lo) / step)), `the range [${lo}, ${hi}) by step ${step}`);
  const allInt = Number.isInteger(lo) && Number.isInteger(hi) && Number.isInteger(step);
  const dtype = assertDType(options.dtype ?? (allInt ? 'int32' : 'float32'), 'arange');
  const data = allocChecked('arange', dtype, n);
  for (let i = 0; i < n; i++) data[i] = lo + i * step;
  return finish(data, [n], dtype, options);
}

/** `steps` evenly spaced values from `start` to `end`, both included. @example linspace(0, 1, 5) */
export function linspace(start: number, end: number, steps: number, options: TensorOptions = {}): Tensor {
  if (!Number.isInteger(steps) || steps < 0) throw new ValueError(`linspace: steps must be a non-negative integer, got ${steps}`);
  checkedCount('linspace', steps, `steps=${steps}`);
  const dtype = floatDType('linspace', options);
  const data = allocChecked('linspace', dtype, steps);
  const delta = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) data[i] = i === steps - 1 && steps > 1 ? end : start + i * delta;
  return finish(data, [steps], dtype, options);
}

/** An identity matrix of n rows and m (default n) columns. @example eye(3) */
export function eye(n: number, m: number = n, options: TensorOptions = {}): Tensor {
  const shape = checkedShape('eye', [n, m]);
  const dtype = assertDType(options.dtype ?? 'float32', 'eye');
  const data = allocChecked('eye', dtype, n * m);
  for (let i = 0; i < Math.min(n, m); i++) data[i * m + i] = 1;
  return finish(data, shape, dtype, options);
}

export interface RandomOptions extends TensorOptions {
  /** The generator to draw from; default: the one seeded by `manualSeed`. */
  readonly generator?: Generator;
}

function floatDType(op: string, options: TensorOptions): DType {
  const dtype = assertDType(options.dtype ?? 'float32', op);
  if (!isFloating(dtype)) throw new DTypeError(`${op}: dtype must be float32 or float64, got ${dtype}`);
  return dtype;
}

/** Uniform samples in [0, 1). @example manualSeed(1); rand([2, 2]) */
export function rand(shape: number | readonly number[], options: RandomOptions = {}): Tensor {
  const dtype = floatDType('rand', options);
  const s = shapeOf('rand', shape);
  const g = options.generator ?? getDefaultGenerator();
  const data = allocChecked('rand', dtype, shapeSize(s));
  for (let i = 0; i < data.length; i++) data[i] = dtype === 'float32' ? g.uniform24() : g.uniform();
  return finish(data, s, dtype, options);
}

/** Standard normal samples. @example manualSeed(1); randn([3]) */
export function randn(shape: number | readonly number[], options: RandomOptions = {}): Tensor {
  const dtype = floatDType('randn', options);
  const s = shapeOf('randn', shape);
  const g = options.generator ?? getDefaultGenerator();
  const data = allocChecked('randn', dtype, shapeSize(s));
  for (let i = 0; i < data.length; i++) data[i] = g.normal();
  return finish(data, s, dtype, options);
}

/** Uniform integers in [low, high) (int32 by default). @example randint(0, 10, [4]) */
export function randint(low: number, high: number, shape: number | readonly number[], options: RandomOptions = {}): Tensor {
  const s = shapeOf('randint', shape);
  if (!Number.isInteger(low) || !Number.isInteger(high) || high <= low) {
    throw new ValueError(`randint: need integers low < high, got low=${low}, high=${high}`);
  }
  const dtype = assertDType(options.dtype ?? 'int32', 'randint');
  const g = options.generator ?? getDefaultGenerator();
  const data = allocChecked('randint', dtype, shapeSize(s));
  for (let i = 0; i < data.length; i++) data[i] = g.integer(low, high);
  return finish(data, s, dtype, options);
}
