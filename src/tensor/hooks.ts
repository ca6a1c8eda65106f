// Gradient hooks (tensor.registerHook): registering and removing them. The engine runs them
// (autograd/engine.ts runHooks); kept apart so the Tensor class carries only the method.
import { AutogradError } from '../errors.js';
import type { Tensor } from './tensor.js';

/** A gradient hook (`registerHook`): sees the gradient; a tensor it returns replaces it. */
export type GradHook = (grad: Tensor) => Tensor | void;

/** Returned by `registerHook`: `remove()` unregisters the hook (as torch's RemovableHandle). */
export interface RemovableHandle {
  remove(): void;
}

/** Appends `hook` to `t`'s hooks; the handle removes this registration only. */
export function addHook(t: Tensor, hook: GradHook): RemovableHandle {
  if (!t.requiresGrad) throw new AutogradError('registerHook: cannot register a hook on a tensor that does not require grad');
  if (typeof hook !== 'function') throw new AutogradError(`registerHook: the hook must be a function, got ${typeof hook}`);
  const hooks = (t._hooks ??= []);
  hooks.push(hook);
  return {
    remove: () => {
      const i = hooks.indexOf(hook);
      if (i >= 0) hooks.splice(i, 1);
    },
  };
}
