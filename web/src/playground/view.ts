/**
 * The playground view: data, features and network controls, the decision boundary with the
 * points, each neuron as a heatmap, live charts. Training runs in a worker; the page draws the
 * latest snapshot on animation frames, so it stays responsive however fast the worker trains.
 */
import { liveChart, type LiveChart } from '../chart.js';
import { el } from '../dom.js';
import type { PlaygroundState } from '../state.js';
import { layerControls, mountDataControls, mountNetworkControls, type ControlHandlers } from './controls.js';
import { drawNetwork, drawOutput, drawPoints, layoutNetwork, type NetworkLayout } from './draw.js';
import type { CsvUpload, DataMessage, FromWorker, Snapshot, ToWorker } from './protocol.js';
import { count } from './rows.js';
import './playground.css';

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

  // ---- controls (controls.ts) and the network canvas
  const handlers: ControlHandlers = {
    state: () => state,
    commit,
    error(text) {
      errorBox.textContent = text;
      errorBox.hidden = false;
    },
    uploaded(file) {
      csv = file;
      if (state.dataset === 'csv') configure();
      else {
        dataset.value = 'csv';
        commit({ dataset: 'csv' });
      }
    },
    hasCsv: () => csv !== null,
    redraw: () => (fresh = true),
  };
  const { dataset, classesField, csvError, showTest } = mountDataControls(dataCol, handlers);
  const layersBox = mountNetworkControls(netCol, handlers);
  const netCanvas = el('canvas', { id: 'pg-network', role: 'img', 'aria-label': 'The network: each neuron’s output over the plane, edges coloured by weight' });
  const netWrap = el('div', { class: 'pg-network' });
  netWrap.append(netCanvas);
  netCol.append(netWrap);

  // ---- output column
  outCol.append(el('h2', {}, 'Output'));
  const outCanvas = el('canvas', { id: 'pg-output', role: 'img', 'aria-label': 'Decision boundary with the training and test points', width: '360', height: '360' });
  outCol.append(outCanvas);
  // What of the data is left out of training or of the picture, when something is.
  const dataNote = el('p', { id: 'pg-data-note', class: 'pg-note', role: 'status' });
  dataNote.hidden = true;
  outCol.append(dataNote);
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
  const pointsLayer = document.createElement('canvas');
  /** What the points layer was drawn for (null: to be drawn). */
  let pointsFor: { data: DataMessage; showTest: boolean; size: number } | null = null;

  function notePoints(d: DataMessage, withTest: boolean): void {
    const drawn = d.train.labels.length + (withTest ? d.test.labels.length : 0);
    const of = d.rows.train + (withTest ? d.rows.test : 0);
    const lines = d.notice === null ? [] : [`${d.notice}.`];
    if (drawn < of) lines.push(`Drawing a random ${count(drawn)} of the ${count(of)} ${withTest ? '' : 'training '}points; training and the losses use all of them.`);
    dataNote.textContent = lines.join(' ');
    dataNote.hidden = lines.length === 0;
  }

  // ---- state changes
  const renderLayers = () => layerControls(layersBox, state.hidden, commit);

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
    pointsFor = null;
    dataNote.hidden = true;
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
      pendingExport = null;
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
    if (pointsFor === null || pointsFor.data !== data || pointsFor.showTest !== showTest.checked || pointsFor.size !== outCanvas.width) {
      pointsFor = { data, showTest: showTest.checked, size: outCanvas.width };
      drawPoints(pointsLayer, data, showTest.checked, outCanvas.width);
      notePoints(data, showTest.checked);
    }
    drawOutput(outCanvas, snap, data, pointsLayer, scratch);
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
