/**
 * The reference tutorial's program (../shared/reference/backprop-tutorial.txt, section 4),
 * built from the library: a 1 → 1 → 1 network (sigmoid hidden unit, linear output) as nn
 * modules, the half squared error, SGD and `fit` — no hand-written gradients. It prints the
 * same lines as the reference program, character for character.
 */
import { ValueError } from '../errors.js';
import { pyFixed } from '../math/format.js';
import { activationModule, type ActivationName } from '../nn/activations.js';
import { Linear } from '../nn/linear.js';
import { halfSquaredError } from '../nn/losses.js';
import { Sequential } from '../nn/sequential.js';
import { SGD } from '../optim/sgd.js';
import type { DType } from '../tensor/dtype.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { fit, predict } from './fit.js';
import type { History } from './history.js';

export interface TutorialOptions {
  readonly x?: number;
  readonly target?: number;
  readonly w1?: number;
  readonly b1?: number;
  readonly w2?: number;
  readonly b2?: number;
  readonly lr?: number;
  readonly epochs?: number;
  readonly printEvery?: number;
  /** The hidden unit's activation (the tutorial's is sigmoid). */
  readonly activation?: ActivationName;
  /** float64 by default, as the reference program's Python floats. */
  readonly dtype?: DType;
}

/** The tutorial's values: x = 0.5, t = 0.6, w1 = 0.4, b1 = 0.1, w2 = 0.3, b2 = 0.2, lr = 0.1, 60 epochs, a line every 5. */
export const TUTORIAL_DEFAULTS = {
  x: 0.5,
  target: 0.6,
  w1: 0.4,
  b1: 0.1,
  w2: 0.3,
  b2: 0.2,
  lr: 0.1,
  epochs: 60,
  printEvery: 5,
  activation: 'sigmoid',
  dtype: 'float64',
} as const satisfies Required<TutorialOptions>;

export interface TutorialParameters {
  readonly w1: number;
  readonly b1: number;
  readonly w2: number;
  readonly b2: number;
}

export interface TutorialRun {
  readonly options: Required<TutorialOptions>;
  /** The network after training: Sequential(Linear(1 → 1), activation, Linear(1 → 1)). */
  readonly model: Sequential;
  readonly history: History;
  /** Output y of each epoch's forward pass (before that epoch's update). */
  readonly outputs: readonly number[];
  readonly finalOutput: number;
  readonly finalParameters: TutorialParameters;
  /** The printed lines, as the reference program prints them. */
  readonly lines: readonly string[];
}

/** Fills in defaults and checks every value. */
export function tutorialOptions(options: TutorialOptions = {}): Required<TutorialOptions> {
  const o = { ...TUTORIAL_DEFAULTS, ...options } as Required<TutorialOptions>;
  for (const key of ['x', 'target', 'w1', 'b1', 'w2', 'b2', 'lr'] as const) {
    if (!Number.isFinite(o[key])) throw new ValueError(`tutorialOptions: ${key} must be a finite number, got ${o[key]}`);
  }
  if (!Number.isInteger(o.epochs) || o.epochs < 0) throw new ValueError(`tutorialOptions: epochs must be a non-negative integer, got ${o.epochs}`);
  if (!Number.isInteger(o.printEvery) || o.printEvery < 1) throw new ValueError(`tutorialOptions: printEvery must be a positive integer, got ${o.printEvery}`);
  return o;
}

/** The tutorial's network with its initial weights: Linear(1 → 1), activation, Linear(1 → 1). */
export function tutorialNetwork(options: TutorialOptions = {}): Sequential {
  const o = tutorialOptions(options);
  const model = new Sequential(
    new Linear(1, 1, { dtype: o.dtype, weight: [[o.w1]], biasValues: [o.b1] }),
    activationModule(o.activation),
    new Linear(1, 1, { dtype: o.dtype, weight: [[o.w2]], biasValues: [o.b2] }),
  );
  nameTutorialParameters(model);
  return model;
}

/** Names the parameters as the tutorial does (w1, b1, w2, b2), for graphs and explanations. */
function nameTutorialParameters(model: Sequential): void {
  const names: Record<string, string> = { '0.weight': 'w1', '0.bias': 'b1', '2.weight': 'w2', '2.bias': 'b2' };
  for (const [name, p] of model.namedParameters()) p.name = names[name] ?? name;
}

/** The four scalar parameters of a tutorial network. */
export function tutorialParameters(model: Sequential): TutorialParameters {
  const p = Object.fromEntries(model.namedParameters().map(([n, t]) => [n, t.item()]));
  return { w1: p['0.weight'] ?? NaN, b1: p['0.bias'] ?? NaN, w2: p['2.weight'] ?? NaN, b2: p['2.bias'] ?? NaN };
}

/** The single training sample as [1, 1] tensors. */
export function tutorialSample(options: TutorialOptions = {}): { x: Tensor; y: Tensor } {
  const o = tutorialOptions(options);
  return { x: tensor([[o.x]], { dtype: o.dtype, name: 'x' }), y: tensor([[o.target]], { dtype: o.dtype, name: 't' }) };
}

/**
 * Trains the tutorial network and returns its log lines, history and final values. `onLine`
 * receives each line as it is produced.
 * @example trainTutorial().lines[0] // 'Epoch 0, Loss: 0.0259, Output: 0.3723'
 */
export function trainTutorial(options: TutorialOptions = {}, onLine?: (line: string) => void): TutorialRun {
  const o = tutorialOptions(options);
  const model = tutorialNetwork(o);
  const sample = tutorialSample(o);
  const lines: string[] = [];
  const emit = (line: string) => {
    lines.push(line);
    onLine?.(line);
  };
  const outputs: number[] = [];
  const history = fit(model, sample, {
    loss: halfSquaredError,
    optimizer: new SGD(model.parameters(), { lr: o.lr }),
    epochs: o.epochs,
    batchSize: 1,
    shuffle: false,
    callbacks: [
      {
        onBatchEnd: (logs) => {
          outputs.push(logs.output.item());
        },
        onEpochEnd: (log) => {
          if (log.epoch % o.printEvery === 0) {
            emit(`Epoch ${log.epoch}, Loss: ${pyFixed(log.loss, 4)}, Output: ${pyFixed(outputs[log.epoch] ?? NaN, 4)}`);
          }
        },
      },
    ],
  });
  const finalOutput = predict(model, sample.x).item();
  const finalParameters = tutorialParameters(model);
  emit('');
  emit(`Final output: ${pyFixed(finalOutput, 4)}`);
  const p = finalParameters;
  emit(`Final parameters: w1 = ${pyFixed(p.w1, 4)}, b1 = ${pyFixed(p.b1, 4)}, w2 = ${pyFixed(p.w2, 4)}, b2 = ${pyFixed(p.b2, 4)}`);
  return { options: o, model, history, outputs, finalOutput, finalParameters, lines };
}
