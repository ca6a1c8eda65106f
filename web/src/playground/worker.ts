/**
 * The playground's training worker: builds the data and the model from a configuration, trains
 * with the library in chunks of a few milliseconds (so pause and reconfigure are heard at once),
 * and posts throttled snapshots (losses, accuracies, weights and gradients, the output and every
 * neuron over a grid) for the page to draw on its animation frames.
 */
import {
  Generator,
  Linear,
  PlaneFeatures,
  PLANE_FEATURE_LABELS,
  Sequential,
  TensorDataset,
  activationModule,
  bceWithLogits,
  blobs,
  circles,
  countCorrect,
  createOptimizer,
  crossEntropy,
  getBackend,
  gradNorm,
  modelFileText,
  moons,
  noGrad,
  parseCsv,
  permutation,
  spirals,
  tensor,
  xor,
  type Module,
  type Optimizer,
  type Tensor,
} from 'chainrule';
import type { PlaygroundState } from '../state.js';
import type { CsvUpload, FromWorker, Points, Snapshot, ToWorker } from './protocol.js';

const GRID = 40;
/** How long one chunk of training may hold the worker, and how often snapshots go out. */
const CHUNK_MS = 12;
const SNAPSHOT_MS = 50;

interface Session {
  readonly state: PlaygroundState;
  readonly model: Sequential;
  readonly linears: Linear[];
  /** The model's parameters, listed once (training reads them every step). */
  readonly params: Tensor[];
  readonly optimizer: Optimizer;
  readonly trainX: Tensor;
  readonly trainY: Tensor;
  readonly testX: Tensor;
  readonly testY: Tensor;
  readonly classes: number;
  readonly extent: number;
  readonly gridX: Tensor;
  readonly order: Generator;
  readonly source: string;
  /** The column names and class names the exported model and test data use. */
  readonly names: DataNames;
  epoch: number;
  steps: number;
  batch: number[];
  batchAt: number;
  lastGradNorm: number;
}

let session: Session | null = null;
/** The id of the latest configuration (sent with every message about it). */
let sessionId = 0;
let running = false;
let timer: ReturnType<typeof setTimeout> | null = null;
let lastPost = 0;

function post(message: FromWorker, transfer: Transferable[] = []): void {
  (self as unknown as { postMessage(m: unknown, t: Transferable[]): void }).postMessage(message, transfer);
}

/** The feature columns, the class column and the class names (label k is classes[k]). */
interface DataNames {
  readonly features: readonly [string, string];
  readonly target: string;
  readonly classes: readonly string[];
}

interface PlaneData {
  readonly xy: Float32Array;
  readonly labels: Int32Array;
  readonly classes: number;
  readonly source: string;
  readonly names: DataNames;
}

/** The dataset of a configuration, as points and labels (all of it: the split comes after). */
function makeData(state: PlaygroundState, csv: CsvUpload | null): PlaneData {
  const n = state.points;
  const seed = state.seed;
  if (state.dataset === 'csv') {
    if (csv === null) throw new Error('No CSV file was uploaded: choose one with Upload CSV.');
    return csvPoints(csv);
  }
  const options = { n, noise: state.noise, seed };
  let d: TensorDataset;
  switch (state.dataset) {
    case 'circles':
      d = circles(options);
      break;
    case 'xor':
      d = xor(options);
      break;
    case 'moons':
      d = moons(options);
      break;
    case 'spiral':
      d = spirals(options);
      break;
    case 'gaussian':
      // Two Gaussian clusters, as the TensorFlow Playground's: noise widens them.
      d = blobs({ ...options, noise: 0.25 + 2 * state.noise, centers: [[-0.55, -0.55], [0.55, 0.55]] });
      break;
    case 'blobs':
      d = blobs({ ...options, noise: 0.15 + state.noise, classes: state.classes });
      break;
  }
  const xy = Float32Array.from(d.x._data as ArrayLike<number>);
  const labels = Int32Array.from(d.y._data as ArrayLike<number>, (v) => Math.round(Number(v)));
  const classes = state.dataset === 'blobs' ? state.classes : 2;
  return { xy, labels, classes, source: state.dataset, names: { features: ['x', 'y'], target: 'label', classes: Array.from({ length: classes }, (_, k) => String(k)) } };
}

/** An uploaded CSV: two numeric feature columns (x, y) and a class column ('label', else the last). */
function csvPoints(csv: CsvUpload): PlaneData {
  const header = csv.text.split(/\r?\n/, 1)[0]?.split(',').map((s) => s.trim().replace(/^"|"$/g, '')) ?? [];
  const target = header.includes('label') ? 'label' : header[header.length - 1];
  if (target === undefined || header.length !== 3) {
    throw new Error(`${csv.name}:1: expected a header of three columns, two features and the class (e.g. x,y,label), got ${header.length} column${header.length === 1 ? '' : 's'}`);
  }
  // Without a header line the first point would silently become the column names.
  if (header.every((h) => h !== '' && Number.isFinite(Number(h)))) {
    throw new Error(`${csv.name}:1: expected a header line naming the columns (e.g. x,y,label), got the numbers ${header.join(',')}`);
  }
  const data = parseCsv(csv.text, { file: csv.name, target, targetType: 'categorical', encoding: 'index' });
  const classes = data.classes?.length ?? 0;
  if (classes < 2) throw new Error(`${csv.name}: the class column '${target}' has ${classes} distinct value${classes === 1 ? '' : 's'}; it needs at least 2`);
  if (classes > 6) throw new Error(`${csv.name}: the class column '${target}' has ${classes} distinct values; the playground draws at most 6 classes`);
  const [fx, fy] = data.featureNames;
  return {
    xy: Float32Array.from(data.dataset.x._data as ArrayLike<number>),
    labels: Int32Array.from(data.labels!._data as ArrayLike<number>),
    classes,
    source: csv.name,
    names: { features: [fx ?? 'x', fy ?? 'y'], target, classes: data.classes ?? [] },
  };
}

function subset(xy: Float32Array, labels: Int32Array, idx: readonly number[]): Points {
  const out = new Float32Array(idx.length * 2);
  const lab = new Int32Array(idx.length);
  idx.forEach((i, k) => {
    out[2 * k] = xy[2 * i]!;
    out[2 * k + 1] = xy[2 * i + 1]!;
    lab[k] = labels[i]!;
  });
  return { xy: out, labels: lab };
}

function targetsOf(p: Points, classes: number): Tensor {
  return classes === 2 ? tensor(Float32Array.from(p.labels), { shape: [p.labels.length, 1] }) : tensor(p.labels, { shape: [p.labels.length] });
}

function configure(id: number, state: PlaygroundState, csv: CsvUpload | null): void {
  stop();
  // Whatever happens next, the previous configuration is gone: a failed one leaves nothing to train.
  session = null;
  sessionId = id;
  const data = makeData(state, csv);
  const n = data.labels.length;
  // The split and the batch order come from the seed, so a link reproduces the run.
  const order = permutation(n, new Generator(state.seed + 7919));
  const nTrain = Math.max(1, Math.min(n - 1, Math.round((n * state.trainPercent) / 100)));
  const train = subset(data.xy, data.labels, order.slice(0, nTrain));
  const test = subset(data.xy, data.labels, order.slice(nTrain));
  let extent = 0;
  for (const v of data.xy) extent = Math.max(extent, Math.abs(v));
  extent = Math.ceil(extent * 1.15 * 10) / 10 || 1;

  const features = new PlaneFeatures(state.features);
  const generator = new Generator(state.seed);
  const outputs = data.classes === 2 ? 1 : data.classes;
  const sizes = [features.outFeatures, ...state.hidden, outputs];
  const linears: Linear[] = [];
  const model = new Sequential(features);
  for (let i = 0; i + 1 < sizes.length; i++) {
    const lin = new Linear(sizes[i]!, sizes[i + 1]!, { generator });
    linears.push(lin);
    model.append(lin);
    if (i + 2 < sizes.length && state.activation !== 'linear') model.append(activationModule(state.activation));
  }
  const params = model.parameters();
  const optimizer =
    state.optimizer === 'momentum'
      ? createOptimizer('sgd', params, { lr: state.lr, momentum: 0.9 })
      : createOptimizer(state.optimizer, params, { lr: state.lr });
  const g: number[] = [];
  for (let r = 0; r < GRID; r++) {
    for (let c = 0; c < GRID; c++) g.push(-extent + ((c + 0.5) * 2 * extent) / GRID, extent - ((r + 0.5) * 2 * extent) / GRID);
  }
  session = {
    state,
    model,
    linears,
    params,
    optimizer,
    trainX: tensor(train.xy, { shape: [train.labels.length, 2] }),
    trainY: targetsOf(train, data.classes),
    testX: tensor(test.xy, { shape: [test.labels.length, 2] }),
    testY: targetsOf(test, data.classes),
    classes: data.classes,
    extent,
    gridX: tensor(Float32Array.from(g), { shape: [GRID * GRID, 2] }),
    order: new Generator(state.seed + 1),
    source: data.source,
    names: data.names,
    epoch: 0,
    steps: 0,
    batch: [],
    batchAt: 0,
    lastGradNorm: 0,
  };
  post({
    type: 'data',
    id,
    train,
    test,
    classes: data.classes,
    extent,
    layerSizes: sizes,
    featureLabels: state.features.map((f) => PLANE_FEATURE_LABELS[f]),
    source: data.source,
  });
  postSnapshot();
}

function lossOf(s: Session, output: Tensor, target: Tensor): Tensor {
  return s.classes === 2 ? bceWithLogits(output, target) : crossEntropy(output, target);
}

/** One minibatch step; an epoch ends when every training point has been used once. */
function trainStep(s: Session): void {
  const n = s.trainY.shape[0]!;
  if (s.batchAt >= s.batch.length) {
    s.batch = permutation(n, s.order);
    s.batchAt = 0;
  }
  const idx = s.batch.slice(s.batchAt, s.batchAt + s.state.batchSize);
  s.batchAt += idx.length;
  const index = tensor(Int32Array.from(idx), { shape: [idx.length] });
  const x = s.trainX.indexSelect(0, index);
  const y = s.trainY.indexSelect(0, index);
  s.optimizer.zeroGrad();
  let loss = lossOf(s, s.model.forward(x), y);
  const { regularization: reg, regRate } = s.state;
  if (reg !== 'none' && regRate > 0) {
    for (const lin of s.linears) {
      const w = lin.weight;
      loss = loss.add((reg === 'l1' ? w.abs().sum() : w.mul(w).sum().mul(0.5)).mul(regRate));
    }
  }
  loss.backward();
  s.lastGradNorm = gradNorm(s.params);
  // A diverged network would go on training NaNs, shown as '—': stop and say so instead.
  if (!Number.isFinite(loss.item()) || !Number.isFinite(s.lastGradNorm)) {
    throw new Error(`Training diverged in epoch ${s.epoch + 1}: the loss or its gradient is no longer a finite number. Lower the learning rate and press Reset.`);
  }
  s.optimizer.step();
  s.steps++;
  if (s.batchAt >= n) s.epoch++;
}

function accuracy(s: Session, output: Tensor, target: Tensor): number {
  const n = target.shape[0]!;
  return n === 0 ? 0 : countCorrect(output, target, true) / n;
}

function snapshot(s: Session): Snapshot {
  return noGrad(() => {
    const trainOut = s.model.forward(s.trainX);
    const testOut = s.model.forward(s.testX);
    // Every neuron over the grid: walk the layers, keeping each layer's output.
    const neurons: Float32Array[] = [];
    const columns = (t: Tensor) => {
      const [rows, cols] = [t.shape[0]!, t.shape[1]!];
      const d = t._data as ArrayLike<number>;
      for (let c = 0; c < cols; c++) {
        const out = new Float32Array(rows);
        for (let r = 0; r < rows; r++) out[r] = Number(d[r * cols + c]);
        neurons.push(out);
      }
    };
    let h = s.gridX;
    const layers = [...s.model];
    layers.forEach((m: Module, i) => {
      h = m.forward(h);
      if (i === layers.length - 1) return;
      // Inputs are the features' output; a hidden layer's output is read after its activation.
      if (i === 0 || !(m instanceof Linear) || layers[i + 1] instanceof Linear) columns(h);
    });
    const logits = h._data as ArrayLike<number>;
    const output = new Float32Array(GRID * GRID);
    if (s.classes === 2) {
      for (let i = 0; i < output.length; i++) output[i] = 1 / (1 + Math.exp(-Number(logits[i])));
    } else {
      const k = s.classes;
      for (let i = 0; i < output.length; i++) {
        let best = 0;
        let max = -Infinity;
        let sum = 0;
        for (let c = 0; c < k; c++) max = Math.max(max, Number(logits[i * k + c]));
        for (let c = 0; c < k; c++) {
          const e = Math.exp(Number(logits[i * k + c]) - max);
          sum += e;
          if (Number(logits[i * k + c]) === max) best = c;
        }
        output[i] = best + Math.min(0.999, 1 / sum);
      }
    }
    const copy = (t: Tensor | null) => (t === null ? new Float32Array(0) : Float32Array.from(t._data as ArrayLike<number>));
    return {
      backend: getBackend().name,
      epoch: s.epoch,
      steps: s.steps,
      running,
      trainLoss: lossOf(s, trainOut, s.trainY).item(),
      testLoss: s.testY.shape[0] === 0 ? NaN : lossOf(s, testOut, s.testY).item(),
      trainAccuracy: accuracy(s, trainOut, s.trainY),
      testAccuracy: accuracy(s, testOut, s.testY),
      gradNorm: s.lastGradNorm,
      weights: s.linears.map((l) => copy(l.weight)),
      biases: s.linears.map((l) => copy(l.bias)),
      weightGrads: s.linears.map((l) => copy(l.weight.grad)),
      biasGrads: s.linears.map((l) => copy(l.bias?.grad ?? null)),
      grid: GRID,
      output,
      neurons,
    };
  });
}

function postSnapshot(): void {
  if (session === null) return;
  const snap = snapshot(session);
  lastPost = performance.now();
  post({ type: 'snapshot', id: sessionId, snapshot: snap }, [snap.output.buffer, ...snap.neurons.map((n) => n.buffer)]);
}

function loop(): void {
  timer = null;
  const s = session;
  if (!running || s === null) return;
  const start = performance.now();
  try {
    do trainStep(s);
    while (performance.now() - start < CHUNK_MS);
  } catch (e) {
    running = false;
    post({ type: 'error', id: sessionId, during: 'train', message: e instanceof Error ? e.message : String(e) });
  }
  if (performance.now() - lastPost >= SNAPSHOT_MS || !running) postSnapshot();
  if (running) timer = setTimeout(loop, 0);
}

function stop(): void {
  running = false;
  if (timer !== null) clearTimeout(timer);
  timer = null;
}

/** A CSV field, quoted when it has to be. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v;
}

function exportModel(s: Session): void {
  const multiclass = s.classes > 2;
  const { names } = s;
  // makeData names every class (label k is names.classes[k]), so there are s.classes of them.
  const classes = names.classes;
  const text = modelFileText(s.model, {
    optimizer: s.optimizer,
    metadata: {
      task: multiclass ? 'multiclass' : 'binary',
      loss: multiclass ? 'crossEntropy' : 'bceWithLogits',
      logits: true,
      data: `playground:${s.source}`,
      // An uploaded CSV's own column and class names, so `chainrule predict` reads that file as it is.
      featureNames: [...names.features],
      targetName: names.target,
      classes,
      seed: s.state.seed,
      epochs: s.epoch,
      playground: s.state,
    },
  });
  // The test split as CSV, so the library's own evaluation can be run on exactly these points.
  const xy = s.testX._data as ArrayLike<number>;
  const labels = s.testY._data as ArrayLike<number>;
  // Binary targets are read as numbers (0, 1), multiclass ones as class names.
  const label = (k: number) => csvField(multiclass ? (classes[k] ?? String(k)) : String(k));
  const lines = [[...names.features, names.target].map(csvField).join(',')];
  for (let i = 0; i < s.testY.shape[0]!; i++) lines.push(`${Number(xy[2 * i])},${Number(xy[2 * i + 1])},${label(Math.round(Number(labels[i])))}`);
  post({ type: 'exported', id: sessionId, model: text, testCsv: lines.join('\n') + '\n', fileName: `chainrule-${s.source.replace(/[^\w.-]+/g, '_')}-epoch${s.epoch}` });
}

self.onmessage = (event: MessageEvent<ToWorker>) => {
  const m = event.data;
  try {
    switch (m.type) {
      case 'configure':
        configure(m.id, m.state, m.csv);
        break;
      case 'play':
        if (session !== null && !running) {
          running = true;
          loop();
        }
        break;
      case 'pause':
        stop();
        postSnapshot();
        break;
      case 'step':
        stop();
        if (session !== null) {
          // One epoch, as the TensorFlow Playground's step button.
          const e = session.epoch;
          do trainStep(session);
          while (session.epoch === e);
          postSnapshot();
        }
        break;
      case 'export':
        if (session !== null) exportModel(session);
        break;
    }
  } catch (e) {
    stop();
    post({ type: 'error', id: sessionId, during: m.type === 'configure' ? 'configure' : 'train', message: e instanceof Error ? e.message : String(e) });
    // What the failed step left (a configuration that failed left nothing).
    if (m.type !== 'configure') postSnapshot();
  }
};
