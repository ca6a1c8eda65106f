/**
 * Graph inspection: the recorded computation as a list of nodes in topological order, each
 * with its op, inputs, saved values, value, gradient and local-derivative formulas. The chain-rule
 * explanations and the graph pictures are built on this.
 */
import { formulasOf, PRIMITIVES } from '../ops/primitives/index.js';
import type { Formula, PrimitiveName, PrimitiveParams } from '../ops/primitives/types.js';
import type { DType } from '../tensor/dtype.js';
import { onesLike } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { AutogradError } from '../errors.js';
import { runBackward, topoSort } from './engine.js';

export interface SavedValue {
  /** `input0`, `input1`, … or `result`. */
  readonly role: string;
  readonly value: Tensor;
}

export interface GraphNode {
  /** Position in topological order (inputs first); node ids refer to these. */
  readonly id: number;
  readonly tensor: Tensor;
  /** The primitive that made the tensor, or null for a leaf (parameter, input or constant). */
  readonly op: PrimitiveName | null;
  readonly params: PrimitiveParams[PrimitiveName] | null;
  /** The tensor's name, or a generated label (`t7`). */
  readonly label: string;
  readonly name: string | undefined;
  /** Ids of the input nodes, in argument order. */
  readonly inputs: readonly number[];
  readonly shape: readonly number[];
  readonly dtype: DType;
  readonly isLeaf: boolean;
  readonly requiresGrad: boolean;
  readonly value: Tensor;
  /** ∂root/∂(this tensor), when gradients were asked for and the root depends on it. */
  readonly grad: Tensor | null;
  /** What the gradient rule keeps from the forward pass. */
  readonly saved: readonly SavedValue[];
  /** The forward formula, e.g. `σ({0})`, and ∂out/∂input per input, e.g. `σ({0})(1−σ({0}))`. */
  readonly formula: { readonly forward: Formula; readonly local: readonly (Formula | null)[] } | null;
}

export interface Graph {
  readonly root: number;
  readonly nodes: readonly GraphNode[];
}

export interface TraceOptions {
  /** Compute ∂root/∂node for every node (root must be a scalar or a seed given). Default true. */
  readonly grads?: boolean;
  readonly seed?: Tensor;
}

/**
 * The graph that produced `root`, in topological order, including constants.
 * @example
 * const w = tensor(0.4, { requiresGrad: true, name: 'w1' });
 * const h = w.mul(0.5).sigmoid().named('h');
 * traceGraph(h).nodes.map((n) => n.op ?? n.label); // ['w1', 't…', 'mul', 'sigmoid']
 */
export function traceGraph(root: Tensor, options: TraceOptions = {}): Graph {
  const order = topoSort([root], () => true);
  const ids = new Map<Tensor, number>();
  order.forEach((t, i) => ids.set(t, i));
  let grads = new Map<Tensor, Tensor>();
  if ((options.grads ?? true) && root.requiresGrad) {
    const seed = options.seed ?? (root.size === 1 ? onesLike(root) : null);
    if (seed === null) throw new AutogradError('traceGraph: a non-scalar root needs options.seed to compute gradients');
    grads = runBackward([root], [seed], { createGraph: false, accumulate: false, capture: 'all' });
  }
  const nodes = order.map((t, id): GraphNode => {
    const node = t._node;
    const def = node === null ? null : PRIMITIVES[node.op];
    const saved: SavedValue[] = [];
    if (node !== null && def !== null) {
      for (const i of def.saves.inputs) {
        const input = node.inputs[i];
        if (input !== undefined) saved.push({ role: `input${i}`, value: input });
      }
      if (def.saves.result) saved.push({ role: 'result', value: t });
    }
    return {
      id,
      tensor: t,
      op: node?.op ?? null,
      params: node?.params ?? null,
      // Unnamed tensors are numbered within this graph (t3), not by their global id (t13406).
      label: t.name ?? `t${id}`,
      name: t.name,
      inputs: node === null ? [] : node.inputs.map((x) => ids.get(x) ?? -1),
      shape: t.shape,
      dtype: t.dtype,
      isLeaf: node === null,
      requiresGrad: t.requiresGrad,
      value: t,
      grad: grads.get(t) ?? null,
      saved,
      formula: def === null || node === null ? null : formulasOf(node.op, node.params),
    };
  });
  return { root: ids.get(root) ?? nodes.length - 1, nodes };
}

/** Fills a formula's `{0}`, `{1}`, … with names. @example fillFormula('σ({0})(1−σ({0}))', ['z1']) // 'σ(z1)(1−σ(z1))' */
export function fillFormula(template: string, names: readonly string[]): string {
  return template.replace(/\{(\d+)\}/g, (_, i: string) => names[Number(i)] ?? `x${i}`);
}
