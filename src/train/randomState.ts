/**
 * The random state of a training run, for checkpoints: the default generator (Dropout without a
 * seed of its own) and every generator a module registered (a seeded Dropout's). With the
 * parameters, buffers, optimizer and schedule, it is what a resumed run needs to draw the same
 * masks as an uninterrupted one. Shuffling needs none: fit derives each epoch's order from its seed.
 */
import { ValueError } from '../errors.js';
import type { Module, AnyModule } from '../nn/module.js';
import { Generator, getDefaultGenerator, type GeneratorState } from '../random/generator.js';

export interface RandomState {
  /** The default generator's state (`manualSeed`'s). */
  readonly default: GeneratorState;
  /** Each module generator's state by dotted name (see `Module.namedGenerators`). */
  readonly modules: Readonly<Record<string, GeneratorState>>;
}

/**
 * The current random state of a run training `model` (JSON values; `checkpoint` stores it as
 * `metadata.randomState`).
 * @example
 * const model = new Sequential(new Linear(2, 2, { seed: 0 }), new Dropout(0.5, { seed: 1 }));
 * Object.keys(randomState(model).modules); // ['1.generator']
 */
export function randomState(model: AnyModule): RandomState {
  const modules: Record<string, GeneratorState> = {};
  for (const [name, g] of model.namedGenerators()) modules[name] = g.getState();
  return { default: getDefaultGenerator().getState(), modules };
}

/**
 * Puts back a state from `randomState` (e.g. a checkpoint's `metadata.randomState`) into the
 * default generator and `model`'s generators; a model's generator missing from the state, or a
 * state naming a generator the model lacks, is a ValueError (the checkpoint is of another model).
 * @example
 * const model = new Sequential(new Dropout(0.5, { seed: 1 }));
 * const saved = randomState(model);
 * model.forward(ones([4]));
 * loadRandomState(model, saved); // the next masks are those drawn after `saved` was taken
 */
export function loadRandomState(model: AnyModule, state: unknown): void {
  if (typeof state !== 'object' || state === null || !('default' in state) || !('modules' in state) || typeof state.modules !== 'object' || state.modules === null) {
    throw new ValueError('loadRandomState: expected { default, modules } as randomState() returns (a checkpoint keeps it in metadata.randomState)');
  }
  const saved = state.modules as Record<string, unknown>;
  const own = model.namedGenerators();
  const names = new Set(own.map(([name]) => name));
  const missing = own.filter(([name]) => !Object.hasOwn(saved, name)).map(([name]) => `'${name}'`);
  const unexpected = Object.keys(saved).filter((name) => !names.has(name)).map((name) => `'${name}'`);
  if (missing.length > 0 || unexpected.length > 0) {
    const parts = [missing.length > 0 ? `missing ${missing.join(', ')}` : '', unexpected.length > 0 ? `unexpected ${unexpected.join(', ')}` : ''].filter((s) => s !== '');
    throw new ValueError(`loadRandomState: the state does not match the model's generators: ${parts.join('; ')}`);
  }
  const pairs: [Generator, GeneratorState][] = [[getDefaultGenerator(), state.default as GeneratorState], ...own.map(([name, g]): [Generator, GeneratorState] => [g, saved[name] as GeneratorState])];
  // All checked on a scratch generator before any is set: nothing changes if one is malformed.
  const scratch = new Generator(0);
  for (const [, s] of pairs) scratch.setState(s);
  for (const [g, s] of pairs) g.setState(s);
}
