/**
 * Node's built-in modules for the file-reading parts of src/data (loadCsv, digits), fetched with
 * `process.getBuiltinModule` when first needed rather than imported: a browser bundle of the
 * library then holds no `node:` import, and only those functions need Node.
 */
import { ChainruleError } from '../errors.js';

type Fs = typeof import('node:fs');
type NodeModule = typeof import('node:module');

function getter(op: string): NodeJS.Process['getBuiltinModule'] {
  const get = typeof process === 'object' && process !== null ? process.getBuiltinModule : undefined;
  if (typeof get !== 'function') {
    throw new ChainruleError(`${op} reads files, which needs Node.js ≥ 20.16 (process.getBuiltinModule); in a browser, fetch the data yourself (parseCsv takes CSV text)`);
  }
  return get.bind(process);
}

/** node:fs, for reading files. */
export function nodeFs(op: string): Fs {
  return getter(op)('node:fs');
}

/** node:module, for resolving files inside installed packages. */
export function nodeModule(op: string): NodeModule {
  return getter(op)('node:module');
}
