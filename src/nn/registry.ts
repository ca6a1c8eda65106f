/** Rebuilding modules from their `config()`: what model files store instead of code. */
import { ValueError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { GELU, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from './activations.js';
import { Conv1d, Conv2d, ConvTranspose1d, ConvTranspose2d, type ConvLayerOptions } from './conv.js';
import { Dropout, Dropout2d } from './dropout.js';
import { PlaneFeatures, type PlaneFeature } from './features.js';
import { Linear } from './linear.js';
import type { Module, ModuleConfig } from './module.js';
import { BatchNorm1d, BatchNorm2d, GroupNorm } from './normalization.js';
import { Sequential } from './sequential.js';
// pooling
import { POOLING_FACTORIES } from './pooling.js';
// cli
import { unflattenFactory } from './unflatten.js';
import { randomShiftFactory } from './augment.js';
// issue 17: language models
import { LANGUAGE_MODEL_FACTORY } from './languageModelFactory.js';
// attention
import { ATTENTION_FACTORIES } from './attentionFactories.js';

/** Context handed to a module factory: a generator for initial weights (overwritten when weights are loaded). */
export interface FromConfigContext {
  readonly generator: Generator;
  /** Rebuilds a nested module (for containers). */
  readonly build: (config: unknown, path: string) => Module;
  /**
   * Claims `count` parameter elements for the module at `path` before it allocates them: throws
   * a ValueError past the budget given to moduleFromConfig (a model file's stored weights), so a
   * hand-edited `inFeatures: 1e9` is refused before gigabytes are allocated.
   */
  readonly reserve: (count: number, path: string) => void;
}

/** Builds a module of one type from its config; `path` locates it in errors (e.g. 'layers[2]'). */
export type ModuleFactory = (config: ModuleConfig, context: FromConfigContext, path: string) => Module;

function fieldError(path: string, type: string, field: string, expected: string, value: unknown): ValueError {
  return new ValueError(`moduleFromConfig: ${path}: ${type}.${field} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
}

function integerField(c: ModuleConfig, path: string, field: string, min: number): number {
  const v = c[field];
  if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw fieldError(path, c.type, field, min === 0 ? 'a non-negative integer' : `an integer ≥ ${min}`, v);
  return v;
}

function optional<T>(c: ModuleConfig, field: string, check: (v: unknown) => v is T, path: string, expected: string): T | undefined {
  const v = c[field];
  if (v === undefined) return undefined;
  if (!check(v)) throw fieldError(path, c.type, field, expected, v);
  return v;
}

const isBoolean = (v: unknown): v is boolean => typeof v === 'boolean';
const isFiniteNumber = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const isInteger = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v);
const isFloatDType = (v: unknown): v is 'float32' | 'float64' => v === 'float32' || v === 'float64';
const isApproximate = (v: unknown): v is 'none' | 'tanh' => v === 'none' || v === 'tanh';
const isProbability = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= 1;

const isSpatial = (v: unknown): v is number | number[] => isInteger(v) || (Array.isArray(v) && v.length >= 1 && v.length <= 2 && v.every(isInteger));
const isPadding = (v: unknown): v is number | number[] | 'same' | 'valid' => v === 'same' || v === 'valid' || isSpatial(v);

/** A convolution layer from its config: the channels and kernel checked here, the geometry by the layer itself. */
function convFactory(make: (inChannels: number, outChannels: number, kernelSize: number | number[], options: ConvLayerOptions) => Module, transposed: boolean): ModuleFactory {
  return (c, ctx, path) => {
    const inChannels = integerField(c, path, 'inChannels', 1);
    const outChannels = integerField(c, path, 'outChannels', 1);
    const kernelSize = c['kernelSize'];
    if (!isSpatial(kernelSize)) throw fieldError(path, c.type, 'kernelSize', 'a positive integer or a list of them', kernelSize);
    const groups = optional(c, 'groups', isInteger, path, 'a positive integer') ?? 1;
    const bias = optional(c, 'bias', isBoolean, path, 'true or false') ?? true;
    const dtype = optional(c, 'dtype', isFloatDType, path, "'float32' or 'float64'") ?? 'float32';
    const area = (Array.isArray(kernelSize) ? kernelSize : [kernelSize]).reduce((p, k) => p * k, 1);
    ctx.reserve(((inChannels * outChannels) / Math.max(1, groups)) * area + (bias ? outChannels : 0), path);
    const options: Record<string, unknown> = { groups, bias, dtype, generator: ctx.generator };
    for (const field of ['stride', 'dilation', ...(transposed ? ['outputPadding'] : [])]) {
      const v = optional(c, field, isSpatial, path, 'a non-negative integer or a list of them');
      if (v !== undefined) options[field] = v;
    }
    const padding = optional(c, 'padding', transposed ? isSpatial : isPadding, path, transposed ? 'an integer or a list' : "an integer, a list, 'same' or 'valid'");
    if (padding !== undefined) options['padding'] = padding;
    return make(inChannels, outChannels, kernelSize, options as ConvLayerOptions);
  };
}

const factories = new Map<string, ModuleFactory>([
  // convolution
  ['Conv1d', convFactory((i, o, k, opts) => new Conv1d(i, o, k, opts), false)],
  ['Conv2d', convFactory((i, o, k, opts) => new Conv2d(i, o, k, opts), false)],
  ['ConvTranspose1d', convFactory((i, o, k, opts) => new ConvTranspose1d(i, o, k, opts), true)],
  ['ConvTranspose2d', convFactory((i, o, k, opts) => new ConvTranspose2d(i, o, k, opts), true)],
  [
    'Linear',
    (c, ctx, path) => {
      const inFeatures = integerField(c, path, 'inFeatures', 0);
      const outFeatures = integerField(c, path, 'outFeatures', 0);
      const bias = optional(c, 'bias', isBoolean, path, 'true or false') ?? true;
      const dtype = optional(c, 'dtype', isFloatDType, path, "'float32' or 'float64'") ?? 'float32';
      ctx.reserve((inFeatures + (bias ? 1 : 0)) * outFeatures, path);
      return new Linear(inFeatures, outFeatures, { bias, dtype, generator: ctx.generator });
    },
  ],
  [
    'Sequential',
    (c, ctx, path) => {
      const layers = c['layers'];
      if (!Array.isArray(layers)) throw fieldError(path, c.type, 'layers', 'an array of module configs', layers);
      return new Sequential(...layers.map((l: unknown, i) => ctx.build(l, `${path}.layers[${i}]`)));
    },
  ],
  ['Sigmoid', () => new Sigmoid()],
  ['Tanh', () => new Tanh()],
  ['ReLU', () => new ReLU()],
  ['Identity', () => new Identity()],
  ['LeakyReLU', (c, _ctx, path) => new LeakyReLU(optional(c, 'negativeSlope', isFiniteNumber, path, 'a finite number') ?? 0.01)],
  ['GELU', (c, _ctx, path) => new GELU(optional(c, 'approximate', isApproximate, path, "'none' or 'tanh'") ?? 'none')],
  ['Softmax', (c, _ctx, path) => new Softmax(optional(c, 'axis', isInteger, path, 'an integer') ?? -1)],
  [
    'PlaneFeatures',
    (c, _ctx, path) => {
      const features = c['features'];
      if (!Array.isArray(features) || !features.every((f) => typeof f === 'string')) throw fieldError(path, c.type, 'features', 'an array of feature names', features);
      return new PlaneFeatures(features as PlaneFeature[]);
    },
  ],
  [
    'Dropout',
    (c, _ctx, path) => {
      const p = optional(c, 'p', isProbability, path, 'a probability in [0, 1]') ?? 0.5;
      const seed = optional(c, 'seed', (v): v is number => typeof v === 'number' && Number.isSafeInteger(v), path, 'a safe integer');
      return new Dropout(p, seed === undefined ? {} : { seed });
    },
  ],
  // normalization
  ['BatchNorm1d', (c, ctx, path) => batchNormFromConfig(BatchNorm1d, c, ctx, path)],
  ['BatchNorm2d', (c, ctx, path) => batchNormFromConfig(BatchNorm2d, c, ctx, path)],
  [
    'GroupNorm',
    (c, ctx, path) => {
      const numGroups = integerField(c, path, 'numGroups', 1);
      const numChannels = integerField(c, path, 'numChannels', 1);
      if (numChannels % numGroups !== 0) throw fieldError(path, c.type, 'numChannels', `a multiple of numGroups (${numGroups})`, numChannels);
      const eps = optional(c, 'eps', isEps, path, 'a finite number ≥ 0') ?? 1e-5;
      const affine = optional(c, 'affine', isBoolean, path, 'true or false') ?? true;
      const dtype = optional(c, 'dtype', isFloatDType, path, "'float32' or 'float64'") ?? 'float32';
      ctx.reserve(affine ? 2 * numChannels : 0, path);
      return new GroupNorm(numGroups, numChannels, { eps, affine, dtype });
    },
  ],
  [
    'Dropout2d',
    (c, _ctx, path) => {
      const p = optional(c, 'p', isProbability, path, 'a probability in [0, 1]') ?? 0.5;
      const seed = optional(c, 'seed', (v): v is number => typeof v === 'number' && Number.isSafeInteger(v), path, 'a safe integer');
      return new Dropout2d(p, seed === undefined ? {} : { seed });
    },
  ],
  // pooling
  ...POOLING_FACTORIES,
  ['LanguageModel', LANGUAGE_MODEL_FACTORY],
  // cli
  ['Unflatten', unflattenFactory],
  ['RandomShift', randomShiftFactory],
  // attention
  ...ATTENTION_FACTORIES,
]);

const isEps = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

function batchNormFromConfig(Layer: typeof BatchNorm1d | typeof BatchNorm2d, c: ModuleConfig, ctx: FromConfigContext, path: string): Module {
  const numFeatures = integerField(c, path, 'numFeatures', 1);
  const eps = optional(c, 'eps', isEps, path, 'a finite number ≥ 0') ?? 1e-5;
  // null is a value here (the cumulative average), so it is told apart from a missing field.
  const momentum = c['momentum'] === null ? null : (optional(c, 'momentum', isProbability, path, 'a number in [0, 1] or null') ?? 0.1);
  const affine = optional(c, 'affine', isBoolean, path, 'true or false') ?? true;
  const trackRunningStats = optional(c, 'trackRunningStats', isBoolean, path, 'true or false') ?? true;
  const dtype = optional(c, 'dtype', isFloatDType, path, "'float32' or 'float64'") ?? 'float32';
  ctx.reserve((affine ? 2 * numFeatures : 0) + (trackRunningStats ? 2 * numFeatures + 1 : 0), path);
  return new Layer(numFeatures, { eps, momentum, affine, trackRunningStats, dtype });
}

/**
 * Registers a module type so `moduleFromConfig` (and so model files) can rebuild it; its
 * `config()` must return `{ type, ... }` with this type.
 * @example
 * class Square extends Module {
 *   forward(x: Tensor) { return x.square(); }
 *   override config() { return { type: 'Square' }; }
 * }
 * registerModuleType('Square', () => new Square());
 * moduleFromConfig({ type: 'Square' }).forward(tensor([3])).item(); // 9
 */
export function registerModuleType(type: string, factory: ModuleFactory): void {
  if (typeof type !== 'string' || type.length === 0) throw new ValueError('registerModuleType: the type must be a non-empty string');
  factories.set(type, factory);
}

/**
 * The module types `moduleFromConfig` knows, sorted.
 * @example moduleTypes().includes('Linear'); // true
 */
export function moduleTypes(): string[] {
  return [...factories.keys()].sort();
}

/**
 * Rebuilds a module from its `config()` (weights are drawn from a fixed-seed generator, to be
 * replaced with `loadStateDict`); throws a ValueError naming an unknown type or a bad field, or
 * a description needing more than `maxParameters` parameter values (factories `reserve` them).
 * @example
 * const config = mlp([2, 8, 1], { seed: 0 }).config();
 * moduleFromConfig(config).describe(); // 'Sequential'
 */
export function moduleFromConfig(
  config: ModuleConfig,
  options: {
    /** At most this many parameter values (a model file: what its stored bytes can hold). */ maxParameters?: number;
    /** Seed of the initial weights (default 0), for a description built to be trained rather than loaded. */ seed?: number;
  } = {},
): Module {
  // A generator of its own: rebuilding a model must not move the global random state.
  const generator = new Generator(options.seed ?? 0);
  const budget = options.maxParameters ?? Infinity;
  let claimed = 0;
  const reserve = (count: number, path: string): void => {
    claimed += count;
    if (claimed > budget) {
      throw new ValueError(`moduleFromConfig: ${path}: the description asks for at least ${claimed.toLocaleString('en-US')} parameter values, more than the ${budget.toLocaleString('en-US')} its stored weights can hold`);
    }
  };
  const build = (c: unknown, path: string): Module => {
    if (typeof c !== 'object' || c === null || Array.isArray(c)) {
      throw new ValueError(`moduleFromConfig: ${path}: a module config must be an object { type, ... }, got ${JSON.stringify(c) ?? String(c)}`);
    }
    const type: unknown = (c as Record<string, unknown>)['type'];
    if (typeof type !== 'string') throw new ValueError(`moduleFromConfig: ${path}: the config has no string 'type' field`);
    const factory = factories.get(type);
    if (factory === undefined) {
      throw new ValueError(`moduleFromConfig: ${path}: unknown module type '${type}'; known types: ${moduleTypes().join(', ')}`);
    }
    return factory(c as ModuleConfig, context, path);
  };
  const context: FromConfigContext = { generator, build, reserve };
  return build(config, 'model');
}
