/**
 * Checking that a value survives JSON.stringify unchanged. JSON.stringify throws raw TypeErrors
 * on cycles and BigInts, and silently writes NaN, Infinity, holes and undefined array items as
 * null, drops function properties and writes a Map or a typed array as an object: a model file
 * would then hold other metadata than was given. Each such value is refused here, with its key
 * path. An undefined property is allowed: JSON leaves the key out, and reading it gives undefined again.
 */
import { ValueError } from '../errors.js';

const IDENTIFIER = /^[A-Za-z_$][\w$]*$/;

function child(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return IDENTIFIER.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`;
}

function refuse(path: string, what: string): never {
  throw new ValueError(`${path} is ${what}; JSON cannot store it, so it cannot be saved in a model file`);
}

/** Throws a ValueError naming the first key path (e.g. `metadata.final.loss`) whose value JSON cannot store as given. */
export function checkJsonValue(value: unknown, path: string): void {
  // Ancestors only, not every object seen: the same object twice (not inside itself) is no cycle.
  const ancestors = new Map<object, string>();
  const visit = (v: unknown, at: string): void => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return;
      case 'number':
        if (!Number.isFinite(v)) throw new ValueError(`${at} is ${v}; JSON has no ${Number.isNaN(v) ? 'NaN' : 'infinities'}, so it cannot be saved in a model file`);
        return;
      case 'bigint':
        return refuse(at, `the BigInt ${v}n (convert it with Number() or String())`);
      case 'undefined':
        // Reached only for array items (object properties are skipped below, as JSON drops them): JSON writes null.
        return refuse(at, 'undefined (JSON writes null in its place)');
      case 'function':
        return refuse(at, 'a function');
      case 'symbol':
        return refuse(at, 'a symbol');
    }
    if (v === null) return;
    const object = v as object;
    if (ArrayBuffer.isView(object)) refuse(at, `a ${object.constructor.name} (JSON writes it as an object of indices; convert it with Array.from)`);
    if (object instanceof Number || object instanceof String || object instanceof Boolean) {
      visit(object.valueOf(), at);
      return;
    }
    const toJSON: unknown = (object as { toJSON?: unknown }).toJSON;
    if (typeof toJSON === 'function') {
      // Date and friends: what matters is what they turn into.
      const replaced: unknown = toJSON.call(object);
      if (replaced === object) refuse(at, 'an object whose toJSON() returns itself');
      if (replaced === null && object instanceof Date) refuse(at, 'an invalid Date');
      visit(replaced, at);
      return;
    }
    const cycle = ancestors.get(object);
    if (cycle !== undefined) refuse(at, `${cycle} itself (a cycle)`);
    if (object instanceof Map || object instanceof Set) refuse(at, `a ${object instanceof Map ? 'Map' : 'Set'} (JSON writes it as {}; convert it to an object or an array)`);
    ancestors.set(object, at);
    if (Array.isArray(object)) {
      // An index loop, not forEach: a hole must be seen (JSON writes null for it).
      for (let i = 0; i < object.length; i++) {
        if (!(i in object)) refuse(child(at, i), 'a hole in the array (JSON writes null for it)');
        visit((object as unknown[])[i], child(at, i));
      }
    } else {
      for (const [key, item] of Object.entries(object)) if (item !== undefined) visit(item, child(at, key));
    }
    ancestors.delete(object);
  };
  visit(value, path);
}
