/**
 * Saving and loading model files on disk (Node): atomic writes, verified reads. node:fs is
 * fetched when first needed (see data/node.ts), so browser bundles of the library stay clean.
 */
import { nodeFs } from '../data/node.js';
import { decodeUtf8 } from '../data/utf8.js';
import { ModelFileError, fileError, fsErrorCode, fsErrorReason } from '../errors.js';
import type { Module, AnyModule } from '../nn/module.js';
import { removeStaleTemporaries, tempStem } from './directory.js';
import { loadFromText, modelFileText, type LoadedModel, type ModelFileOptions } from './model.js';

/**
 * Writes `text` (a string, as UTF-8, or bytes) to `path` atomically: to a temporary file beside it, flushed to disk, then
 * renamed over the target. A crash at any point leaves either the old file or the new one; a
 * failure throws a FileError naming the path and the reason (no space left, permission denied…),
 * and leaves no temporary behind. Temporaries left by earlier writers of the same path that were
 * killed are removed first.
 */
export function writeFileAtomic(path: string, text: string | Uint8Array): void {
  const { closeSync, fsyncSync, openSync, renameSync, rmSync, writeSync } = nodeFs('writeFileAtomic');
  const slash = Math.max(path.lastIndexOf('/'), path.lastIndexOf('\\'));
  const dir = path.slice(0, slash + 1);
  const base = path.slice(slash + 1);
  removeStaleTemporaries(dir, base, 'file');
  const tmp = `${dir}.${tempStem(base)}.${process.pid}.${Date.now()}.tmp`;
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
    try {
      rmSync(tmp, { force: true });
    } catch {
      // the temporary could not even be named (ENAMETOOLONG…): there is nothing to remove
    }
    throw fileError(path, 'cannot write the file', e);
  }
}

/** What to store beside the weights: optimizer state, metadata, and whether to stamp the time (`timestamp: false` for byte-identical files). */
export type SaveOptions = ModelFileOptions;

/**
 * Saves a model's architecture and weights (and optionally optimizer state and metadata) to a
 * versioned model file, atomically.
 * @example
 * const model = mlp([2, 4, 1], { seed: 0 });
 * save(model, 'model.json', { metadata: { note: 'an untrained network' } });
 */
export function save(model: AnyModule, path: string, options: SaveOptions = {}): void {
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
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    const code = fsErrorCode(e);
    const reason = code === 'ENOENT' ? 'no such file' : fsErrorReason(e);
    throw new ModelFileError(`${path}: cannot read the model file (${reason})`);
  }
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') throw new ModelFileError(`${path}: not a chainrule model file: byte ${text.offset} is not UTF-8 text`);
  return loadFromText(path, text);
}

