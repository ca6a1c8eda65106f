/**
 * Reading what a user gives an optimizer: the constructor's options and each parameter group's
 * own, checked against the names the optimizer takes so that a misspelt option is an error
 * rather than silently ignored.
 */
import { ValueError } from '../errors.js';
import type { Tensor } from '../tensor/tensor.js';

/**
 * The options every optimizer keeps per parameter group once resolved: the learning rate plus
 * its own numbers and flags. Each optimizer narrows it (`SGDGroupOptions`, `AdamGroupOptions`…).
 */
export interface ParamGroupOptions {
  lr: number;
  [key: string]: number | boolean;
}

/** A group of parameters and the options it was resolved to (the optimizer's defaults, then its own). */
export interface ParamGroup<R extends ParamGroupOptions = ParamGroupOptions> {
  readonly params: readonly Tensor[];
  readonly options: R;
}

/**
 * A group of parameters with its own options, as PyTorch's `{ params, lr, weight_decay… }` dicts:
 * `O` is the optimizer's options type (`SGDOptions`…); what a group leaves out comes from the
 * constructor's options.
 */
export type ParamGroupSpec<O extends object = { readonly lr?: number }> = { readonly params: readonly Tensor[] } & O;

/** What an optimizer takes: a list of parameters, or a list of groups with their own options. */
export type OptimizerParams<O extends object = { readonly lr?: number }> = readonly Tensor[] | readonly ParamGroupSpec<O>[];

export function isGroupSpec(p: Tensor | ParamGroupSpec<object>): p is ParamGroupSpec<object> {
  return !('shape' in p);
}

/**
 * The options set in `given` (a constructor's options, or a group without its `params`), refusing
 * a name the optimizer does not take; `where` is '' or ' in parameter group N'.
 */
export function givenOptions(owner: string, given: object, names: readonly string[], where: string): Map<string, unknown> {
  const entries: [string, unknown][] = Object.entries(given);
  const set = new Map<string, unknown>();
  for (const [key, value] of entries) {
    if (key === 'params' && where !== '') continue;
    if (!names.includes(key)) throw new ValueError(`${owner}: unknown option '${key}'${where} (options: ${names.join(', ')})`);
    // exactOptionalPropertyTypes keeps undefined out of typed code; from JS it means "not set".
    if (value !== undefined) set.set(key, value);
  }
  return set;
}

/**
 * `base` with the options of `given` put in: each must have the type of the option it replaces.
 * The optimizers whose option names differ from what their groups keep (Adam's `betas`) translate
 * those before calling this.
 */
export function withOptions<R extends ParamGroupOptions>(owner: string, base: R, given: ReadonlyMap<string, unknown>, where: string): R {
  const resolved: R = { ...base };
  const writable: ParamGroupOptions = resolved;
  for (const [key, value] of given) {
    const current = base[key];
    if (current === undefined) throw new ValueError(`${owner}: option '${key}'${where} is not one of ${Object.keys(base).join(', ')}`);
    if ((typeof value !== 'number' && typeof value !== 'boolean') || typeof value !== typeof current) {
      throw new ValueError(`${owner}: option '${key}'${where} must be a ${typeof current}, got ${String(value)}`);
    }
    writable[key] = value;
  }
  return resolved;
}
