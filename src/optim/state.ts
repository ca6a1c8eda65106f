/** Checks shared by the optimizers' and schedulers' `loadStateDict`. */
import { ValueError } from '../errors.js';

/**
 * The name an optimizer or scheduler is saved under: its class's own `static typeName`, since a
 * minifier renames classes (a bundled app's SGD may be class `Aa`) and a state tagged with that
 * name would not load anywhere else. A class without one (a user's subclass) falls back to its
 * constructor's name, as before there were type names.
 */
export function typeNameOf(instance: object): string {
  const ctor: unknown = instance.constructor;
  if (typeof ctor !== 'function') return 'Object';
  if (Object.prototype.hasOwnProperty.call(ctor, 'typeName') && 'typeName' in ctor && typeof ctor.typeName === 'string') return ctor.typeName;
  return ctor.name;
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** A thrower whose messages start with `Owner.loadStateDict: `. */
export function stateFailure(owner: string): (message: string) => never {
  return (message: string): never => {
    throw new ValueError(`${owner}.loadStateDict: ${message}`);
  };
}

/**
 * Checks what every saved state starts with: an object from `stateDict()` of the same type,
 * with a non-negative integer step counter under `counter`.
 */
export function checkStateHeader(owner: string, state: unknown, counter: string): void {
  const fail: (message: string) => never = stateFailure(owner);
  if (!isRecord(state)) fail(`expected a state object from stateDict(), got ${state === null ? 'null' : typeof state}`);
  if (state['type'] !== owner) fail(`the state is for ${String(state['type'])}, not ${owner}`);
  const n = state[counter];
  if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) fail(`'${counter}' must be a non-negative integer, got ${String(n)}`);
}
