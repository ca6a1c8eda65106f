/** crossEntropy's ignore_index: rows whose label is the ignored value add nothing (padding in batches of sequences). */
import { ValueError } from '../errors.js';
import { div, mul } from '../ops/elementwise.js';
import { sum } from '../ops/reduce.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import type { LossOptions } from './losses.js';

/** A 0/1 mask of the rows whose label is not `ignoreIndex`, or null when no row is ignored (the common case, kept on the annotated path). */
export function keptRows(labels: Tensor, ignoreIndex: number): Float64Array | null {
  const data = labels._data;
  let any = false;
  const kept = new Float64Array(data.length);
  for (let i = 0; i < data.length; i++) {
    if (data[i] === ignoreIndex) any = true;
    else kept[i] = 1;
  }
  return any ? kept : null;
}

/**
 * Cross-entropy with ignored rows, as PyTorch's ignore_index: those rows' losses are 0, and the
 * mean divides by the rows kept (NaN when every row is ignored, as PyTorch's).
 */
export function ignoredMean(op: string, labels: Tensor, kept: Float64Array, ignoreIndex: number, options: LossOptions, pick: (labels: Tensor, ignoreIndex?: number) => Tensor): Tensor {
  const safe = tensor(Int32Array.from(labels._data, (v, i) => (kept[i] === 1 ? v : 0)), { shape: labels.shape, dtype: 'int32' });
  // Checked with the original labels first, so a message names the value the caller gave.
  pick(labels, ignoreIndex);
  const picked = pick(safe);
  const masked = mul(picked, tensor(kept, { shape: picked.shape, dtype: picked.dtype }));
  const reduction = options.reduction ?? 'mean';
  if (reduction === 'none') return masked;
  if (reduction === 'sum') return sum(masked);
  if (reduction !== 'mean') throw new ValueError(`${op}: reduction must be 'mean', 'sum' or 'none', got '${String(reduction)}'`);
  let n = 0;
  for (const k of kept) n += k;
  return div(sum(masked), n);
}

