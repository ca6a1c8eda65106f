/**
 * Chain-rule explanations generated from a recorded graph: for every parameter, ∂L/∂p as the
 * product of local derivatives along each path from the loss (summed over paths), symbolic in
 * the tensors' names and numeric, as the reference tutorial writes it by hand. Scalar graphs get
 * the scalar form; graphs of batches get the layer-level (tensor) form with shapes.
 *
 * The explanation works on a condensed graph: composite steps (Linear layers, losses, composite
 * activations; see autograd/annotate.ts) are one node each, primitives are nodes, leaves are
 * parameters, inputs and constants.
 */
import { compositeOf, type Composite } from '../autograd/annotate.js';
import { apply } from '../autograd/engine.js';
import { gradients } from '../autograd/functional.js';
import { fillFormula } from '../autograd/graph.js';
import { enableGrad, noGrad } from '../autograd/mode.js';
import { AutogradError, ValueError } from '../errors.js';
import { formulasOf, PRIMITIVES } from '../ops/primitives/index.js';
import type { Formula, PrimitiveName, PrimitiveParams } from '../ops/primitives/types.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';
import type { Module } from '../nn/module.js';

/** One step of the condensed graph. */
export interface ExplainNode {
  readonly id: number;
  readonly tensor: Tensor;
  /** Display name: the tensor's name, or one given by the naming rules (z1, h, y, L, …). */
  readonly name: string;
  readonly kind: 'leaf' | 'primitive' | 'composite';
  /** Primitive or composite name; null for leaves. */
  readonly op: string | null;
  readonly inputs: readonly number[];
  readonly shape: readonly number[];
  readonly isParameter: boolean;
  /** The forward formula with input names filled in (null for leaves). */
  readonly formula: Formula | null;
  /** ∂L/∂(this node), null where the loss does not depend on it. */
  readonly grad: Tensor | null;
}

/** ∂of/∂wrt: one local derivative along an edge of the condensed graph. */
export interface Factor {
  readonly of: string;
  readonly wrt: string;
  /** The local derivative's formula, names filled in (e.g. `σ(z1)(1−σ(z1))`). */
  readonly formula: Formula;
  /** Its value (scalar graphs). */
  readonly value: number;
}

/** One path from the loss down to a parameter: the product of its factors. */
export interface ChainPath {
  readonly factors: readonly Factor[];
  readonly value: number;
}

/** ∂L/∂p for one scalar parameter, as a sum over paths of products of local derivatives. */
export interface ScalarGradient {
  readonly name: string;
  readonly paths: readonly ChainPath[];
  /** The number of paths, when there were more than `maxPaths` (then `paths` is empty). */
  readonly pathCount: number;
  /** The sum over paths (checked against autograd's gradient). */
  readonly value: number;
}

/** A forward step: `name = formula = substituted = value`. */
export interface ForwardStep {
  readonly name: string;
  readonly formula: Formula;
  /** The formula with the input values in place of the names (scalar graphs). */
  readonly substituted: Formula | null;
  readonly value: Tensor;
  readonly shape: readonly number[];
}

/** A backward step in tensor form: ∂L/∂name = Σ over its consumers of their backward rules. */
export interface TensorGradientStep {
  readonly name: string;
  /** `∂L/∂h1 = ∂L/∂z2·W2`, … with the consumers' rules. */
  readonly formula: Formula;
  readonly shape: readonly number[];
  readonly grad: Tensor;
  readonly isParameter: boolean;
}

/** A parameter update p ← p − lr·∂L/∂p. */
export interface UpdateStep {
  readonly name: string;
  readonly old: Tensor;
  readonly grad: Tensor;
  readonly updated: Tensor;
}

export interface Explanation {
  /** 'scalar' when every step is a single number (the tutorial), else 'tensor'. */
  readonly mode: 'scalar' | 'tensor';
  readonly loss: string;
  readonly nodes: readonly ExplainNode[];
  readonly forward: readonly ForwardStep[];
  /** Each local derivative used, once (scalar mode). */
  readonly locals: readonly Factor[];
  /** Scalar mode: every parameter's gradient by the chain rule, nearest the loss first. */
  readonly gradients: readonly ScalarGradient[];
  /** Tensor mode: the backward pass in layer-level form, from the loss down. */
  readonly backward: readonly TensorGradientStep[];
  /** With `lr`: the parameter updates of one SGD step. */
  readonly updates: readonly UpdateStep[];
  readonly lr: number | null;
  /** Tensor mode with `sample`: the batch row expanded. */
  readonly sample: number | null;
}

export interface ExplainOptions {
  /** The parameters to explain (default: every leaf that requires grad). */
  readonly wrt?: readonly Tensor[];
  /** Names for tensors that have none (default: the naming rules below). */
  readonly names?: ReadonlyMap<Tensor, string>;
  /** A model whose parameter names (`0.weight` → W1, `0.bias` → b1) name unnamed parameters. */
  readonly model?: Module;
  /** Show the SGD update with this learning rate. */
  readonly lr?: number;
  /** Tensor mode: expand this row of the batch in renderings. */
  readonly sample?: number;
  /** Paths listed per parameter before only the total is given (default 16). */
  readonly maxPaths?: number;
}

interface RawNode {
  tensor: Tensor;
  kind: 'leaf' | 'primitive' | 'composite';
  op: string | null;
  inputs: Tensor[];
  composite: Composite | null;
}

function rawNode(t: Tensor): RawNode {
  const c = compositeOf(t);
  if (c !== undefined) return { tensor: t, kind: 'composite', op: c.op, inputs: [...c.inputs], composite: c };
  if (t._node !== null) return { tensor: t, kind: 'primitive', op: t._node.op, inputs: [...t._node.inputs], composite: null };
  return { tensor: t, kind: 'leaf', op: null, inputs: [], composite: null };
}

/** Iterative topological order of the condensed graph (inputs first). */
function condensedOrder(root: Tensor): RawNode[] {
  const order: RawNode[] = [];
  const state = new Map<Tensor, 1 | 2>();
  const raw = new Map<Tensor, RawNode>();
  const stack: [Tensor, number][] = [[root, 0]];
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const [t, i] = top;
    let node = raw.get(t);
    if (node === undefined) {
      node = rawNode(t);
      raw.set(t, node);
      state.set(t, 1);
    }
    if (i < node.inputs.length) {
      top[1] = i + 1;
      const next = node.inputs[i]!;
      if (!state.has(next)) stack.push([next, 0]);
      continue;
    }
    stack.pop();
    if (state.get(t) === 1) {
      state.set(t, 2);
      order.push(node);
    }
  }
  return order;
}

const SUBSCRIPT_FREE = /^[A-Za-z][A-Za-z0-9_]*$/;

/** A number as the tutorial writes it inside a product: 4 decimals, trailing zeros dropped, U+2212 minus. */
export function formatFactor(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  let s = v.toFixed(4);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (s === '-0') s = '0';
  return s.replace('-', '−');
}

/** A result to 4 decimals with U+2212 minus (−0.0083). */
export function formatValue(v: number): string {
  const s = v.toFixed(4);
  return (s === '-0.0000' ? '0.0000' : s).replace('-', '−');
}

/** LaTeX for a name: `w1` → `w_{1}`, `W2` → `W_{2}`, `h1[3]` kept readable. */
export function latexName(name: string): string {
  const m = /^([A-Za-z]+)(\d+)$/.exec(name);
  if (m !== null) return `${m[1]}_{${m[2]}}`;
  // Elements and units: W1[0,1] → W_{1}[0,1], x[2] → x[2].
  const e = /^([A-Za-z]+)(\d*)\[([\w,]+)\]$/.exec(name);
  if (e !== null) return `${e[2] === '' ? e[1] : `${e[1]}_{${e[2]}}`}[${e[3]!.replaceAll(',', ',\\,')}]`;
  if (SUBSCRIPT_FREE.test(name)) return name.length > 1 ? `\\mathrm{${name}}` : name;
  return `\\text{${name.replace(/[\\{}$&#^_%~]/g, (c) => `\\${c}`)}}`;
}

/** A negative number as it goes into a formula: in parentheses, so `w·x + b` reads `(−0.67)·0.71 + (−0.12)`. */
function signed(v: string): string {
  return v.startsWith('−') ? `(${v})` : v;
}

/** Drops the doubled parentheses where the formula had its own: `σ((−0.3))` → `σ(−0.3)`. */
function bracketNegatives(f: Formula): Formula {
  const tidy = (s: string) => s.replace(/\(\(([−-][\d.e+]+)\)\)/g, '($1)').replace(/\{\(([−-][\d.e+]+)\)\}/g, '{$1}');
  return { text: tidy(f.text), latex: tidy(f.latex) };
}

function latexNumber(v: number): string {
  return formatFactor(v).replace('−', '-');
}

function derivativeText(of: string, wrt: string): Formula {
  return { text: `∂${of}/∂${wrt}`, latex: `\\frac{\\partial ${latexName(of)}}{\\partial ${latexName(wrt)}}` };
}

/** Fills a formula's {i} with names (text) and LaTeX names, and {g} with the upstream gradient. */
function fill(f: Formula, names: readonly string[], g?: Formula, tidy = true): Formula {
  // A transposed upstream gradient needs parentheses: (∂L/∂y)ᵀ.
  const gt = g === undefined ? undefined : g.text.includes('/') ? `(${g.text})` : g.text;
  // The {i} placeholders are filled first: the upstream gradient's LaTeX has its own braces
  // (∂L/∂z_{2}), which are not placeholders (regression: ∂z_{2} became ∂z_b_{2}).
  const text = fillFormula(f.text, names).replaceAll('gradᵀ', `${gt ?? 'grad'}ᵀ`).replaceAll('{g}ᵀ', `${gt ?? '{g}'}ᵀ`).replaceAll('grad', g?.text ?? 'grad').replaceAll('{g}', g?.text ?? '{g}');
  // Only the names the template uses are typeset (a neuron of 784 inputs has 1,569 names per factor).
  const latex = f.latex
    // A placeholder never follows _ or ^ (templates write ^{{1}}): W_{2} in a pre-typeset name stays.
    .replace(/(?<![_^])\{(\d+)\}/g, (_, i: string) => {
      const n = names[Number(i)];
      if (n === undefined) return `x${i}`;
      return /^\(?[−-]?\d/.test(n) ? n.replace('−', '-') : latexName(n);
    })
    .replaceAll('\\bar{g}', g?.latex ?? '\\bar{g}')
    .replaceAll('{g}', g?.latex ?? '{g}');
  return { text: tidy ? simplify(text) : text, latex };
}

/** Tidies filled formulas: `1·x` → `x`, `x·1` → `x`. */
function simplify(text: string): string {
  return text.replace(/(^|[\s(])1·/g, '$1').replace(/·1(?=$|[\s)])/g, '');
}

/** The local derivative of one step with respect to each input, computed on copies (so only this step counts). */
function localDerivatives(node: RawNode): (Tensor | null)[] {
  const copies = node.inputs.map((x) => (x.dtype === 'int32' || x.dtype === 'bool' ? x : x.detach().cast(x.dtype === 'float32' ? 'float64' : x.dtype).requiresGrad_(true)));
  const differentiable = copies.map((c, i) => c.requiresGrad && node.inputs[i]!.requiresGrad);
  if (!differentiable.some(Boolean)) return copies.map(() => null);
  const out = enableGrad(() => {
    if (node.composite !== null) return node.composite.recompute(copies);
    const grad = node.tensor._node;
    if (grad === null) throw new AutogradError(`explain: internal: ${node.op ?? 'a leaf'} has no recorded op to differentiate`);
    return apply(grad.def, copies, grad.params);
  });
  const targets = copies.filter((_, i) => differentiable[i]);
  const grads = gradients([out.size === 1 ? out : out.sum()], targets);
  let k = 0;
  return copies.map((_, i) => (differentiable[i] ? (grads[k++] ?? null) : null));
}

/** A primitive step's formulas, as its recorded params choose them (matmul's transposed forms). */
function primitiveFormulas(node: RawNode): ReturnType<typeof formulasOf> {
  return formulasOf(node.op as PrimitiveName, node.tensor._node?.params ?? null);
}

function localFormula(node: RawNode, input: number): Formula | null {
  if (node.composite !== null) return node.composite.local[input] ?? null;
  return primitiveFormulas(node).local[input] ?? null;
}

function forwardFormula(node: RawNode, scalar: boolean): Formula | null {
  if (node.composite !== null) return scalar ? node.composite.forward : (node.composite.forwardTensor ?? node.composite.forward);
  if (node.kind === 'primitive') return primitiveFormulas(node).forward;
  return null;
}

/** The backward rule of an edge in tensor form, {g} for ∂L/∂out. */
function vjpFormula(node: RawNode, input: number): Formula | null {
  if (node.composite !== null) return node.composite.vjp[input] ?? null;
  const local = localFormula(node, input);
  if (local === null) return null;
  if (local.text.includes('grad')) return local; // matmul's rules are already products with grad
  if (local.text === '1') return { text: '{g}', latex: '{g}' };
  return { text: `{g} ⊙ ${wrap(local.text)}`, latex: `{g} \\odot ${wrapLatex(local.latex)}` };
}

function wrap(s: string): string {
  return / [+−-] /.test(s) ? `(${s})` : s;
}

function wrapLatex(s: string): string {
  return /^[\w.{}\\]+$/.test(s) ? s : `\\left(${s}\\right)`;
}

function parameterNames(model: Module | undefined): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  if (model === undefined) return names;
  const layerOf = new Map<string, number>();
  for (const [name, p] of model.namedParameters()) {
    const dot = name.lastIndexOf('.');
    const prefix = dot < 0 ? '' : name.slice(0, dot);
    const leaf = dot < 0 ? name : name.slice(dot + 1);
    if (!layerOf.has(prefix)) layerOf.set(prefix, layerOf.size + 1);
    const k = layerOf.get(prefix)!;
    names.set(p, leaf === 'weight' ? `W${k}` : leaf === 'bias' ? `b${k}` : name);
  }
  return names;
}

/** Names every node: given names first, then z/h/y/L by role, parameters by model, others u1, u2… */
function nameNodes(order: readonly RawNode[], root: Tensor, options: ExplainOptions): Map<Tensor, string> {
  const names = new Map<Tensor, string>();
  const fromModel = parameterNames(options.model);
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
    const generic = n === 'weight' || n === 'bias' || /^(\w+\.)+\w+$/.test(n ?? '');
    if (n !== undefined && !(generic && fromModel.has(node.tensor))) give(node.tensor, n);
  }
  const isLinear = (t: Tensor) => compositeOf(t)?.role === 'linear';
  const isActivation = (t: Tensor) => {
    const c = compositeOf(t);
    return c !== undefined ? c.role === 'activation' : t._node !== null && PRIMITIVES[t._node.op].role === 'activation';
  };
  // The output: what the loss reads as its prediction.
  const rootNode = order.find((n) => n.tensor === root);
  const prediction = rootNode?.composite?.role === 'loss' ? rootNode.inputs[0] : undefined;
  const linears = order.filter((n) => isLinear(n.tensor));
  const activations = order.filter((n) => isActivation(n.tensor) && n.tensor !== prediction);
  if (!names.has(root)) give(root, 'L');
  if (prediction !== undefined && !names.has(prediction)) give(prediction, 'y');
  const target = rootNode?.composite?.role === 'loss' ? rootNode.inputs[1] : undefined;
  if (target !== undefined && !names.has(target) && target._node === null) give(target, 't');
  const input = linears[0]?.inputs[0];
  if (input !== undefined && !names.has(input) && input._node === null && !input.requiresGrad) give(input, 'x');
  linears.forEach((n, k) => {
    if (!names.has(n.tensor)) give(n.tensor, `z${k + 1}`);
  });
  activations.forEach((n, k) => {
    if (names.has(n.tensor)) return;
    const input = n.inputs[0];
    const z = input === undefined ? undefined : names.get(input);
    const index = z !== undefined && /^z\d+$/.test(z) ? z.slice(1) : String(k + 1);
    give(n.tensor, activations.length === 1 ? 'h' : `h${index}`);
  });
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
    const { locals, grads } = scalarChains(order, index, nameOf, wrt, totals, options.maxPaths ?? 16);
    return { mode: 'scalar', loss: nameOf(loss), nodes, forward, locals, gradients: grads, backward: [], updates, lr, sample: null };
  }
  return { mode: 'tensor', loss: nameOf(loss), nodes, forward, locals: [], gradients: [], backward: tensorBackward(order, index, nameOf, totals, loss), updates, lr, sample };
}

function scalarChains(
  order: readonly RawNode[],
  index: ReadonlyMap<Tensor, number>,
  nameOf: (t: Tensor) => string,
  wrt: ReadonlySet<Tensor>,
  totals: ReadonlyMap<Tensor, Tensor>,
  maxPaths: number,
): { locals: Factor[]; grads: ScalarGradient[] } {
  // Local derivative of each edge (consumer → input) that leads to a parameter.
  const edges = new Map<RawNode, Factor[]>();
  const locals: Factor[] = [];
  const byTensor = new Map<Tensor, RawNode>(order.map((n) => [n.tensor, n]));
  for (const node of order) {
    if (node.kind === 'leaf') continue;
    const values = localDerivatives(node);
    const inputNames = node.inputs.map(nameOf);
    const factors = node.inputs.map((input, i): Factor => {
      const f = localFormula(node, i);
      const v = values[i];
      const formula = f === null ? { text: '0', latex: '0' } : fill(f, inputNames);
      return { of: nameOf(node.tensor), wrt: nameOf(input), formula, value: v === null || v === undefined ? 0 : v.item() };
    });
    edges.set(node, factors);
    // Listed from the loss down (the order backpropagation meets them), each node's inputs in order.
    locals.unshift(...factors.filter((_, i) => node.inputs[i]!.requiresGrad && [...wrt].some((p) => reaches(node.inputs[i]!, p, byTensor))));
  }
  const root = order[order.length - 1]!;
  const grads: ScalarGradient[] = [];
  // Parameters nearest the loss first, in their consumer's argument order, as the tutorial goes: w2, b2, w1, b1.
  for (const node of parameterOrder(order, wrt, byTensor)) {
    const paths: ChainPath[] = [];
    let count = 0;
    // Depth-first over paths from the root down to the parameter.
    const walk = (at: RawNode, factors: Factor[]) => {
      if (at.tensor === node.tensor) {
        count++;
        if (count <= maxPaths) paths.push({ factors: [...factors], value: factors.reduce((a, f) => a * f.value, 1) });
        return;
      }
      const fs = edges.get(at);
      if (fs === undefined) return;
      at.inputs.forEach((input, i) => {
        if (!input.requiresGrad || !reaches(input, node.tensor, byTensor)) return;
        walk(byTensor.get(input)!, [...factors, fs[i]!]);
      });
    };
    walk(root, []);
    const total = totals.get(node.tensor)?.item() ?? 0;
    grads.push({ name: nameOf(node.tensor), paths: count <= maxPaths ? paths : [], pathCount: count, value: total });
    void index;
  }
  return { locals, grads };
}

/** Parameters ordered by their first consumer from the loss down, then by argument position. */
function parameterOrder(order: readonly RawNode[], wrt: ReadonlySet<Tensor>, byTensor: ReadonlyMap<Tensor, RawNode>): RawNode[] {
  const out: RawNode[] = [];
  const seen = new Set<Tensor>();
  for (const node of [...order].reverse()) {
    for (const input of node.inputs) {
      if (wrt.has(input) && !seen.has(input)) {
        seen.add(input);
        out.push(byTensor.get(input)!);
      }
    }
  }
  return out;
}

const reachCache = new WeakMap<Tensor, WeakMap<Tensor, boolean>>();

function reaches(from: Tensor, to: Tensor, byTensor: ReadonlyMap<Tensor, RawNode>): boolean {
  if (from === to) return true;
  let cache = reachCache.get(to);
  if (cache === undefined) {
    cache = new WeakMap();
    reachCache.set(to, cache);
  }
  const known = cache.get(from);
  if (known !== undefined) return known;
  const stack = [from];
  const seen = new Set<Tensor>();
  let found = false;
  while (stack.length > 0 && !found) {
    const t = stack.pop()!;
    if (t === to) found = true;
    else if (!seen.has(t)) {
      seen.add(t);
      for (const x of byTensor.get(t)?.inputs ?? []) if (x.requiresGrad) stack.push(x);
    }
  }
  cache.set(from, found);
  return found;
}

function tensorBackward(
  order: readonly RawNode[],
  index: ReadonlyMap<Tensor, number>,
  nameOf: (t: Tensor) => string,
  totals: ReadonlyMap<Tensor, Tensor>,
  loss: Tensor,
): TensorGradientStep[] {
  const consumers = new Map<Tensor, { node: RawNode; input: number }[]>();
  for (const node of order) {
    node.inputs.forEach((x, i) => {
      if (!x.requiresGrad) return;
      const list = consumers.get(x) ?? [];
      list.push({ node, input: i });
      consumers.set(x, list);
    });
  }
  const steps: TensorGradientStep[] = [];
  for (const node of [...order].reverse()) {
    const t = node.tensor;
    if (t === loss || !t.requiresGrad) continue;
    const g = totals.get(t);
    if (g === undefined) continue;
    const terms = (consumers.get(t) ?? []).map(({ node: c, input }) => {
      const rule = vjpFormula(c, input) ?? { text: `vjp_${c.op ?? '?'}({g})`, latex: `\\operatorname{vjp}_{${c.op ?? '?'}}({g})` };
      const upstream = c.tensor === loss ? { text: '1', latex: '1' } : derivativeText(loss.name ?? nameOf(loss), nameOf(c.tensor));
      const filled = fill(rule, c.inputs.map(nameOf), c.tensor === loss ? { text: '', latex: '' } : upstream);
      const text = filled.text.replace(/^ ⊙ /, '').replace(/^·/, '');
      const latex = filled.latex.replace(/^ \\odot /, '').replace(/^\\, /, '');
      return { text, latex };
    });
    const lhs = derivativeText(nameOf(loss), nameOf(t));
    steps.push({
      name: nameOf(t),
      formula: { text: `${lhs.text} = ${terms.map((x) => x.text).join(' + ')}`, latex: `${lhs.latex} = ${terms.map((x) => x.latex).join(' + ')}` },
      shape: t.shape,
      grad: g,
      isParameter: t._node === null,
    });
    void index;
  }
  return steps;
}
