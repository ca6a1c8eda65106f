/**
 * The playground's whole configuration as a typed value, and its URL form. `parse` and
 * `serialize` are pure: a link reproduces a run (the seed is part of the state), and a malformed
 * or hostile hash falls back field by field to the defaults with notices saying what was dropped
 * (the page shows notices as text, never as markup).
 */

export const VIEWS = ['step', 'playground'] as const;
export type View = (typeof VIEWS)[number];

export const STEP_ACTIVATIONS = ['sigmoid', 'tanh', 'relu'] as const;
export type StepActivation = (typeof STEP_ACTIVATIONS)[number];

export const DATASETS = ['circles', 'xor', 'gaussian', 'spiral', 'moons', 'blobs', 'csv'] as const;
export type DatasetChoice = (typeof DATASETS)[number];

export const ACTIVATIONS = ['relu', 'tanh', 'sigmoid', 'linear'] as const;
export type Activation = (typeof ACTIVATIONS)[number];

export const OPTIMIZERS = ['sgd', 'momentum', 'adam', 'rmsprop'] as const;
export type OptimizerChoice = (typeof OPTIMIZERS)[number];

export const REGULARIZATIONS = ['none', 'l1', 'l2'] as const;
export type Regularization = (typeof REGULARIZATIONS)[number];

export const FEATURES = ['x', 'y', 'x2', 'y2', 'xy', 'sinx', 'siny'] as const;
export type Feature = (typeof FEATURES)[number];

export const EDGE_COLORS = ['weight', 'gradient'] as const;
export type EdgeColor = (typeof EDGE_COLORS)[number];

/** The step-by-step view: the reference tutorial's 1-1-1 network and one sample. */
export interface StepState {
  readonly x: number;
  readonly t: number;
  readonly w1: number;
  readonly b1: number;
  readonly w2: number;
  readonly b2: number;
  readonly lr: number;
  readonly activation: StepActivation;
  /** How many epochs "Run N epochs" runs. */
  readonly epochs: number;
}

/** The playground: data, network and training settings. */
export interface PlaygroundState {
  readonly dataset: DatasetChoice;
  /** Noise level, 0 to 0.5 (the standard deviation added to each coordinate, in units of the data's radius). */
  readonly noise: number;
  /** Percentage of the points used for training, 10 to 90. */
  readonly trainPercent: number;
  /** Number of points, 50 to 1000. */
  readonly points: number;
  /** Classes of the blobs dataset, 2 to 6. */
  readonly classes: number;
  /** Neurons in each hidden layer (0 to 6 layers of 1 to 8). */
  readonly hidden: readonly number[];
  readonly activation: Activation;
  readonly lr: number;
  readonly optimizer: OptimizerChoice;
  readonly batchSize: number;
  readonly regularization: Regularization;
  readonly regRate: number;
  readonly features: readonly Feature[];
  readonly edges: EdgeColor;
  /** Seeds the data and the initial weights. */
  readonly seed: number;
}

export interface AppState {
  readonly view: View;
  readonly step: StepState;
  readonly playground: PlaygroundState;
}

export const DEFAULT_STEP: StepState = { x: 0.5, t: 0.6, w1: 0.4, b1: 0.1, w2: 0.3, b2: 0.2, lr: 0.1, activation: 'sigmoid', epochs: 60 };

export const DEFAULT_PLAYGROUND: PlaygroundState = {
  dataset: 'circles',
  noise: 0.1,
  trainPercent: 50,
  points: 400,
  classes: 3,
  hidden: [4, 2],
  activation: 'tanh',
  lr: 0.03,
  optimizer: 'sgd',
  batchSize: 10,
  regularization: 'none',
  regRate: 0,
  features: ['x', 'y'],
  edges: 'weight',
  seed: 1,
};

export const DEFAULT_STATE: AppState = { view: 'step', step: DEFAULT_STEP, playground: DEFAULT_PLAYGROUND };

/** Limits of each numeric field, shared with the controls. */
export const LIMITS = {
  stepValue: { min: -100, max: 100 },
  lr: { min: 1e-5, max: 10 },
  epochs: { min: 1, max: 10000 },
  noise: { min: 0, max: 0.5 },
  trainPercent: { min: 10, max: 90 },
  points: { min: 50, max: 1000 },
  classes: { min: 2, max: 6 },
  layers: { min: 0, max: 6 },
  neurons: { min: 1, max: 8 },
  batchSize: { min: 1, max: 100 },
  regRate: { min: 0, max: 1 },
  seed: { min: 0, max: 2 ** 31 - 1 },
} as const;

export interface Parsed {
  readonly state: AppState;
  /** What was not understood and fell back to the default, in plain text. */
  readonly notices: readonly string[];
}

/** A value quoted for a notice: short, and only printable characters (shown as text anyway). */
function quote(value: string): string {
  const clean = value.replace(/[^\x20-\x7e]/g, '?');
  return JSON.stringify(clean.length > 40 ? `${clean.slice(0, 40)}…` : clean);
}

type Reader = {
  number(key: string, fallback: number, limits: { min: number; max: number }, integer?: boolean): number;
  choice<T extends string>(key: string, fallback: T, choices: readonly T[]): T;
};

/**
 * Reads a URL hash (`#view=playground&dataset=xor&hidden=4,2…`, with or without the '#') into a
 * state; what is missing takes the default, what is malformed takes the default with a notice.
 */
export function parse(hash: string): Parsed {
  const notices: string[] = [];
  const text = typeof hash === 'string' ? hash.replace(/^#/, '') : '';
  if (text.length > 4000) return { state: DEFAULT_STATE, notices: ['The link is too long to be a playground configuration; using the defaults.'] };
  let params: URLSearchParams;
  try {
    params = new URLSearchParams(text);
  } catch {
    return { state: DEFAULT_STATE, notices: ['The link could not be read; using the defaults.'] };
  }
  const seen = new Set<string>();
  const raw = (key: string): string | null => {
    seen.add(key);
    return params.get(key);
  };
  const read: Reader = {
    number(key, fallback, limits, integer = false) {
      const v = raw(key);
      if (v === null) return fallback;
      const n = v.trim() === '' ? NaN : Number(v);
      if (!Number.isFinite(n) || (integer && !Number.isInteger(n)) || n < limits.min || n > limits.max) {
        notices.push(`${key}=${quote(v)} is not ${integer ? 'an integer' : 'a number'} from ${limits.min} to ${limits.max}; using ${fallback}.`);
        return fallback;
      }
      return n;
    },
    choice(key, fallback, choices) {
      const v = raw(key);
      if (v === null) return fallback;
      if (!(choices as readonly string[]).includes(v)) {
        notices.push(`${key}=${quote(v)} is not one of ${choices.join(', ')}; using ${fallback}.`);
        return fallback;
      }
      return v as typeof fallback;
    },
  };
  const d = DEFAULT_PLAYGROUND;
  const s = DEFAULT_STEP;
  const view = read.choice('view', DEFAULT_STATE.view, VIEWS);
  const sv = LIMITS.stepValue;
  const step: StepState = {
    x: read.number('x', s.x, sv),
    t: read.number('t', s.t, sv),
    w1: read.number('w1', s.w1, sv),
    b1: read.number('b1', s.b1, sv),
    w2: read.number('w2', s.w2, sv),
    b2: read.number('b2', s.b2, sv),
    lr: read.number('steplr', s.lr, LIMITS.lr),
    activation: read.choice('stepact', s.activation, STEP_ACTIVATIONS),
    epochs: read.number('epochs', s.epochs, LIMITS.epochs, true),
  };
  let hidden = d.hidden;
  const hv = raw('hidden');
  if (hv !== null) {
    const parts = hv === '' ? [] : hv.split(',');
    const nums = parts.map((p) => (p.trim() === '' ? NaN : Number(p)));
    if (parts.length > LIMITS.layers.max || !nums.every((n) => Number.isInteger(n) && n >= LIMITS.neurons.min && n <= LIMITS.neurons.max)) {
      notices.push(`hidden=${quote(hv)} is not up to ${LIMITS.layers.max} layer sizes from ${LIMITS.neurons.min} to ${LIMITS.neurons.max}, comma-separated; using ${d.hidden.join(',')}.`);
    } else hidden = nums;
  }
  let features = d.features;
  const fv = raw('features');
  if (fv !== null) {
    const names = fv.split(',');
    const valid = names.every((f) => (FEATURES as readonly string[]).includes(f)) && new Set(names).size === names.length && names.length > 0;
    if (!valid) notices.push(`features=${quote(fv)} is not a list of distinct features from ${FEATURES.join(', ')}; using ${d.features.join(',')}.`);
    // The canonical order, whatever order the link gave.
    else features = FEATURES.filter((f) => names.includes(f));
  }
  let dataset = read.choice('dataset', d.dataset, DATASETS);
  if (dataset === 'csv') {
    notices.push('The link names uploaded CSV data, which a link cannot carry; upload the file again. Showing circles meanwhile.');
    dataset = 'circles';
  }
  const playground: PlaygroundState = {
    dataset,
    noise: read.number('noise', d.noise, LIMITS.noise),
    trainPercent: read.number('train', d.trainPercent, LIMITS.trainPercent, true),
    points: read.number('points', d.points, LIMITS.points, true),
    classes: read.number('classes', d.classes, LIMITS.classes, true),
    hidden,
    activation: read.choice('activation', d.activation, ACTIVATIONS),
    lr: read.number('lr', d.lr, LIMITS.lr),
    optimizer: read.choice('optimizer', d.optimizer, OPTIMIZERS),
    batchSize: read.number('batch', d.batchSize, LIMITS.batchSize, true),
    regularization: read.choice('reg', d.regularization, REGULARIZATIONS),
    regRate: read.number('regrate', d.regRate, LIMITS.regRate),
    features,
    edges: read.choice('edges', d.edges, EDGE_COLORS),
    seed: read.number('seed', d.seed, LIMITS.seed, true),
  };
  const unknown = [...new Set(params.keys())].filter((k) => !seen.has(k));
  if (unknown.length > 0) notices.push(`Ignored unknown setting${unknown.length === 1 ? '' : 's'}: ${unknown.slice(0, 5).map(quote).join(', ')}${unknown.length > 5 ? ', …' : ''}.`);
  return { state: { view, step, playground }, notices };
}

/** Numbers as short as they read back exactly. */
function num(n: number): string {
  return String(n);
}

/** The hash (without '#') of a state; `parse(serialize(s))` gives `s` back. CSV data is not carried. */
export function serialize(state: AppState): string {
  const { step: s, playground: p } = state;
  const params = new URLSearchParams();
  params.set('view', state.view);
  params.set('x', num(s.x));
  params.set('t', num(s.t));
  params.set('w1', num(s.w1));
  params.set('b1', num(s.b1));
  params.set('w2', num(s.w2));
  params.set('b2', num(s.b2));
  params.set('steplr', num(s.lr));
  params.set('stepact', s.activation);
  params.set('epochs', num(s.epochs));
  params.set('dataset', p.dataset);
  params.set('noise', num(p.noise));
  params.set('train', num(p.trainPercent));
  params.set('points', num(p.points));
  params.set('classes', num(p.classes));
  params.set('hidden', p.hidden.join(','));
  params.set('activation', p.activation);
  params.set('lr', num(p.lr));
  params.set('optimizer', p.optimizer);
  params.set('batch', num(p.batchSize));
  params.set('reg', p.regularization);
  params.set('regrate', num(p.regRate));
  params.set('features', p.features.join(','));
  params.set('edges', p.edges);
  params.set('seed', num(p.seed));
  // Commas are safe in a fragment and read better than %2C.
  return params.toString().replaceAll('%2C', ',');
}
