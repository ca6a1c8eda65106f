/**
 * Weight initializers, as `torch.nn.init`: each returns a new tensor of the given shape filled
 * from a seedable Generator (an explicit `generator`, a `seed`, or else the default generator
 * that `manualSeed` sets).
 *
 * Fans follow PyTorch for a weight of shape [out, in, ...k]: fanIn = in·∏k, fanOut = out·∏k.
 *
 * | name              | distribution                                                     |
 * |-------------------|------------------------------------------------------------------|
 * | `zeros`           | 0                                                                |
 * | `constant`        | value                                                            |
 * | `uniform`         | U(low, high), default U(0, 1)                                    |
 * | `normal`          | N(mean, std²), default N(0, 1)                                   |
 * | `xavierUniform`   | U(−b, b), b = gain·√(6 / (fanIn + fanOut))   (Glorot)            |
 * | `xavierNormal`    | N(0, s²), s = gain·√(2 / (fanIn + fanOut))                       |
 * | `kaimingUniform`  | U(−b, b), b = gain·√(3 / fan)                (He)                |
 * | `kaimingNormal`   | N(0, s²), s = gain / √fan                                        |
 * | `default`         | U(−1/√fanIn, 1/√fanIn): PyTorch's nn.Linear init, for weight and bias |
 *
 * Kaiming's gain is `calculateGain(nonlinearity, a)` with PyTorch's defaults (leaky ReLU with
 * a = 0, i.e. √2, the ReLU gain) and fan = fanIn (or fanOut with `mode: 'fanOut'`).
 * PyTorch's nn.Linear weight init, kaiming_uniform(a = √5), has gain √(2 / (1 + 5)) = √(1/3)
 * and so bound √(1/3)·√(3 / fanIn) = 1/√fanIn: the same distribution as `default`.
 */
import { ValueError } from '../errors.js';
import { Generator, getDefaultGenerator } from '../random/generator.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';

/** Names of the built-in initializers. */
export type InitName =
  | 'default'
  | 'zeros'
  | 'constant'
  | 'uniform'
  | 'normal'
  | 'xavierUniform'
  | 'xavierNormal'
  | 'kaimingUniform'
  | 'kaimingNormal';

/** Every initializer name, for option parsing and error messages. */
export const INIT_NAMES: readonly InitName[] = [
  'default',
  'zeros',
  'constant',
  'uniform',
  'normal',
  'xavierUniform',
  'xavierNormal',
  'kaimingUniform',
  'kaimingNormal',
];

/** Nonlinearities that `calculateGain` knows. */
export type Nonlinearity = 'linear' | 'identity' | 'sigmoid' | 'tanh' | 'relu' | 'leakyRelu' | 'selu';

/** Which fan Kaiming initialization preserves: the forward pass's (fanIn) or the backward pass's (fanOut). */
export type FanMode = 'fanIn' | 'fanOut';

/** Floating dtypes parameters can have. */
export type FloatDType = 'float32' | 'float64';

/** Where the random numbers come from and the dtype of the result. */
export interface InitOptions {
  /** The generator to draw from (not with `seed`). */
  readonly generator?: Generator;
  /** Draw from a fresh `new Generator(seed)` (not with `generator`). */
  readonly seed?: number;
  /** float32 (default) or float64. */
  readonly dtype?: FloatDType;
}

/** Fans that override the ones computed from the shape (e.g. a bias uses its layer's fanIn). */
export interface FanOptions extends InitOptions {
  readonly fanIn?: number;
  readonly fanOut?: number;
}

/** An initializer with its parameters, e.g. `{ name: 'normal', std: 0.01 }`. */
export type InitConfig =
  | { readonly name: 'default' }
  | { readonly name: 'zeros' }
  | { readonly name: 'constant'; readonly value: number }
  | { readonly name: 'uniform'; readonly low?: number; readonly high?: number }
  | { readonly name: 'normal'; readonly mean?: number; readonly std?: number }
  | { readonly name: 'xavierUniform' | 'xavierNormal'; readonly gain?: number }
  | {
      readonly name: 'kaimingUniform' | 'kaimingNormal';
      readonly a?: number;
      readonly mode?: FanMode;
      readonly nonlinearity?: Nonlinearity;
    };

/** An initializer by name (with its default parameters) or with parameters. */
export type InitSpec = InitName | InitConfig;

/** @internal The generator an initializer draws from. */
export function resolveGenerator(op: string, options: { readonly generator?: Generator; readonly seed?: number }): Generator {
  if (options.generator !== undefined && options.seed !== undefined) {
    throw new ValueError(`${op}: pass either a seed or a generator, not both`);
  }
  if (options.seed !== undefined) return new Generator(options.seed);
  return options.generator ?? getDefaultGenerator();
}

function checkDType(op: string, dtype: string | undefined): FloatDType {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') throw new ValueError(`${op}: dtype must be float32 or float64, got ${d}`);
  return d;
}

function checkShape(op: string, shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) throw new ValueError(`${op}: shape must hold non-negative integers, got ${formatShape(shape)}`);
    n *= d;
  }
  return n;
}

function fill(op: string, shape: readonly number[], options: InitOptions, draw: (g: Generator) => number): Tensor {
  const n = checkShape(op, shape);
  const dtype = checkDType(op, options.dtype);
  const g = resolveGenerator(op, options);
  const values = new Float64Array(n);
  for (let i = 0; i < n; i++) values[i] = draw(g);
  return tensor(values, { shape, dtype });
}

function checkFinite(op: string, name: string, value: number): void {
  if (!Number.isFinite(value)) throw new ValueError(`${op}: ${name} must be a finite number, got ${value}`);
}

/**
 * Fan in and fan out of a weight of shape [out, in, ...kernel], as PyTorch computes them.
 * @example init.computeFans([8, 2]); // { fanIn: 2, fanOut: 8 }
 */
export function computeFans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length < 2) {
    throw new ValueError(
      `computeFans: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape ${formatShape(shape)}); pass fanIn/fanOut explicitly`,
    );
  }
  const receptive = shape.slice(2).reduce((p, d) => p * d, 1);
  return { fanIn: (shape[1] ?? 0) * receptive, fanOut: (shape[0] ?? 0) * receptive };
}

function fans(op: string, shape: readonly number[], options: FanOptions): { fanIn: number; fanOut: number } {
  if (options.fanIn !== undefined && options.fanOut !== undefined) return { fanIn: options.fanIn, fanOut: options.fanOut };
  let computed: { fanIn: number; fanOut: number };
  try {
    computed = computeFans(shape);
  } catch {
    throw new ValueError(
      `${op}: fan in and fan out cannot be computed for a tensor with fewer than 2 dimensions (shape ${formatShape(shape)}); pass fanIn/fanOut explicitly`,
    );
  }
  return { fanIn: options.fanIn ?? computed.fanIn, fanOut: options.fanOut ?? computed.fanOut };
}

/**
 * The recommended gain for a nonlinearity, as `torch.nn.init.calculate_gain`: 1 for linear and
 * sigmoid, 5/3 for tanh, √2 for ReLU, √(2 / (1 + slope²)) for leaky ReLU (slope default 0.01), 3/4 for SELU.
 * @example init.calculateGain('relu'); // Math.SQRT2
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'identity':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param ?? 0.01;
      checkFinite('calculateGain', 'the negative slope', slope);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new ValueError(`calculateGain: unknown nonlinearity '${String(nonlinearity)}'; known: linear, identity, sigmoid, tanh, relu, leakyRelu, selu`);
  }
}

/**
 * A tensor of zeros.
 * @example init.zeros([2, 3]).sum().item(); // 0
 */
export function zeros(shape: readonly number[], options: InitOptions = {}): Tensor {
  return constant(shape, 0, options);
}

/**
 * A tensor filled with `value`.
 * @example init.constant([2], 0.5).toArray(); // [0.5, 0.5]
 */
export function constant(shape: readonly number[], value: number, options: InitOptions = {}): Tensor {
  checkShape('constant', shape);
  checkFinite('constant', 'the value', value);
  const values = new Float64Array(shape.reduce((p, d) => p * d, 1)).fill(value);
  return tensor(values, { shape, dtype: checkDType('constant', options.dtype) });
}

/**
 * Samples from U(low, high), default U(0, 1).
 * @example init.uniform([3], { low: -0.1, high: 0.1, seed: 0 }).shape; // [3]
 */
export function uniform(shape: readonly number[], options: InitOptions & { readonly low?: number; readonly high?: number } = {}): Tensor {
  const low = options.low ?? 0;
  const high = options.high ?? 1;
  checkFinite('uniform', 'low', low);
  checkFinite('uniform', 'high', high);
  if (high < low) throw new ValueError(`uniform: low must not exceed high, got low=${low}, high=${high}`);
  return fill('uniform', shape, options, (g) => low + (high - low) * g.uniform());
}

/**
 * Samples from N(mean, std²), default N(0, 1).
 * @example init.normal([2, 2], { std: 0.01, seed: 0 }).shape; // [2, 2]
 */
export function normal(shape: readonly number[], options: InitOptions & { readonly mean?: number; readonly std?: number } = {}): Tensor {
  const mean = options.mean ?? 0;
  const std = options.std ?? 1;
  checkFinite('normal', 'mean', mean);
  checkFinite('normal', 'std', std);
  if (std < 0) throw new ValueError(`normal: std must be non-negative, got ${std}`);
  return fill('normal', shape, options, (g) => mean + std * g.normal());
}

function uniformBound(op: string, shape: readonly number[], bound: number, options: InitOptions): Tensor {
  return fill(op, shape, options, (g) => bound * (2 * g.uniform() - 1));
}

/**
 * Glorot/Xavier uniform: U(−b, b) with b = gain·√(6 / (fanIn + fanOut)).
 * @example init.xavierUniform([8, 2], { seed: 0 }).shape; // [8, 2]
 */
export function xavierUniform(shape: readonly number[], options: FanOptions & { readonly gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fans('xavierUniform', shape, options);
  const gain = options.gain ?? 1;
  const bound = fanIn + fanOut > 0 ? gain * Math.sqrt(6 / (fanIn + fanOut)) : 0;
  return uniformBound('xavierUniform', shape, bound, options);
}

/**
 * Glorot/Xavier normal: N(0, s²) with s = gain·√(2 / (fanIn + fanOut)).
 * @example init.xavierNormal([8, 2], { seed: 0 }).shape; // [8, 2]
 */
export function xavierNormal(shape: readonly number[], options: FanOptions & { readonly gain?: number } = {}): Tensor {
  const { fanIn, fanOut } = fans('xavierNormal', shape, options);
  const gain = options.gain ?? 1;
  const std = fanIn + fanOut > 0 ? gain * Math.sqrt(2 / (fanIn + fanOut)) : 0;
  return fill('xavierNormal', shape, options, (g) => std * g.normal());
}

/** Options of the Kaiming initializers (PyTorch's defaults: a = 0, fanIn, leaky ReLU, so gain √2). */
export interface KaimingOptions extends FanOptions {
  /** The negative slope of the leaky ReLU that follows (used with nonlinearity 'leakyRelu'). */
  readonly a?: number;
  readonly mode?: FanMode;
  readonly nonlinearity?: Nonlinearity;
}

function kaimingStd(op: string, shape: readonly number[], options: KaimingOptions): number {
  const { fanIn, fanOut } = fans(op, shape, options);
  const mode = options.mode ?? 'fanIn';
  if (mode !== 'fanIn' && mode !== 'fanOut') throw new ValueError(`${op}: mode must be 'fanIn' or 'fanOut', got '${String(mode)}'`);
  const fan = mode === 'fanIn' ? fanIn : fanOut;
  const gain = calculateGain(options.nonlinearity ?? 'leakyRelu', options.a ?? 0);
  return fan > 0 ? gain / Math.sqrt(fan) : 0;
}

/**
 * He/Kaiming uniform: U(−b, b) with b = gain·√(3 / fan) (default gain √2, fan = fanIn).
 * @example init.kaimingUniform([8, 2], { nonlinearity: 'relu', seed: 0 }).shape; // [8, 2]
 */
export function kaimingUniform(shape: readonly number[], options: KaimingOptions = {}): Tensor {
  const bound = Math.sqrt(3) * kaimingStd('kaimingUniform', shape, options);
  return uniformBound('kaimingUniform', shape, bound, options);
}

/**
 * He/Kaiming normal: N(0, s²) with s = gain / √fan (default gain √2, fan = fanIn).
 * @example init.kaimingNormal([8, 2], { seed: 0 }).shape; // [8, 2]
 */
export function kaimingNormal(shape: readonly number[], options: KaimingOptions = {}): Tensor {
  const std = kaimingStd('kaimingNormal', shape, options);
  return fill('kaimingNormal', shape, options, (g) => std * g.normal());
}

/**
 * PyTorch's nn.Linear initialization, U(−1/√fanIn, 1/√fanIn), for a weight [out, in] or (with
 * the layer's `fanIn`) its bias; 0 when fanIn is 0.
 * @example init.linearDefault([4], { fanIn: 2, seed: 0 }).shape; // [4]
 */
export function linearDefault(shape: readonly number[], options: FanOptions = {}): Tensor {
  const fanIn = options.fanIn ?? fans('linearDefault', shape, options).fanIn;
  const bound = fanIn > 0 ? 1 / Math.sqrt(fanIn) : 0;
  return uniformBound('linearDefault', shape, bound, options);
}

/**
 * A tensor from an initializer given by name or with parameters.
 * @example
 * init.initTensor([8, 2], 'xavierUniform', { seed: 0 }).shape;            // [8, 2]
 * init.initTensor([8], { name: 'constant', value: 0.1 }).toArray()[0];   // 0.1 (as float32)
 */
export function initTensor(shape: readonly number[], spec: InitSpec, options: FanOptions = {}): Tensor {
  const config: InitConfig = typeof spec === 'string' ? initConfigOf(spec) : spec;
  switch (config.name) {
    case 'default':
      return linearDefault(shape, options);
    case 'zeros':
      return zeros(shape, options);
    case 'constant':
      return constant(shape, config.value, options);
    case 'uniform':
      return uniform(shape, { ...options, ...config });
    case 'normal':
      return normal(shape, { ...options, ...config });
    case 'xavierUniform':
      return xavierUniform(shape, { ...options, ...config });
    case 'xavierNormal':
      return xavierNormal(shape, { ...options, ...config });
    case 'kaimingUniform':
      return kaimingUniform(shape, { ...options, ...config });
    case 'kaimingNormal':
      return kaimingNormal(shape, { ...options, ...config });
    default:
      throw unknownInit((config as { name?: unknown }).name);
  }
}

function unknownInit(name: unknown): ValueError {
  return new ValueError(`initializer: unknown name '${String(name)}'; valid names: ${INIT_NAMES.join(', ')}`);
}

function initConfigOf(name: string): InitConfig {
  switch (name) {
    case 'constant':
      throw new ValueError("initializer: 'constant' needs a value; pass { name: 'constant', value: 0.1 }");
    case 'default':
    case 'zeros':
    case 'uniform':
    case 'normal':
    case 'xavierUniform':
    case 'xavierNormal':
    case 'kaimingUniform':
    case 'kaimingNormal':
      return { name };
    default:
      throw unknownInit(name);
  }
}

/** @internal Checks an initializer spec without drawing (for option validation). */
export function assertInitSpec(where: string, spec: unknown): InitSpec {
  if (typeof spec === 'string') {
    if (!(INIT_NAMES as readonly string[]).includes(spec)) {
      throw new ValueError(`${where}: unknown initializer '${spec}'; valid names: ${INIT_NAMES.join(', ')}`);
    }
    if (spec === 'constant') initConfigOf(spec);
    return spec as InitName;
  }
  if (typeof spec === 'object' && spec !== null && 'name' in spec && typeof spec.name === 'string' && (INIT_NAMES as readonly string[]).includes(spec.name)) {
    return spec as InitConfig;
  }
  throw new ValueError(`${where}: an initializer must be one of ${INIT_NAMES.join(', ')} or an object { name, ... }, got ${JSON.stringify(spec)}`);
}
