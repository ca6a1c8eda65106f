/**
 * Saving and loading model files on disk (Node): atomic writes, verified reads. node:fs is
 * fetched when first needed (see data/node.ts), so browser bundles of the library stay clean.
 */
import { nodeFs } from '../data/node.js';
import { ModelFileError, fileError } from '../errors.js';
import type { Module } from '../nn/module.js';
import type { Optimizer } from '../optim/optimizer.js';
import { loadFromText, modelFileText, type LoadedModel } from './model.js';

/**
 * Writes `text` (a string, as UTF-8, or bytes) to `path` atomically: to a temporary file beside it, flushed to disk, then
 * renamed over the target. A crash at any point leaves either the old file or the new one; a
 * failure throws a FileError naming the path and the reason (no space left, permission denied…).
 */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } = nodeFs('writeFileAtomic');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const tmp = `${path.slice(0, slash + 1)}.${path.slice(slash + 1)}.${process.pid}.${Date.now()}.tmp`;
  try {
    const fd = openSync(tmp, 'w');
    try {
      if (typeof text === 'string') writeSync(fd, text);
      else writeSync(fd, text, 0, text.length);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    renameSync(tmp, path);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw fileError(path, 'cannot write the file', e);
  }
}

export interface SaveOptions {
  /** Also store the optimizer's state, to resume training. */
  readonly optimizer?: Optimizer;
  /** Free-form training metadata (epochs run, dataset, history…): must be JSON-serializable. */
  readonly metadata?: Record<string, unknown>;
}

/**
 * Saves a model's architecture and weights (and optionally optimizer state and metadata) to a
 * versioned model file, atomically.
 * @example
 * const model = mlp([2, 4, 1], { seed: 0 });
 * save(model, 'model.json', { metadata: { note: 'an untrained network' } });
 */
export function save(model: Module, path: string, options: SaveOptions = {}): void {
  writeFileAtomic(path, modelFileText(model, options));
}

/**
 * Reads a model file written by `save` (or exported by the playground). A truncated, edited or
 * mismatched file throws a ModelFileError; nothing is half-loaded.
 * @example
 * save(mlp([2, 4, 1], { seed: 0 }), 'model.json');
 * const { model } = load('model.json');
 * model.parameters().length; // 4
 */
export function load(path: string): LoadedModel {
  const { readFileSync } = nodeFs('load');
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    const code = (e as { code?: string }).code;
    throw new ModelFileError(`${path}: cannot read the model file (${code === 'ENOENT' ? 'no such file' : String(code ?? e)})`);
  }
  return loadFromText(path, text);
}

