/** Embeddings: rows of a weight matrix picked by integer indices, as F.embedding and nn.Embedding. */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { ne, where } from '../ops/elementwise.js';
import { gatherRaw } from '../ops/indexing.js';
import { expand, reshape } from '../ops/shape.js';
import type { Generator } from '../random/generator.js';
import type { DType } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { normal, resolveGenerator, type FloatDType } from './init.js';
import { Module, type ModuleConfig } from './module.js';

export interface EmbeddingOptions {
  /** The row whose gradient is always 0 (negative counts from the end), as torch's padding_idx; default none. */
  readonly paddingIdx?: number | null;
  /**
   * Renormalize, in place and outside the graph, each row the indices pick whose `normType`-norm
   * exceeds maxNorm to norm maxNorm (torch's max_norm: scaled by maxNorm/(norm + 1e-7)); default none.
   */
  readonly maxNorm?: number | null;
  /** The p of the p-norm maxNorm bounds (default 2). */
  readonly normType?: number;
}

/**
 * torch.embedding_renorm_: rows of `weight` used by `data` whose p-norm exceeds maxNorm are
 * scaled to it, in the weight's own storage (an update, as torch's, not a graph op).
 */
function renormRows(weight: Tensor, data: ArrayLike<number>, maxNorm: number, p: number): void {
  if (weight._node !== null) {
    throw new ValueError(`embedding: maxNorm renormalizes the weight in place, so it must be a leaf tensor (a parameter), not the result of ${weight._node.op}`);
  }
  const dim = weight.shape[1]!;
  const seen = new Set<number>();
  for (let i = 0; i < data.length; i++) seen.add(data[i]!);
  const w = weight._data;
  for (const row of seen) {
    let norm = 0;
    for (let j = row * dim; j < (row + 1) * dim; j++) norm = p === Infinity ? Math.max(norm, Math.abs(w[j]!)) : norm + Math.abs(w[j]!) ** p;
    if (p !== Infinity) norm = norm ** (1 / p);
    if (norm > maxNorm) {
      const scale = maxNorm / (norm + 1e-7);
      for (let j = row * dim; j < (row + 1) * dim; j++) w[j] = w[j]! * scale;
    }
  }
}

/** The padding row as a non-negative index, checked against `rows` (PyTorch allows −rows ≤ p < rows). */
function paddingRow(op: string, paddingIdx: number | null | undefined, rows: number): number | null {
  if (paddingIdx === null || paddingIdx === undefined) return null;
  if (!Number.isInteger(paddingIdx) || paddingIdx < -rows || paddingIdx >= rows) {
    throw new ValueError(`${op}: paddingIdx must be an integer within the ${rows} embeddings (−${rows} ≤ paddingIdx < ${rows}), got ${paddingIdx}`);
  }
  return paddingIdx < 0 ? paddingIdx + rows : paddingIdx;
}

/**
 * Looks up rows of `weight` [N, D] for int32 `indices` of any shape → [...indices.shape, D], as
 * PyTorch's F.embedding. The lookup is a gather, so the weight's gradient is a scatter-add (rows
 * picked twice add up) and second derivatives come from its rule; the row `paddingIdx` gets no
 * gradient. With `maxNorm`, the rows used are first renormalized in place, as PyTorch's.
 * @example
 * const weight = tensor([[0, 0], [1, 2], [3, 4]]);
 * embedding(tensor([[2, 1], [0, 2]], { dtype: 'int32' }), weight).toArray(); // [[[3, 4], [1, 2]], [[0, 0], [3, 4]]]
 */
export function embedding(indices: Tensor, weight: Tensor, options: EmbeddingOptions = {}): Tensor {
  const op = 'embedding';
  if (indices.dtype !== 'int32') throw new DTypeError(`${op}: indices must be int32, got ${indices.dtype}; convert them with .cast('int32')`);
  if (weight.ndim !== 2) throw new ShapeError(`${op}: weight must be 2-D [numEmbeddings, embeddingDim], got shape ${formatShape(weight.shape)}`);
  const [rows, dim] = weight.shape as [number, number];
  const pad = paddingRow(op, options.paddingIdx, rows);
  const data = indices._data;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v < 0 || v >= rows) {
      throw new ShapeError(`${op}: index ${v} (at flat position ${i} of indices ${formatShape(indices.shape)}) is out of range for an embedding of ${rows} rows (weight ${formatShape(weight.shape)}; valid: 0..${rows - 1})`);
    }
  }
  const maxNorm = options.maxNorm ?? null;
  if (maxNorm !== null) {
    const p = options.normType ?? 2;
    if (!(typeof maxNorm === 'number' && maxNorm >= 0 && Number.isFinite(maxNorm))) throw new ValueError(`${op}: maxNorm must be a finite number ≥ 0, got ${maxNorm}`);
    if (!(typeof p === 'number' && p > 0)) throw new ValueError(`${op}: normType must be a number > 0 (or Infinity), got ${p}`);
    renormRows(weight, data, maxNorm, p);
  }
  const count = indices.size;
  const flat = reshape(indices, [count, 1]);
  let rowsOut = gatherRaw(weight, 0, expand(flat, [count, dim]));
  // NOTE: the padding row still reads its value, but its uses pass no gradient back, as torch.
  if (pad !== null && rowsOut.requiresGrad) rowsOut = where(ne(flat, pad), rowsOut, rowsOut.detach());
  return reshape(rowsOut, [...indices.shape, dim]);
}

export interface EmbeddingLayerOptions extends EmbeddingOptions {
  /** Seed a fresh generator for the initial weights (not with `generator`). */
  readonly seed?: number;
  /** The generator to draw the initial weights from (default: the one `manualSeed` sets). */
  readonly generator?: Generator;
  /** Parameter dtype: float32 (default) or float64. */
  readonly dtype?: DType;
}

/**
 * A lookup table of `numEmbeddings` vectors of size `embeddingDim`, as PyTorch's nn.Embedding:
 * `weight` [N, D] drawn from N(0, 1), the `paddingIdx` row zeroed and never trained. The input is
 * int32 indices of any shape; the output adds a last dimension D.
 * @example
 * const emb = new Embedding(27, 8, { paddingIdx: 0, seed: 1 });
 * emb.forward(tensor([[0, 5, 26]], { dtype: 'int32' })).shape; // [1, 3, 8]
 */
export class Embedding extends Module {
  readonly numEmbeddings: number;
  readonly embeddingDim: number;
  readonly paddingIdx: number | null;
  readonly maxNorm: number | null;
  readonly normType: number;
  readonly dtype: FloatDType;
  readonly weight: Tensor;

  constructor(numEmbeddings: number, embeddingDim: number, options: EmbeddingLayerOptions = {}) {
    super();
    const where = 'Embedding';
    for (const [name, v] of [['numEmbeddings', numEmbeddings], ['embeddingDim', embeddingDim]] as const) {
      if (!Number.isInteger(v) || v < 1) throw new ValueError(`${where}: ${name} must be a positive integer, got ${v}`);
    }
    const dtype = options.dtype ?? 'float32';
    if (dtype !== 'float32' && dtype !== 'float64') throw new DTypeError(`${where}: parameters must be float32 or float64, got dtype ${String(dtype)}`);
    this.numEmbeddings = numEmbeddings;
    this.embeddingDim = embeddingDim;
    this.paddingIdx = paddingRow(where, options.paddingIdx, numEmbeddings);
    this.maxNorm = options.maxNorm ?? null;
    this.normType = options.normType ?? 2;
    this.dtype = dtype;
    const generator = resolveGenerator(where, options);
    const weight = normal([numEmbeddings, embeddingDim], { generator, dtype });
    if (this.paddingIdx !== null) weight._data.fill(0, this.paddingIdx * embeddingDim, (this.paddingIdx + 1) * embeddingDim);
    this.weight = this.registerParameter('weight', weight.named('weight'));
  }

  forward(indices: Tensor): Tensor {
    return embedding(indices, this.weight, { paddingIdx: this.paddingIdx, maxNorm: this.maxNorm, normType: this.normType });
  }

  override describe(): string {
    return `Embedding(${this.numEmbeddings} → ${this.embeddingDim}${this.paddingIdx === null ? '' : `, paddingIdx ${this.paddingIdx}`})`;
  }

  override config(): ModuleConfig {
    const renorm = this.maxNorm === null ? {} : { maxNorm: this.maxNorm, normType: this.normType };
    return { type: 'Embedding', numEmbeddings: this.numEmbeddings, embeddingDim: this.embeddingDim, paddingIdx: this.paddingIdx, ...renorm, dtype: this.dtype };
  }
}
