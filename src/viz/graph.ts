/**
 * The computational graph as a picture, in the style of micrograd's `draw_dot`: every tensor is
 * a record `{ label | data | grad }`, every op a small ellipse between its inputs and its
 * output, laid out left to right by Graphviz (compiled to WebAssembly, loaded on first use).
 *
 * Numbers: scalars (one-element tensors) with 4 decimals, larger tensors as shape, dtype and a
 * summary; negative numbers are written with U+2212 (−), never the ASCII hyphen, as the
 * formulas of the primitives are.
 */
import type { Graphviz } from '@hpcc-js/wasm-graphviz';
import { traceGraph, fillFormula, type Graph, type GraphNode } from '../autograd/graph.js';
import { noGrad } from '../autograd/mode.js';
import { ValueError } from '../errors.js';
import { formatPictureNumber, withMinusSign } from '../math/format.js';
import { PRIMITIVES, symbolOf } from '../ops/primitives/index.js';
import type { PrimitiveName } from '../ops/primitives/types.js';
import { onesLike } from '../tensor/create.js';
import type { DType } from '../tensor/dtype.js';
import { Tensor, type GradNode } from '../tensor/tensor.js';

export interface GraphDotOptions {
  /**
   * 'forward' (default): arrows from inputs to outputs. 'backward': the same layout with the
   * arrows reversed (gradients flow from the loss back), each edge into a tensor that requires
   * grad labelled with the local derivative ∂out/∂input, and its value where all are scalars.
   */
  readonly direction?: 'forward' | 'backward';
  /** Show each tensor's gradient (default: true when the graph has gradients). */
  readonly showGrad?: boolean;
  /** The most tensors drawn (default 500); a bigger graph is a ValueError. */
  readonly maxNodes?: number;
  /**
   * 'LR' (default): inputs on the left, the loss on the right, each tensor's fields side by side.
   * 'TB': inputs at the top, each tensor's fields stacked: narrower, for a long tensor graph on a page.
   */
  readonly rankdir?: 'LR' | 'TB';
}

export type GraphSvgOptions = GraphDotOptions;

const DEFAULT_MAX_NODES = 500;
/** Tensors with at most this many elements show every value; larger ones a summary. */
const SHOWN_VALUES = 4;
const FONT = 'Helvetica,Arial,sans-serif';
/**
 * The font graphSvg lays out with. Graphviz compiled to WebAssembly has no fonts and estimates
 * text widths from built-in metrics; it knows no metrics for a list like FONT (it falls back to
 * Times, too narrow) and DejaVu Sans is the widest common sans-serif (Linux's usual fallback for
 * Helvetica), so labels fit whichever sans-serif the viewer has. The SVG then names FONT.
 */
const LAYOUT_FONT = 'DejaVu Sans';

const STYLE = {
  parameter: 'style="filled,bold", fillcolor="#dbeafe", color="#1d4ed8"',
  input: 'style=filled, fillcolor="#f3f4f6", color="#6b7280"',
  constant: 'style="filled,dashed", fillcolor="#f9fafb", color="#9ca3af", fontcolor="#4b5563"',
  intermediate: 'style=filled, fillcolor="#ffffff", color="#374151"',
  root: 'style="filled,bold", fillcolor="#fde68a", color="#b45309", penwidth=2',
  op: 'shape=ellipse, style=filled, fillcolor="#ecfdf5", color="#047857", fontcolor="#065f46", fontsize=12, margin="0.04,0.02", width=0.4, height=0.3',
  forwardEdge: 'color="#4b5563"',
  backwardEdge: 'color="#b91c1c", fontcolor="#b91c1c"',
  noGradEdge: 'color="#9ca3af", style=dashed',
} as const;

/** How an op reads in its ellipse; ops not listed show their name. */

// ---------------------------------------------------------------------------------------------
// Text

/** A number as the picture shows it: its dtype's own form, floats by the picture's rule. */
function formatNumber(v: number, dtype: DType): string {
  if (dtype === 'bool') return v !== 0 ? 'true' : 'false';
  if (dtype === 'int32' && Number.isFinite(v)) return withMinusSign(String(v));
  return formatPictureNumber(v);
}

function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** The values of a tensor: one number, a short list, or mean/min/max past SHOWN_VALUES elements. */
function summarize(t: Tensor): string {
  const data = t.data();
  if (data.length === 0) return '(empty)';
  if (data.length === 1) return formatNumber(data[0] ?? NaN, t.dtype);
  if (data.length <= SHOWN_VALUES) return `[${Array.from(data, (v) => formatNumber(v, t.dtype)).join(', ')}]`;
  let sum = 0;
  let min = Infinity;
  let max = -Infinity;
  let nan = false;
  for (const v of data) {
    if (Number.isNaN(v)) nan = true;
    sum += v;
    min = Math.min(min, v);
    max = Math.max(max, v);
  }
  const f = (v: number) => formatNumber(nan ? NaN : v, 'float64');
  return `mean ${f(sum / data.length)}\nmin ${f(min)}, max ${f(max)}`;
}

/** Escapes text for a record label: the DOT string, the record syntax and Graphviz's own escapes. */
function escapeRecord(text: string): string {
  return escapeLabel(text)
    .replace(/[{}|<>]/g, (c) => `\\${c}`)
    .replace(/ {2,}/g, (run) => ' ' + '\\ '.repeat(run.length - 1));
}

/** Escapes text for an ordinary (ellipse or edge) label: backslash, quote, `&` entities, newlines. */
function escapeLabel(text: string): string {
  return text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/&/g, '&amp;')
    .replace(/\r?\n/g, '\\n');
}

/** Joins already-escaped lines of one label. */
function lines(...parts: string[]): string {
  return parts.join('\\n');
}

// ---------------------------------------------------------------------------------------------
// Nodes and edges

function tensorKind(graph: Graph, node: GraphNode): keyof typeof STYLE {
  if (node.id === graph.root) return 'root';
  if (!node.isLeaf) return 'intermediate';
  if (node.requiresGrad) return 'parameter';
  return node.name === undefined ? 'constant' : 'input';
}

function tensorLabel(node: GraphNode, showGrad: boolean): string {
  const small = node.value.size === 1;
  const head = small
    ? escapeRecord(node.label)
    : lines(escapeRecord(node.label), escapeRecord(`${formatShape(node.shape)} ${node.dtype}`));
  const fields = [head, lines(...`data ${summarize(node.value)}`.split('\n').map(escapeRecord))];
  if (showGrad && node.grad !== null) fields.push(lines(...`grad ${summarize(node.grad)}`.split('\n').map(escapeRecord)));
  return `{${fields.join('|')}}`;
}

function opSymbol(node: GraphNode): string {
  return node.op === null ? '' : symbolOf(node.op, node.params);
}

/** ∂out/∂input of each input as numbers, when the output and every input hold one element; else nulls. */
function localValues(node: GraphNode, graph: Graph): (number | null)[] {
  const none = node.inputs.map(() => null);
  const grad = node.tensor._node;
  if (grad === null || node.value.size !== 1) return none;
  if (node.inputs.some((id) => graph.nodes[id]?.value.size !== 1)) return none;
  return noGrad(() => ruleAtOne(grad, node.value)).map((g) => (g !== null && g.size === 1 ? (g.data()[0] ?? null) : null));
}

function ruleAtOne<P extends PrimitiveName>(node: GradNode<P>, result: Tensor): readonly (Tensor | null)[] {
  const def = PRIMITIVES[node.op];
  if (def.backward === null) return node.inputs.map(() => null);
  const needsGrad = node.inputs.map((_, i) => !def.nondifferentiable.includes(i));
  return def.backward({ inputs: node.inputs, result, grad: onesLike(result), params: node.params, needsGrad });
}

function checkOptions(options: GraphDotOptions): { direction: 'forward' | 'backward'; maxNodes: number; rankdir: 'LR' | 'TB' } {
  const direction = options.direction ?? 'forward';
  const rankdir = options.rankdir ?? 'LR';
  if (rankdir !== 'LR' && rankdir !== 'TB') throw new ValueError(`graphDot: rankdir must be 'LR' or 'TB', got '${String(rankdir)}'`);
  if (direction !== 'forward' && direction !== 'backward') {
    throw new ValueError(`graphDot: direction must be 'forward' or 'backward', got '${String(direction)}'`);
  }
  const maxNodes = options.maxNodes ?? DEFAULT_MAX_NODES;
  if (!Number.isInteger(maxNodes) || maxNodes < 1) throw new ValueError(`graphDot: maxNodes must be a positive integer, got ${maxNodes}`);
  return { direction, maxNodes, rankdir };
}

/**
 * Graphviz DOT text for the graph of a tensor (traced with its gradients) or of a traced graph.
 * @example
 * const w = tensor(0.4, { requiresGrad: true, name: 'w' });
 * const loss = w.mul(3).sigmoid().named('loss');
 * graphDot(loss, { direction: 'backward' }).includes('σ(t'); // true: the sigmoid's local derivative
 */
export function graphDot(rootOrGraph: Tensor | Graph, options: GraphDotOptions = {}): string {
  return dotText(rootOrGraph, options, FONT);
}

function dotText(rootOrGraph: Tensor | Graph, options: GraphDotOptions, font: string): string {
  const { direction, maxNodes, rankdir } = checkOptions(options);
  const graph = rootOrGraph instanceof Tensor ? traceGraph(rootOrGraph) : rootOrGraph;
  const count = graph.nodes.length;
  if (count > maxNodes) {
    throw new ValueError(
      `graphDot: the graph has ${count} tensors, more than maxNodes = ${maxNodes}; a picture that size is unreadable ` +
        'and slow to lay out. Draw a smaller graph (fewer layers or steps, or detach() what you do not need to see) ' +
        'or pass a larger maxNodes.',
    );
  }
  const showGrad = options.showGrad ?? graph.nodes.some((n) => n.grad !== null);
  const backward = direction === 'backward';
  const out: string[] = [
    'digraph chainrule {',
    `  graph [rankdir=${rankdir}, fontname="${font}", nodesep=0.25, ranksep=0.4, bgcolor=white];`,
    `  node [shape=record, fontname="${font}", fontsize=12, height=0.3, margin="0.12,0.05"];`,
    `  edge [fontname="${font}", fontsize=10, arrowsize=0.7${backward ? ', dir=back' : ''}];`,
  ];
  for (const node of graph.nodes) {
    out.push(`  t${node.id} [label="${tensorLabel(node, showGrad)}", ${STYLE[tensorKind(graph, node)]}];`);
    if (node.op !== null) out.push(`  op${node.id} [label="${escapeLabel(opSymbol(node))}", ${STYLE.op}];`);
  }
  for (const node of graph.nodes) {
    if (node.op === null) continue;
    const names = node.inputs.map((id) => graph.nodes[id]?.label ?? `x${id}`);
    const values = backward ? localValues(node, graph) : [];
    node.inputs.forEach((id, i) => {
      const input = graph.nodes[id];
      const local = node.formula?.local[i] ?? null;
      let attrs: string = STYLE.forwardEdge;
      if (backward) {
        if (input === undefined || !input.requiresGrad || local === null) {
          attrs = STYLE.noGradEdge;
        } else {
          const formula = fillFormula(local.text, names);
          const value = values[i];
          // A constant derivative (`1`, `−1`) is its own value; `1 = 1.0000` would only repeat it.
          const constant = /^[−-]?\d+(\.\d+)?$/.test(formula);
          const text = value === undefined || value === null || constant ? formula : `${formula} = ${formatNumber(value, 'float64')}`;
          attrs = `label="${escapeLabel(text)}", ${STYLE.backwardEdge}`;
        }
      }
      out.push(`  t${id} -> op${node.id} [${attrs}];`);
    });
    out.push(`  op${node.id} -> t${node.id} [${backward ? STYLE.backwardEdge : STYLE.forwardEdge}];`);
  }
  out.push('}', '');
  return out.join('\n');
}

type GraphvizInstance = Awaited<ReturnType<typeof Graphviz.load>>;
let graphviz: Promise<GraphvizInstance> | null = null;

/** Graphviz's WebAssembly module, loaded once (its wasm is embedded in the package). */
function loadGraphviz(): Promise<GraphvizInstance> {
  graphviz ??= import('@hpcc-js/wasm-graphviz')
    .then((m) => m.Graphviz.load())
    .catch((e: unknown) => {
      graphviz = null;
      throw e;
    });
  return graphviz;
}

/**
 * The graph as an `<svg>` element laid out by Graphviz: no XML prolog or DOCTYPE, so it can be
 * inlined in HTML, and with its namespaces, so it is also a valid standalone `.svg` file.
 * @example
 * const w = tensor(0.4, { requiresGrad: true, name: 'w' });
 * const svg = await graphSvg(w.mul(3).named('loss'));
 * svg.startsWith('<svg'); // true
 */
export async function graphSvg(rootOrGraph: Tensor | Graph, options: GraphSvgOptions = {}): Promise<string> {
  return dotToSvg(dotText(rootOrGraph, options, LAYOUT_FONT));
}

/** DOT text laid out with LAYOUT_FONT as an inlinable `<svg>` naming FONT (the report's layer graph is drawn with it too). */
export async function dotToSvg(dot: string): Promise<string> {
  const svg = (await loadGraphviz()).dot(dot).replace(/font-family="[^"]*"/g, `font-family="${FONT}"`);
  const start = svg.indexOf('<svg');
  if (start < 0) throw new ValueError('graphSvg: Graphviz returned no <svg> element');
  return svg.slice(start).trimEnd() + '\n';
}
