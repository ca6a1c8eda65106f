import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Tensor, ValueError, matmul, tensor, traceGraph, tutorialNetwork, tutorialSample, zeros } from '../../src/index.js';
import { halfSquaredError } from '../../src/nn/losses.js';
import { graphDot, graphSvg } from '../../src/viz/graph.js';

// ---------------------------------------------------------------------------------------------
// Reading the output back. graphDot writes one statement per line, so lines are enough.

interface DotNode {
  readonly id: string;
  readonly label: string;
  readonly attrs: string;
}
interface DotEdge {
  readonly from: string;
  readonly to: string;
  readonly attrs: string;
}

function parseDot(dot: string): { nodes: DotNode[]; edges: DotEdge[]; header: string[] } {
  const nodes: DotNode[] = [];
  const edges: DotEdge[] = [];
  const header: string[] = [];
  for (const line of dot.split('\n')) {
    const edge = /^ {2}((?:t|op)\d+) -> ((?:t|op)\d+) \[(.*)\];$/.exec(line);
    if (edge !== null) {
      edges.push({ from: edge[1] ?? '', to: edge[2] ?? '', attrs: edge[3] ?? '' });
      continue;
    }
    const node = /^ {2}((?:t|op)\d+) \[label="((?:[^"\\]|\\.)*)", (.*)\];$/.exec(line);
    if (node !== null) nodes.push({ id: node[1] ?? '', label: node[2] ?? '', attrs: node[3] ?? '' });
    else header.push(line);
  }
  return { nodes, edges, header };
}

function edgeLabel(edge: DotEdge): string | null {
  return /label="((?:[^"\\]|\\.)*)"/.exec(edge.attrs)?.[1] ?? null;
}

function decodeXml(text: string): string {
  return text
    .replace(/&#(\d+);/g, (_, n: string) => String.fromCodePoint(Number(n)))
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&apos;/g, "'")
    .replace(/&amp;/g, '&');
}

/** The texts of each `<g class="node">` of Graphviz's SVG, by the node's DOT id (its <title>). */
function svgNodeTexts(svg: string): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const m of svg.matchAll(/<g id="node\d+" class="node">\s*<title>([^<]*)<\/title>([\s\S]*?)<\/g>/g)) {
    const texts = [...(m[2] ?? '').matchAll(/<text[^>]*>([^<]*)<\/text>/g)].map((t) => decodeXml(t[1] ?? ''));
    out.set(decodeXml(m[1] ?? ''), texts);
  }
  return out;
}

/** The tutorial's loss after backward(), with h (the sigmoid's output), its input z1 and the output y named. */
function tutorialLoss(): Tensor {
  const model = tutorialNetwork();
  const { x, y } = tutorialSample();
  const L = halfSquaredError(model.forward(x).named('y'), y).named('L');
  L.backward();
  const { nodes } = traceGraph(L, { grads: false });
  for (const node of nodes) {
    if (node.op !== 'sigmoid') continue;
    node.tensor.named('h');
    const z = nodes[node.inputs[0] ?? -1];
    z?.tensor.named('z1');
  }
  return L;
}

/** The DOT id of the tensor labelled `label` in graphDot's output. */
function tensorId(root: Tensor, label: string): string {
  const node = traceGraph(root, { grads: false }).nodes.find((n) => n.label === label);
  assert.ok(node !== undefined, `a tensor labelled ${label}`);
  return `t${node.id}`;
}

// ---------------------------------------------------------------------------------------------
// graphDot: structure

test('graphDot draws one record per tensor and one op ellipse per non-leaf, left to right', () => {
  const L = tutorialLoss();
  const graph = traceGraph(L);
  const { nodes, header } = parseDot(graphDot(L));
  const records = nodes.filter((n) => n.id.startsWith('t'));
  const ops = nodes.filter((n) => n.id.startsWith('op'));
  assert.equal(records.length, graph.nodes.length);
  assert.equal(ops.length, graph.nodes.filter((n) => n.op !== null).length);
  assert.ok(ops.length > 0);
  for (const r of records) assert.match(r.label, /^\{.*\}$/, `${r.id} is a record { label | data | grad }`);
  for (const o of ops) assert.match(o.attrs, /shape=ellipse/);
  assert.ok(header.some((l) => /rankdir=LR/.test(l)));
  assert.ok(header.some((l) => /node \[shape=record/.test(l)));
});

test('graphDot draws an edge from each input to its op and one from each op to its output', () => {
  const L = tutorialLoss();
  const graph = traceGraph(L);
  const { edges } = parseDot(graphDot(L));
  const inputs = graph.nodes.reduce((s, n) => s + n.inputs.length, 0);
  const ops = graph.nodes.filter((n) => n.op !== null).length;
  assert.equal(edges.length, inputs + ops);
  for (const node of graph.nodes) {
    if (node.op === null) continue;
    const into = edges.filter((e) => e.to === `op${node.id}`).map((e) => e.from);
    assert.deepEqual(into, node.inputs.map((i) => `t${i}`), `inputs of op${node.id} in argument order`);
    assert.equal(edges.filter((e) => e.from === `op${node.id}`).length, 1);
    assert.ok(edges.some((e) => e.from === `op${node.id}` && e.to === `t${node.id}`));
  }
  // (y − t)² is mul(d, d): the same input drawn twice.
  const square = graph.nodes.find((n) => n.op === 'mul' && n.inputs[0] === n.inputs[1]);
  assert.ok(square !== undefined);
  assert.equal(edges.filter((e) => e.to === `op${square.id}`).length, 2);
});

test('graphDot labels ops with their symbols: x·Wᵀ+b (a Linear layer), σ, +, −, ×, ÷, Σ, reshape, matmul Bᵀ, matmul, transpose', () => {
  const labels = parseDot(graphDot(tutorialLoss())).nodes.filter((n) => n.id.startsWith('op')).map((n) => n.label);
  // A Linear layer is one fused op; the loss of one sample is ½(y − t)² itself (its mean over one element is a reshape).
  for (const symbol of ['x·Wᵀ+b', 'σ', '−', '×', 'reshape']) assert.ok(labels.includes(symbol), `an op labelled ${symbol} in ${labels.join(' ')}`);
  const a = tensor([[1, 2], [3, 4]], { requiresGrad: true });
  const other = parseDot(graphDot(matmul(a.T, a, { transposeB: true }).sum().add(matmul(a, a).mean())))
    .nodes.filter((n) => n.id.startsWith('op'))
    .map((n) => n.label);
  for (const symbol of ['transpose', 'matmul Bᵀ', 'matmul', 'Σ', '÷', '+']) assert.ok(other.includes(symbol), `an op labelled ${symbol} in ${other.join(' ')}`);
});

test('graphDot(…, { direction: "backward" }) keeps the layout and reverses every arrow', () => {
  const L = tutorialLoss();
  const forward = parseDot(graphDot(L));
  const backward = parseDot(graphDot(L, { direction: 'backward' }));
  const ends = (edges: DotEdge[]) => edges.map((e) => `${e.from}->${e.to}`);
  assert.deepEqual(ends(backward.edges), ends(forward.edges));
  assert.ok(backward.header.some((l) => /^ {2}edge \[.*dir=back/.test(l)), 'edges default to dir=back');
  assert.ok(!forward.header.some((l) => /dir=back/.test(l)), 'forward edges point forward');
  assert.ok(forward.edges.every((e) => edgeLabel(e) === null), 'forward edges have no labels');
});

test('backward edges carry the local derivative filled with input names, and its value for scalars', () => {
  const L = tutorialLoss();
  const { edges } = parseDot(graphDot(L, { direction: 'backward' }));
  const z1 = tensorId(L, 'z1');
  const h = tensorId(L, 'h');
  const toSigmoid = edges.find((e) => e.from === z1 && e.to.startsWith('op'));
  assert.equal(toSigmoid === undefined ? null : edgeLabel(toSigmoid), 'σ(z1)(1−σ(z1)) = 0.2445');
  // h enters matmul(h, w2, transposeB): ∂/∂h = grad·w2, which is 0.3 for a scalar.
  const fromH = edges.find((e) => e.from === h && e.to.startsWith('op'));
  assert.equal(fromH === undefined ? '' : (edgeLabel(fromH) ?? ''), 'grad·w2 = 0.3000');
  // A constant local derivative is not repeated as a value.
  const labels = edges.map(edgeLabel);
  assert.ok(labels.includes('1'));
  assert.ok(!labels.some((l) => l !== null && /^1 = /.test(l)));
  // No gradient flows to x, t or the constants: those edges are dashed and unlabelled.
  for (const name of ['x', 't']) {
    const edge = edges.find((e) => e.from === tensorId(L, name));
    assert.ok(edge !== undefined);
    assert.equal(edgeLabel(edge), null);
    assert.match(edge.attrs, /style=dashed/);
  }
});

test('graphDot styles parameters, inputs, constants and the root each differently', () => {
  const L = tutorialLoss();
  const { nodes } = parseDot(graphDot(L));
  const attrs = (label: string) => nodes.find((n) => n.id === tensorId(L, label))?.attrs ?? '';
  const parameter = attrs('w1');
  for (const p of ['b1', 'w2', 'b2']) assert.equal(attrs(p), parameter, `${p} is styled as w1`);
  assert.equal(attrs('x'), attrs('t'));
  const root = attrs('L');
  assert.match(root, /penwidth=2/);
  const constant = nodes.find((n) => /^\{t\d+\|data 0\.5000\}$/.test(n.label))?.attrs ?? '';
  assert.match(constant, /dashed/);
  const styles = new Set([parameter, attrs('x'), constant, attrs('h'), root]);
  assert.equal(styles.size, 5, 'parameter, input, constant, intermediate and root look different');
});

// ---------------------------------------------------------------------------------------------
// graphDot: labels

test('graphDot shows scalars with 4 decimals and negative numbers with U+2212', () => {
  const L = tutorialLoss();
  const { nodes } = parseDot(graphDot(L));
  const label = (name: string) => nodes.find((n) => n.id === tensorId(L, name))?.label;
  assert.equal(label('w1'), '{w1|data 0.4000|grad −0.0083}');
  assert.equal(label('b2'), '{b2|data 0.2000|grad −0.2277}');
  assert.equal(label('x'), '{x|data 0.5000}');
  for (const n of nodes) assert.doesNotMatch(n.label, /-\d/, `${n.id}: no ASCII minus in ${n.label}`);
});

test('graphDot escapes record syntax, quotes, backslashes and & in tensor names', () => {
  const name = 'a|b{c}<d>"e\\';
  const a = tensor(2, { requiresGrad: true, name });
  const b = tensor(3, { requiresGrad: true, name: 'x & y  z' });
  const dot = graphDot(a.mul(b).named('out'));
  assert.ok(dot.includes('{a\\|b\\{c\\}\\<d\\>\\"e\\\\|data 2.0000|grad 3.0000}'), dot);
  assert.ok(dot.includes('{x &amp; y \\ z|data 3.0000|grad 2.0000}'), dot);
});

test('graphDot summarizes tensors past 4 elements by shape, dtype, mean, min and max', () => {
  const w = zeros([64, 8]).add(tensor([[-1], [2], ...Array.from({ length: 62 }, () => [0.5])])).named('W');
  w.requiresGrad = true;
  const small = tensor([0.1, -0.2, 0.3], { requiresGrad: true, name: 'b' });
  const loss = w.sum().add(small.sum()).named('loss');
  const { nodes } = parseDot(graphDot(loss));
  const label = (name: string) => nodes.find((n) => n.id === tensorId(loss, name))?.label;
  const mean = (-1 + 2 + 62 * 0.5) / 64;
  assert.equal(label('W'), `{W\\n[64,8] float32|data mean ${mean.toFixed(4)}\\nmin −1.0000, max 2.0000|grad mean 1.0000\\nmin 1.0000, max 1.0000}`);
  assert.equal(label('b'), '{b\\n[3] float32|data [0.1000, −0.2000, 0.3000]|grad [1.0000, 1.0000, 1.0000]}');
});

test('graphDot leaves gradients out with showGrad: false, and by default when there are none', () => {
  const L = tutorialLoss();
  assert.ok(graphDot(L).includes('|grad '));
  assert.ok(!graphDot(L, { showGrad: false }).includes('|grad '));
  assert.ok(!graphDot(traceGraph(L, { grads: false })).includes('|grad '));
});

test('graphDot takes a traced graph as well as its root tensor', () => {
  const L = tutorialLoss();
  assert.equal(graphDot(traceGraph(L)), graphDot(L));
});

// ---------------------------------------------------------------------------------------------
// graphDot: limits and options

test('graphDot throws a ValueError naming the size and maxNodes for a graph past maxNodes', () => {
  let x = tensor(1, { requiresGrad: true, name: 'x' });
  for (let i = 0; i < 300; i++) x = x.mul(1.01); // 1 + 300 × (constant + product) = 601 tensors
  assert.throws(
    () => graphDot(x),
    (e: unknown) =>
      e instanceof ValueError &&
      e.message.startsWith('graphDot: the graph has 601 tensors, more than maxNodes = 500;') &&
      e.message.includes('Draw a smaller graph') &&
      e.message.includes('pass a larger maxNodes'),
  );
  assert.equal(parseDot(graphDot(x, { maxNodes: 601 })).nodes.length, 601 + 300);
  assert.throws(() => graphDot(tutorialLoss(), { maxNodes: 10 }), /the graph has 14 tensors, more than maxNodes = 10/);
});

test('graphDot rejects an unknown direction and a maxNodes that is not a positive integer', () => {
  const L = tutorialLoss();
  const bad: { direction: 'forward' } = JSON.parse('{"direction":"sideways"}');
  assert.throws(() => graphDot(L, bad), { name: 'ValueError', message: "graphDot: direction must be 'forward' or 'backward', got 'sideways'" });
  assert.throws(() => graphDot(L, { maxNodes: 0 }), { name: 'ValueError', message: 'graphDot: maxNodes must be a positive integer, got 0' });
  assert.throws(() => graphDot(L, { maxNodes: 2.5 }), ValueError);
});

// ---------------------------------------------------------------------------------------------
// graphSvg

test('graphSvg returns an <svg> element without XML prolog or DOCTYPE, with its namespace and a sans-serif font', async () => {
  const svg = await graphSvg(tutorialLoss());
  assert.ok(svg.startsWith('<svg'), svg.slice(0, 80));
  assert.ok(!svg.includes('<?xml') && !svg.includes('<!DOCTYPE'));
  assert.match(svg, /<svg[^>]* xmlns="http:\/\/www\.w3\.org\/2000\/svg"/);
  assert.ok(svg.trimEnd().endsWith('</svg>'));
  const fonts = new Set([...svg.matchAll(/font-family="([^"]*)"/g)].map((m) => m[1]));
  assert.deepEqual([...fonts], ['Helvetica,Arial,sans-serif']);
});

test('graphSvg draws one <g class="node"> per DOT node and one <g class="edge"> per DOT edge', async () => {
  const L = tutorialLoss();
  for (const direction of ['forward', 'backward'] as const) {
    const { nodes, edges } = parseDot(graphDot(L, { direction }));
    const svg = await graphSvg(L, { direction });
    assert.equal([...svg.matchAll(/<g id="node\d+" class="node">/g)].length, nodes.length, direction);
    assert.equal([...svg.matchAll(/<g id="edge\d+" class="edge">/g)].length, edges.length, direction);
    assert.deepEqual([...svgNodeTexts(svg).keys()].sort(), nodes.map((n) => n.id).sort());
  }
});

test('graphSvg of the tutorial shows the parameters, h and y with their data and gradients', async () => {
  const L = tutorialLoss();
  const texts = svgNodeTexts(await graphSvg(L));
  const expected: Record<string, readonly string[]> = {
    w1: ['w1', 'data 0.4000', 'grad −0.0083'],
    b1: ['b1', 'data 0.1000', 'grad −0.0167'],
    w2: ['w2', 'data 0.3000', 'grad −0.1308'],
    b2: ['b2', 'data 0.2000', 'grad −0.2277'],
    h: ['h', 'data 0.5744', 'grad −0.0683'],
    y: ['y', 'data 0.3723', 'grad −0.2277'],
    L: ['L', 'data 0.0259', 'grad 1.0000'],
  };
  for (const [name, want] of Object.entries(expected)) assert.deepEqual(texts.get(tensorId(L, name)), want, name);
});

test('graphSvg shows an escaped tensor name exactly as given', async () => {
  const name = 'a|b{c}<d>"e\\';
  const a = tensor(2, { requiresGrad: true, name });
  const b = tensor(3, { requiresGrad: true, name: 'x & y  z' });
  const out = a.mul(b).named('out');
  const texts = svgNodeTexts(await graphSvg(out));
  assert.deepEqual(texts.get(tensorId(out, name)), [name, 'data 2.0000', 'grad 3.0000']);
  assert.deepEqual(texts.get(tensorId(out, 'x & y  z'))?.[0]?.replace(/\u00a0/g, ' '), 'x & y  z');
});

test('graphSvg serves concurrent calls from one Graphviz instance', async () => {
  const L = tutorialLoss();
  const [a, b] = await Promise.all([graphSvg(L), graphSvg(L, { direction: 'backward' })]);
  assert.ok(a.includes('grad −0.0083') && b.includes('σ(z1)(1−σ(z1)) = 0.2445'));
  await assert.rejects(graphSvg(L, { maxNodes: 1 }), ValueError);
});

test('graphDot lays out top to bottom with rankdir TB, rejects another rankdir, and numbers unnamed tensors within the graph', () => {
  const w = tensor([[0.5, -1]], { requiresGrad: true, name: 'w' });
  const loss = w.mul(tensor([[2, 3]])).sum().named('L');
  const tb = graphDot(loss, { rankdir: 'TB' });
  assert.match(tb, /rankdir=TB/);
  assert.doesNotMatch(tb, /rankdir=LR/);
  assert.throws(() => graphDot(loss, { rankdir: 'RL' as 'TB' }), (e: Error) => e instanceof ValueError && /rankdir must be 'LR' or 'TB', got 'RL'/.test(e.message));
  // Unnamed tensors: t<index in this graph>, not the process-wide tensor id.
  const labels = traceGraph(loss).nodes.map((n) => n.label);
  for (const l of labels) if (/^t\d+$/.test(l)) assert.ok(Number(l.slice(1)) < labels.length, `${l} numbered within the graph of ${labels.length}`);
  assert.ok(labels.some((l) => /^t\d+$/.test(l)));
});
