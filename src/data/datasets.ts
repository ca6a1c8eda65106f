/**
 * Built-in datasets: the tutorial's single sample, and seeded two-dimensional toy problems
 * (xor, circles, moons, spirals, blobs) in the shapes every trainer here expects.
 *
 * Target conventions, the same for every dataset (and what `inferTask` in src/train reads):
 * - two classes: `y` is float [N, 1] holding 0 or 1 (for a sigmoid / binary cross-entropy);
 * - three or more classes: `y` is int32 [N] holding labels 0..K−1 (for cross-entropy);
 * - regression (the tutorial): `y` is float [N, 1].
 * Inputs `x` are float [N, features], float32 unless `dtype: 'float64'` is asked for.
 * Classification datasets set `dataset.classes` to the label names '0', '1', ….
 *
 * Defaults: n = 200, seed = 0, noise = DEFAULT_NOISE[name] (scikit-learn's default is no noise).
 * Every random number comes from one `Generator` seeded with `seed`, so the same options give
 * the same data on every platform. Noise is Gaussian with standard deviation `noise`, added to
 * each coordinate after the clean points are placed and shuffled (as scikit-learn does).
 */
import { ValueError } from '../errors.js';
import { MAX_DATASET_ELEMENTS, MAX_SAMPLES } from '../limits.js';
import { Generator } from '../random/generator.js';
import { tensor } from '../tensor/create.js';
import { TensorDataset, permutation } from './dataset.js';
import { digits, type DigitsOptions } from './digits.js';

/** The float dtypes a dataset can be made in. */
export type FloatDType = 'float32' | 'float64';

export interface TutorialOptions {
  /** Element type of x and y (default float32). */
  readonly dtype?: FloatDType | undefined;
}

export interface SyntheticOptions {
  /** Number of samples (default 200). */
  readonly n?: number | undefined;
  /** Standard deviation of the Gaussian noise added to each coordinate (default per dataset). */
  readonly noise?: number | undefined;
  /** Seed of the generator (default 0). */
  readonly seed?: number | undefined;
  /** Element type of x, and of y for binary targets (default float32). */
  readonly dtype?: FloatDType | undefined;
}

export interface CirclesOptions extends SyntheticOptions {
  /** Radius of the inner circle relative to the outer one, in (0, 1) (default 0.5; scikit-learn's is 0.8). */
  readonly factor?: number | undefined;
}

export interface SpiralsOptions extends SyntheticOptions {
  /** Number of spiral arms, one class each (default 2). */
  readonly classes?: number | undefined;
}

export interface BlobsOptions extends SyntheticOptions {
  /** Number of clusters, one class each (default 3, or the number of `centers`). */
  readonly classes?: number | undefined;
  /** Cluster centres, one per class, all of one length (the number of features). Default: `classes` points evenly spaced on the unit circle. */
  readonly centers?: readonly (readonly number[])[] | undefined;
}

const DEFAULT_N = 200;

/** The default `noise` of each synthetic dataset. */
export const DEFAULT_NOISE = {
  xor: 0.05,
  circles: 0.05,
  moons: 0.1,
  spirals: 0.05,
  blobs: 0.25,
} as const satisfies Record<string, number>;

/**
 * The one-sample regression problem of the tutorial: x = 0.5, target t = 0.6.
 * @example
 * const ds = tutorial();
 * ds.x.toArray(); // [[0.5]]
 * ds.y.toArray(); // [[0.6]] in float32, i.e. 0.6000000238418579
 */
export function tutorial(options: TutorialOptions = {}): TensorDataset {
  const dtype = floatDType('tutorial', options.dtype);
  return new TensorDataset(tensor([[0.5]], { dtype }), tensor([[0.6]], { dtype }));
}

/**
 * Points in the four quadrants of [−1, 1]², labelled 1 where the signs of the coordinates differ (the XOR of "x > 0" and "y > 0"), 0 elsewhere; balanced classes.
 * @example
 * const ds = xor({ n: 100, noise: 0.1, seed: 1 });
 * ds.x.shape; // [100, 2]
 * ds.y.shape; // [100, 1]
 */
export function xor(options: SyntheticOptions = {}): TensorDataset {
  const { n, noise, dtype, g } = common('xor', options, DEFAULT_NOISE.xor);
  // Each quadrant in turn, so both classes get n/2 points; coordinates keep 0.1 away from the
  // axes (as the TensorFlow Playground's padding does) so the noiseless classes are separable.
  const signs = [
    [1, 1],
    [1, -1],
    [-1, -1],
    [-1, 1],
  ] as const;
  const xs = new Float64Array(2 * n);
  const ys = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const [sx, sy] = signs[i % 4]!;
    xs[2 * i] = sx * (0.1 + 0.9 * g.uniform());
    xs[2 * i + 1] = sy * (0.1 + 0.9 * g.uniform());
    ys[i] = sx * sy < 0 ? 1 : 0;
  }
  return finishBinary(xs, ys, 2, noise, g, dtype);
}

/**
 * Two concentric circles, as scikit-learn's make_circles: class 0 on the outer circle (radius 1), class 1 on the inner one (radius `factor`), evenly spaced in angle, n/2 each.
 * @example
 * const ds = circles({ n: 100, noise: 0.05, factor: 0.5, seed: 0 });
 * ds.x.shape; // [100, 2]
 */
export function circles(options: CirclesOptions = {}): TensorDataset {
  const { n, noise, dtype, g } = common('circles', options, DEFAULT_NOISE.circles);
  const factor = options.factor ?? 0.5;
  if (!(factor > 0 && factor < 1)) throw new ValueError(`circles: factor must be in (0, 1), got ${factor}`);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const xs = new Float64Array(2 * n);
  const ys = new Float64Array(n);
  // np.linspace(0, 2π, m, endpoint=False): angle 2πk/m.
  for (let k = 0; k < nOut; k++) {
    const t = (2 * Math.PI * k) / nOut;
    xs[2 * k] = Math.cos(t);
    xs[2 * k + 1] = Math.sin(t);
    ys[k] = 0;
  }
  for (let k = 0; k < nIn; k++) {
    const t = (2 * Math.PI * k) / nIn;
    const i = nOut + k;
    xs[2 * i] = factor * Math.cos(t);
    xs[2 * i + 1] = factor * Math.sin(t);
    ys[i] = 1;
  }
  return finishBinary(xs, ys, 2, noise, g, dtype);
}

/**
 * Two interleaving half circles, as scikit-learn's make_moons: class 0 on the upper arc centred at (0, 0), class 1 on the lower arc centred at (1, 0.5), both of radius 1, n/2 each.
 * @example
 * const ds = moons({ n: 100, noise: 0.1, seed: 0 });
 * ds.y.shape; // [100, 1]
 */
export function moons(options: SyntheticOptions = {}): TensorDataset {
  const { n, noise, dtype, g } = common('moons', options, DEFAULT_NOISE.moons);
  const nOut = Math.floor(n / 2);
  const nIn = n - nOut;
  const xs = new Float64Array(2 * n);
  const ys = new Float64Array(n);
  // np.linspace(0, π, m) includes both ends.
  const angle = (k: number, m: number): number => (m === 1 ? 0 : (Math.PI * k) / (m - 1));
  for (let k = 0; k < nOut; k++) {
    const t = angle(k, nOut);
    xs[2 * k] = Math.cos(t);
    xs[2 * k + 1] = Math.sin(t);
    ys[k] = 0;
  }
  for (let k = 0; k < nIn; k++) {
    const t = angle(k, nIn);
    const i = nOut + k;
    xs[2 * i] = 1 - Math.cos(t);
    xs[2 * i + 1] = 1 - Math.sin(t) - 0.5;
    ys[i] = 1;
  }
  return finishBinary(xs, ys, 2, noise, g, dtype);
}

/**
 * Interleaved spiral arms, one class each, as the TensorFlow Playground's spiral scaled to radius 1: point i of an arm of m points lies at radius i/m and angle 1.75·2π·i/m + 2πk/classes for arm k.
 * @example
 * const two = spirals({ n: 100, seed: 0 });             // y: float32 [100, 1]
 * const three = spirals({ n: 90, classes: 3, seed: 0 }); // y: int32 [90]
 */
export function spirals(options: SpiralsOptions = {}): TensorDataset {
  const { n, noise, dtype, g } = common('spirals', options, DEFAULT_NOISE.spirals);
  const classes = classCount('spirals', options.classes ?? 2, n);
  const xs = new Float64Array(2 * n);
  const ys = new Float64Array(n);
  let i = 0;
  for (let k = 0; k < classes; k++) {
    const m = perClass(n, classes, k);
    const delta = (2 * Math.PI * k) / classes;
    for (let j = 0; j < m; j++, i++) {
      const r = j / m;
      const t = (1.75 * 2 * Math.PI * j) / m + delta;
      xs[2 * i] = r * Math.sin(t);
      xs[2 * i + 1] = r * Math.cos(t);
      ys[i] = k;
    }
  }
  return finishClasses(xs, ys, 2, classes, noise, g, dtype);
}

/**
 * Gaussian clusters, one class each, as scikit-learn's make_blobs: each point is its class centre plus Gaussian noise of standard deviation `noise`; n/classes points per class.
 * @example
 * const ds = blobs({ n: 150, classes: 3, noise: 0.2, seed: 0 });
 * ds.y.dtype; // 'int32'
 * const custom = blobs({ n: 4, centers: [[0, 0, 0], [5, 5, 5]], noise: 0 }); // 3 features, binary y
 */
export function blobs(options: BlobsOptions = {}): TensorDataset {
  const { n, noise, dtype, g } = common('blobs', options, DEFAULT_NOISE.blobs);
  let centers: readonly (readonly number[])[];
  if (options.centers !== undefined) {
    centers = options.centers;
    if (options.classes !== undefined && options.classes !== centers.length) {
      throw new ValueError(`blobs: classes is ${options.classes} but ${centers.length} centers were given; pass one or make them agree`);
    }
    classCount('blobs', centers.length, n);
    const dims = centers[0]?.length ?? 0;
    centers.forEach((c, k) => {
      if (c.length !== dims || dims === 0) {
        throw new ValueError(`blobs: every center needs the same number of coordinates (at least 1); center 0 has ${dims}, center ${k} has ${c.length}`);
      }
      if (!c.every(Number.isFinite)) throw new ValueError(`blobs: center ${k} holds a value that is not a finite number: [${c.join(', ')}]`);
    });
  } else {
    const classes = classCount('blobs', options.classes ?? 3, n);
    centers = Array.from({ length: classes }, (_, k) => [Math.cos((2 * Math.PI * k) / classes), Math.sin((2 * Math.PI * k) / classes)]);
  }
  const classes = centers.length;
  const features = centers[0]!.length;
  // Checked before the coordinates are allocated: a typed array of n × features would throw a raw RangeError.
  if (n * features > MAX_DATASET_ELEMENTS) {
    throw new ValueError(
      `blobs: n × features = ${n} × ${features} values is over the limit of ${MAX_DATASET_ELEMENTS.toLocaleString('en-US')} (MAX_DATASET_ELEMENTS); use fewer samples or shorter centers`,
    );
  }
  const xs = new Float64Array(features * n);
  const ys = new Float64Array(n);
  let i = 0;
  for (let k = 0; k < classes; k++) {
    const center = centers[k]!;
    for (let j = perClass(n, classes, k); j > 0; j--, i++) {
      for (let f = 0; f < features; f++) xs[features * i + f] = center[f]!;
      ys[i] = k;
    }
  }
  return finishClasses(xs, ys, features, classes, noise, g, dtype);
}

// ---------------------------------------------------------------------------------------------
// Loading by name (for the CLI).

/** The names `loadDataset` accepts. */
export const DATASET_NAMES = ['tutorial', 'xor', 'circles', 'moons', 'spirals', 'blobs', 'digits'] as const;

export type DatasetName = (typeof DATASET_NAMES)[number];

/** The options of every built-in dataset together; `loadDataset` rejects those its dataset does not take. */
export interface LoadDatasetOptions {
  readonly n?: number | undefined;
  readonly noise?: number | undefined;
  readonly seed?: number | undefined;
  readonly dtype?: FloatDType | undefined;
  readonly factor?: number | undefined;
  readonly classes?: number | undefined;
  readonly centers?: readonly (readonly number[])[] | undefined;
  readonly split?: DigitsOptions['split'] | undefined;
  readonly limit?: number | undefined;
}

const ACCEPTED: Record<DatasetName, readonly (keyof LoadDatasetOptions)[]> = {
  tutorial: ['dtype'],
  xor: ['n', 'noise', 'seed', 'dtype'],
  circles: ['n', 'noise', 'seed', 'dtype', 'factor'],
  moons: ['n', 'noise', 'seed', 'dtype'],
  spirals: ['n', 'noise', 'seed', 'dtype', 'classes'],
  blobs: ['n', 'noise', 'seed', 'dtype', 'classes', 'centers'],
  digits: ['split', 'limit'],
};

/** Whether `name` is one of DATASET_NAMES. */
export function isDatasetName(name: string): name is DatasetName {
  return (DATASET_NAMES as readonly string[]).includes(name);
}

/**
 * A built-in dataset by name, as the CLI's `--data` picks it; options that are undefined are ignored, others the dataset does not take are an error.
 * @example
 * const ds = loadDataset('moons', { n: 50, noise: 0.1, seed: 3 });
 * ds.length; // 50
 * loadDataset('moon'); // throws ValueError
 */
export function loadDataset(name: string, options: LoadDatasetOptions = {}): TensorDataset {
  if (!isDatasetName(name)) {
    throw new ValueError(`loadDataset: unknown dataset '${name}'; the built-in datasets are ${DATASET_NAMES.join(', ')}`);
  }
  const accepted = ACCEPTED[name];
  for (const [key, value] of Object.entries(options)) {
    if (value === undefined) continue;
    if (!(accepted as readonly string[]).includes(key)) {
      const takes = accepted.length === 0 ? 'no options' : accepted.join(', ');
      throw new ValueError(`loadDataset: dataset '${name}' does not take the option '${key}'; it takes ${takes}`);
    }
  }
  // Every option left was checked above to belong to this dataset.
  switch (name) {
    case 'tutorial':
      return tutorial(options);
    case 'xor':
      return xor(options);
    case 'circles':
      return circles(options);
    case 'moons':
      return moons(options);
    case 'spirals':
      return spirals(options);
    case 'blobs':
      return blobs(options);
    case 'digits':
      return digits(options);
  }
}

// ---------------------------------------------------------------------------------------------
// Shared construction.

function floatDType(op: string, dtype: FloatDType | undefined): FloatDType {
  const d = dtype ?? 'float32';
  if (d !== 'float32' && d !== 'float64') throw new ValueError(`${op}: dtype must be 'float32' or 'float64', got '${String(d)}'`);
  return d;
}

function common(op: string, options: SyntheticOptions, defaultNoise: number): { n: number; noise: number; dtype: FloatDType; g: Generator } {
  const n = options.n ?? DEFAULT_N;
  if (!Number.isInteger(n) || n < 1 || n > MAX_SAMPLES) {
    throw new ValueError(`${op}: n (the number of samples) must be an integer from 1 to ${MAX_SAMPLES.toLocaleString('en-US')} (MAX_SAMPLES), got ${n}`);
  }
  const noise = options.noise ?? defaultNoise;
  if (!(noise >= 0) || !Number.isFinite(noise)) throw new ValueError(`${op}: noise (a standard deviation) must be a finite number ≥ 0, got ${noise}`);
  const seed = options.seed ?? 0;
  if (!Number.isSafeInteger(seed)) throw new ValueError(`${op}: seed must be a safe integer, got ${seed}`);
  return { n, noise, dtype: floatDType(op, options.dtype), g: new Generator(seed) };
}

function classCount(op: string, classes: number, n: number): number {
  if (!Number.isInteger(classes) || classes < 2) throw new ValueError(`${op}: classes must be an integer ≥ 2, got ${classes}`);
  // Also what keeps a huge count from allocating a name per class before anything else.
  if (classes > n) throw new ValueError(`${op}: classes (${classes}) is more than n (${n}), the number of samples; every class needs at least one`);
  return classes;
}

/** Samples of class k when n are shared among `classes`: the first n mod classes get one more. */
function perClass(n: number, classes: number, k: number): number {
  return Math.floor(n / classes) + (k < n % classes ? 1 : 0);
}

/** Shuffles the rows (x with `features` columns, y alongside), then adds the noise to x. */
function shuffleAndNoise(xs: Float64Array, ys: Float64Array, features: number, noise: number, g: Generator): [Float64Array, Float64Array] {
  const n = ys.length;
  const order = permutation(n, g);
  const x = new Float64Array(xs.length);
  const y = new Float64Array(n);
  order.forEach((from, to) => {
    y[to] = ys[from]!;
    for (let f = 0; f < features; f++) x[features * to + f] = xs[features * from + f]!;
  });
  if (noise > 0) for (let i = 0; i < x.length; i++) x[i] = x[i]! + noise * g.normal();
  return [x, y];
}

function finishBinary(xs: Float64Array, ys: Float64Array, features: number, noise: number, g: Generator, dtype: FloatDType): TensorDataset {
  return finishClasses(xs, ys, features, 2, noise, g, dtype);
}

function finishClasses(xs: Float64Array, ys: Float64Array, features: number, classes: number, noise: number, g: Generator, dtype: FloatDType): TensorDataset {
  const [x, y] = shuffleAndNoise(xs, ys, features, noise, g);
  const n = y.length;
  const names = Array.from({ length: classes }, (_, k) => String(k));
  const xt = tensor(x, { shape: [n, features], dtype });
  const yt = classes === 2 ? tensor(y, { shape: [n, 1], dtype }) : tensor(Int32Array.from(y), { shape: [n] });
  return new TensorDataset(xt, yt, names);
}
