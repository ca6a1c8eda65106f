/** Model-file factories for the sequence layers: Embedding, LayerNorm, RMSNorm, MultiheadAttention, TransformerEncoderLayer. */
import { ValueError } from '../errors.js';
import { MultiheadAttention } from './attention.js';
import { Embedding } from './embedding.js';
import { LayerNorm, RMSNorm } from './layerNorm.js';
import type { AnyModule, ModuleConfig } from './module.js';
import type { FromConfigContext, ModuleFactory } from './registry.js';
import { TransformerEncoderLayer } from './transformer.js';

/** Reads the fields of one config, naming the path, type and field in every error. */
function reader(c: ModuleConfig, path: string) {
  const fail = (field: string, expected: string): never => {
    throw new ValueError(`moduleFromConfig: ${path}: ${c.type}.${field} must be ${expected}, got ${JSON.stringify(c[field]) ?? String(c[field])}`);
  };
  return {
    count(field: string): number {
      const v = c[field];
      return typeof v === 'number' && Number.isInteger(v) && v >= 1 ? v : fail(field, 'a positive integer');
    },
    optionalCount(field: string): number | undefined {
      return c[field] === undefined ? undefined : this.count(field);
    },
    flag(field: string, fallback: boolean): boolean {
      const v = c[field];
      if (v === undefined) return fallback;
      return typeof v === 'boolean' ? v : fail(field, 'true or false');
    },
    number(field: string, fallback: number, check: (v: number) => boolean, expected: string): number {
      const v = c[field];
      if (v === undefined) return fallback;
      return typeof v === 'number' && check(v) ? v : fail(field, expected);
    },
    nullableNumber(field: string, check: (v: number) => boolean, expected: string): number | null {
      const v = c[field];
      if (v === undefined || v === null) return null;
      return typeof v === 'number' && check(v) ? v : fail(field, expected);
    },
    dtype(): 'float32' | 'float64' {
      const v = c['dtype'];
      if (v === undefined) return 'float32';
      return v === 'float32' || v === 'float64' ? v : fail('dtype', "'float32' or 'float64'");
    },
    seed(): { seed?: number } {
      const v = c['seed'];
      if (v === undefined) return {};
      return typeof v === 'number' && Number.isSafeInteger(v) ? { seed: v } : fail('seed', 'a safe integer');
    },
    shape(field: string): number[] {
      const v = c[field];
      const ok = Array.isArray(v) && v.length > 0 && v.every((d): d is number => typeof d === 'number' && Number.isInteger(d) && d >= 1);
      return ok ? [...(v as number[])] : fail(field, 'a non-empty list of positive integers');
    },
  };
}

const isEps = (v: number): boolean => Number.isFinite(v) && v >= 0;
const isProbability = (v: number): boolean => v >= 0 && v <= 1;
const product = (shape: readonly number[]): number => shape.reduce((p, d) => p * d, 1);

/** Parameter elements of a MultiheadAttention, claimed before it allocates them. */
const attentionSize = (e: number, kdim: number, vdim: number, bias: boolean): number => e * (e + kdim + vdim) + e * e + (bias ? 4 * e : 0);

/** The factories of this family's single-input layers (registry.ts spreads them into its table). */
export const ATTENTION_FACTORIES: readonly [string, ModuleFactory][] = [
  [
    'Embedding',
    (c, ctx, path) => {
      const r = reader(c, path);
      const numEmbeddings = r.count('numEmbeddings');
      const embeddingDim = r.count('embeddingDim');
      const paddingIdx = r.nullableNumber('paddingIdx', (v) => Number.isInteger(v) && v >= -numEmbeddings && v < numEmbeddings, `an integer in [−${numEmbeddings}, ${numEmbeddings}) or null`);
      const maxNorm = r.nullableNumber('maxNorm', isEps, 'a finite number ≥ 0 or null');
      const normType = r.number('normType', 2, (v) => v > 0, 'a number > 0');
      ctx.reserve(numEmbeddings * embeddingDim, path);
      return new Embedding(numEmbeddings, embeddingDim, { paddingIdx, maxNorm, normType, dtype: r.dtype(), generator: ctx.generator });
    },
  ],
  [
    'LayerNorm',
    (c, ctx, path) => {
      const r = reader(c, path);
      const normalizedShape = r.shape('normalizedShape');
      const elementwiseAffine = r.flag('elementwiseAffine', true);
      const bias = r.flag('bias', true);
      ctx.reserve(elementwiseAffine ? product(normalizedShape) * (bias ? 2 : 1) : 0, path);
      return new LayerNorm(normalizedShape, { eps: r.number('eps', 1e-5, isEps, 'a finite number ≥ 0'), elementwiseAffine, bias, dtype: r.dtype() });
    },
  ],
  [
    'RMSNorm',
    (c, ctx, path) => {
      const r = reader(c, path);
      const normalizedShape = r.shape('normalizedShape');
      const elementwiseAffine = r.flag('elementwiseAffine', true);
      ctx.reserve(elementwiseAffine ? product(normalizedShape) : 0, path);
      return new RMSNorm(normalizedShape, { eps: r.nullableNumber('eps', isEps, 'a finite number ≥ 0 or null'), elementwiseAffine, dtype: r.dtype() });
    },
  ],
];

/** A factory of a module with several inputs or outputs (ModuleFactory's modules take one tensor and return one). */
export type AnyModuleFactory = (config: ModuleConfig, context: FromConfigContext, path: string) => AnyModule;

/**
 * The factories of MultiheadAttention and TransformerEncoderLayer, whose forward takes several
 * inputs: they join the registry's table once its factories may return any module.
 */
export const ATTENTION_MODULE_FACTORIES: readonly [string, AnyModuleFactory][] = [
  [
    'MultiheadAttention',
    (c, ctx, path) => {
      const r = reader(c, path);
      const embedDim = r.count('embedDim');
      const numHeads = r.count('numHeads');
      if (embedDim % numHeads !== 0) throw new ValueError(`moduleFromConfig: ${path}: MultiheadAttention.embedDim (${embedDim}) must be divisible by numHeads (${numHeads})`);
      const kdim = r.optionalCount('kdim') ?? embedDim;
      const vdim = r.optionalCount('vdim') ?? embedDim;
      const bias = r.flag('bias', true);
      ctx.reserve(attentionSize(embedDim, kdim, vdim, bias), path);
      const seed = r.seed();
      return new MultiheadAttention(embedDim, numHeads, {
        dropout: r.number('dropout', 0, isProbability, 'a probability in [0, 1]'),
        bias,
        batchFirst: r.flag('batchFirst', false),
        kdim,
        vdim,
        dtype: r.dtype(),
        ...(seed.seed === undefined ? { generator: ctx.generator } : seed),
      });
    },
  ],
  [
    'TransformerEncoderLayer',
    (c, ctx, path) => {
      const r = reader(c, path);
      const dModel = r.count('dModel');
      const nhead = r.count('nhead');
      if (dModel % nhead !== 0) throw new ValueError(`moduleFromConfig: ${path}: TransformerEncoderLayer.dModel (${dModel}) must be divisible by nhead (${nhead})`);
      const dimFeedforward = r.optionalCount('dimFeedforward') ?? 2048;
      const bias = r.flag('bias', true);
      const activation = c['activation'] ?? 'relu';
      if (activation !== 'relu' && activation !== 'gelu') throw new ValueError(`moduleFromConfig: ${path}: TransformerEncoderLayer.activation must be 'relu' or 'gelu', got ${JSON.stringify(activation)}`);
      const feedForward = 2 * dModel * dimFeedforward + (bias ? dimFeedforward + dModel : 0);
      ctx.reserve(attentionSize(dModel, dModel, dModel, bias) + feedForward + 2 * dModel * (bias ? 2 : 1), path);
      const seed = r.seed();
      return new TransformerEncoderLayer(dModel, nhead, {
        dimFeedforward,
        dropout: r.number('dropout', 0.1, isProbability, 'a probability in [0, 1]'),
        activation,
        layerNormEps: r.number('layerNormEps', 1e-5, isEps, 'a finite number ≥ 0'),
        batchFirst: r.flag('batchFirst', false),
        normFirst: r.flag('normFirst', false),
        bias,
        dtype: r.dtype(),
        ...(seed.seed === undefined ? { generator: ctx.generator } : seed),
      });
    },
  ],
];
