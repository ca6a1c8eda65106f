/** Messages between the playground page and its training worker. */
import type { PlaygroundState } from '../state.js';

/** Points in the plane with class labels (0 … classes − 1). */
export interface Points {
  /** x0, y0, x1, y1, … */
  readonly xy: Float32Array;
  readonly labels: Int32Array;
}

export interface CsvUpload {
  readonly name: string;
  readonly text: string;
}

export type ToWorker =
  /** `id` names the configuration: every message the worker sends about it carries the same id, so the page can drop what a superseded one still had in flight. */
  | { readonly type: 'configure'; readonly id: number; readonly state: PlaygroundState; readonly csv: CsvUpload | null }
  | { readonly type: 'play' }
  | { readonly type: 'pause' }
  | { readonly type: 'step' }
  | { readonly type: 'export' };

/** The data of a configuration, sent once when it is built. */
export interface DataMessage {
  readonly type: 'data';
  readonly id: number;
  /** The points drawn: all of them, or a random sample of at most MAX_DRAWN (rows.ts) in all. */
  readonly train: Points;
  readonly test: Points;
  /** How many points each split has (training and the losses use all of them). */
  readonly rows: { readonly train: number; readonly test: number };
  /** Said on the page when not every row of an uploaded file is used (null: every row is). */
  readonly notice: string | null;
  readonly classes: number;
  /** The plane shown: [−extent, extent] on both axes. */
  readonly extent: number;
  /** Size of the input layer (the chosen features) and each layer after it. */
  readonly layerSizes: readonly number[];
  readonly featureLabels: readonly string[];
  readonly source: string;
}

/** The state of training, posted a few times a second while it runs. */
export interface Snapshot {
  /** The library backend training runs on in the worker (wasm where WebAssembly SIMD runs). */
  readonly backend: string;
  readonly epoch: number;
  readonly steps: number;
  readonly running: boolean;
  readonly trainLoss: number;
  readonly testLoss: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  /** ‖∂L/∂θ‖ of the last step (0 before the first). */
  readonly gradNorm: number;
  /** Per Linear layer, weight [out, in] row-major, bias [out]; and their last gradients. */
  readonly weights: readonly Float32Array[];
  readonly biases: readonly Float32Array[];
  readonly weightGrads: readonly Float32Array[];
  readonly biasGrads: readonly Float32Array[];
  /** Grid resolution of the heatmaps (grid × grid, row 0 at the top, y decreasing). */
  readonly grid: number;
  /** The output over the grid: binary, P(class 1); multiclass, the predicted class + confidence (class + p, p in [0, 1)). */
  readonly output: Float32Array;
  /** Each neuron's output over the grid, inputs first (the features), then each hidden layer's. */
  readonly neurons: readonly Float32Array[];
}

export type FromWorker =
  | DataMessage
  | { readonly type: 'snapshot'; readonly id: number; readonly snapshot: Snapshot }
  | { readonly type: 'exported'; readonly id: number; readonly model: string; readonly testCsv: string; readonly fileName: string }
  /** `configure`: the configuration could not be built (there is nothing to train); `train`: training stopped. */
  | { readonly type: 'error'; readonly id: number; readonly during: 'configure' | 'train'; readonly message: string };
