/**
 * The autograd engine: applies primitives (forward) while recording the graph, and walks it
 * backwards iteratively. It does the shared work so gradient rules stay short: it sums
 * broadcast gradients back to each input's shape, casts them to the input's dtype, checks the
 * rule returned one gradient per input with the right shape, and accumulates with `add`.
 */
import { AutogradError, DTypeError, ShapeError } from '../errors.js';
import { getBackend } from '../backend/registry.js';
import type { OpDef, PrimitiveName, PrimitiveParams } from '../ops/primitives/types.js';
import { isFloating } from '../tensor/dtype.js';
import { storageArray, type TensorStorage } from '../backend/storage.js';
import { allocationError, checkedSize } from '../tensor/limits.js';
import { formatShape, shapeEqual } from '../tensor/shape.js';
import { engineTensor, Tensor, type GradNode } from '../tensor/tensor.js';
import { add, cast } from '../ops/elementwise.js';
import { sumToShape } from '../ops/shape.js';
import { backwardAnomaly, captureStack, firstNonFinite, forwardAnomaly } from './anomaly.js';
import { enterBackward, isAnomalyEnabled, isGradEnabled, isInBackward, leaveBackward } from './mode.js';

/**
 * Runs the primitive `def` on `inputs` with the current backend, recording a graph node when
 * needed. Ops pass their definition (rather than a name looked up in the table of every
 * primitive), so the engine imports no primitive and any module can be the first one loaded.
 */
export function apply<P extends PrimitiveName>(def: OpDef<P>, inputs: readonly Tensor[], params: PrimitiveParams[P]): Tensor {
  const op = def.name;
  const meta = def.infer(inputs, params);
  const backend = getBackend();
  // The one place every op's output is allocated: an impossible size is named here, not by a RangeError inside a kernel.
  const size = checkedSize(op, meta.shape);
  const n = inputs.length;
  const a = inputs[0];
  const b = inputs[1];
  // Inputs on a backend's blocks are made resident first (and protected from being moved out
  // while this op runs); the output is allocated next; arrays are read last, since preparing
  // and allocating may grow the backend's memory (which would detach arrays read earlier).
  backend.beginOp?.();
  for (let i = 0; i < n; i++) inputs[i]!._block?.prepare();
  let store: TensorStorage;
  try {
    store = backend.allocate(meta.dtype, size);
  } catch (e) {
    throw allocationError(op, meta.dtype, size, e);
  }
  const out = storageArray(store);
  // Array literals for the usual one and two inputs: this runs for every op.
  const data = n === 1 ? [a!._data] : n === 2 ? [a!._data, b!._data] : inputs.map((t) => t._data);
  const shapes = n === 1 ? [a!.shape] : n === 2 ? [a!.shape, b!.shape] : inputs.map((t) => t.shape);
  backend.kernels[op]({ inputs: data, shapes, out, outShape: meta.shape, params });
  const anomaly = isAnomalyEnabled();
  let node: GradNode | null = null;
  if (def.backward !== null && isGradEnabled() && isFloating(meta.dtype)) {
    const nondifferentiable = def.nondifferentiable;
    for (let i = 0; i < n; i++) {
      if (wantsGrad(inputs[i]!, i, nondifferentiable)) {
        node = { op, def, params, inputs, stack: anomaly ? captureStack() : null } as GradNode;
        break;
      }
    }
  }
  const result = engineTensor(store, meta.shape, meta.dtype, node);
  if (temporaries !== null && (result._block !== null || (backend.recycle !== undefined && size >= RECYCLED_SIZE))) temporaries.push(result);
  if (anomaly && !isInBackward()) {
    const found = firstNonFinite(result._data);
    if (found !== null) {
      throw forwardAnomaly(op, shapes, found, node?.stack ?? null, inputs.some((t) => firstNonFinite(t._data) !== null));
    }
  }
  return result;
}

/** Whether input `i` of an op receives a gradient: it requires grad and the op differentiates it. */
function wantsGrad(input: Tensor, i: number, nondifferentiable: readonly number[]): boolean {
  return input.requiresGrad && (nondifferentiable.length === 0 || !nondifferentiable.includes(i));
}

let visitGeneration = 0;

const recordedInputs = (t: Tensor): readonly Tensor[] | undefined => t._node?.inputs;

/**
 * Every tensor that requires grad reachable from `roots`, inputs before the ops that use them,
 * in depth-first post-order. `include` filters the tensors; `inputsOf` gives a tensor's inputs
 * (default: the recorded op's; the explainer walks its condensed graph of composite steps).
 */
export function topoSort(
  roots: readonly Tensor[],
  include: (t: Tensor) => boolean = (t) => t.requiresGrad,
  inputsOf: (t: Tensor) => readonly Tensor[] | undefined = recordedInputs,
): Tensor[] {
  // Visited tensors are stamped with this walk's number (no Set), and the stack is two parallel
  // arrays (no object per entry): this runs on every backward().
  const visit = ++visitGeneration;
  const order: Tensor[] = [];
  const stack: Tensor[] = [];
  const next: number[] = [];
  for (const root of roots) {
    if (root._visit === visit || !include(root)) continue;
    root._visit = visit;
    stack.push(root);
    next.push(0);
    while (stack.length > 0) {
      const top = stack.length - 1;
      const t = stack[top]!;
      const inputs = inputsOf(t);
      const k = next[top]!;
      if (inputs === undefined || k >= inputs.length) {
        stack.pop();
        next.pop();
        order.push(t);
        continue;
      }
      next[top] = k + 1;
      const child = inputs[k]!;
      if (child._visit !== visit && include(child)) {
        child._visit = visit;
        stack.push(child);
        next.push(0);
      }
    }
  }
  return order;
}

export interface BackwardOptions {
  /** Record the backward computation so gradients can be differentiated again. */
  readonly createGraph: boolean;
  /** Add into `.grad` of leaves (and of tensors that called retainGrad()). */
  readonly accumulate: boolean;
  /** Tensors whose full gradient should be returned; 'all' returns every tensor's. */
  readonly capture: ReadonlySet<Tensor> | 'all';
}

/**
 * Tensors on backend blocks made by the backward pass running now (when it records no graph):
 * every one but the gradients it hands out (`.grad`, captured) is garbage when it ends, and is
 * released then, so its block is reused at once rather than when the garbage collector finds it
 * (a synchronous training loop lets finalizers run only when it returns: heap.ts).
 */
let temporaries: Tensor[] | null = null;
/** Elements from which a JS-array temporary goes back to the backend's pool (below, V8 allocates it as cheaply). */
const RECYCLED_SIZE = 64;

/** Back-propagates `seeds` from `roots`; returns the gradients of the captured tensors. */
export function runBackward(roots: readonly Tensor[], seeds: readonly Tensor[], options: BackwardOptions): Map<Tensor, Tensor> {
  const outer = temporaries;
  temporaries = options.createGraph ? null : [];
  const made = temporaries;
  let kept: Set<Tensor> | null = null;
  try {
    const captured = backwardPass(roots, seeds, options, (t) => (kept ??= new Set()).add(t));
    if (made !== null && made.length > 0) {
      for (const g of captured.values()) (kept ??= new Set()).add(g);
      const recycle = getBackend().recycle;
      for (let i = 0; i < made.length; i++) {
        const t = made[i]!;
        if (kept === null || !kept.has(t)) t._release(recycle);
      }
    }
    return captured;
  } finally {
    temporaries = outer;
  }
}

function backwardPass(roots: readonly Tensor[], seeds: readonly Tensor[], options: BackwardOptions, keep: (t: Tensor) => void): Map<Tensor, Tensor> {
  const order = topoSort(roots);
  // Gradients on their way are kept on the tensors (`_pending`), not in a Map: cleared first (a
  // backward that threw may have left some), taken as each tensor's turn comes.
  for (let k = 0; k < order.length; k++) order[k]!._pending = null;
  const captured = new Map<Tensor, Tensor>();
  const anomaly = isAnomalyEnabled();
  const previous = enterBackward(options.createGraph);
  try {
    for (let i = 0; i < roots.length; i++) {
      const root = roots[i]!;
      const seed = seeds[i]!;
      const existing = root._pending;
      root._pending = existing !== null ? add(existing, seed) : seed;
    }
    for (let k = order.length - 1; k >= 0; k--) {
      const t = order[k]!;
      let g = t._pending;
      if (g === null) continue;
      t._pending = null;
      if (t._hooks !== null && t._hooks.length > 0) g = runHooks(t, g, keep);
      if (options.capture === 'all' || options.capture.has(t)) captured.set(t, g);
      const node = t._node;
      if (node === null || t._retainsGrad) {
        if (options.accumulate) {
          t.grad = t.grad === null ? g : add(t.grad, g);
          keep(t.grad);
        }
      }
      if (node === null) continue;
      propagate(node, t, g, anomaly);
    }
  } finally {
    leaveBackward(previous);
  }
  return captured;
}

/**
 * Runs a tensor's gradient hooks (tensor.registerHook) in order. What a hook sees or makes may
 * be kept by it, so none of it is a temporary released at the end of the pass.
 */
function runHooks(t: Tensor, grad: Tensor, keep: (t: Tensor) => void): Tensor {
  const outer = temporaries;
  temporaries = null;
  let g = grad;
  try {
    for (const hook of [...t._hooks!]) {
      keep(g);
      const replaced: unknown = hook(g);
      if (replaced === undefined || replaced === null) continue;
      const name = `the hook on tensor ${t.name ?? `#${t.id}`}`;
      if (!(replaced instanceof Tensor)) throw new AutogradError(`registerHook: ${name} returned ${typeof replaced}; a hook returns a Tensor or nothing`);
      if (!shapeEqual(replaced.shape, g.shape)) {
        throw new ShapeError(`registerHook: ${name} changed the gradient's shape from ${formatShape(g.shape)} to ${formatShape(replaced.shape)}`);
      }
      if (replaced.dtype !== g.dtype) throw new DTypeError(`registerHook: ${name} changed the gradient's dtype from ${g.dtype} to ${replaced.dtype}`);
      g = replaced;
    }
  } finally {
    temporaries = outer;
  }
  keep(g);
  return g;
}

function propagate<P extends PrimitiveName>(node: GradNode<P>, result: Tensor, grad: Tensor, anomaly: boolean): void {
  const rule = node.def.backward;
  if (rule === null) throw new AutogradError(`internal: ${node.op} was recorded without a gradient rule`);
  const nondifferentiable = node.def.nondifferentiable;
  const inputs = node.inputs;
  const n = inputs.length;
  const needsGrad = new Array<boolean>(n);
  for (let i = 0; i < n; i++) needsGrad[i] = wantsGrad(inputs[i]!, i, nondifferentiable);
  const inputGrads = rule({ inputs, result, grad, params: node.params, needsGrad });
  if (inputGrads.length !== n) {
    throw new AutogradError(`internal: the gradient rule of ${node.op} returned ${inputGrads.length} gradients for ${n} inputs`);
  }
  for (let i = 0; i < n; i++) {
    if (!needsGrad[i]) continue;
    const input = inputs[i]!;
    let g = inputGrads[i];
    if (g === null || g === undefined) continue;
    if (g.shape !== input.shape && !shapeEqual(g.shape, input.shape)) {
      g = sumToShape(g, input.shape);
      if (!shapeEqual(g.shape, input.shape)) {
        throw new AutogradError(
          `internal: the gradient rule of ${node.op} returned shape ${formatShape(g.shape)} for input ${i} of shape ${formatShape(input.shape)}`,
        );
      }
    }
    if (g.dtype !== input.dtype) g = cast(g, input.dtype);
    if (anomaly) {
      const found = firstNonFinite(g._data);
      if (found !== null) throw backwardAnomaly(node.op, i, node.inputs.map((x) => x.shape), found, node.stack);
    }
    const existing = input._pending;
    input._pending = existing === null ? g : add(existing, g);
  }
}
