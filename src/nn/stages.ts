/**
 * A Sequential MLP read as a chain of stages, each a Linear layer and the activation after it:
 * what network diagrams draw and what the one-sample scalar explanation unrolls.
 */
import { ShapeError, ValueError } from '../errors.js';
import { GELU, Identity, LeakyReLU, ReLU, Sigmoid, Softmax, Tanh } from './activations.js';
import { Dropout } from './dropout.js';
import { Linear } from './linear.js';
import { Module } from './module.js';
import { Sequential } from './sequential.js';

export interface ActivationInfo {
  readonly module: Module;
  readonly layer: number;
  /** How a formula writes it: σ, tanh, ReLU, … */
  readonly symbol: string;
  /** Softmax mixes the units of its layer, so its formula names the whole layer. */
  readonly mixing: boolean;
}

export interface Stage {
  readonly linear: Linear;
  readonly layer: number;
  readonly activation: ActivationInfo | null;
}

export function describeModule(m: unknown): string {
  if (m instanceof Module) return m.describe();
  if (m === null) return 'null';
  return typeof m === 'object' ? (m.constructor?.name ?? 'object') : typeof m;
}

/** The activation drawn for a module; 'skip' for modules drawn as nothing; null when unsupported. */
function activationOf(m: Module, layer: number, who: string): Omit<ActivationInfo, 'module' | 'layer'> | 'skip' | null {
  // Dropout is drawn as in evaluation mode (the identity): a diagram shows one deterministic pass.
  if (m instanceof Identity || m instanceof Dropout) return 'skip';
  if (m instanceof Sigmoid) return { symbol: 'σ', mixing: false };
  if (m instanceof Tanh) return { symbol: 'tanh', mixing: false };
  if (m instanceof ReLU) return { symbol: 'ReLU', mixing: false };
  if (m instanceof LeakyReLU) return { symbol: 'LeakyReLU', mixing: false };
  if (m instanceof GELU) return { symbol: 'GELU', mixing: false };
  if (m instanceof Softmax) {
    if (m.axis !== -1 && m.axis !== 1) {
      throw new ValueError(`${who}: layer ${layer} (${m.describe()}) is not supported; one sample is [1, n], so softmax must run over the last axis (-1)`);
    }
    return { symbol: 'softmax', mixing: true };
  }
  return null;
}

export function stagesOf(model: unknown, who = 'networkSvg'): Stage[] {
  if (!(model instanceof Sequential)) {
    throw new ValueError(
      `${who}: expected a Sequential of Linear layers and activations (as mlp([2, 4, 1]) or tutorialNetwork() build), got ${describeModule(model)}`,
    );
  }
  const stages: { linear: Linear; layer: number; activation: ActivationInfo | null }[] = [];
  let layer = 0;
  for (const m of model) {
    if (m instanceof Linear) {
      const prev = stages[stages.length - 1];
      if (prev !== undefined && prev.linear.outFeatures !== m.inFeatures) {
        throw new ShapeError(
          `${who}: layer ${layer} (${m.describe()}) takes ${m.inFeatures} inputs but layer ${prev.layer} (${prev.linear.describe()}) gives ${prev.linear.outFeatures}`,
        );
      }
      if (m.inFeatures === 0 || m.outFeatures === 0) throw new ValueError(`${who}: layer ${layer} (${m.describe()}) has no units`);
      stages.push({ linear: m, layer, activation: null });
    } else {
      const info = activationOf(m, layer, who);
      if (info === null) {
        throw new ValueError(
          `${who}: layer ${layer} (${describeModule(m)}) is not supported; a network diagram draws Linear layers and the activations ` +
            'Sigmoid, Tanh, ReLU, LeakyReLU, GELU and Softmax (Identity and Dropout are drawn as nothing)',
        );
      }
      if (info !== 'skip') {
        const last = stages[stages.length - 1];
        if (last === undefined) {
          throw new ValueError(`${who}: layer ${layer} (${m.describe()}) comes before the first Linear layer; the network must start with a Linear layer`);
        }
        if (last.activation !== null) {
          throw new ValueError(
            `${who}: layers ${last.activation.layer} (${last.activation.module.describe()}) and ${layer} (${m.describe()}) are two activations in a row, which cannot be read as one neuron`,
          );
        }
        last.activation = { ...info, module: m, layer };
      }
    }
    layer++;
  }
  if (stages.length === 0) throw new ValueError(`${who}: the Sequential has no Linear layer`);
  return stages;
}
