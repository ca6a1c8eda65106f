/** Drawing category indices from weights: torch.multinomial, seeded through chainrule's Generator. */
import { DTypeError, ShapeError, ValueError } from '../errors.js';
import { isFloating } from '../tensor/dtype.js';
import { getDefaultGenerator, Generator } from '../random/generator.js';
import { tensor } from '../tensor/create.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { boolOption, intOption, optionsOf, tensorArg } from './indexArgs.js';

/** multinomial's options. */
export interface MultinomialOptions {
  /** Draw with replacement (default false: each category at most once per row). */
  readonly replacement?: boolean;
  /** The generator to draw from; default: the one seeded by `manualSeed`. */
  readonly generator?: Generator;
}

/** Index of the first category whose running total exceeds u (categories of weight 0 are never chosen: their total equals the previous one). */
function pick(cdf: Float64Array, u: number): number {
  let lo = 0;
  let hi = cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (cdf[mid]! > u) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}

function runningTotals(weights: Float64Array): Float64Array {
  const cdf = new Float64Array(weights.length);
  let acc = 0;
  weights.forEach((w, i) => {
    acc += w;
    cdf[i] = acc;
  });
  return cdf;
}

/**
 * Draws `numSamples` category indices per row of `probs` (1-D, or 2-D: one distribution per row),
 * as torch.multinomial: the weights need not sum to 1 but must be finite and non-negative with a
 * positive sum. Without replacement a row gives distinct categories (numSamples at most its number
 * of non-zero weights). int32 indices; the same generator state gives the same samples.
 * @example multinomial(tensor([0, 1, 3]), 4, { replacement: true, generator: new Generator(7) }) // 4 draws from {1, 2}
 */
export function multinomial(probs: Tensor, numSamples: number, options?: MultinomialOptions): Tensor {
  tensorArg('multinomial', probs, 'probs');
  const o = optionsOf('multinomial', options, ['replacement', 'generator']);
  const replacement = boolOption('multinomial', o, 'replacement', false);
  const generator = o['generator'] ?? getDefaultGenerator();
  if (!(generator instanceof Generator)) throw new ValueError('multinomial: generator must be a chainrule Generator');
  if (!isFloating(probs.dtype)) throw new DTypeError(`multinomial: probs must be float32 or float64, got ${probs.dtype}`);
  if (probs.ndim !== 1 && probs.ndim !== 2) throw new ShapeError(`multinomial: probs must be 1-D or 2-D, got shape ${formatShape(probs.shape)}`);
  const n = intOption('multinomial', numSamples, 'numSamples');
  if (n <= 0) throw new ValueError(`multinomial: numSamples must be positive, got ${n}`);
  const categories = probs.shape[probs.ndim - 1] ?? 0;
  const rows = probs.ndim === 1 ? 1 : (probs.shape[0] ?? 0);
  if (categories === 0) throw new ShapeError(`multinomial: probs ${formatShape(probs.shape)} has no categories`);
  if (!replacement && n > categories) {
    throw new ValueError(`multinomial: cannot draw ${n} samples from ${categories} categories without replacement; pass { replacement: true } or ask for at most ${categories}`);
  }
  const data = probs.data();
  const out = new Int32Array(rows * n);
  for (let r = 0; r < rows; r++) {
    const weights = Float64Array.from(data.subarray(r * categories, (r + 1) * categories));
    let positive = 0;
    for (const w of weights) {
      if (!Number.isFinite(w) || w < 0) throw new ValueError(`multinomial: row ${r} of probs holds ${w}; weights must be finite and non-negative`);
      if (w > 0) positive++;
    }
    if (positive === 0) throw new ValueError(`multinomial: row ${r} of probs sums to 0; at least one weight must be positive`);
    if (!replacement && n > positive) {
      throw new ValueError(`multinomial: row ${r} of probs has ${positive} non-zero weights, too few to draw ${n} distinct categories without replacement`);
    }
    let cdf = runningTotals(weights);
    for (let s = 0; s < n; s++) {
      let k = pick(cdf, generator.uniform() * cdf[categories - 1]!);
      // u·total can round up to total, where pick ends on the last category even if its weight is 0.
      while (weights[k] === 0 && k > 0) k--;
      out[r * n + s] = k;
      if (!replacement) {
        // Drawn categories leave the row: the next draw is from the rest, renormalised.
        weights[k] = 0;
        cdf = runningTotals(weights);
      }
    }
  }
  return tensor(out, { dtype: 'int32', shape: probs.ndim === 1 ? [n] : [rows, n] });
}
