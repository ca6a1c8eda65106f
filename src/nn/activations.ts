/** Activation functions as modules, so they can sit in a Sequential and show in a summary. */
import { ValueError } from '../errors.js';
import { gelu, leakyRelu, relu, sigmoid, tanh } from '../ops/elementwise.js';
import { softmax } from '../ops/reduce.js';
import type { Tensor } from '../tensor/tensor.js';
import { Module, type ModuleConfig } from './module.js';

/**
 * The logistic sigmoid σ(x) = 1 / (1 + e^−x), elementwise.
 * @example new Sigmoid().forward(tensor([0])).item(); // 0.5
 */
export class Sigmoid extends Module {
  forward(x: Tensor): Tensor {
    return sigmoid(x);
  }
  // Spelled out rather than inherited: constructor.name does not survive minification (the web build).
  override describe(): string {
    return 'Sigmoid';
  }
  override config(): ModuleConfig {
    return { type: 'Sigmoid' };
  }
}

/**
 * The hyperbolic tangent, elementwise.
 * @example new Tanh().forward(tensor([0])).item(); // 0
 */
export class Tanh extends Module {
  forward(x: Tensor): Tensor {
    return tanh(x);
  }
  override describe(): string {
    return 'Tanh';
  }
  override config(): ModuleConfig {
    return { type: 'Tanh' };
  }
}

/**
 * max(x, 0), elementwise (its gradient at 0 is 0).
 * @example new ReLU().forward(tensor([-1, 2])).toArray(); // [0, 2]
 */
export class ReLU extends Module {
  forward(x: Tensor): Tensor {
    return relu(x);
  }
  override describe(): string {
    return 'ReLU';
  }
  override config(): ModuleConfig {
    return { type: 'ReLU' };
  }
}

/**
 * x for x > 0 and slope·x otherwise (default slope 0.01, as PyTorch).
 * @example new LeakyReLU(0.1).forward(tensor([-1, 2])).toArray(); // [-0.1, 2] (as float32)
 */
export class LeakyReLU extends Module {
  readonly negativeSlope: number;
  constructor(negativeSlope = 0.01) {
    super();
    if (!Number.isFinite(negativeSlope)) throw new ValueError(`LeakyReLU: the negative slope must be a finite number, got ${negativeSlope}`);
    this.negativeSlope = negativeSlope;
  }
  forward(x: Tensor): Tensor {
    return leakyRelu(x, this.negativeSlope);
  }
  override describe(): string {
    return `LeakyReLU(${this.negativeSlope})`;
  }
  override config(): ModuleConfig {
    return { type: 'LeakyReLU', negativeSlope: this.negativeSlope };
  }
}

/**
 * The Gaussian error linear unit x·Φ(x), exact (with erf) or with the tanh approximation.
 * @example new GELU().forward(tensor([0])).item(); // 0
 */
export class GELU extends Module {
  readonly approximate: 'none' | 'tanh';
  constructor(approximate: 'none' | 'tanh' = 'none') {
    super();
    if (approximate !== 'none' && approximate !== 'tanh') throw new ValueError(`GELU: approximate must be 'none' or 'tanh', got '${String(approximate)}'`);
    this.approximate = approximate;
  }
  forward(x: Tensor): Tensor {
    return gelu(x, this.approximate);
  }
  override describe(): string {
    return this.approximate === 'none' ? 'GELU' : 'GELU(tanh)';
  }
  override config(): ModuleConfig {
    return { type: 'GELU', approximate: this.approximate };
  }
}

/**
 * softmax along `axis` (default the last), stable for large inputs.
 * @example new Softmax().forward(tensor([[0, 0]])).toArray(); // [[0.5, 0.5]]
 */
export class Softmax extends Module {
  readonly axis: number;
  constructor(axis = -1) {
    super();
    if (!Number.isInteger(axis)) throw new ValueError(`Softmax: axis must be an integer, got ${axis}`);
    this.axis = axis;
  }
  forward(x: Tensor): Tensor {
    return softmax(x, this.axis);
  }
  override describe(): string {
    return this.axis === -1 ? 'Softmax' : `Softmax(axis=${this.axis})`;
  }
  override config(): ModuleConfig {
    return { type: 'Softmax', axis: this.axis };
  }
}

/**
 * Returns its input unchanged (a placeholder, or a linear output layer's "activation").
 * @example new Identity().forward(tensor([1, 2])).toArray(); // [1, 2]
 */
export class Identity extends Module {
  forward(x: Tensor): Tensor {
    return x;
  }
  override describe(): string {
    return 'Identity';
  }
  override config(): ModuleConfig {
    return { type: 'Identity' };
  }
}

/** Elementwise activations by name, as options and the CLI spell them. */
export const ACTIVATIONS = ['sigmoid', 'tanh', 'relu', 'leakyRelu', 'gelu', 'linear'] as const;

/** A hidden-layer activation name: `'relu'`, `'tanh'`, …; `'linear'` means none. */
export type ActivationName = (typeof ACTIVATIONS)[number];

/** Activations allowed after the last layer: the elementwise ones and softmax (over the last axis). */
export const OUTPUT_ACTIVATIONS = [...ACTIVATIONS, 'softmax'] as const;

/** An output activation name. */
export type OutputActivationName = (typeof OUTPUT_ACTIVATIONS)[number];

/**
 * The module for an activation name (`'linear'` gives Identity).
 * @example activationModule('tanh').describe(); // 'Tanh'
 */
export function activationModule(name: OutputActivationName): Module {
  switch (name) {
    case 'sigmoid':
      return new Sigmoid();
    case 'tanh':
      return new Tanh();
    case 'relu':
      return new ReLU();
    case 'leakyRelu':
      return new LeakyReLU();
    case 'gelu':
      return new GELU();
    case 'linear':
      return new Identity();
    case 'softmax':
      return new Softmax(-1);
    default:
      throw new ValueError(`activation: unknown name '${String(name)}'; valid names: ${OUTPUT_ACTIVATIONS.join(', ')}`);
  }
}
