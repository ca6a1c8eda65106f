import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  Dropout,
  Linear,
  Module,
  ReLU,
  Sequential,
  ShapeError,
  Sigmoid,
  Tanh,
  ValueError,
  halfSquaredError,
  mlp,
  tensor,
  tutorialNetwork,
  type Tensor,
} from '../../src/index.js';
import { networkSvg } from '../../src/viz/network.js';

// ---------------------------------------------------------------------------------------------
// Reading the SVG text: a small well-formedness check and an element/attribute reader.

const NAME = '[A-Za-z_][\\w:.-]*';
const TAG = new RegExp(`^<(/?)(${NAME})((?:\\s+${NAME}="[^"<]*")*)\\s*(/?)>`);
const ENTITY = /^&(?:amp|lt|gt|quot|apos|#\d+|#x[0-9a-fA-F]+);/;

/** Throws unless `xml` is one well-formed element: balanced tags, quoted unique attributes, only known entities. */
function assertWellFormed(xml: string): void {
  const stack: string[] = [];
  let roots = 0;
  let i = 0;
  while (i < xml.length) {
    const c = xml[i];
    if (c === '<') {
      const m = TAG.exec(xml.slice(i));
      if (m === null) throw new Error(`not a tag at ${i}: ${xml.slice(i, i + 40)}`);
      const [all, close, name = '', attrs = '', selfClose] = m;
      const names = [...attrs.matchAll(new RegExp(`(${NAME})="`, 'g'))].map((a) => a[1]);
      if (new Set(names).size !== names.length) throw new Error(`repeated attribute in <${name}>`);
      for (const v of attrs.matchAll(/="([^"]*)"/g)) checkEntities(v[1] ?? '', i);
      if (close === '/') {
        const open = stack.pop();
        if (open !== name) throw new Error(`</${name}> closes <${open ?? 'nothing'}> at ${i}`);
      } else if (selfClose !== '/') {
        if (stack.length === 0) roots++;
        stack.push(name);
      } else if (stack.length === 0) {
        roots++;
      }
      i += all.length;
    } else {
      const next = xml.indexOf('<', i);
      const text = xml.slice(i, next < 0 ? xml.length : next);
      if (stack.length === 0 && text.trim() !== '') throw new Error(`text outside the root element: ${text.slice(0, 40)}`);
      checkEntities(text, i);
      i = next < 0 ? xml.length : next;
    }
  }
  if (stack.length > 0) throw new Error(`unclosed <${stack.join('>, <')}>`);
  if (roots !== 1) throw new Error(`expected one root element, found ${roots}`);
}

function checkEntities(text: string, at: number): void {
  for (let k = text.indexOf('&'); k >= 0; k = text.indexOf('&', k + 1)) {
    if (!ENTITY.test(text.slice(k))) throw new Error(`bare '&' near ${at}: ${text.slice(k, k + 20)}`);
  }
  if (text.includes('>')) throw new Error(`unescaped '>' near ${at}`);
}

interface Element {
  readonly attrs: Record<string, string>;
  readonly text: string;
}

/** Elements `<tag …>` whose class attribute starts with `cls` (e.g. 'edge', 'neuron'). */
function elements(svg: string, tag: string, cls: string): Element[] {
  const out: Element[] = [];
  const re = new RegExp(`<${tag}\\s([^>]*?)/?>([^<]*)`, 'g');
  for (const m of svg.matchAll(re)) {
    const attrs: Record<string, string> = {};
    for (const a of (m[1] ?? '').matchAll(/([\w:-]+)="([^"]*)"/g)) attrs[a[1] ?? ''] = a[2] ?? '';
    if ((attrs['class'] ?? '').split(' ')[0] === cls) out.push({ attrs, text: m[2] ?? '' });
  }
  return out;
}

const edgesOf = (svg: string) => elements(svg, 'line', 'edge');
const neuronsOf = (svg: string) => elements(svg, 'circle', 'neuron');
const countTag = (svg: string, tag: string) => svg.split(`<${tag}`).length - 1;
const attr = (e: Element, name: string) => e.attrs[name] ?? assert.fail(`missing ${name}`);
const numAttr = (e: Element, name: string) => Number(attr(e, name));

const TUTORIAL = { input: [0.5], target: [0.6], loss: halfSquaredError } as const;

// ---------------------------------------------------------------------------------------------

test('assertWellFormed accepts balanced markup and rejects mismatched tags, bare & and two roots', () => {
  assertWellFormed('<svg a="1"><g><text>x &amp; y</text><line b="2"/></g></svg>');
  assert.throws(() => assertWellFormed('<svg><g></svg></g>'));
  assert.throws(() => assertWellFormed('<svg><text>a & b</text></svg>'));
  assert.throws(() => assertWellFormed('<svg><text>a <b> c</text></svg>'));
  assert.throws(() => assertWellFormed('<svg/><svg/>'));
  assert.throws(() => assertWellFormed('<svg a="1" a="2"/>'));
});

test('networkSvg(tutorialNetwork()) draws x, h, y with the tutorial names, positive edges and bias labels', () => {
  const svg = networkSvg(tutorialNetwork());
  assertWellFormed(svg);
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.equal(countTag(svg, 'circle'), 3);
  assert.deepEqual(neuronsOf(svg).map((n) => attr(n, 'data-name')), ['x', 'h', 'y']);
  const edges = edgesOf(svg);
  assert.equal(edges.length, 2);
  assert.deepEqual(edges.map((e) => attr(e, 'class')), ['edge positive', 'edge positive']);
  for (const text of ['w1 = 0.4000', 'w2 = 0.3000', 'b1 = 0.1000', 'b2 = 0.2000', 'font-family="sans-serif"', 'fill="#ffffff"']) {
    assert.ok(svg.includes(text), `contains ${text}`);
  }
  assert.ok(svg.includes('<title>w1 = 0.4000\nx → h</title>'), 'edge tooltips name the weight and its value');
  // The larger weight is the thicker edge.
  assert.ok(numAttr(edges[0]!, 'stroke-width') > numAttr(edges[1]!, 'stroke-width'));
  // The weights view has no arrows.
  assert.ok(edges.every((e) => e.attrs['marker-end'] === undefined));
});

test("networkSvg view 'forward' shows the reference's forward pass: z1, h, y and L, with arrows pointing forward", () => {
  const svg = networkSvg(tutorialNetwork(), { view: 'forward', ...TUTORIAL });
  assertWellFormed(svg);
  for (const text of ['x = 0.5000', 'z1 = 0.3000', 'h = σ(z1) = 0.5744', 'y = 0.3723', 'L = 0.0259', 't = 0.6000']) {
    assert.ok(svg.includes(text), `contains ${text}`);
  }
  const edges = edgesOf(svg);
  assert.equal(edges.length, 2);
  for (const e of edges) {
    assert.match(attr(e, 'marker-end'), /^url\(#cr-arrow-positive\)$/);
    assert.ok(numAttr(e, 'x1') < numAttr(e, 'x2'), 'forward edges run left to right, so marker-end points forward');
  }
  const [link] = elements(svg, 'line', 'link');
  assert.ok(link !== undefined && numAttr(link, 'x1') < numAttr(link, 'x2'), 'y → L points to the loss');
  assert.equal(countTag(svg, 'circle'), 3, 'the loss node is not a neuron circle');
  assert.equal(elements(svg, 'rect', 'loss-node').length, 1);
});

test("networkSvg view 'forward' without a target draws no loss node", () => {
  const svg = networkSvg(tutorialNetwork(), { view: 'forward', input: 0.5 });
  assertWellFormed(svg);
  assert.ok(svg.includes('y = 0.3723'));
  assert.equal(elements(svg, 'rect', 'loss-node').length, 0);
  assert.ok(!svg.includes('L = '));
});

test("networkSvg view 'backward' shows the reference's gradients with arrows pointing back to the input", () => {
  const model = tutorialNetwork();
  const svg = networkSvg(model, { view: 'backward', ...TUTORIAL });
  assertWellFormed(svg);
  for (const text of ['∂L/∂w1 = −0.0083', '∂L/∂b1 = −0.0167', '∂L/∂w2 = −0.1308', '∂L/∂b2 = −0.2277', 'δ = ∂L/∂y = −0.2277', 'δ = ∂L/∂z1 = −0.0167', '∂L/∂h = −0.0683', 'L = 0.0259']) {
    assert.ok(svg.includes(text), `contains ${text}`);
  }
  assert.ok(svg.includes('\u2212') && !/= -\d/.test(svg), 'minus signs are U+2212');
  const edges = edgesOf(svg);
  assert.equal(edges.length, 2);
  for (const e of edges) {
    assert.equal(attr(e, 'class'), 'edge negative', 'coloured by the (negative) gradient');
    assert.ok(attr(e, 'marker-end').startsWith('url(#cr-arrow-'));
    assert.ok(numAttr(e, 'x1') > numAttr(e, 'x2'), 'backward edges run right to left, so marker-end points to the input');
  }
  // |∂L/∂w2| > |∂L/∂w1|: the later edge is thicker.
  const byTarget = new Map(edges.map((e) => [attr(e, 'data-to'), numAttr(e, 'stroke-width')]));
  assert.ok((byTarget.get('y') ?? 0) > (byTarget.get('h') ?? Infinity));
  const [link] = elements(svg, 'line', 'link');
  assert.ok(link !== undefined && numAttr(link, 'x1') > numAttr(link, 'x2'), 'L → y points away from the loss');
  assert.ok(svg.includes('∂L/∂y = −0.2277</text>'), 'the link from L to y carries ∂L/∂y');
});

test('networkSvg backward leaves every parameter .grad untouched and the values unchanged', () => {
  const model = tutorialNetwork();
  const before = model.parameters().map((p) => p.item());
  networkSvg(model, { view: 'backward', ...TUTORIAL });
  networkSvg(model, { view: 'forward', ...TUTORIAL, colorBy: 'gradient' });
  for (const p of model.parameters()) assert.equal(p.grad, null, `${p.name ?? '?'}.grad stays null`);
  assert.deepEqual(model.parameters().map((p) => p.item()), before);
});

test("networkSvg colorBy overrides what colours the edges in each view", () => {
  const model = tutorialNetwork();
  const byWeight = edgesOf(networkSvg(model, { view: 'backward', ...TUTORIAL, colorBy: 'weight' }));
  assert.deepEqual(byWeight.map((e) => attr(e, 'class')), ['edge positive', 'edge positive']);
  const byGrad = edgesOf(networkSvg(model, { view: 'weights', ...TUTORIAL, colorBy: 'gradient' }));
  assert.deepEqual(byGrad.map((e) => attr(e, 'class')), ['edge negative', 'edge negative']);
  assert.ok(Math.abs(Number(attr(byGrad[0]!, 'data-value')) - -0.00835) < 1e-5);
});

test('networkSvg(mlp([2, 4, 3, 1])) draws one circle per unit and an edge per weight in every view', () => {
  const model = mlp([2, 4, 3, 1], { seed: 0, activation: 'tanh' });
  for (const view of ['weights', 'forward', 'backward'] as const) {
    const svg = networkSvg(model, { view, input: [0.5, -1], target: [1], loss: halfSquaredError });
    assertWellFormed(svg);
    assert.equal(countTag(svg, 'circle'), 2 + 4 + 3 + 1, view);
    assert.equal(edgesOf(svg).length, 2 * 4 + 4 * 3 + 3 * 1, view);
    assert.equal(elements(svg, 'text', 'ellipsis').length, 0);
  }
  const fwd = networkSvg(model, { view: 'forward', input: [0.5, -1] });
  assert.ok(fwd.includes('h1[2] = tanh(z1[2]) = '), 'general names: layer number, then [unit]');
  assert.ok(fwd.includes('x[1] = −1.0000'));
  assert.deepEqual(
    neuronsOf(fwd).map((n) => attr(n, 'data-name')),
    ['x[0]', 'x[1]', 'h1[0]', 'h1[1]', 'h1[2]', 'h1[3]', 'h2[0]', 'h2[1]', 'h2[2]', 'y'],
  );
  assert.ok(networkSvg(model).includes('W1[2,1] = '), 'default parameter names become W1[j,i]');
});

test('networkSvg colours edges by the sign of explicit weights and thickens them by |w|', () => {
  const weight = [
    [1, -2, 0.5],
    [-0.25, 0, 1.5],
  ];
  const model = new Sequential(new Linear(3, 2, { weight, biasValues: [0.1, -0.3] }), new ReLU());
  const svg = networkSvg(model);
  assertWellFormed(svg);
  const edges = edgesOf(svg);
  assert.equal(edges.length, 6);
  for (const e of edges) {
    const i = Number(/\[(\d)\]/.exec(attr(e, 'data-from'))?.[1]);
    const j = Number(/\[(\d)\]/.exec(attr(e, 'data-to'))?.[1]);
    const w = weight[j]?.[i] ?? NaN;
    assert.equal(Number(attr(e, 'data-value')), w);
    const sign = w > 0 ? 'positive' : w < 0 ? 'negative' : 'zero';
    assert.equal(attr(e, 'class'), `edge ${sign}`, `W[${j},${i}] = ${w}`);
    assert.equal(attr(e, 'stroke'), { positive: '#0877bd', negative: '#f59322', zero: '#9e9e9e' }[sign]);
  }
  const sorted = [...edges].sort((a, b) => Math.abs(Number(attr(a, 'data-value'))) - Math.abs(Number(attr(b, 'data-value'))));
  for (let k = 1; k < sorted.length; k++) {
    assert.ok(numAttr(sorted[k]!, 'stroke-width') > numAttr(sorted[k - 1]!, 'stroke-width'), 'distinct |w| give strictly increasing widths');
  }
  assert.equal(Math.max(...edges.map((e) => numAttr(e, 'stroke-width'))), numAttr(edges.find((e) => attr(e, 'data-value') === '-2')!, 'stroke-width'));
  // Bias rings: coloured by the bias sign.
  const outs = neuronsOf(svg).filter((n) => attr(n, 'class').includes('output'));
  assert.deepEqual(outs.map((n) => attr(n, 'class')), ['neuron output bias-positive', 'neuron output bias-negative']);
  assert.ok(numAttr(outs[1]!, 'stroke-width') > numAttr(outs[0]!, 'stroke-width'), '|b| thickens the ring');
});

test('networkSvg caps a large layer: first and last units around "⋮ n more", edges only between drawn units', () => {
  const model = mlp([784, 16, 10], { seed: 0 });
  const svg = networkSvg(model);
  assertWellFormed(svg);
  assert.equal(countTag(svg, 'circle'), 10 + 10 + 10);
  assert.equal(edgesOf(svg).length, 10 * 10 + 10 * 10);
  const ellipses = elements(svg, 'text', 'ellipsis').map((e) => e.text);
  assert.deepEqual(ellipses, ['⋮ 774 more', '⋮ 6 more']);
  const names = neuronsOf(svg).map((n) => attr(n, 'data-name'));
  assert.deepEqual(names.slice(0, 10), ['x[0]', 'x[1]', 'x[2]', 'x[3]', 'x[4]', 'x[779]', 'x[780]', 'x[781]', 'x[782]', 'x[783]']);
  assert.ok(svg.length < 120_000, `a 784-input diagram stays small (${svg.length} characters)`);
  const small = networkSvg(model, { maxUnits: 4, labels: false });
  assert.equal(countTag(small, 'circle'), 4 + 4 + 4);
  assert.equal(edgesOf(small).length, 16 + 16);
  assert.equal(elements(small, 'text', 'value').length, 0, 'labels: false drops the value labels');
});

test('networkSvg escapes the text it writes: a parameter named <b>& appears escaped', () => {
  const model = tutorialNetwork();
  const first = model.at(0);
  assert.ok(first instanceof Linear);
  first.weight.name = '<b>&';
  const svg = networkSvg(model, { view: 'backward', ...TUTORIAL, title: 'a "quoted" <title> & more' });
  assertWellFormed(svg);
  assert.ok(svg.includes('&lt;b&gt;&amp; = 0.4000'));
  assert.ok(svg.includes('∂L/∂&lt;b&gt;&amp; = −0.0083'));
  assert.ok(svg.includes('a &quot;quoted&quot; &lt;title&gt; &amp; more'));
  assert.ok(!svg.includes('<b>'));
});

test('networkSvg accepts the input as a [in] or [1, in] tensor, a list or a number, with the same result', () => {
  const model = tutorialNetwork();
  const expected = networkSvg(model, { view: 'forward', input: 0.5 });
  const inputs: (Tensor | number[])[] = [[0.5], tensor([0.5]), tensor([[0.5]], { dtype: 'float64' })];
  for (const input of inputs) assert.equal(networkSvg(model, { view: 'forward', input }), expected);
});

test('networkSvg width and height scale the drawing without changing its viewBox', () => {
  const natural = networkSvg(tutorialNetwork());
  const sized = networkSvg(tutorialNetwork(), { width: 300, height: 120 });
  const viewBox = (s: string) => /viewBox="([^"]*)"/.exec(s)?.[1];
  assert.equal(viewBox(sized), viewBox(natural));
  assert.match(sized, /<svg [^>]*width="300" height="120"/);
});

test('networkSvg prints negative zero as 0.0000', () => {
  const model = new Sequential(new Linear(1, 1, { weight: [[-1e-9]], biasValues: [0] }));
  const svg = networkSvg(model);
  assert.ok(svg.includes('= 0.0000'));
  assert.ok(!svg.includes('-0.0000') && !svg.includes('−0.0000'));
});

test('networkSvg names a softmax output by its layer and draws Dropout as nothing', () => {
  const soft = networkSvg(mlp([2, 3], { outputActivation: 'softmax', seed: 0 }), { view: 'forward', input: [1, 2] });
  assertWellFormed(soft);
  assert.ok(soft.includes('y[0] = softmax(z1)[0] = '));
  const dropped = networkSvg(mlp([2, 3, 1], { dropout: 0.5, seed: 0 }), { view: 'backward', input: [1, 2], target: [0], loss: halfSquaredError });
  assertWellFormed(dropped);
  assert.equal(countTag(dropped, 'circle'), 6);
  assert.equal(edgesOf(dropped).length, 9);
});

class Doubler extends Module {
  forward(x: Tensor): Tensor {
    return x.mul(2);
  }
}

test('networkSvg rejects architectures it cannot draw, naming what is unsupported', () => {
  assert.throws(() => networkSvg(new Linear(1, 1)), { name: 'ValueError', message: /expected a Sequential of Linear layers and activations .*got Linear\(1 → 1\)/ });
  assert.throws(() => networkSvg(new Sequential(new Linear(1, 2), new Doubler())), { name: 'ValueError', message: /layer 1 \(Doubler\) is not supported/ });
  assert.throws(() => networkSvg(new Sequential(new Sigmoid(), new Linear(1, 1))), { name: 'ValueError', message: /layer 0 \(Sigmoid\) comes before the first Linear layer/ });
  assert.throws(() => networkSvg(new Sequential(new Linear(1, 1), new ReLU(), new Tanh())), { name: 'ValueError', message: /layers 1 \(ReLU\) and 2 \(Tanh\) are two activations in a row/ });
  assert.throws(() => networkSvg(new Sequential(new Linear(1, 2), new Linear(3, 1))), { name: 'ShapeError', message: /layer 1 \(Linear\(3 → 1\)\) takes 3 inputs but layer 0 \(Linear\(1 → 2\)\) gives 2/ });
  assert.throws(() => networkSvg(new Sequential(new Linear(1, 1), new Sequential(new Linear(1, 1)))), { name: 'ValueError', message: /layer 1 \(Sequential\) is not supported/ });
  assert.throws(() => networkSvg(new Sequential(new ReLU())), ValueError);
  assert.throws(() => networkSvg(new Sequential()), { name: 'ValueError', message: /no Linear layer/ });
});

test('networkSvg reports a missing or malformed input, target or loss', () => {
  const model = tutorialNetwork();
  assert.throws(() => networkSvg(model, { view: 'forward' }), { name: 'ValueError', message: /view 'forward' needs options.input, one sample of shape \[1\] or \[1, 1\]/ });
  assert.throws(() => networkSvg(model, { view: 'backward', input: [0.5] }), { name: 'ValueError', message: /view 'backward' needs options.target and options.loss/ });
  assert.throws(() => networkSvg(model, { view: 'backward', input: [0.5], target: [0.6] }), { name: 'ValueError', message: /needs options.loss/ });
  assert.throws(() => networkSvg(model, { colorBy: 'gradient' }), { name: 'ValueError', message: /colorBy: 'gradient' needs options.input/ });
  assert.throws(() => networkSvg(model, { view: 'forward', input: [0.5], target: [0.6] }), { name: 'ValueError', message: /target and options.loss go together/ });
  assert.throws(() => networkSvg(model, { view: 'forward', input: [0.5, 1] }), { name: 'ShapeError', message: /input must be one sample of shape \[1\] or \[1, 1\], got a list of 2/ });
  assert.throws(() => networkSvg(mlp([2, 1], { seed: 0 }), { view: 'forward', input: tensor([[1, 2], [3, 4]]) }), ShapeError);
  const perElement = (p: Tensor, t: Tensor) => halfSquaredError(p, t, { reduction: 'none' });
  assert.throws(() => networkSvg(mlp([2, 2], { seed: 0 }), { view: 'backward', input: [1, 2], target: [0, 1], loss: perElement }), {
    name: 'ValueError',
    message: /the loss must return a scalar tensor .*got shape \[1, ?2\]/,
  });
  assert.throws(() => networkSvg(model, { view: 'sideways' as 'weights' }), { name: 'ValueError', message: /view must be 'weights', 'forward' or 'backward'/ });
  assert.throws(() => networkSvg(model, { maxUnits: 1 }), { name: 'ValueError', message: /maxUnits/ });
});

test('networkSvg draws every view of the tutorial with a legend explaining the colours', () => {
  for (const view of ['weights', 'forward', 'backward'] as const) {
    const svg = networkSvg(tutorialNetwork(), { view, ...TUTORIAL });
    const legend = elements(svg, 'text', 'legend-text').map((e) => e.text);
    const what = view === 'backward' ? '∂L/∂w' : 'weight';
    assert.ok(legend.includes(`positive ${what}`) && legend.includes(`negative ${what}`), `${view}: ${legend.join(' | ')}`);
  }
  const legend = elements(networkSvg(new Sequential(new Linear(2, 1, { bias: false }), new Dropout(0.1))), 'text', 'legend-text').map((e) => e.text);
  assert.ok(!legend.some((t) => t.startsWith('ring')), 'no bias, no ring in the legend');
});
