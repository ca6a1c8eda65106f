/** Model files from text, without the file system (works in the browser too). */
import { ModelFileError, ValueError } from '../errors.js';
import type { Module, AnyModule } from '../nn/module.js';
import { moduleFromConfig } from '../nn/registry.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import { VERSION } from '../version.js';
import { decodeModelFile, deserializeParameters, encodeModelFile, serializeParameters } from './format.js';
import { checkJsonValue } from './json.js';

export interface LoadedModel {
  readonly model: Module;
  /** The optimizer state saved with the model, to pass to `optimizer.loadStateDict`. */
  readonly optimizerState: OptimizerState | null;
  readonly metadata: Record<string, unknown>;
}

export interface ModelFileOptions {
  /** Also store the optimizer's state, to resume training. */
  readonly optimizer?: Optimizer | undefined;
  /** Free-form training metadata (epochs run, dataset, history…): must be JSON-serializable, or a ValueError names the key that is not. */
  readonly metadata?: Record<string, unknown> | undefined;
  /**
   * Record the time of saving as `metadata.savedAt` (default true). With false, saving the same
   * model twice gives byte-identical files (the loader never needs savedAt).
   */
  readonly timestamp?: boolean | undefined;
}

/**
 * The text of a model file for `model` (what `save` writes; the playground's Export model).
 * @example
 * const a = modelFileText(mlp([2, 3, 1], { seed: 0 }), { timestamp: false });
 * a === modelFileText(mlp([2, 3, 1], { seed: 0 }), { timestamp: false }); // true
 */
export function modelFileText(model: AnyModule, options: ModelFileOptions = {}): string {
  const { metadata = {} } = options;
  if (typeof metadata !== 'object' || metadata === null || Array.isArray(metadata)) {
    throw new ValueError(`modelFileText: metadata must be an object of named values, got ${Array.isArray(metadata) ? 'an array' : String(metadata)}`);
  }
  checkJsonValue(metadata, 'metadata');
  const optimizer = options.optimizer?.stateDict() ?? null;
  // A diverged run's NaN moments would otherwise be written as null and resume as garbage.
  checkJsonValue(optimizer, 'optimizer');
  return encodeModelFile({
    model: model.config(),
    parameters: serializeParameters(model.stateDict()),
    optimizer,
    metadata: { chainrule: VERSION, ...(options.timestamp === false ? {} : { savedAt: new Date().toISOString() }), ...metadata },
  });
}

/** Loads a model from a model file's text; `where` names it in errors. */
export function loadFromText(where: string, text: string): LoadedModel {
  const payload = decodeModelFile(where, text);
  let model: Module;
  try {
    // The file holds every parameter value the model has, each at least one byte: a description
    // asking for more values than the stored bytes is edited or damaged (checked before allocating).
    let stored = 0;
    for (const p of Object.values(payload.parameters) as unknown[]) {
      const data = typeof p === 'object' && p !== null ? (p as { data?: unknown }).data : undefined;
      if (typeof data === 'string') stored += Math.ceil((data.length * 3) / 4);
    }
    model = moduleFromConfig(payload.model, { maxParameters: stored });
  } catch (e) {
    throw new ModelFileError(`${where}: the model description cannot be rebuilt: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Persistent buffers (running statistics) are stored among the parameters, as in PyTorch's state_dict.
  const state = deserializeParameters(where, payload.parameters, model._stateTensors());
  try {
    model.loadStateDict(state);
  } catch (e) {
    throw new ModelFileError(`${where}: the weights do not fit the model described in the file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { model, optimizerState: payload.optimizer, metadata: payload.metadata };
}
