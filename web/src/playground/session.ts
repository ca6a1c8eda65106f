/**
 * A training session of the playground: the data split, the model and optimizer of a
 * configuration, and one minibatch step of training it.
 */
import {
  Generator,
  Linear,
  PlaneFeatures,
  PLANE_FEATURE_LABELS,
  Sequential,
  activationModule,
  bceWithLogits,
  countCorrect,
  createOptimizer,
  crossEntropy,
  gradNorm,
  permutation,
  tensor,
  type Optimizer,
  type Tensor,
} from 'chainrule';
import type { PlaygroundState } from '../state.js';
import { makeData, subset, targetsOf, type DataNames } from './data.js';
import type { CsvUpload, DataMessage, Points } from './protocol.js';
import { FLOAT32_MAX, drawnCount } from './rows.js';

/** Resolution of the grid the heatmaps are computed on. */
export const GRID = 40;

export interface Session {
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

/** The session of a configuration, and the data message that tells the page about it. */
export function createSession(id: number, state: PlaygroundState, csv: CsvUpload | null): { session: Session; data: DataMessage } {
  const data = makeData(state, csv);
  const n = data.labels.length;
  // The split and the batch order come from the seed, so a link reproduces the run.
  const order = permutation(n, new Generator(state.seed + 7919));
  const nTrain = Math.max(1, Math.min(n - 1, Math.round((n * state.trainPercent) / 100)));
  const train = subset(data.xy, data.labels, order.slice(0, nTrain));
  const test = subset(data.xy, data.labels, order.slice(nTrain));
  let extent = 0;
  for (const v of data.xy) extent = Math.max(extent, Math.abs(v));
  // Kept within float32, so the grid the heatmaps are computed on holds finite numbers.
  extent = Math.min(FLOAT32_MAX, Math.ceil(extent * 1.15 * 10) / 10 || 1);

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
  const session: Session = {
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
  return {
    session,
    data: {
      type: 'data',
      id,
      // The split is in random order, so its first points are a uniform sample to draw.
      ...sample(train, test),
      rows: { train: train.labels.length, test: test.labels.length },
      notice: data.notice,
      classes: data.classes,
      extent,
      layerSizes: sizes,
      featureLabels: state.features.map((f) => PLANE_FEATURE_LABELS[f]),
      source: data.source,
    },
  };
}

/** At most MAX_DRAWN points to draw: drawing every point of a large file would hold the page for a second a frame. */
function sample(train: Points, test: Points): { train: Points; test: Points } {
  const n = drawnCount(train.labels.length, test.labels.length);
  const first = (p: Points, k: number): Points => (k === p.labels.length ? p : { xy: p.xy.slice(0, 2 * k), labels: p.labels.slice(0, k) });
  return { train: first(train, n.train), test: first(test, n.test) };
}

export function lossOf(s: Session, output: Tensor, target: Tensor): Tensor {
  return s.classes === 2 ? bceWithLogits(output, target) : crossEntropy(output, target);
}

/** One minibatch step; an epoch ends when every training point has been used once. */
export function trainStep(s: Session): void {
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

export function accuracy(s: Session, output: Tensor, target: Tensor): number {
  const n = target.shape[0]!;
  return n === 0 ? 0 : countCorrect(output, target, true) / n;
}
