// test/fixtures/attention.json (scripts/oracles/attention.py, PyTorch 1.13 in float64) and the
// comparison the attention tests share: every value within 1e-10 relative (absolute below 1).
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { tensor, type Tensor } from '../../src/index.js';

export interface Stored {
  readonly shape: number[];
  readonly data: number[];
}

export interface EmbeddingCase {
  readonly paddingIdx: number | null;
  readonly weight: Stored;
  readonly indices: Stored;
  readonly upstream: Stored;
  readonly output: Stored;
  readonly weightGrad: Stored;
}

export interface EmbeddingRenormCase {
  readonly maxNorm: number;
  readonly normType: number;
  readonly weight: Stored;
  readonly indices: Stored;
  readonly upstream: Stored;
  readonly output: Stored;
  readonly weightAfter: Stored;
  readonly weightGrad: Stored;
}

export interface NormCase {
  readonly kind: 'layerNorm' | 'rmsNorm';
  readonly normalizedShape: number[];
  readonly eps: number | null;
  readonly x: Stored;
  readonly weight?: Stored;
  readonly bias?: Stored;
  readonly upstream: Stored;
  readonly output: Stored;
  readonly xGrad: Stored;
  readonly weightGrad?: Stored;
  readonly biasGrad?: Stored;
}

export interface SdpaCase {
  readonly name: string;
  readonly q: Stored;
  readonly k: Stored;
  readonly v: Stored;
  readonly attnMask?: Stored;
  readonly maskDtype?: 'bool' | 'float64';
  readonly isCausal: boolean;
  readonly scale: number | null;
  readonly upstream: Stored;
  readonly output: Stored;
  readonly qGrad: Stored;
  readonly kGrad: Stored;
  readonly vGrad: Stored;
}

export interface MhaCase {
  readonly name: string;
  readonly embedDim: number;
  readonly numHeads: number;
  readonly batchFirst: boolean;
  readonly kdim: number;
  readonly vdim: number;
  readonly self: boolean;
  readonly averageAttnWeights: boolean;
  readonly state: Record<string, Stored>;
  readonly query: Stored;
  readonly key?: Stored;
  readonly value?: Stored;
  readonly attnMask?: Stored;
  readonly maskDtype?: 'bool' | 'float64';
  readonly keyPaddingMask?: Stored;
  readonly upstream: Stored;
  readonly upstreamWeights: Stored;
  readonly output: Stored;
  readonly weights: Stored;
  readonly grads: Record<string, Stored>;
  readonly queryGrad: Stored;
  readonly keyGrad?: Stored;
  readonly valueGrad?: Stored;
}

export interface TransformerCase {
  readonly name: string;
  readonly dModel: number;
  readonly nhead: number;
  readonly dimFeedforward: number;
  readonly activation: 'relu' | 'gelu';
  readonly batchFirst: boolean;
  readonly normFirst: boolean;
  readonly isCausal: boolean;
  readonly state: Record<string, Stored>;
  readonly src: Stored;
  readonly srcKeyPaddingMask?: Stored;
  readonly upstream: Stored;
  readonly output: Stored;
  readonly grads: Record<string, Stored>;
  readonly srcGrad: Stored;
}

export interface AttentionFixture {
  readonly torch: string;
  readonly embedding: EmbeddingCase[];
  readonly norms: NormCase[];
  readonly sdpa: SdpaCase[];
  readonly multiheadAttention: MhaCase[];
  readonly transformerEncoderLayer: TransformerCase[];
  readonly embeddingRenorm: EmbeddingRenormCase[];
}

export const fixture = JSON.parse(readFileSync(new URL('../../../test/fixtures/attention.json', import.meta.url), 'utf8')) as AttentionFixture;

/** A stored float64 tensor (requiring grad when asked). */
export const f64 = (s: Stored, requiresGrad = false): Tensor => tensor(s.data, { shape: s.shape, dtype: 'float64', requiresGrad });
/** A stored 0/1 tensor as bool. */
export const bool = (s: Stored): Tensor => tensor(s.data.map((v) => v !== 0), { shape: s.shape });
/** Stored indices as int32. */
export const int32 = (s: Stored): Tensor => tensor(s.data, { shape: s.shape, dtype: 'int32' });

/** Shape equal and every value within rtol·max(1, |expected|). */
export function assertMatches(actual: Tensor | null | undefined, expected: Stored, where: string, rtol = 1e-10): void {
  assert.ok(actual !== null && actual !== undefined, `${where}: missing`);
  assert.deepEqual([...actual.shape], expected.shape, `${where}: shape`);
  const got = actual.data();
  for (let i = 0; i < expected.data.length; i++) {
    const e = expected.data[i]!;
    assert.ok(Math.abs(got[i]! - e) <= rtol * Math.max(1, Math.abs(e)), `${where}[${i}]: ${got[i]} vs PyTorch ${e}`);
  }
}
