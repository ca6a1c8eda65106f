/** Model files from text, without the file system (works in the browser too). */
import { ModelFileError } from '../errors.js';
import type { Module } from '../nn/module.js';
import { moduleFromConfig } from '../nn/registry.js';
import type { Optimizer, OptimizerState } from '../optim/optimizer.js';
import { VERSION } from '../version.js';
import { decodeModelFile, deserializeParameters, encodeModelFile, serializeParameters } from './format.js';

export interface LoadedModel {
  readonly model: Module;
  /** The optimizer state saved with the model, to pass to `optimizer.loadStateDict`. */
  readonly optimizerState: OptimizerState | null;
  readonly metadata: Record<string, unknown>;
}

/** The text of a model file for `model` (what `save` writes; the playground's Export model). */
export function modelFileText(model: Module, options: { optimizer?: Optimizer; metadata?: Record<string, unknown> } = {}): string {
  return encodeModelFile({
    model: model.config(),
    parameters: serializeParameters(model.stateDict()),
    optimizer: options.optimizer?.stateDict() ?? null,
    metadata: { chainrule: VERSION, savedAt: new Date().toISOString(), ...(options.metadata ?? {}) },
  });
}

/** Loads a model from a model file's text; `where` names it in errors. */
export function loadFromText(where: string, text: string): LoadedModel {
  const payload = decodeModelFile(where, text);
  let model: Module;
  try {
    model = moduleFromConfig(payload.model);
    model.loadStateDict(deserializeParameters(where, payload.parameters));
  } catch (e) {
    if (e instanceof ModelFileError) throw e;
    throw new ModelFileError(`${where}: the weights do not fit the model described in the file: ${e instanceof Error ? e.message : String(e)}`);
  }
  return { model, optimizerState: payload.optimizer ?? null, metadata: payload.metadata ?? {} };
}
