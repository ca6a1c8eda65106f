/** Multi-layer perceptrons from a list of layer sizes. */
import { ValueError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { ACTIVATIONS, OUTPUT_ACTIVATIONS, activationModule, type ActivationName, type OutputActivationName } from './activations.js';
import { Dropout } from './dropout.js';
import type { DType } from '../tensor/dtype.js';
import { resolveGenerator, type InitSpec } from './init.js';
import { Linear } from './linear.js';
import { Sequential } from './sequential.js';

export interface MlpOptions {
  /** Activation after each hidden layer (default 'relu'). */
  readonly activation?: ActivationName;
  /** Activation after the last layer (default 'linear', i.e. none: the outputs are logits or values). */
  readonly outputActivation?: OutputActivationName;
  /** Weight initializer of every Linear layer (default 'default', PyTorch's). */
  readonly init?: InitSpec;
  /** Bias initializer (default as Linear: 'default' with the default init, else 'zeros'). */
  readonly biasInit?: InitSpec;
  /** Give the Linear layers biases (default true). */
  readonly bias?: boolean;
  /** Seed for the initial weights; dropout layer k (0-based) is seeded with seed + k + 1. */
  readonly seed?: number;
  /** The generator for the initial weights and the dropout masks (not with `seed`). */
  readonly generator?: Generator;
  /** Parameter dtype: float32 (default) or float64. */
  readonly dtype?: DType;
  /** Dropout probability after each hidden activation (default 0: no Dropout layers). */
  readonly dropout?: number;
}

/**
 * A multi-layer perceptron: Linear layers of the given sizes (input first, output last) with
 * `activation` between them and `outputActivation` after the last; the layers are drawn from
 * one generator in order, so a seed fixes them all.
 * @example
 * const model = mlp([2, 8, 8, 1], { activation: 'tanh', seed: 0 });
 * model.parameterCount(); // 105
 * model.forward(zeros([4, 2])).shape; // [4, 1]
 */
export function mlp(sizes: readonly number[], options: MlpOptions = {}): Sequential {
  if (!Array.isArray(sizes) || sizes.length < 2) {
    throw new ValueError(`mlp: sizes must list at least the input and output sizes, e.g. [2, 8, 1], got ${JSON.stringify(sizes)}`);
  }
  sizes.forEach((n, i) => {
    if (!Number.isInteger(n) || n < 1) throw new ValueError(`mlp: layer sizes must be positive integers, got ${JSON.stringify(sizes)} (entry ${i})`);
  });
  const activation = options.activation ?? 'relu';
  const outputActivation = options.outputActivation ?? 'linear';
  if (!(ACTIVATIONS as readonly string[]).includes(activation)) {
    throw new ValueError(`mlp: unknown activation '${String(activation)}'; valid names: ${ACTIVATIONS.join(', ')}`);
  }
  if (!(OUTPUT_ACTIVATIONS as readonly string[]).includes(outputActivation)) {
    throw new ValueError(`mlp: unknown output activation '${String(outputActivation)}'; valid names: ${OUTPUT_ACTIVATIONS.join(', ')}`);
  }
  const p = options.dropout ?? 0;
  if (!(typeof p === 'number' && p >= 0 && p <= 1)) throw new ValueError(`mlp: dropout must be a probability in [0, 1], got ${p}`);
  const generator = resolveGenerator('mlp', options);
  const model = new Sequential();
  let dropouts = 0;
  for (let i = 0; i + 1 < sizes.length; i++) {
    const last = i + 2 === sizes.length;
    model.append(
      new Linear(sizes[i] ?? 0, sizes[i + 1] ?? 0, {
        generator,
        ...(options.dtype === undefined ? {} : { dtype: options.dtype }),
        ...(options.init === undefined ? {} : { init: options.init }),
        ...(options.biasInit === undefined ? {} : { biasInit: options.biasInit }),
        ...(options.bias === undefined ? {} : { bias: options.bias }),
      }),
    );
    const act = last ? outputActivation : activation;
    if (act !== 'linear') model.append(activationModule(act));
    if (!last && p > 0) {
      model.append(new Dropout(p, options.seed !== undefined ? { seed: options.seed + dropouts + 1 } : options.generator !== undefined ? { generator } : {}));
      dropouts++;
    }
  }
  return model;
}
