/**
 * Fused optimizer updates: where the backend has `updateFloat32` (wasm), a float32 parameter of
 * at least FUSED_MIN elements is updated in one SIMD pass, with its state kept as float32
 * tensors on the backend (resident beside the parameter: no copy in or out per step). The JS
 * loops keep float64 state and round the parameter once; the fused pass rounds every step to
 * float32 as PyTorch does, so the two may differ by a few float32 ulps per step (the state's own
 * rounding compounds slowly: test/optim/wasmUpdates.test.ts bounds it). Saved states are the
 * same either way (numbers per buffer), and a parameter's state moves between the two forms
 * whenever the path it takes changes (a checkpoint loaded, the backend switched).
 */
import type { Backend, FusedUpdate } from '../backend/backend.js';
import { DTypeError } from '../errors.js';
import { tensor, zeros } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';

/** Elements from which a float32 parameter's update is fused (below, the JS loop costs less than the call). */
export const FUSED_MIN = 4096;

/** What an optimizer's fused update needs: its state buffers' names and the update made from the arrays. */
export interface FusedPlan {
  readonly buffers: readonly string[];
  /** `fresh`: every buffer was just created (zeros), as on a parameter's first update. */
  build(param: Float32Array, grad: Float32Array, state: readonly Float32Array[], fresh: boolean): FusedUpdate;
}

/** Per parameter index, buffer name → its float32 state tensor. */
export type DeviceState = Map<number, Map<string, Tensor>>;

/**
 * Runs `plan` on parameter `p` with gradient `grad`: state from `jsState` (a checkpoint's, or the
 * JS loop's) moves into float32 tensors first.
 */
export function runFused(backend: Backend, hook: (u: FusedUpdate) => void, p: Tensor, grad: Tensor, plan: FusedPlan, own: Map<string, Tensor>, jsState: Map<string, Float64Array>): void {
  let fresh = true;
  for (const name of plan.buffers) {
    if (own.has(name)) {
      fresh = false;
      continue;
    }
    const saved = jsState.get(name);
    if (saved !== undefined) fresh = false;
    own.set(name, saved === undefined ? zeros([p.size], { dtype: 'float32' }) : tensor(Float32Array.from(saved), { dtype: 'float32' }));
    jsState.delete(name);
  }
  // As the engine does for an op: every block resident and protected, then arrays read (making
  // a block resident may grow the memory, detaching arrays read before).
  const states = plan.buffers.map((name) => own.get(name)!);
  backend.beginOp?.();
  p._block?.prepare();
  grad._block?.prepare();
  for (const t of states) t._block?.prepare();
  hook(plan.build(asFloat32(p), asFloat32(grad), states.map(asFloat32), fresh));
}

function asFloat32(t: Tensor): Float32Array {
  const d = t._data;
  if (!(d instanceof Float32Array)) throw new DTypeError(`internal: a fused update got ${t.dtype} data`);
  return d;
}

/** Moves float32 state back to float64 buffers (exactly: every float32 is a float64), for the JS loop. */
export function toJsState(own: Map<string, Tensor>, jsState: Map<string, Float64Array>): void {
  for (const [name, t] of own) jsState.set(name, Float64Array.from(t._data));
  own.clear();
}
