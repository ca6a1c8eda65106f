/**
 * The playground view: data, features and network controls, the decision boundary with the
 * points, each neuron as a heatmap, live charts. Training runs in a worker; the page draws the
 * latest snapshot on animation frames, so it stays responsive however fast the worker trains.
 */
import { liveChart, type LiveChart } from '../chart.js';
import { el } from '../dom.js';
import {
  ACTIVATIONS,
  DATASETS,
  FEATURES,
  LIMITS,
  OPTIMIZERS,
  REGULARIZATIONS,
  type DatasetChoice,
  type Feature,
  type PlaygroundState,
} from '../state.js';
import { drawNetwork, drawOutput, layoutNetwork, type NetworkLayout } from './draw.js';
import type { CsvUpload, DataMessage, FromWorker, Snapshot, ToWorker } from './protocol.js';
import './playground.css';

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

/** What tests and the frame-rate measurement read. */
interface PlaygroundProbe {
  fps: number;
  frames: number;
  snapshots: number;
  /** The latest snapshot of the current configuration (the view's own). */
  readonly snapshot: Snapshot | null;
  /** The last epoch added to the charts (−1: none since the last configuration). */
  readonly charted: number;
}

declare global {
  interface Window {
    __playground?: PlaygroundProbe;
  }
}

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

function fmt(v: number): string {
  if (!Number.isFinite(v)) return '—';
  // toFixed writes 1e+21 and beyond in its own exponent form, with 17 digits before it.
  return Math.abs(v) >= 1e6 ? v.toExponential(3) : v.toFixed(4);
}

/** What the app shell can ask of a mounted playground. */
export interface PlaygroundHandle {
  /** Pauses training (the shell calls it when another view is shown). */
  pause(): void;
}

export function mountPlayground(root: HTMLElement, initial: PlaygroundState, onChange: (s: PlaygroundState) => void): PlaygroundHandle {
  let state = initial;
  let csv: CsvUpload | null = null;
  let data: DataMessage | null = null;
  let snap: Snapshot | null = null;
  let fresh = false;
  let running = false;
  let layout: NetworkLayout | null = null;
  let chartedEpoch = -1;
  /** The configuration the worker is building or training; its messages about older ones are dropped. */
  let generation = 0;
  const probe: PlaygroundProbe = {
    fps: 0,
    frames: 0,
    snapshots: 0,
    get snapshot() {
      return snap;
    },
    get charted() {
      return chartedEpoch;
    },
  };
  window.__playground = probe;

  const worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module' });
  const send = (m: ToWorker) => worker.postMessage(m);

  // ---- layout
  const bar = el('div', { class: 'pg-bar', role: 'toolbar', 'aria-label': 'Training' });
  const reset = el('button', { type: 'button', id: 'pg-reset', title: 'Reset the network (new initial weights from the seed)' }, 'Reset');
  const play = el('button', { type: 'button', id: 'pg-play', class: 'primary', 'aria-pressed': 'false' }, 'Play');
  const step = el('button', { type: 'button', id: 'pg-step', title: 'Train one epoch' }, 'Step');
  const epoch = el('output', { id: 'pg-epoch', 'aria-label': 'Epoch' }, '0');
  const exportModel = el('button', { type: 'button', id: 'pg-export' }, 'Export model');
  const exportData = el('button', { type: 'button', id: 'pg-export-data' }, 'Export test data');
  const share = el('button', { type: 'button', id: 'pg-share' }, 'Copy link');
  const link = el('input', { type: 'text', id: 'pg-link', readonly: '', 'aria-label': 'Link to this configuration' });
  const epochBox = el('span', { class: 'pg-epoch' }, 'Epoch ');
  epochBox.append(epoch);
  bar.append(reset, play, step, epochBox, exportModel, exportData, share, link);

  const cols = el('div', { class: 'pg-cols' });
  const dataCol = el('section', { class: 'pg-col pg-data', 'aria-label': 'Data' });
  const netCol = el('section', { class: 'pg-col pg-net', 'aria-label': 'Network' });
  const outCol = el('section', { class: 'pg-col pg-out', 'aria-label': 'Output' });
  cols.append(dataCol, netCol, outCol);
  const errorBox = el('div', { id: 'pg-error', class: 'pg-error', role: 'alert' });
  errorBox.hidden = true;
  root.replaceChildren(bar, errorBox, cols);

  // ---- data column
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

  // ---- network column
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
    r.addEventListener('change', () => r.checked && commit({ edges: by }, false));
    edgeToggle.append(r, el('label', { for: `pg-edges-${by}` }, `Edges by ${by}`));
  }
  netCol.append(edgeToggle);
  const netCanvas = el('canvas', { id: 'pg-network', role: 'img', 'aria-label': 'The network: each neuron’s output over the plane, edges coloured by weight' });
  const netWrap = el('div', { class: 'pg-network' });
  netWrap.append(netCanvas);
  netCol.append(netWrap);

  // ---- output column
  outCol.append(el('h2', {}, 'Output'));
  const outCanvas = el('canvas', { id: 'pg-output', role: 'img', 'aria-label': 'Decision boundary with the training and test points', width: '360', height: '360' });
  outCol.append(outCanvas);
  const stats = el('dl', { class: 'pg-stats' });
  const stat = (id: string, label: string) => {
    const dd = el('dd', { id }, '—');
    stats.append(el('dt', {}, label), dd);
    return dd;
  };
  const trainLoss = stat('pg-train-loss', 'Training loss');
  const testLoss = stat('pg-test-loss', 'Test loss');
  const trainAcc = stat('pg-train-acc', 'Training accuracy');
  const testAcc = stat('pg-test-acc', 'Test accuracy');
  const grad = stat('pg-grad-norm', 'Gradient norm');
  const fps = stat('pg-fps', 'Frames per second');
  outCol.append(stats);
  const charts = el('div', { id: 'pg-charts', class: 'pg-charts' });
  outCol.append(charts);
  const lossChart: LiveChart = liveChart(charts, 'Loss', [
    { label: 'train', color: '#0877bd' },
    { label: 'test', color: '#f59322' },
  ]);
  const gradChart: LiveChart = liveChart(charts, 'Gradient norm', [{ label: '‖∂L/∂θ‖', color: '#6e7781' }]);

  const scratch = document.createElement('canvas');

  // ---- state changes
  function renderLayers(): void {
    // The buttons are rebuilt: a keyboard user's focus goes back to the same button (or its neighbour when that one is now disabled).
    const active = document.activeElement;
    const focused = active instanceof HTMLButtonElement && layersBox.contains(active) ? active.getAttribute('aria-label') : null;
    layersBox.replaceChildren();
    const head = el('div', { class: 'pg-layers-head' });
    const add = el('button', { type: 'button', id: 'pg-add-layer', 'aria-label': 'Add a hidden layer' }, '+ layer');
    const remove = el('button', { type: 'button', id: 'pg-remove-layer', 'aria-label': 'Remove the last hidden layer' }, '− layer');
    add.disabled = state.hidden.length >= LIMITS.layers.max;
    remove.disabled = state.hidden.length === 0;
    add.addEventListener('click', () => commit({ hidden: [...state.hidden, 2] }));
    remove.addEventListener('click', () => commit({ hidden: state.hidden.slice(0, -1) }));
    head.append(el('span', { id: 'pg-layer-count' }, `${state.hidden.length} hidden layer${state.hidden.length === 1 ? '' : 's'}`), add, remove);
    layersBox.append(head);
    state.hidden.forEach((n, i) => {
      const row = el('div', { class: 'pg-layer' });
      const minus = el('button', { type: 'button', 'aria-label': `Remove a neuron from hidden layer ${i + 1}` }, '−');
      const plus = el('button', { type: 'button', 'aria-label': `Add a neuron to hidden layer ${i + 1}` }, '+');
      minus.disabled = n <= LIMITS.neurons.min;
      plus.disabled = n >= LIMITS.neurons.max;
      const set = (m: number) => commit({ hidden: state.hidden.map((h, k) => (k === i ? m : h)) });
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

  function configure(): void {
    errorBox.hidden = true;
    classesField.hidden = state.dataset !== 'blobs';
    lossChart.reset();
    gradChart.reset();
    chartedEpoch = -1;
    snap = null;
    setRunning(false);
    generation++;
    send({ type: 'configure', id: generation, state, csv: state.dataset === 'csv' ? csv : null });
  }

  /** Play, Step and the exports need a configuration that was built. */
  function setTrainable(on: boolean): void {
    for (const b of [play, step, exportModel, exportData]) b.disabled = !on;
  }

  /** After a configuration failed: nothing to show (rather than the previous data, which is gone). */
  function clearOutput(): void {
    data = null;
    snap = null;
    layout = null;
    setTrainable(false);
    for (const c of [netCanvas, outCanvas]) c.getContext('2d')?.clearRect(0, 0, c.width, c.height);
    epoch.textContent = '0';
    for (const dd of [trainLoss, testLoss, trainAcc, testAcc, grad]) dd.textContent = '—';
  }

  /** Applies a change; most rebuild the data and network (as the TensorFlow Playground does). */
  function commit(change: Partial<PlaygroundState>, rebuild = true): void {
    state = { ...state, ...change };
    onChange(state);
    link.value = location.href;
    if (change.hidden !== undefined) renderLayers();
    if (rebuild) configure();
    else fresh = true;
  }

  function numberInput(input: HTMLInputElement, key: 'points' | 'classes' | 'batchSize' | 'seed', limits: { min: number; max: number }): void {
    input.addEventListener('change', () => {
      const v = Number(input.value);
      const ok = input.value.trim() !== '' && Number.isInteger(v) && v >= limits.min && v <= limits.max;
      input.setAttribute('aria-invalid', String(!ok));
      if (!ok) {
        errorBox.textContent = `${input.labels?.[0]?.textContent ?? key} must be a whole number from ${limits.min} to ${limits.max}`;
        errorBox.hidden = false;
        return;
      }
      commit({ [key]: v });
    });
  }

  dataset.addEventListener('change', () => {
    const d = dataset.value as DatasetChoice;
    if (d === 'csv' && csv === null) {
      csvError.textContent = 'Choose a CSV file with Upload CSV first (columns x, y, label).';
      csvError.hidden = false;
      dataset.value = state.dataset;
      return;
    }
    commit({ dataset: d });
  });
  noise.addEventListener('change', () => commit({ noise: Number(noise.value) }));
  train.addEventListener('change', () => commit({ trainPercent: Number(train.value) }));
  numberInput(points, 'points', LIMITS.points);
  numberInput(classes, 'classes', LIMITS.classes);
  numberInput(seed, 'seed', LIMITS.seed);
  numberInput(batch, 'batchSize', LIMITS.batchSize);
  for (const box of featureBoxes) {
    box.addEventListener('change', () => {
      const chosen = FEATURES.filter((f, i) => featureBoxes[i]!.checked);
      if (chosen.length === 0) {
        box.checked = true;
        errorBox.textContent = 'Keep at least one input feature.';
        errorBox.hidden = false;
        return;
      }
      commit({ features: chosen });
    });
  }
  activation.addEventListener('change', () => commit({ activation: activation.value as PlaygroundState['activation'] }));
  lr.addEventListener('change', () => commit({ lr: Number(lr.value) }));
  optimizer.addEventListener('change', () => commit({ optimizer: optimizer.value as PlaygroundState['optimizer'] }));
  reg.addEventListener('change', () => commit({ regularization: reg.value as PlaygroundState['regularization'] }));
  regRate.addEventListener('change', () => commit({ regRate: Number(regRate.value) }));
  showTest.addEventListener('change', () => (fresh = true));

  upload.addEventListener('change', async () => {
    const file = upload.files?.[0];
    if (file === undefined) return;
    csv = { name: file.name, text: await file.text() };
    // Cleared, so choosing the same (corrected) file again fires another change.
    upload.value = '';
    csvError.hidden = true;
    if (state.dataset === 'csv') configure();
    else {
      dataset.value = 'csv';
      commit({ dataset: 'csv' });
    }
  });

  function setRunning(on: boolean): void {
    running = on;
    play.textContent = on ? 'Pause' : 'Play';
    play.setAttribute('aria-pressed', String(on));
  }
  play.addEventListener('click', () => {
    setRunning(!running);
    send({ type: running ? 'play' : 'pause' });
  });
  step.addEventListener('click', () => {
    setRunning(false);
    send({ type: 'step' });
  });
  reset.addEventListener('click', () => configure());

  let pendingExport: 'model' | 'data' | null = null;
  exportModel.addEventListener('click', () => {
    pendingExport = 'model';
    send({ type: 'export' });
  });
  exportData.addEventListener('click', () => {
    pendingExport = 'data';
    send({ type: 'export' });
  });
  share.addEventListener('click', async () => {
    link.value = location.href;
    link.select();
    try {
      await navigator.clipboard.writeText(location.href);
      share.textContent = 'Link copied';
    } catch {
      share.textContent = 'Copy the link below';
    }
    setTimeout(() => (share.textContent = 'Copy link'), 2000);
  });

  function download(name: string, text: string, type: string): void {
    const url = URL.createObjectURL(new Blob([text], { type }));
    const a = el('a', { href: url, download: name });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  worker.onmessage = (event: MessageEvent<FromWorker>) => {
    const m = event.data;
    // A snapshot (or anything else) the worker sent before it heard of the latest configuration.
    if (m.id !== generation) return;
    if (m.type === 'data') {
      data = m;
      csvError.hidden = true;
      layout = null;
      setTrainable(true);
    } else if (m.type === 'snapshot') {
      snap = m.snapshot;
      fresh = true;
      probe.snapshots++;
      if (!snap.running && running) setRunning(false);
    } else if (m.type === 'exported') {
      if (pendingExport === 'model') download(`${m.fileName}.json`, m.model, 'application/json');
      else if (pendingExport === 'data') download(`${m.fileName}-test.csv`, m.testCsv, 'text/csv');
      pendingExport = null;
    } else {
      setRunning(false);
      if (m.during === 'configure') clearOutput();
      const target = state.dataset === 'csv' && m.during === 'configure' ? csvError : errorBox;
      target.textContent = m.message;
      target.hidden = false;
    }
  };
  worker.onerror = (e) => {
    errorBox.textContent = `The training worker failed: ${e.message}`;
    errorBox.hidden = false;
  };

  // ---- drawing, on animation frames
  let frameTimes: number[] = [];
  function frame(now: number): void {
    requestAnimationFrame(frame);
    if (root.hidden || root.offsetParent === null) return;
    probe.frames++;
    frameTimes.push(now);
    while (frameTimes.length > 0 && now - frameTimes[0]! > 1000) frameTimes.shift();
    if (probe.frames % 15 === 0) {
      probe.fps = frameTimes.length;
      fps.textContent = String(frameTimes.length);
    }
    if (!fresh || snap === null || data === null) return;
    fresh = false;
    const width = Math.max(240, Math.min(520, netWrap.clientWidth || 320));
    if (layout === null || layout.width !== width) layout = layoutNetwork(data.layerSizes, width);
    drawNetwork(netCanvas, layout, snap, data, state.edges, scratch);
    drawOutput(outCanvas, snap, data, showTest.checked, scratch);
    epoch.textContent = String(snap.epoch);
    trainLoss.textContent = fmt(snap.trainLoss);
    testLoss.textContent = fmt(snap.testLoss);
    trainAcc.textContent = fmt(snap.trainAccuracy);
    testAcc.textContent = fmt(snap.testAccuracy);
    grad.textContent = fmt(snap.gradNorm);
    if (snap.epoch > chartedEpoch) {
      chartedEpoch = snap.epoch;
      lossChart.push(snap.epoch, [snap.trainLoss, snap.testLoss]);
      gradChart.push(snap.epoch, [snap.gradNorm]);
    }
    lossChart.draw();
    gradChart.draw();
  }
  requestAnimationFrame(frame);

  renderLayers();
  link.value = location.href;
  configure();
  return {
    pause() {
      if (!running) return;
      setRunning(false);
      send({ type: 'pause' });
    },
  };
}
