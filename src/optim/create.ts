/** Optimizers by name, for the CLI and experiment configs. */
import { ValueError } from '../errors.js';
import { Adagrad, type AdagradOptions } from './adagrad.js';
import { Adam, AdamW, type AdamOptions } from './adam.js';
import type { Optimizer, OptimizerParams } from './optimizer.js';
import { RMSprop, type RMSpropOptions } from './rmsprop.js';
import { SGD, type SGDOptions } from './sgd.js';

/** The optimizers `createOptimizer` knows. */
export type OptimizerName = 'sgd' | 'adam' | 'adamw' | 'rmsprop' | 'adagrad';

/** Every name `createOptimizer` accepts, in the order error messages list them. */
export const OPTIMIZER_NAMES: readonly OptimizerName[] = ['sgd', 'adam', 'adamw', 'rmsprop', 'adagrad'];

/** The union of every optimizer's options; each optimizer accepts only its own. */
export type OptimizerOptions = SGDOptions & AdamOptions & RMSpropOptions & AdagradOptions;

const ACCEPTED: Record<OptimizerName, readonly string[]> = {
  sgd: SGD.optionNames,
  adam: Adam.optionNames,
  adamw: AdamW.optionNames,
  rmsprop: RMSprop.optionNames,
  adagrad: Adagrad.optionNames,
};

function isOptimizerName(name: string): name is OptimizerName {
  return (OPTIMIZER_NAMES as readonly string[]).includes(name);
}

/**
 * Makes the optimizer called `name` (case-insensitive: sgd, adam, adamw, rmsprop, adagrad) with
 * `options` (and `params` may be groups with their own options, as for the constructors); an
 * unknown name or an option the optimizer does not take is a ValueError.
 * @example
 * const w = tensor([1, 2], { requiresGrad: true });
 * const opt = createOptimizer('Adam', [w], { lr: 0.01 });
 * opt.typeName; // 'Adam'
 * createOptimizer('sgd', [w], { betas: [0.9, 0.99] }); // throws ValueError
 */
export function createOptimizer(name: string, params: OptimizerParams<OptimizerOptions>, options: OptimizerOptions = {}): Optimizer {
  const key = name.toLowerCase();
  if (!isOptimizerName(key)) {
    throw new ValueError(`createOptimizer: unknown optimizer '${name}'; choose one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
  const accepted = ACCEPTED[key];
  for (const [option, value] of Object.entries(options)) {
    if (value !== undefined && !accepted.includes(option)) {
      throw new ValueError(`createOptimizer: ${key} does not take the option '${option}'; it takes ${accepted.join(', ')}`);
    }
  }
  switch (key) {
    case 'sgd':
      return new SGD(params, options);
    case 'adam':
      return new Adam(params, options);
    case 'adamw':
      return new AdamW(params, options);
    case 'rmsprop':
      return new RMSprop(params, options);
    case 'adagrad':
      return new Adagrad(params, options);
  }
}
