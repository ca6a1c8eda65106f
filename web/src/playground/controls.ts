/**
 * The playground's controls: the data column (dataset, noise, split, points, classes, seed, CSV
 * upload) and the network column's settings (features, hidden layers, activation, learning rate,
 * optimizer, batch size, regularization, edge colouring). Each change goes to `commit`.
 */
import { el } from '../dom.js';
import { ACTIVATIONS, DATASETS, FEATURES, LIMITS, OPTIMIZERS, REGULARIZATIONS, type DatasetChoice, type Feature, type PlaygroundState } from '../state.js';
import type { CsvUpload } from './protocol.js';
import { MAX_CSV_BYTES, MAX_ROWS, count } from './rows.js';

const DATASET_LABELS: Record<DatasetChoice, string> = {
  circles: 'Circles',
  xor: 'Exclusive or',
  gaussian: 'Gaussian',
  spiral: 'Spiral',
  moons: 'Moons',
  blobs: 'Blobs (multiclass)',
  csv: 'Uploaded CSV',
};
const FEATURE_LABELS: Record<Feature, string> = { x: 'x', y: 'y', x2: 'x²', y2: 'y²', xy: 'xy', sinx: 'sin x', siny: 'sin y' };
const LEARNING_RATES = [0.00001, 0.0001, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1, 3, 10];
const REG_RATES = [0, 0.001, 0.003, 0.01, 0.03, 0.1, 0.3, 1];

function field(label: string, control: HTMLElement, id: string): HTMLElement {
  control.id = id;
  const wrap = el('div', { class: 'pg-field' });
  wrap.append(el('label', { for: id }, label), control);
  return wrap;
}

/** A slider with its value shown beside the label (and announced: the output is tied to it). */
function rangeField(label: string, input: HTMLInputElement, id: string, show: (v: number) => string): HTMLElement {
  const wrap = field(label, input, id);
  const out = el('output', { for: id, class: 'pg-range-value' }, show(Number(input.value)));
  wrap.querySelector('label')!.append(' ', out);
  input.addEventListener('input', () => (out.textContent = show(Number(input.value))));
  return wrap;
}

function select<T extends string | number>(options: readonly T[], value: T, text: (v: T) => string = String): HTMLSelectElement {
  const s = el('select');
  for (const o of options) {
    const opt = el('option', { value: String(o) }, text(o));
    if (o === value) opt.selected = true;
    s.append(opt);
  }
  return s;
}

/** What the controls ask of the view. */
export interface ControlHandlers {
  /** The configuration now. */
  state(): PlaygroundState;
  /** Applies a change; `rebuild` (the default) rebuilds the data and network. */
  commit(change: Partial<PlaygroundState>, rebuild?: boolean): void;
  /** A setting that cannot be applied, said in the error box. */
  error(text: string): void;
  /** A CSV file was read: trains on it. */
  uploaded(file: CsvUpload): void;
  hasCsv(): boolean;
  /** Show test data was toggled: the output is drawn again. */
  redraw(): void;
}

export interface DataControls {
  readonly dataset: HTMLSelectElement;
  readonly classesField: HTMLElement;
  readonly csvError: HTMLElement;
  readonly showTest: HTMLInputElement;
}

export function mountDataControls(dataCol: HTMLElement, h: ControlHandlers): DataControls {
  const state = h.state();
  dataCol.append(el('h2', {}, 'Data'));
  const dataset = select(DATASETS, state.dataset, (d) => DATASET_LABELS[d]);
  dataCol.append(field('Dataset', dataset, 'pg-dataset'));
  const noise = el('input', { type: 'range', min: String(LIMITS.noise.min), max: String(LIMITS.noise.max), step: '0.05', value: String(state.noise) });
  dataCol.append(rangeField('Noise', noise, 'pg-noise', (v) => v.toFixed(2)));
  const train = el('input', { type: 'range', min: String(LIMITS.trainPercent.min), max: String(LIMITS.trainPercent.max), step: '10', value: String(state.trainPercent) });
  dataCol.append(rangeField('Training data', train, 'pg-train', (v) => `${v}%`));
  const points = el('input', { type: 'number', min: String(LIMITS.points.min), max: String(LIMITS.points.max), step: '50', value: String(state.points) });
  dataCol.append(field('Points', points, 'pg-points'));
  const classes = el('input', { type: 'number', min: String(LIMITS.classes.min), max: String(LIMITS.classes.max), step: '1', value: String(state.classes) });
  const classesField = field('Classes (blobs)', classes, 'pg-classes');
  dataCol.append(classesField);
  const seed = el('input', { type: 'number', min: '0', max: String(LIMITS.seed.max), step: '1', value: String(state.seed) });
  dataCol.append(field('Seed', seed, 'pg-seed'));
  const upload = el('input', { type: 'file', accept: '.csv,text/csv' });
  dataCol.append(field('Upload CSV (x, y, label)', upload, 'pg-csv'));
  const csvError = el('p', { id: 'pg-csv-error', class: 'pg-error', role: 'alert' });
  csvError.hidden = true;
  dataCol.append(csvError);
  const showTest = el('input', { type: 'checkbox' });
  const showTestField = el('div', { class: 'pg-check' });
  showTest.id = 'pg-show-test';
  showTestField.append(showTest, el('label', { for: 'pg-show-test' }, 'Show test data'));
  dataCol.append(showTestField);

  numberInput(points, 'points', LIMITS.points, h);
  numberInput(classes, 'classes', LIMITS.classes, h);
  numberInput(seed, 'seed', LIMITS.seed, h);
  dataset.addEventListener('change', () => {
    const d = dataset.value as DatasetChoice;
    if (d === 'csv' && !h.hasCsv()) {
      csvError.textContent = 'Choose a CSV file with Upload CSV first (columns x, y, label).';
      csvError.hidden = false;
      dataset.value = h.state().dataset;
      return;
    }
    h.commit({ dataset: d });
  });
  noise.addEventListener('change', () => h.commit({ noise: Number(noise.value) }));
  train.addEventListener('change', () => h.commit({ trainPercent: Number(train.value) }));
  showTest.addEventListener('change', () => h.redraw());
  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (file === undefined) return;
    if (file.size > MAX_CSV_BYTES) {
      upload.value = '';
      csvError.textContent = `${file.name}: the file is ${(file.size / 2 ** 20).toFixed(1)} MB; the playground reads CSV files of at most ${MAX_CSV_BYTES / 2 ** 20} MB (its first ${count(MAX_ROWS)} rows are trained on)`;
      csvError.hidden = false;
      return;
    }
    const text = await file.text();
    // Cleared, so choosing the same (corrected) file again fires another change.
    upload.value = '';
    csvError.hidden = true;
    h.uploaded({ name: file.name, text });
  });
  return { dataset, classesField, csvError, showTest };
}

/** A whole-number field: applied when it is within its limits, else said in the error box. */
function numberInput(input: HTMLInputElement, key: 'points' | 'classes' | 'batchSize' | 'seed', limits: { min: number; max: number }, h: ControlHandlers): void {
  input.addEventListener('change', () => {
    const v = Number(input.value);
    const ok = input.value.trim() !== '' && Number.isInteger(v) && v >= limits.min && v <= limits.max;
    input.setAttribute('aria-invalid', String(!ok));
    if (!ok) {
      h.error(`${input.labels?.[0]?.textContent ?? key} must be a whole number from ${limits.min} to ${limits.max}`);
      return;
    }
    h.commit({ [key]: v });
  });
}

/** The network column's settings; returns the box the hidden layers are drawn in (`layerControls`). */
export function mountNetworkControls(netCol: HTMLElement, h: ControlHandlers): HTMLElement {
  const state = h.state();
  netCol.append(el('h2', {}, 'Network'));
  const featureSet = el('fieldset', { class: 'pg-features' });
  featureSet.append(el('legend', {}, 'Input features'));
  const featureBoxes = FEATURES.map((f) => {
    const box = el('input', { type: 'checkbox', id: `pg-feature-${f}`, value: f });
    box.checked = state.features.includes(f);
    const wrap = el('span', { class: 'pg-check' });
    wrap.append(box, el('label', { for: `pg-feature-${f}` }, FEATURE_LABELS[f]));
    featureSet.append(wrap);
    return box;
  });
  netCol.append(featureSet);
  const layersBox = el('div', { class: 'pg-layers', role: 'group', 'aria-label': 'Hidden layers' });
  netCol.append(layersBox);
  const settings = el('div', { class: 'pg-settings' });
  const activation = select(ACTIVATIONS, state.activation, (a) => (a === 'relu' ? 'ReLU' : a === 'tanh' ? 'Tanh' : a === 'sigmoid' ? 'Sigmoid' : 'Linear'));
  const lr = select(LEARNING_RATES.includes(state.lr) ? LEARNING_RATES : [...LEARNING_RATES, state.lr].sort((a, b) => a - b), state.lr);
  const optimizer = select(OPTIMIZERS, state.optimizer, (o) => ({ sgd: 'SGD', momentum: 'SGD + momentum 0.9', adam: 'Adam', rmsprop: 'RMSprop' })[o]);
  const batch = el('input', { type: 'number', min: String(LIMITS.batchSize.min), max: String(LIMITS.batchSize.max), step: '1', value: String(state.batchSize) });
  const reg = select(REGULARIZATIONS, state.regularization, (r) => (r === 'none' ? 'None' : r.toUpperCase()));
  const regRate = select(REG_RATES.includes(state.regRate) ? REG_RATES : [...REG_RATES, state.regRate].sort((a, b) => a - b), state.regRate);
  settings.append(
    field('Activation', activation, 'pg-activation'),
    field('Learning rate', lr, 'pg-lr'),
    field('Optimizer', optimizer, 'pg-optimizer'),
    field('Batch size', batch, 'pg-batch'),
    field('Regularization', reg, 'pg-reg'),
    field('Regularization rate', regRate, 'pg-regrate'),
  );
  netCol.append(settings);
  const edgeToggle = el('div', { class: 'pg-edges', role: 'radiogroup', 'aria-label': 'Colour edges by' });
  for (const by of ['weight', 'gradient'] as const) {
    const r = el('input', { type: 'radio', name: 'pg-edges', id: `pg-edges-${by}`, value: by });
    r.checked = state.edges === by;
    r.addEventListener('change', () => r.checked && h.commit({ edges: by }, false));
    edgeToggle.append(r, el('label', { for: `pg-edges-${by}` }, `Edges by ${by}`));
  }
  netCol.append(edgeToggle);
  for (const box of featureBoxes) {
    box.addEventListener('change', () => {
      const chosen = FEATURES.filter((f, i) => featureBoxes[i]!.checked);
      if (chosen.length === 0) {
        box.checked = true;
        h.error('Keep at least one input feature.');
        return;
      }
      h.commit({ features: chosen });
    });
  }
  numberInput(batch, 'batchSize', LIMITS.batchSize, h);
  activation.addEventListener('change', () => h.commit({ activation: activation.value as PlaygroundState['activation'] }));
  lr.addEventListener('change', () => h.commit({ lr: Number(lr.value) }));
  optimizer.addEventListener('change', () => h.commit({ optimizer: optimizer.value as PlaygroundState['optimizer'] }));
  reg.addEventListener('change', () => h.commit({ regularization: reg.value as PlaygroundState['regularization'] }));
  regRate.addEventListener('change', () => h.commit({ regRate: Number(regRate.value) }));
  return layersBox;
}

/** The hidden layers with their + and − buttons, rebuilt on each change. */
export function layerControls(layersBox: HTMLElement, hidden: readonly number[], commit: (change: Partial<PlaygroundState>) => void): void {
  // The buttons are rebuilt: a keyboard user's focus goes back to the same button (or its neighbour when that one is now disabled).
  const active = document.activeElement;
  const focused = active instanceof HTMLButtonElement && layersBox.contains(active) ? active.getAttribute('aria-label') : null;
  layersBox.replaceChildren();
  const head = el('div', { class: 'pg-layers-head' });
  const add = el('button', { type: 'button', id: 'pg-add-layer', 'aria-label': 'Add a hidden layer' }, '+ layer');
  const remove = el('button', { type: 'button', id: 'pg-remove-layer', 'aria-label': 'Remove the last hidden layer' }, '− layer');
  add.disabled = hidden.length >= LIMITS.layers.max;
  remove.disabled = hidden.length === 0;
  add.addEventListener('click', () => commit({ hidden: [...hidden, 2] }));
  remove.addEventListener('click', () => commit({ hidden: hidden.slice(0, -1) }));
  head.append(el('span', { id: 'pg-layer-count' }, `${hidden.length} hidden layer${hidden.length === 1 ? '' : 's'}`), add, remove);
  layersBox.append(head);
  hidden.forEach((n, i) => {
    const row = el('div', { class: 'pg-layer' });
    const minus = el('button', { type: 'button', 'aria-label': `Remove a neuron from hidden layer ${i + 1}` }, '−');
    const plus = el('button', { type: 'button', 'aria-label': `Add a neuron to hidden layer ${i + 1}` }, '+');
    minus.disabled = n <= LIMITS.neurons.min;
    plus.disabled = n >= LIMITS.neurons.max;
    const set = (m: number) => commit({ hidden: hidden.map((h, k) => (k === i ? m : h)) });
    minus.addEventListener('click', () => set(n - 1));
    plus.addEventListener('click', () => set(n + 1));
    row.append(el('span', {}, `Layer ${i + 1}: `), minus, el('output', { 'data-layer': String(i) }, `${n} neuron${n === 1 ? '' : 's'}`), plus);
    layersBox.append(row);
  });
  if (focused !== null) {
    const all = [...layersBox.querySelectorAll('button')];
    const same = all.find((b) => b.getAttribute('aria-label') === focused);
    const near = same === undefined ? [] : [...same.parentElement!.querySelectorAll('button')];
    [same, ...near, ...all].find((b) => b !== undefined && !b.disabled)?.focus();
  }
}
