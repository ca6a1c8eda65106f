/**
 * Network diagrams as SVG text, dependency-free: the neurons of a Sequential MLP in columns,
 * edges coloured by sign and thickened by magnitude (TensorFlow Playground's convention: blue
 * positive, orange negative), in three views — the weights, a forward pass of one sample, and
 * the backward pass of its loss (the reference tutorial's two illustrations).
 *
 * Numbers are printed with toFixed(4) and the minus sign U+2212 ('−0.0083'), as the chain-rule
 * explanations and the graph picture print them; a negative zero prints as '0.0000'.
 */
import { gradients } from '../autograd/functional.js';
import { noGrad, withGradMode } from '../autograd/mode.js';
import { ShapeError, ValueError } from '../errors.js';
import { describeModule, stagesOf, type Stage } from '../nn/stages.js';
import type { Module } from '../nn/module.js';
import { tensor } from '../tensor/create.js';
import { isFloating } from '../tensor/dtype.js';
import { formatShape } from '../tensor/shape.js';
import { Tensor } from '../tensor/tensor.js';

/** What a network diagram shows: the parameters, a forward pass, or the gradients of a backward pass. */
export type NetworkView = 'weights' | 'forward' | 'backward';

/** The quantity that colours and thickens the edges and bias rings. */
export type NetworkColorBy = 'weight' | 'gradient';

/** One sample: a tensor of shape [n] or [1, n], a list of n numbers, or a number when n is 1. */
export type NetworkSample = Tensor | number | readonly number[];

/** A loss of (prediction, target) returning a scalar, e.g. `halfSquaredError`. */
export type NetworkLoss = (prediction: Tensor, target: Tensor) => Tensor;

export interface NetworkSvgOptions {
  /** 'weights' (default), 'forward' (needs `input`) or 'backward' (needs `input`, `target`, `loss`). */
  readonly view?: NetworkView;
  /** The sample fed forward: shape [in] or [1, in]. */
  readonly input?: NetworkSample;
  /** The target of that sample, for the loss node L (forward: optional; backward: required). */
  readonly target?: NetworkSample;
  /** The loss function, e.g. `halfSquaredError` (with `target`). */
  readonly loss?: NetworkLoss;
  /** What colours the edges: 'weight' (default, except in the backward view) or 'gradient' (∂L/∂w). */
  readonly colorBy?: NetworkColorBy;
  /** Most neurons drawn per layer (default 10): a larger layer shows its first and last units around "⋮ n more". */
  readonly maxUnits?: number;
  /** Values written next to the neurons (default true); tooltips carry them either way. */
  readonly labels?: boolean;
  /** Values written on the edges (default: only when every layer-to-layer fan has at most 4 edges from or into one neuron). */
  readonly edgeLabels?: boolean;
  /** Rendered width in pixels (default: the natural width; the drawing scales to fit). */
  readonly width?: number;
  /** Rendered height in pixels (default: the natural height). */
  readonly height?: number;
  /** The heading (default: one per view). */
  readonly title?: string;
}

// ---------------------------------------------------------------------------------------------
// Values of one sample: the forward pass and, when asked, the gradients of its loss.

interface Pass {
  readonly x: number[];
  /** Pre-activations z of each stage (the Linear outputs). */
  readonly z: number[][];
  /** Activations h of each stage (z itself without an activation); the last is the output y. */
  readonly h: number[][];
  readonly loss: number | null;
  readonly target: number[] | null;
}

interface Grads {
  readonly dx: number[];
  readonly dz: number[][];
  readonly dh: number[][];
  /** ∂L/∂W of each stage, row-major [out, in]. */
  readonly dW: number[][];
  readonly db: (number[] | null)[];
}

function values(t: Tensor): number[] {
  return Array.from(t.data(), Number);
}

function inputValues(value: NetworkSample, n: number): number[] {
  const expect = `one sample of shape [${n}] or [1, ${n}]`;
  let out: number[];
  if (value instanceof Tensor) {
    const okShape = (value.ndim === 1 && value.shape[0] === n) || (value.ndim === 2 && value.shape[0] === 1 && value.shape[1] === n);
    if (!okShape) throw new ShapeError(`networkSvg: the input must be ${expect}, got shape ${formatShape(value.shape)}`);
    out = values(value);
  } else if (typeof value === 'number') {
    if (n !== 1) throw new ShapeError(`networkSvg: the input must be ${expect}, got the single number ${value}`);
    out = [value];
  } else if (Array.isArray(value)) {
    const list: readonly unknown[] = value;
    if (list.length !== n || !list.every((v) => typeof v === 'number')) {
      throw new ShapeError(`networkSvg: the input must be ${expect}, got a list of ${list.length} entries`);
    }
    out = [...value];
  } else {
    throw new ValueError(`networkSvg: the input must be a Tensor, a number or a list of numbers, got ${describeModule(value)}`);
  }
  return out;
}

function targetTensor(value: NetworkSample, outFeatures: number, dtype: Tensor['dtype']): Tensor {
  if (value instanceof Tensor) {
    // A 1-D target of the output's size is one sample's row; anything else (class indices) goes to the loss as given.
    if (value.ndim === 1 && value.size === outFeatures && isFloating(value.dtype)) return tensor(value, { shape: [1, outFeatures] });
    return tensor(value);
  }
  if (typeof value === 'number') return tensor([[value]], { dtype });
  if (Array.isArray(value)) {
    const list: readonly unknown[] = value;
    if (!list.every((v) => typeof v === 'number')) throw new ValueError('networkSvg: the target list must hold numbers');
    return tensor([[...value]], { dtype });
  }
  throw new ValueError(`networkSvg: the target must be a Tensor, a number or a list of numbers, got ${describeModule(value)}`);
}

function evaluate(stages: readonly Stage[], input: number[], target: Tensor | null, loss: NetworkLoss | null, withGrads: boolean): { pass: Pass; grads: Grads | null } {
  const first = stages[0];
  if (first === undefined) throw new ValueError('networkSvg: nothing to evaluate');
  const run = () => {
    const x = tensor([input], { dtype: first.linear.dtype, requiresGrad: withGrads, name: 'x' });
    const zs: Tensor[] = [];
    const hs: Tensor[] = [];
    let a = x;
    for (const s of stages) {
      const z = s.linear.forward(a);
      const h = s.activation === null ? z : s.activation.module.forward(z);
      zs.push(z);
      hs.push(h);
      a = h;
    }
    let L: Tensor | null = null;
    if (target !== null && loss !== null) {
      const out: unknown = loss(a, target);
      if (!(out instanceof Tensor) || out.size !== 1) {
        const got = out instanceof Tensor ? `shape ${formatShape(out.shape)}` : describeModule(out);
        throw new ValueError(`networkSvg: the loss must return a scalar tensor (use its default 'mean' or 'sum' reduction), got ${got}`);
      }
      L = out;
    }
    const pass: Pass = {
      x: values(x),
      z: zs.map(values),
      h: hs.map(values),
      loss: L === null ? null : L.item(),
      target: target === null ? null : values(target),
    };
    if (!withGrads || L === null) return { pass, grads: null };
    const weights = stages.map((s) => s.linear.weight);
    const biases = stages.flatMap((s) => (s.linear.bias === null ? [] : [s.linear.bias]));
    // gradients() returns the values without accumulating into .grad: drawing must not change the model.
    const g = gradients([L], [x, ...zs, ...hs, ...weights, ...biases]).map(values);
    const n = stages.length;
    let k = 1 + 3 * n;
    const db = stages.map((s) => (s.linear.bias === null ? null : (g[k++] ?? [])));
    const grads: Grads = {
      dx: g[0] ?? [],
      dz: g.slice(1, 1 + n),
      dh: g.slice(1 + n, 1 + 2 * n),
      dW: g.slice(1 + 2 * n, 1 + 3 * n),
      db,
    };
    return { pass, grads };
  };
  return withGrads ? withGradMode(true, run) : noGrad(run);
}

// ---------------------------------------------------------------------------------------------
// Text.

const ESCAPES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

/** Escapes text for SVG content and attribute values; characters XML forbids become U+FFFD. */
function esc(text: string): string {
  return text.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c).replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

/** toFixed(4) with the minus sign U+2212; negative zero prints as 0.0000. */
function fmt(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '−Infinity';
  const s = v.toFixed(4);
  return (/^-0\.0+$/.test(s) ? s.slice(1) : s).replace('-', '−');
}

/** A number for an SVG attribute: two decimals at most. */
function num(v: number): string {
  return String(Math.round(v * 100) / 100);
}

const FONT = 12;
/** A generous average advance of a sans-serif character at 12px (DejaVu Sans digits are 7.6px). */
const CHAR = 7.2;
const LINE = 15;
const R = 16;
const MARGIN = 24;

function textWidth(text: string, size = FONT): number {
  return [...text].length * CHAR * (size / FONT);
}

/** A parameter's own name, or null when it still has Sequential's default ('0.weight'). */
function customName(t: Tensor): string | null {
  const name = t.name;
  if (name === undefined || name === '' || /^(?:\d+\.)*(?:weight|bias)$/.test(name)) return null;
  return name;
}

function idx(i: number, n: number): string {
  return n > 1 ? `[${i}]` : '';
}

// ---------------------------------------------------------------------------------------------
// The drawing.

type Sign = 'positive' | 'negative' | 'zero' | 'nan';

const COLORS: Readonly<Record<Sign, string>> = { positive: '#0877bd', negative: '#f59322', zero: '#9e9e9e', nan: '#d62728' };
const LINK = '#666666';

function signOf(v: number): Sign {
  if (Number.isNaN(v)) return 'nan';
  return v > 0 ? 'positive' : v < 0 ? 'negative' : 'zero';
}

interface Neuron {
  readonly col: number;
  readonly unit: number;
  readonly kind: 'input' | 'hidden' | 'output';
  readonly name: string;
  readonly lines: readonly string[];
  readonly tooltip: string;
  /** The bias (or its gradient) drawn as the ring; null without a bias. */
  readonly ring: number | null;
  x: number;
  y: number;
}

interface Edge {
  readonly from: Neuron;
  readonly to: Neuron;
  readonly value: number;
  readonly label: string;
  readonly tooltip: string;
}

interface Column {
  readonly header: string;
  readonly size: number;
  readonly head: readonly number[];
  readonly tail: readonly number[];
}

function columnOf(header: string, size: number, maxUnits: number): Column {
  const all = Array.from({ length: size }, (_, i) => i);
  if (size <= maxUnits) return { header, size, head: all, tail: [] };
  const headCount = Math.ceil(maxUnits / 2);
  return { header, size, head: all.slice(0, headCount), tail: all.slice(size - (maxUnits - headCount)) };
}

function maxAbs(list: Iterable<number>): number {
  let m = 0;
  for (const v of list) if (Number.isFinite(v)) m = Math.max(m, Math.abs(v));
  return m;
}

function scaled(v: number, max: number, lo: number, hi: number): number {
  if (!(max > 0) || !Number.isFinite(v)) return lo;
  return lo + (hi - lo) * Math.min(1, Math.abs(v) / max);
}

const DEFAULT_TITLES: Readonly<Record<NetworkView, string>> = {
  weights: 'Network: weights and biases',
  forward: 'Forward pass: values flow from the input to the loss',
  backward: 'Backward pass: ∂L/∂· flows from the loss back to the input (chain rule)',
};

function checkOptions(options: NetworkSvgOptions): void {
  const view = options.view ?? 'weights';
  if (view !== 'weights' && view !== 'forward' && view !== 'backward') {
    throw new ValueError(`networkSvg: view must be 'weights', 'forward' or 'backward', got '${String(view)}'`);
  }
  const colorBy = options.colorBy;
  if (colorBy !== undefined && colorBy !== 'weight' && colorBy !== 'gradient') {
    throw new ValueError(`networkSvg: colorBy must be 'weight' or 'gradient', got '${String(colorBy)}'`);
  }
  const maxUnits = options.maxUnits ?? 10;
  if (!Number.isInteger(maxUnits) || maxUnits < 2) throw new ValueError(`networkSvg: maxUnits must be an integer of at least 2, got ${maxUnits}`);
  for (const key of ['width', 'height'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new ValueError(`networkSvg: ${key} must be a positive number of pixels, got ${String(v)}`);
    }
  }
  if (options.loss !== undefined && typeof options.loss !== 'function') throw new ValueError('networkSvg: loss must be a function (prediction, target) → scalar tensor, e.g. halfSquaredError');
}

/**
 * Draws a Sequential MLP (Linear layers and activations) as an SVG document: its weights, a forward pass of one sample, or the backward pass of that sample's loss.
 * @example
 * const model = tutorialNetwork();
 * const svg = networkSvg(model, { view: 'backward', input: [0.5], target: [0.6], loss: halfSquaredError });
 * svg.includes('∂L/∂w1 = −0.0083'); // true
 */
export function networkSvg(model: Module, options: NetworkSvgOptions = {}): string {
  checkOptions(options);
  const stages = stagesOf(model);
  const view = options.view ?? 'weights';
  const colorBy: NetworkColorBy = options.colorBy ?? (view === 'backward' ? 'gradient' : 'weight');
  const maxUnits = options.maxUnits ?? 10;
  const first = stages[0];
  const last = stages[stages.length - 1];
  if (first === undefined || last === undefined) throw new ValueError('networkSvg: the Sequential has no Linear layer to draw');
  const inSize = first.linear.inFeatures;
  const outSize = last.linear.outFeatures;

  const needsGrads = view === 'backward' || colorBy === 'gradient';
  const needsInput = view !== 'weights' || needsGrads;
  const why = view === 'weights' ? "colorBy: 'gradient'" : `view '${view}'`;
  if (needsInput && options.input === undefined) {
    throw new ValueError(`networkSvg: ${why} needs options.input, one sample of shape [${inSize}] or [1, ${inSize}]`);
  }
  if (needsGrads && (options.target === undefined || options.loss === undefined)) {
    const missing = [options.target === undefined ? 'target' : null, options.loss === undefined ? 'loss' : null].filter((m) => m !== null);
    throw new ValueError(`networkSvg: ${why} needs options.${missing.join(' and options.')} (e.g. loss: halfSquaredError) to differentiate the loss`);
  }
  if ((options.target === undefined) !== (options.loss === undefined)) {
    throw new ValueError(`networkSvg: options.target and options.loss go together (the loss node L needs both); got only ${options.target === undefined ? 'loss' : 'target'}`);
  }

  let pass: Pass | null = null;
  let grads: Grads | null = null;
  if (needsInput && options.input !== undefined) {
    const input = inputValues(options.input, inSize);
    const target = options.target === undefined ? null : targetTensor(options.target, outSize, last.linear.dtype);
    ({ pass, grads } = evaluate(stages, input, target, options.loss ?? null, needsGrads));
  }
  const showForward = view === 'forward' && pass !== null;
  const showBackward = view === 'backward' && grads !== null;
  const hasLoss = pass !== null && pass.loss !== null && view !== 'weights';

  // Names, as the tutorial writes them: x, z1, h (hN with several hidden layers), y; a [j] suffix in layers of several units.
  const hidden = stages.length - 1;
  const xName = (i: number) => `x${idx(i, inSize)}`;
  const zLayer = (s: number) => `z${s + 1}`;
  const zName = (s: number, j: number, n: number) => `${zLayer(s)}${idx(j, n)}`;
  const hLayer = (s: number) => (s === stages.length - 1 ? 'y' : hidden === 1 ? 'h' : `h${s + 1}`);
  const hName = (s: number, j: number, n: number) => `${hLayer(s)}${idx(j, n)}`;
  const wName = (s: number, j: number, i: number) => {
    const w = stages[s]?.linear.weight;
    if (w === undefined) return '?';
    const base = customName(w) ?? `W${s + 1}`;
    return w.size > 1 ? `${base}[${j},${i}]` : base;
  };
  const bName = (s: number, j: number) => {
    const b = stages[s]?.linear.bias;
    if (b === undefined || b === null) return '?';
    const base = customName(b) ?? `b${s + 1}`;
    return b.size > 1 ? `${base}[${j}]` : base;
  };
  const at = (list: readonly (readonly number[] | null)[] | undefined, s: number, j: number) => list?.[s]?.[j] ?? NaN;

  // Columns and neurons.
  const units = (n: number) => `${n} unit${n === 1 ? '' : 's'}`;
  const columns: Column[] = [columnOf(`input: ${units(inSize)}`, inSize, maxUnits)];
  stages.forEach((s, k) => {
    const act = s.activation === null ? '' : `, ${s.activation.symbol}`;
    const head = k === stages.length - 1 ? 'output' : `hidden ${k + 1}`;
    columns.push(columnOf(`${head}: ${units(s.linear.outFeatures)}${act}`, s.linear.outFeatures, maxUnits));
  });

  const weightValues = stages.map((s) => values(s.linear.weight));
  const biasValues = stages.map((s) => (s.linear.bias === null ? null : values(s.linear.bias)));
  const edgeQuantity = colorBy === 'gradient' && grads !== null ? grads.dW : weightValues;
  const ringQuantity = colorBy === 'gradient' && grads !== null ? grads.db : biasValues;

  const neurons: Neuron[][] = columns.map((col, c) => {
    const units = [...col.head, ...col.tail];
    return units.map((j): Neuron => {
      if (c === 0) {
        const name = xName(j);
        const lines: string[] = [];
        if (showForward && pass !== null) lines.push(`${name} = ${fmt(at([pass.x], 0, j))}`);
        if (showBackward && grads !== null) lines.push(`∂L/∂${name} = ${fmt(at([grads.dx], 0, j))}`);
        const tip = [`input ${name}`];
        if (pass !== null) tip.push(`${name} = ${fmt(at([pass.x], 0, j))}`);
        if (grads !== null) tip.push(`∂L/∂${name} = ${fmt(at([grads.dx], 0, j))}`);
        return { col: c, unit: j, kind: 'input', name, lines, tooltip: tip.join('\n'), ring: null, x: 0, y: 0 };
      }
      const s = c - 1;
      const stage = stages[s];
      const n = col.size;
      const act = stage?.activation ?? null;
      const name = hName(s, j, n);
      const z = zName(s, j, n);
      const hasBias = stage?.linear.bias !== null;
      const b = hasBias ? bName(s, j) : null;
      const isOutput = s === stages.length - 1;
      const formula = act === null ? null : act.mixing ? `${act.symbol}(${zLayer(s)})${idx(j, n)}` : `${act.symbol}(${z})`;
      const fwd: string[] = [];
      if (pass !== null) {
        if (act !== null) fwd.push(`${z} = ${fmt(at(pass.z, s, j))}`, `${name} = ${formula ?? ''} = ${fmt(at(pass.h, s, j))}`);
        else fwd.push(`${name} = ${fmt(at(pass.h, s, j))}`);
      }
      const bwd: string[] = [];
      if (grads !== null) {
        if (act !== null) bwd.push(`∂L/∂${name} = ${fmt(at(grads.dh, s, j))}`, `δ = ∂L/∂${z} = ${fmt(at(grads.dz, s, j))}`);
        else bwd.push(`δ = ∂L/∂${name} = ${fmt(at(grads.dz, s, j))}`);
        if (b !== null) bwd.push(`∂L/∂${b} = ${fmt(at(grads.db, s, j))}`);
      }
      const bias = b === null ? [] : [`${b} = ${fmt(at(biasValues, s, j))}`];
      const lines = showBackward ? bwd : showForward ? fwd : bias;
      const layerName = isOutput ? 'output' : `hidden layer ${s + 1}`;
      const tip = [`${layerName}, unit ${j}: ${name}${act === null ? '' : ` = ${formula ?? ''}`}`, ...bias, ...fwd, ...bwd];
      return {
        col: c,
        unit: j,
        kind: isOutput ? 'output' : 'hidden',
        name,
        lines,
        tooltip: tip.join('\n'),
        ring: b === null ? null : at(ringQuantity, s, j),
        x: 0,
        y: 0,
      };
    });
  });

  const edges: Edge[] = [];
  stages.forEach((stage, s) => {
    const inN = stage.linear.inFeatures;
    for (const to of neurons[s + 1] ?? []) {
      for (const from of neurons[s] ?? []) {
        const k = to.unit * inN + from.unit;
        const w = weightValues[s]?.[k] ?? NaN;
        const g = grads?.dW[s]?.[k] ?? NaN;
        const name = wName(s, to.unit, from.unit);
        const label = showBackward ? `∂L/∂${name} = ${fmt(g)}` : `${name} = ${fmt(w)}`;
        const tip = [`${name} = ${fmt(w)}`, ...(grads === null ? [] : [`∂L/∂${name} = ${fmt(g)}`]), `${from.name} → ${to.name}`];
        edges.push({ from, to, value: edgeQuantity[s]?.[k] ?? NaN, label, tooltip: tip.join('\n') });
      }
    }
  });

  // Edge labels only where they cannot collide: fans of at most 4 edges out of or into one neuron.
  const fansOk = stages.every((_, s) => {
    const a = neurons[s]?.length ?? 0;
    const b = neurons[s + 1]?.length ?? 0;
    return (a === 1 || b === 1) && a * b <= 4;
  });
  const edgeLabels = options.edgeLabels ?? fansOk;
  const labels = options.labels ?? true;

  // The loss node.
  const lossLines: string[] = [];
  if (hasLoss && pass !== null && pass.loss !== null) {
    lossLines.push(`L = ${fmt(pass.loss)}`);
    const t = pass.target ?? [];
    if (showForward && t.length > 0 && t.length <= 4) lossLines.push(t.length === 1 ? `t = ${fmt(t[0] ?? NaN)}` : `t = [${t.map(fmt).join(', ')}]`);
  }
  const outputs = neurons[neurons.length - 1] ?? [];
  const linkLabel = (o: Neuron) => (showBackward && grads !== null ? `∂L/∂${o.name} = ${fmt(at(grads.dh, stages.length - 1, o.unit))}` : '');
  const linkLabels = edgeLabels && showBackward && outputs.length <= 3;

  // Layout.
  const allLines = labels ? [...neurons.flat().map((n) => n.lines), lossLines] : [];
  const maxLines = Math.max(0, ...allLines.map((l) => l.length));
  const labelW = Math.max(0, ...allLines.flat().map((l) => textWidth(l)));
  const edgeW = edgeLabels ? Math.max(0, ...edges.map((e) => textWidth(e.label, 11)), ...(linkLabels ? outputs.map((o) => textWidth(linkLabel(o), 11)) : [])) : 0;
  const rowGap = labels && maxLines > 0 ? 2 * R + 14 + maxLines * LINE : 2 * R + 16;
  const colGap = Math.max(150, labelW + 32, edgeW + 2 * R + 36, ...columns.map((c) => textWidth(c.header) + 24));
  const lossW = 56;
  const lossH = 30;
  const nCols = columns.length + (hasLoss ? 1 : 0);
  const side = Math.max(R, labelW / 2, hasLoss ? lossW / 2 : 0, ...columns.map((c) => textWidth(c.header) / 2));
  const x0 = MARGIN + side;
  const title = options.title ?? DEFAULT_TITLES[view];
  const titleY = MARGIN + 8;
  const headerY = titleY + 30;
  const topY = headerY + 20 + R;
  const slots = columns.map((c) => c.head.length + c.tail.length + (c.tail.length > 0 ? 1 : 0));
  const maxSpan = (Math.max(1, ...slots) - 1) * rowGap;
  const midY = topY + maxSpan / 2;
  columns.forEach((col, c) => {
    const span = ((slots[c] ?? 1) - 1) * rowGap;
    const top = midY - span / 2;
    (neurons[c] ?? []).forEach((n, k) => {
      const slot = k < col.head.length ? k : k + 1;
      n.x = x0 + c * colGap;
      n.y = top + slot * rowGap;
    });
  });
  const lossX = x0 + columns.length * colGap;
  const diagramBottom = topY + maxSpan + R + (labels ? 8 + maxLines * LINE : 0);
  let width = Math.max(x0 + (nCols - 1) * colGap + side + MARGIN, textWidth(title, 16) + 2 * MARGIN, 440);

  // Legend items, flowed into rows under the diagram.
  const quantity = colorBy === 'gradient' ? '∂L/∂w' : 'weight';
  const bQuantity = colorBy === 'gradient' ? '∂L/∂b' : 'bias b';
  const anyBias = stages.some((s) => s.linear.bias !== null);
  interface LegendItem {
    readonly kind: 'line' | 'ring' | 'arrow' | 'text';
    readonly sign: Sign;
    readonly text: string;
  }
  const legend: LegendItem[] = [
    { kind: 'line', sign: 'positive', text: `positive ${quantity}` },
    { kind: 'line', sign: 'negative', text: `negative ${quantity}` },
    ...(edges.some((e) => e.value === 0) ? [{ kind: 'line' as const, sign: 'zero' as const, text: `zero ${quantity}` }] : []),
    ...(edges.some((e) => Number.isNaN(e.value)) ? [{ kind: 'line' as const, sign: 'nan' as const, text: 'NaN' }] : []),
    { kind: 'text', sign: 'zero', text: `thickness ∝ |${colorBy === 'gradient' ? '∂L/∂w' : 'w'}|` },
    ...(anyBias ? [{ kind: 'ring' as const, sign: 'positive' as const, text: `ring: ${bQuantity} (colour = sign)` }] : []),
    ...(view === 'weights' ? [] : [{ kind: 'arrow' as const, sign: 'zero' as const, text: view === 'forward' ? 'arrows: forward' : 'arrows: backward, δ = ∂L/∂z' }]),
  ];
  const itemW = (item: LegendItem) => (item.kind === 'text' ? 0 : 32) + textWidth(item.text) + 22;
  const legendTotal = legend.reduce((s, item) => s + itemW(item), 0);
  if (legendTotal + 2 * MARGIN < width * 1.6) width = Math.max(width, Math.min(legendTotal + 2 * MARGIN, 760));
  const legendPlaced: { item: LegendItem; x: number; y: number }[] = [];
  let lx = MARGIN;
  let ly = diagramBottom + 28;
  for (const item of legend) {
    if (lx > MARGIN && lx + itemW(item) > width - MARGIN) {
      lx = MARGIN;
      ly += 22;
    }
    legendPlaced.push({ item, x: lx, y: ly });
    lx += itemW(item);
  }
  const height = ly + 8 + MARGIN;

  // Scales: the largest magnitude in the whole model (hidden units included) is the thickest.
  const edgeMax = maxAbs(edgeQuantity.flat());
  const ringMax = maxAbs(ringQuantity.flatMap((b) => b ?? []));

  const out: string[] = [];
  const w = num(width);
  const h = num(height);
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" class="chainrule-network view-${view}" viewBox="0 0 ${w} ${h}" width="${num(options.width ?? width)}" height="${num(options.height ?? height)}" font-family="sans-serif" font-size="${FONT}">`,
  );
  out.push(`<title>${esc(title)}</title>`);
  out.push('<defs>');
  // Smaller arrowheads where many edges meet one neuron.
  const arrowSize = edges.length > 40 ? 6 : 9;
  for (const sign of ['positive', 'negative', 'zero', 'nan'] as const) out.push(marker(`cr-arrow-${sign}`, COLORS[sign], arrowSize));
  out.push(marker('cr-arrow-link', LINK, 9));
  out.push('</defs>');
  out.push(`<rect class="background" x="0" y="0" width="${w}" height="${h}" fill="#ffffff"/>`);
  out.push(`<text class="title" x="${MARGIN}" y="${num(titleY)}" font-size="16" font-weight="bold" fill="#222222">${esc(title)}</text>`);
  const headerXs = columns.map((_, c) => x0 + c * colGap);
  columns.forEach((col, c) => {
    out.push(`<text class="column-header" x="${num(headerXs[c] ?? 0)}" y="${num(headerY)}" text-anchor="middle" fill="#555555">${esc(col.header)}</text>`);
  });
  if (hasLoss) out.push(`<text class="column-header" x="${num(lossX)}" y="${num(headerY)}" text-anchor="middle" fill="#555555">loss</text>`);

  // Edges: forward ones run from the earlier neuron to the later; backward ones are drawn reversed,
  // so marker-end always sits where the arrow points.
  const arrows = view !== 'weights';
  out.push('<g class="edges" stroke-linecap="round">');
  for (const e of edges) {
    const sign = signOf(e.value);
    const [a, b] = view === 'backward' ? [e.to, e.from] : [e.from, e.to];
    const seg = shorten(a.x, a.y, b.x, b.y, R + 1, R + (arrows ? 2 : 1));
    const attrs = [
      `class="edge ${sign}"`,
      `x1="${num(seg.x1)}" y1="${num(seg.y1)}" x2="${num(seg.x2)}" y2="${num(seg.y2)}"`,
      `stroke="${COLORS[sign]}" stroke-width="${num(scaled(e.value, edgeMax, 0.75, 6))}" stroke-opacity="0.8"`,
      `data-from="${esc(e.from.name)}" data-to="${esc(e.to.name)}" data-value="${e.value}"`,
      arrows ? `marker-end="url(#cr-arrow-${sign})"` : '',
    ].filter((s) => s !== '');
    out.push(`<line ${attrs.join(' ')}><title>${esc(e.tooltip)}</title></line>`);
  }
  if (hasLoss) {
    for (const o of outputs) {
      const ends = linkEnds(o, lossX, midY, lossW / 2, lossH / 2, view === 'backward');
      out.push(
        `<line class="link loss" x1="${num(ends.x1)}" y1="${num(ends.y1)}" x2="${num(ends.x2)}" y2="${num(ends.y2)}" stroke="${LINK}" stroke-width="1.5" stroke-dasharray="5 3" marker-end="url(#cr-arrow-link)"><title>${esc(showBackward ? linkLabel(o) : `${o.name} → L`)}</title></line>`,
      );
    }
  }
  out.push('</g>');

  // Neurons.
  out.push('<g class="neurons">');
  for (const n of neurons.flat()) {
    const ringSign = n.ring === null ? null : signOf(n.ring);
    const stroke = ringSign === null ? '#888888' : COLORS[ringSign];
    const strokeW = n.ring === null ? 1.5 : scaled(n.ring, ringMax, 1.5, 5);
    const cls = `neuron ${n.kind}${ringSign === null ? '' : ` bias-${ringSign}`}`;
    out.push(
      `<circle class="${cls}" cx="${num(n.x)}" cy="${num(n.y)}" r="${R}" fill="${n.kind === 'input' ? '#f2f2f2' : '#ffffff'}" stroke="${stroke}" stroke-width="${num(strokeW)}" data-name="${esc(n.name)}"><title>${esc(n.tooltip)}</title></circle>`,
    );
    const size = Math.max(6, Math.min(12, (2 * R - 6) / Math.max(1, [...n.name].length * 0.62)));
    out.push(`<text class="neuron-name" x="${num(n.x)}" y="${num(n.y)}" dy="0.35em" text-anchor="middle" font-size="${num(size)}" fill="#222222" pointer-events="none">${esc(n.name)}</text>`);
  }
  columns.forEach((col, c) => {
    if (col.tail.length === 0) return;
    const rows = neurons[c] ?? [];
    const before = rows[col.head.length - 1];
    const after = rows[col.head.length];
    if (before === undefined || after === undefined) return;
    const more = col.size - col.head.length - col.tail.length;
    out.push(
      `<text class="ellipsis" x="${num(before.x)}" y="${num((before.y + after.y) / 2)}" dy="0.35em" text-anchor="middle" fill="#555555" stroke="#ffffff" stroke-width="4" stroke-linejoin="round" paint-order="stroke">⋮ ${more} more</text>`,
    );
  });
  if (hasLoss) {
    out.push(
      `<rect class="loss-node" x="${num(lossX - lossW / 2)}" y="${num(midY - lossH / 2)}" width="${lossW}" height="${lossH}" rx="8" fill="#fff7e6" stroke="#444444" stroke-width="1.5"><title>${esc(lossLines.join('\n'))}</title></rect>`,
    );
    out.push(`<text class="neuron-name" x="${num(lossX)}" y="${num(midY)}" dy="0.35em" text-anchor="middle" fill="#222222" font-weight="bold">L</text>`);
  }
  out.push('</g>');

  // Labels, haloed in white so they stay readable over edges.
  out.push('<g class="labels" fill="#222222" stroke="#ffffff" stroke-width="3" stroke-linejoin="round" paint-order="stroke">');
  if (labels) {
    for (const n of neurons.flat()) {
      if (n.lines.length > 0) {
        // A card under the values: edges converge on the neuron, and a halo alone leaves them cluttered.
        const boxW = Math.max(...n.lines.map((l) => textWidth(l))) + 10;
        out.push(
          `<rect class="label-box" x="${num(n.x - boxW / 2)}" y="${num(n.y + R + 5)}" width="${num(boxW)}" height="${num(n.lines.length * LINE + 5)}" rx="4" fill="#ffffff" fill-opacity="0.92" stroke="#dddddd" stroke-width="1"/>`,
        );
      }
      n.lines.forEach((line, k) => {
        out.push(`<text class="value" x="${num(n.x)}" y="${num(n.y + R + 6 + (k + 1) * LINE - 3)}" text-anchor="middle">${esc(line)}</text>`);
      });
    }
    if (lossLines.length > 0) {
      const boxW = Math.max(...lossLines.map((l) => textWidth(l))) + 10;
      out.push(
        `<rect class="label-box" x="${num(lossX - boxW / 2)}" y="${num(midY + lossH / 2 + 5)}" width="${num(boxW)}" height="${num(lossLines.length * LINE + 5)}" rx="4" fill="#ffffff" fill-opacity="0.92" stroke="#dddddd" stroke-width="1"/>`,
      );
    }
    lossLines.forEach((line, k) => {
      out.push(`<text class="value" x="${num(lossX)}" y="${num(midY + lossH / 2 + 6 + (k + 1) * LINE - 3)}" text-anchor="middle">${esc(line)}</text>`);
    });
  }
  if (edgeLabels) {
    for (const e of edges) {
      const fromCount = neurons[e.from.col]?.length ?? 0;
      const toCount = neurons[e.to.col]?.length ?? 0;
      const f = fromCount === 1 && toCount > 1 ? 0.6 : toCount === 1 && fromCount > 1 ? 0.4 : 0.5;
      const p = labelPoint(e.from.x, e.from.y, e.to.x, e.to.y, f, 10);
      out.push(`<text class="edge-label" x="${num(p.x)}" y="${num(p.y)}" dy="0.35em" text-anchor="middle" font-size="11">${esc(e.label)}</text>`);
    }
    if (linkLabels) {
      for (const o of outputs) {
        const p = labelPoint(o.x, o.y, lossX, midY, 0.5, 10);
        out.push(`<text class="edge-label" x="${num(p.x)}" y="${num(p.y)}" dy="0.35em" text-anchor="middle" font-size="11">${esc(linkLabel(o))}</text>`);
      }
    }
  }
  out.push('</g>');

  // Legend.
  out.push('<g class="legend" fill="#333333">');
  for (const { item, x, y } of legendPlaced) {
    const color = COLORS[item.sign];
    let tx = x;
    if (item.kind === 'line') {
      out.push(`<line class="swatch" x1="${num(x)}" y1="${num(y - 4)}" x2="${num(x + 24)}" y2="${num(y - 4)}" stroke="${color}" stroke-width="4" stroke-linecap="round"/>`);
      tx += 32;
    } else if (item.kind === 'ring') {
      // A rounded square, so that every <circle> of the document is a neuron.
      out.push(`<rect class="swatch" x="${num(x + 5)}" y="${num(y - 11)}" width="14" height="14" rx="7" fill="#ffffff" stroke="${color}" stroke-width="3"/>`);
      tx += 32;
    } else if (item.kind === 'arrow') {
      const [x1, x2] = view === 'backward' ? [x + 24, x + 2] : [x, x + 22];
      out.push(`<line class="swatch" x1="${num(x1)}" y1="${num(y - 4)}" x2="${num(x2)}" y2="${num(y - 4)}" stroke="${LINK}" stroke-width="1.5" marker-end="url(#cr-arrow-link)"/>`);
      tx += 32;
    }
    out.push(`<text class="legend-text" x="${num(tx)}" y="${num(y)}">${esc(item.text)}</text>`);
  }
  out.push('</g>');
  out.push('</svg>');
  return out.join('\n') + '\n';
}

function marker(id: string, color: string, size: number): string {
  return `<marker id="${id}" viewBox="0 0 10 10" refX="9" refY="5" markerWidth="${size}" markerHeight="${size}" markerUnits="userSpaceOnUse" orient="auto"><path d="M0,0 L10,5 L0,10 z" fill="${color}"/></marker>`;
}

/** The segment from (ax, ay) to (bx, by) with `da` cut at the start and `db` at the end. */
function shorten(ax: number, ay: number, bx: number, by: number, da: number, db: number): { x1: number; y1: number; x2: number; y2: number } {
  const len = Math.hypot(bx - ax, by - ay) || 1;
  const ux = (bx - ax) / len;
  const uy = (by - ay) / len;
  return { x1: ax + ux * da, y1: ay + uy * da, x2: bx - ux * db, y2: by - uy * db };
}

/** A link between an output neuron and the loss box, pointing to L (forward) or away from it (backward). */
function linkEnds(o: Neuron, cx: number, cy: number, hw: number, hh: number, backward: boolean): { x1: number; y1: number; x2: number; y2: number } {
  const dx = o.x - cx;
  const dy = o.y - cy;
  const t = Math.min(dx === 0 ? Infinity : hw / Math.abs(dx), dy === 0 ? Infinity : hh / Math.abs(dy));
  const bx = cx + dx * t;
  const by = cy + dy * t;
  const seg = shorten(o.x, o.y, bx, by, R + 2, 1);
  return backward ? shorten(bx, by, o.x, o.y, 1, R + 2) : seg;
}

/** The point a fraction `f` along a segment, moved `offset` pixels to the side above it. */
function labelPoint(ax: number, ay: number, bx: number, by: number, f: number, offset: number): { x: number; y: number } {
  const len = Math.hypot(bx - ax, by - ay) || 1;
  let nx = -(by - ay) / len;
  let ny = (bx - ax) / len;
  if (ny > 0) {
    nx = -nx;
    ny = -ny;
  }
  return { x: ax + (bx - ax) * f + nx * offset, y: ay + (by - ay) * f + ny * offset };
}
