/**
 * What a network diagram draws, before any position: its columns, neurons and edges with their
 * texts and the values that colour them, the loss node, and the legend's items. Names are the
 * tutorial's (x, z1, h, y; W1[j,i], b1[j]), numbers formatValue's ('−0.0083').
 */
import { activationName, biasName, elementName, INPUT_NAME, isSequentialDefaultName, preActivationName, unitName, weightName } from '../explain/names.js';
import { formatValue as fmt } from '../math/format.js';
import type { Stage } from '../nn/stages.js';
import type { Tensor } from '../tensor/tensor.js';
import { values, type Grads, type Pass } from './networkPass.js';
import type { NetworkColorBy, NetworkView } from './networkTypes.js';

export type Sign = 'positive' | 'negative' | 'zero' | 'nan';

export function signOf(v: number): Sign {
  if (Number.isNaN(v)) return 'nan';
  return v > 0 ? 'positive' : v < 0 ? 'negative' : 'zero';
}

export interface Neuron {
  readonly col: number;
  readonly unit: number;
  readonly kind: 'input' | 'hidden' | 'output';
  readonly name: string;
  readonly lines: readonly string[];
  readonly tooltip: string;
  /** The bias (or its gradient) drawn as the ring; null without a bias. */
  readonly ring: number | null;
}

export interface Edge {
  readonly from: Neuron;
  readonly to: Neuron;
  readonly value: number;
  readonly label: string;
  readonly tooltip: string;
}

/** A layer's column: its heading and the units drawn (all, or the first and last around "⋮ n more"). */
export interface Column {
  readonly header: string;
  readonly size: number;
  readonly head: readonly number[];
  readonly tail: readonly number[];
}

/** The dashed link from an output neuron to the loss node. */
export interface LossLink {
  readonly from: Neuron;
  /** ∂L/∂output in the backward view, else ''. */
  readonly label: string;
  readonly tooltip: string;
}

export interface LegendItem {
  readonly kind: 'line' | 'ring' | 'arrow' | 'text';
  readonly sign: Sign;
  readonly text: string;
}

export interface NetworkModel {
  readonly view: NetworkView;
  readonly columns: readonly Column[];
  /** Per column, the neurons drawn, in the column's order. */
  readonly neurons: readonly (readonly Neuron[])[];
  readonly edges: readonly Edge[];
  /** Whether the loss node L is drawn, with its value lines and its links from the outputs. */
  readonly hasLoss: boolean;
  readonly lossLines: readonly string[];
  readonly links: readonly LossLink[];
  /** Value lines under the neurons, labels on the edges, labels on the loss links. */
  readonly labels: boolean;
  readonly edgeLabels: boolean;
  readonly linkLabels: boolean;
  /** Bias values or their gradients, per stage, for the rings' scale. */
  readonly ringQuantity: readonly (readonly number[] | null)[];
  /** Weights or their gradients, per stage (row-major [out, in]), for the edges' scale. */
  readonly edgeQuantity: readonly (readonly number[])[];
  readonly legend: readonly LegendItem[];
}

export interface ModelSettings {
  readonly view: NetworkView;
  readonly colorBy: NetworkColorBy;
  readonly maxUnits: number;
  readonly pass: Pass | null;
  readonly grads: Grads | null;
  readonly labels: boolean | undefined;
  readonly edgeLabels: boolean | undefined;
}

function columnOf(header: string, size: number, maxUnits: number): Column {
  const all = Array.from({ length: size }, (_, i) => i);
  if (size <= maxUnits) return { header, size, head: all, tail: [] };
  const headCount = Math.ceil(maxUnits / 2);
  return { header, size, head: all.slice(0, headCount), tail: all.slice(size - (maxUnits - headCount)) };
}

/** A parameter's own name, or null when it still has Sequential's default ('0.weight'). */
function customName(t: Tensor): string | null {
  return isSequentialDefaultName(t.name) ? null : (t.name ?? null);
}

function at(list: readonly (readonly number[] | null)[] | undefined, s: number, j: number): number {
  return list?.[s]?.[j] ?? NaN;
}

export function networkModel(stages: readonly Stage[], settings: ModelSettings): NetworkModel {
  const { view, colorBy, maxUnits, pass, grads } = settings;
  const inSize = stages[0]?.linear.inFeatures ?? 0;
  const showForward = view === 'forward' && pass !== null;
  const showBackward = view === 'backward' && grads !== null;
  const hasLoss = pass !== null && pass.loss !== null && view !== 'weights';

  // Names, as the tutorial writes them: x, z1, h (hN with several hidden layers), y; a [j] suffix in layers of several units.
  const hidden = stages.length - 1;
  const zLayer = (s: number) => preActivationName(s + 1);
  const hLayer = (s: number) => activationName(s + 1, s === stages.length - 1 ? 'output' : hidden === 1 ? 'only' : 'hidden');
  const wName = (s: number, j: number, i: number) => {
    const w = stages[s]?.linear.weight;
    if (w === undefined) return '?';
    return elementName(customName(w) ?? weightName(s + 1), [j, i], w.size);
  };
  const bName = (s: number, j: number) => {
    const b = stages[s]?.linear.bias;
    if (b === undefined || b === null) return '?';
    return elementName(customName(b) ?? biasName(s + 1), [j], b.size);
  };

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
        const name = unitName(INPUT_NAME, j, inSize);
        const lines: string[] = [];
        if (showForward && pass !== null) lines.push(`${name} = ${fmt(at([pass.x], 0, j))}`);
        if (showBackward && grads !== null) lines.push(`∂L/∂${name} = ${fmt(at([grads.dx], 0, j))}`);
        const tip = [`input ${name}`];
        if (pass !== null) tip.push(`${name} = ${fmt(at([pass.x], 0, j))}`);
        if (grads !== null) tip.push(`∂L/∂${name} = ${fmt(at([grads.dx], 0, j))}`);
        return { col: c, unit: j, kind: 'input', name, lines, tooltip: tip.join('\n'), ring: null };
      }
      const s = c - 1;
      const stage = stages[s];
      const n = col.size;
      const act = stage?.activation ?? null;
      const name = unitName(hLayer(s), j, n);
      const z = unitName(zLayer(s), j, n);
      const hasBias = stage?.linear.bias !== null;
      const b = hasBias ? bName(s, j) : null;
      const isOutput = s === stages.length - 1;
      const formula = act === null ? null : act.mixing ? unitName(`${act.symbol}(${zLayer(s)})`, j, n) : `${act.symbol}(${z})`;
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
      return { col: c, unit: j, kind: isOutput ? 'output' : 'hidden', name, lines, tooltip: tip.join('\n'), ring: b === null ? null : at(ringQuantity, s, j) };
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
  const edgeLabels = settings.edgeLabels ?? fansOk;

  const lossLines: string[] = [];
  if (hasLoss && pass !== null && pass.loss !== null) {
    lossLines.push(`L = ${fmt(pass.loss)}`);
    const t = pass.target ?? [];
    if (showForward && t.length > 0 && t.length <= 4) lossLines.push(t.length === 1 ? `t = ${fmt(t[0] ?? NaN)}` : `t = [${t.map(fmt).join(', ')}]`);
  }
  const outputs = neurons[neurons.length - 1] ?? [];
  const links = outputs.map((o): LossLink => {
    const label = showBackward && grads !== null ? `∂L/∂${o.name} = ${fmt(at(grads.dh, stages.length - 1, o.unit))}` : '';
    return { from: o, label, tooltip: showBackward ? label : `${o.name} → L` };
  });

  return {
    view,
    columns,
    neurons,
    edges,
    hasLoss,
    lossLines,
    links,
    labels: settings.labels ?? true,
    edgeLabels,
    linkLabels: edgeLabels && showBackward && outputs.length <= 3,
    edgeQuantity,
    ringQuantity,
    legend: legendItems(view, colorBy, edges, stages.some((s) => s.linear.bias !== null)),
  };
}

function legendItems(view: NetworkView, colorBy: NetworkColorBy, edges: readonly Edge[], anyBias: boolean): LegendItem[] {
  const quantity = colorBy === 'gradient' ? '∂L/∂w' : 'weight';
  const bQuantity = colorBy === 'gradient' ? '∂L/∂b' : 'bias b';
  return [
    { kind: 'line', sign: 'positive', text: `positive ${quantity}` },
    { kind: 'line', sign: 'negative', text: `negative ${quantity}` },
    ...(edges.some((e) => e.value === 0) ? [{ kind: 'line' as const, sign: 'zero' as const, text: `zero ${quantity}` }] : []),
    ...(edges.some((e) => Number.isNaN(e.value)) ? [{ kind: 'line' as const, sign: 'nan' as const, text: 'NaN' }] : []),
    { kind: 'text', sign: 'zero', text: `thickness ∝ |${colorBy === 'gradient' ? '∂L/∂w' : 'w'}|` },
    ...(anyBias ? [{ kind: 'ring' as const, sign: 'positive' as const, text: `ring: ${bQuantity} (colour = sign)` }] : []),
    ...(view === 'weights' ? [] : [{ kind: 'arrow' as const, sign: 'zero' as const, text: view === 'forward' ? 'arrows: forward' : 'arrows: backward, δ = ∂L/∂z' }]),
  ];
}
