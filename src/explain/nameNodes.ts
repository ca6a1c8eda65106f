/** Names for the steps of a condensed graph: given names first, then the tutorial's by role, then counters. */
import { compositeOf } from '../autograd/annotate.js';
import { formatFactor } from '../math/format.js';
import { PRIMITIVES } from '../ops/primitives/index.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RawNode } from './condensed.js';
import { activationName, INPUT_NAME, isGenericName, LOSS_NAME, modelParameterNames, OUTPUT_NAME, preActivationName, TARGET_NAME } from './names.js';
import type { ExplainOptions } from './types.js';

function isLinear(t: Tensor): boolean {
  return compositeOf(t)?.role === 'linear';
}

function isActivation(t: Tensor): boolean {
  const c = compositeOf(t);
  return c !== undefined ? c.role === 'activation' : t._node !== null && PRIMITIVES[t._node.op].role === 'activation';
}

const POOLED: Readonly<Record<string, string>> = { maxPool2d: 'm', avgPool2d: 'a', adaptiveAvgPool2d: 'a' };

/** Names every node: given names first, then z/h/y/L by role, parameters by model, others u1, u2… */
export function nameNodes(order: readonly RawNode[], root: Tensor, options: ExplainOptions): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  const fromModel = modelParameterNames(options.model);
  const taken = new Set<string>();
  const give = (t: Tensor, name: string) => {
    let n = name;
    for (let k = 2; taken.has(n); k++) n = `${name}_${k}`;
    names.set(t, n);
    taken.add(n);
  };
  for (const node of order) {
    const n = node.tensor.name ?? options.names?.get(node.tensor);
    // Linear's parameters carry the generic names 'weight' and 'bias': the model's names are better.
    if (n !== undefined && !(isGenericName(n) && fromModel.has(node.tensor))) give(node.tensor, n);
  }
  // The output: what the loss reads as its prediction.
  const rootNode = order.find((n) => n.tensor === root);
  const prediction = rootNode?.composite?.role === 'loss' ? rootNode.inputs[0] : undefined;
  const linears = order.filter((n) => isLinear(n.tensor));
  const activations = order.filter((n) => isActivation(n.tensor) && n.tensor !== prediction);
  if (!names.has(root)) give(root, LOSS_NAME);
  if (prediction !== undefined && !names.has(prediction)) give(prediction, OUTPUT_NAME);
  const target = rootNode?.composite?.role === 'loss' ? rootNode.inputs[1] : undefined;
  if (target !== undefined && !names.has(target) && target._node === null) give(target, TARGET_NAME);
  const input = linears[0]?.inputs[0];
  if (input !== undefined && !names.has(input) && input._node === null && !input.requiresGrad) give(input, INPUT_NAME);
  linears.forEach((n, k) => {
    if (!names.has(n.tensor)) give(n.tensor, preActivationName(k + 1));
  });
  activations.forEach((n, k) => {
    if (names.has(n.tensor)) return;
    const input = n.inputs[0];
    const z = input === undefined ? undefined : names.get(input);
    const index = z !== undefined && /^z\d+$/.test(z) ? z.slice(1) : String(k + 1);
    give(n.tensor, activationName(index, activations.length === 1 ? 'only' : 'hidden'));
  });
  // Pooled maps: m1, m2… after max pooling, a1, a2… after average pooling (u1 would hide what they are).
  const pooled = new Map<string, number>();
  for (const node of order) {
    const letter = node.composite === null ? undefined : POOLED[node.composite.op];
    if (letter === undefined || names.has(node.tensor)) continue;
    const k = (pooled.get(letter) ?? 0) + 1;
    pooled.set(letter, k);
    give(node.tensor, `${letter}${k}`);
  }
  let u = 1;
  let p = 1;
  let c = 1;
  for (const node of order) {
    if (names.has(node.tensor)) continue;
    const model = fromModel.get(node.tensor);
    if (model !== undefined) give(node.tensor, model);
    else if (node.kind !== 'leaf') give(node.tensor, `u${u++}`);
    else if (node.tensor.requiresGrad) give(node.tensor, `p${p++}`);
    // A constant is written as its value, and two constants of one value are both that value
    // (regression: the second 0.5 was named 0.5_2, which reads as 0.5 with a subscript 2).
    else if (node.tensor.size === 1) names.set(node.tensor, formatFactor(node.tensor.item()));
    else give(node.tensor, `c${c++}`);
  }
  return names;
}
