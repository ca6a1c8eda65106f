/**
 * Chain-rule explanations generated from a recorded graph: for every parameter, ∂L/∂p as the
 * product of local derivatives along each path from the loss (summed over paths), symbolic in
 * the tensors' names and numeric, as the reference tutorial writes it by hand. Scalar graphs get
 * the scalar form; graphs of batches get the layer-level (tensor) form with shapes.
 *
 * The explanation works on a condensed graph (explain/condensed.ts): composite steps are one
 * node each, primitives are nodes, leaves are parameters, inputs and constants.
 */
import { gradients } from '../autograd/functional.js';
import { noGrad } from '../autograd/mode.js';
import { AutogradError, ValueError } from '../errors.js';
import { formatFactor } from '../math/format.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import { condensedOrder, forwardFormula, parameterOrder } from './condensed.js';
import { bracketNegatives, fill, signed } from './formulas.js';
import { layerRules } from './layerRules.js';
import { nameNodes } from './nameNodes.js';
import { scalarChains } from './paths.js';
import { tensorBackward } from './tensorMode.js';
import type { ExplainNode, Explanation, ExplainOptions, ForwardStep, UpdateStep } from './types.js';

export type { ChainPath, ExpandedSum, ExplainNode, Explanation, ExplainOptions, Factor, ForwardStep, LayerRule, ScalarGradient, TensorGradientStep, UpdateStep } from './types.js';

/**
 * The chain-rule explanation of a scalar loss: its forward steps, every local derivative, and
 * for each parameter ∂L/∂p as a product of local derivatives along each path (summed over
 * paths), with the numbers; for batched graphs the layer-level backward pass with shapes.
 * Render it with `renderText`, `renderMarkdown` or (chainrule/viz) `renderHtml`.
 * @example
 * const model = tutorialNetwork();
 * const { x, y } = tutorialSample();
 * const e = explain(halfSquaredError(model.forward(x), y), { lr: 0.1 });
 * e.gradients.map((g) => `${g.name} ${g.value.toFixed(4)}`); // ['w2 -0.1308', 'b2 -0.2277', 'w1 -0.0083', 'b1 -0.0167']
 */
export function explain(loss: Tensor, options: ExplainOptions = {}): Explanation {
  if (!(loss instanceof Tensor)) throw new ValueError('explain: the loss must be a Tensor');
  if (loss.size !== 1) throw new ValueError(`explain: the loss must be a scalar, got shape ${formatShape(loss.shape)}; reduce it (mean or sum) first`);
  if (!loss.requiresGrad) throw new AutogradError('explain: the loss does not require grad: nothing was recorded (is a parameter requiresGrad, and was it computed outside noGrad?)');
  const order = condensedOrder(loss);
  const index = new Map<Tensor, number>();
  order.forEach((n, i) => index.set(n.tensor, i));
  const names = nameNodes(order, loss, options);
  const nameOf = (t: Tensor) => names.get(t) ?? '?';

  // ∂L/∂node for every node that requires grad, from autograd (the totals the paths must add up to).
  const needGrad = order.filter((n) => n.tensor.requiresGrad && n.tensor !== loss);
  const totals = new Map<Tensor, Tensor>();
  const gradList = needGrad.length === 0 ? [] : gradients([loss], needGrad.map((n) => n.tensor));
  needGrad.forEach((n, i) => {
    const g = gradList[i];
    if (g !== undefined && g !== null) totals.set(n.tensor, g);
  });
  totals.set(loss, loss.detach().mul(0).add(1));

  const scalar = order.every((n) => n.tensor.size === 1 || (n.kind === 'leaf' && !n.tensor.requiresGrad && n.tensor.size === 1));
  const isParam = (t: Tensor) => t._node === null && t.requiresGrad;
  const wrt = new Set(options.wrt ?? order.filter((n) => isParam(n.tensor)).map((n) => n.tensor));
  for (const p of wrt) {
    if (!index.has(p)) throw new ValueError(`explain: wrt includes a tensor (${p.name ?? `shape ${formatShape(p.shape)}`}) that the loss does not depend on`);
  }

  const nodes: ExplainNode[] = order.map((n, id) => {
    const f = forwardFormula(n, scalar);
    return {
      id,
      tensor: n.tensor,
      name: nameOf(n.tensor),
      kind: n.kind,
      op: n.op,
      inputs: n.inputs.map((x) => index.get(x) ?? -1),
      shape: n.tensor.shape,
      isParameter: isParam(n.tensor),
      formula: f === null ? null : fill(f, n.inputs.map(nameOf)),
      grad: totals.get(n.tensor) ?? null,
    };
  });

  const forward: ForwardStep[] = [];
  for (const [i, n] of order.entries()) {
    const node = nodes[i]!;
    if (n.kind === 'leaf' || node.formula === null) continue;
    const f = forwardFormula(n, scalar)!;
    const substituted = scalar ? bracketNegatives(fill(f, n.inputs.map((x) => (x.size === 1 ? signed(formatFactor(x.item())) : nameOf(x))), undefined, false)) : null;
    forward.push({ name: node.name, formula: node.formula, substituted, value: n.tensor, shape: n.tensor.shape });
  }

  const lr = options.lr ?? null;
  const updates: UpdateStep[] = [];
  if (lr !== null) {
    if (!Number.isFinite(lr)) throw new ValueError(`explain: lr must be a finite number, got ${lr}`);
    for (const n of parameterOrder(order, wrt, new Map(order.map((r) => [r.tensor, r])))) {
      const g = totals.get(n.tensor);
      if (g === undefined) continue;
      const old = n.tensor.detach();
      updates.push({ name: nameOf(n.tensor), old, grad: g, updated: noGrad(() => old.sub(g.mul(lr))) });
    }
  }

  const sample = options.sample ?? null;
  if (sample !== null && !scalar) {
    const batch = loss.size === 1 ? (order.find((n) => n.kind === 'leaf' && !n.tensor.requiresGrad && n.tensor.ndim >= 1)?.tensor.shape[0] ?? 1) : 1;
    if (!Number.isInteger(sample) || sample < 0 || sample >= batch) throw new ValueError(`explain: sample must be a row index in [0, ${batch}), got ${sample}`);
  }

  if (scalar) {
    const { locals, grads } = scalarChains(order, nameOf, wrt, totals, options.maxPaths ?? 16);
    return { mode: 'scalar', loss: nameOf(loss), nodes, forward, locals, gradients: grads, layers: [], backward: [], updates, lr, sample: null };
  }
  const layers = layerRules(order, nameOf, totals, nameOf(loss), sample);
  return { mode: 'tensor', loss: nameOf(loss), nodes, forward, locals: [], gradients: [], layers, backward: tensorBackward(order, nameOf, totals, loss), updates, lr, sample };
}
