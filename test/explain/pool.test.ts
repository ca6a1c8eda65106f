// explain on pooling: max pooling routes δ to each window's maximum, average pooling shares it
// over the window; each is one step with its layer rule, and with `sample` one output pixel and
// one input pixel's gradient are written out, each total equal to the forward value or autograd's
// gradient element (1e-12 in float64).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  adaptiveAvgPool2d,
  AvgPool2d,
  avgPool2d,
  Conv2d,
  crossEntropy,
  explain,
  explanationLines,
  Flatten,
  Generator,
  gradients,
  Linear,
  MaxPool2d,
  maxPool2d,
  randn,
  ReLU,
  renderMarkdown,
  renderText,
  Sequential,
  tensor,
  type Explanation,
  type Tensor,
} from '../../src/index.js';
import { sig } from '../../src/explain/sums.js';
import { explainHtml, typeset } from '../../src/viz/explainHtml.js';

const f64 = { dtype: 'float64' as const };

/** conv 1→3 3×3 pad 1, ReLU, pool 2, conv 3→4 3×3, ReLU, pool 2, Flatten, Linear 4→3: LeNet in miniature. */
function lenet(pool: 'max' | 'avg' = 'max'): Sequential {
  const Pool = pool === 'max' ? MaxPool2d : AvgPool2d;
  return new Sequential(new Conv2d(1, 3, 3, { ...f64, seed: 1, padding: 1 }), new ReLU(), new Pool(2), new Conv2d(3, 4, 3, { ...f64, seed: 2 }), new ReLU(), new Pool(2), new Flatten(), new Linear(4, 3, { ...f64, seed: 3 }));
}

const relClose = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

/** The element a sum names, `m1[1,0,3,2]` or `∂L/∂h1[…]`: its tensor name and flat index in `shape`. */
function element(of: string, shape: readonly number[]): { name: string; index: number } {
  const m = /^(?:∂L\/∂)?(\w+)\[([\d,]+)\]$/.exec(of);
  assert.ok(m !== null, of);
  const idx = m[2]!.split(',').map(Number);
  return { name: m[1]!, index: idx.reduce((acc, v, k) => acc * shape[k]! + v, 0) };
}

/**
 * Every written-out sum against an independent value: the named tensor's element from the forward
 * pass, or autograd's gradient of the loss with respect to it; and the printed total is its value.
 */
function checkSums(e: Explanation, loss: Tensor): number {
  const named = new Map<string, Tensor>();
  for (const n of e.nodes) named.set(n.name, n.tensor);
  const wanted = [...named.entries()].filter(([, t]) => t.requiresGrad);
  const all = gradients([loss], wanted.map(([, t]) => t));
  const grads = new Map(wanted.map(([n], i) => [n, all[i]!]));
  const sums = e.layers.flatMap((r) => r.sums);
  for (const s of sums) {
    relClose(s.value, s.expected, s.of);
    const isGrad = s.of.startsWith('∂');
    const target = (isGrad ? grads : named).get(element(s.of, [1]).name);
    assert.ok(target !== undefined, s.of);
    relClose(s.value, target.data()[element(s.of, target.shape).index]!, `${s.of} against ${isGrad ? 'autograd' : 'the forward value'}`);
    assert.ok(s.formula.text.includes(` = ${sig(s.value).text}   (`), s.formula.text);
    typeset(s.formula.latex);
  }
  return sums.length;
}

test('LeNet in miniature: each max pooling is one step m = maxpool(h) with its routing rule and shapes', () => {
  const model = lenet();
  const x = randn([2, 1, 8, 8], { dtype: 'float64', generator: new Generator(5) });
  const e = explain(crossEntropy(model.forward(x), tensor([0, 2], { dtype: 'int32' })), { model });
  // One node per pooling layer: no argmax primitive, gather or reshape of it.
  assert.deepEqual(e.nodes.filter((n) => n.op === 'maxPool2d').map((n) => [n.kind, n.name]), [['composite', 'm1'], ['composite', 'm2']]);
  assert.ok(!e.nodes.some((n) => n.op === 'gather' || n.op === 'maxPool2dIndices'));
  assert.deepEqual(e.layers.map((r) => `${r.op} ${r.name}`), ['conv2d z1', 'maxPool2d m1', 'conv2d z2', 'maxPool2d m2']);
  assert.deepEqual(
    e.layers[1]!.lines.map((l) => l.text),
    [
      'm1 = maxpool(h1)   h1 [2,3,8,8] → m1 [2,3,4,4]   (kernel 2×2, stride 2, padding 0)',
      'm1[n,c,i,j] = max_{p,q} h1[n,c,2i+p,2j+q]   (a 2×2 window per channel)',
      'δm1 = ∂L/∂m1   [2,3,4,4]   (δ of the output: the gradient arriving from the layers above)',
      "∂L/∂h1[n,c,h,w] = Σ_{(i,j) ∈ A(h,w)} δm1[n,c,i,j]   [2,3,8,8]   (δ routed to each window's maximum: A(h,w) is the windows whose maximum (the first on ties) is at (h,w), and the gradient is 0 where there is none; the windows do not overlap, so each pixel gets at most one δ)",
    ],
  );
  const text = renderText(e);
  assert.ok(text.includes('m1 = maxpool(h1)   [2,3,4,4]'), text);
  assert.ok(text.includes("∂L/∂h1 = ∂L/∂m1 routed to each window's max   [2,3,8,8]"), text);
  assert.ok(text.includes('z2 = m1 ⋆ W2 + b2'));
  assert.ok(e.layers.every((r) => r.sums.length === 0));
});

test('LeNet in miniature with a sample: each pooled pixel is its window max (or mean), each input pixel the δ routed to it; text, Markdown and KaTeX carry every line', () => {
  for (const pool of ['max', 'avg'] as const) {
    const model = lenet(pool);
    const x = randn([3, 1, 8, 8], { dtype: 'float64', generator: new Generator(7) });
    const loss = crossEntropy(model.forward(x), tensor([1, 0, 2], { dtype: 'int32' }));
    const e = explain(loss, { model, sample: 2 });
    const letter = pool === 'max' ? 'm' : 'a';
    assert.deepEqual(e.layers.map((r) => r.name), ['z1', `${letter}1`, 'z2', `${letter}2`]);
    const pools = e.layers.filter((r) => r.op === (pool === 'max' ? 'maxPool2d' : 'avgPool2d'));
    // Each pooling layer: one output pixel, one input pixel's gradient.
    assert.deepEqual(pools.map((r) => r.sums.map((s) => s.of.replace(/\[.*/, ''))), [[`${letter}1`, '∂L/∂h1'], [`${letter}2`, '∂L/∂h2']]);
    assert.ok(pools.flatMap((r) => r.sums).every((s) => s.of.includes('[2,')));
    // Two per pooling layer; the first conv's pixel and weight, the second's pixel, weight and input (x needs no gradient).
    assert.equal(checkSums(e, loss), 9);
    const out = pools[0]!.sums[0]!;
    if (pool === 'max') assert.match(out.formula.text, /^m1\[2,\d,\d,\d\] = max_\{p,q\} h1\[2,\d,p(?:\+\d)?,q(?:\+\d)?\] = max\([^)]+\) = [−\d.]+ {3}\(4 elements; the maximum is h1\[2,\d,\d,\d\]\)$/);
    else assert.match(out.formula.text, /^a1\[2,\d,\d,\d\] = Σ_\{p,q\} h1\[2,\d,p(?:\+\d)?,q(?:\+\d)?\] \/ 4 = \([^)]+\)\/4 = [−\d.]+ {3}\(4 elements, rows \d–\d, columns \d–\d\)$/);
    // Every line of every section typesets (KaTeX throws on an error), and each format carries the sums.
    for (const l of explanationLines(e)) typeset(l.latex);
    const html = explainHtml(e);
    assert.ok(html.includes('class="katex"'));
    assert.equal((html.match(/katex-error/g) ?? []).length, 0);
    const md = renderMarkdown(e);
    assert.ok(md.includes(pool === 'max' ? '\\max_{p,q}' : '\\frac{'), md);
    assert.ok(md.includes('\\sum_{(i,j) \\in '), md);
    const lines = renderText(e).split('\n');
    const at = lines.indexOf('One element of each, written out with the numbers of sample 2');
    assert.ok(at > 0);
    for (const s of e.layers.flatMap((r) => r.sums)) assert.ok(lines.slice(at + 1).includes(`  ${s.formula.text}`), s.of);
  }
});

test('overlapping, dilated and padded max pooling: a pixel collects the δ of every window whose maximum it is', () => {
  for (const options of [{ stride: 1 }, { stride: 2, padding: 1 }, { stride: 1, dilation: 2 }]) {
    const x = randn([2, 2, 7, 7], { dtype: 'float64', generator: new Generator(11) }).requiresGrad_(true).named('x');
    const c = randn(maxPool2d(x, 3, options).shape, { dtype: 'float64', generator: new Generator(12) });
    const loss = maxPool2d(x, 3, options).mul(c).sum();
    const e = explain(loss, { sample: 1 });
    const rule = e.layers.find((r) => r.op === 'maxPool2d')!;
    assert.ok(rule.lines[3]!.text.includes('the windows overlap, so one pixel can collect several δ'), JSON.stringify(options));
    if (options.padding === 1) assert.ok(rule.lines[1]!.text.includes('taps in the padding read −∞'));
    if (options.dilation === 2) assert.ok(rule.lines[1]!.text.includes('x[n,c,i+2p,j+2q]'), rule.lines[1]!.text);
    assert.equal(checkSums(e, loss), 2);
    const routed = rule.sums[1]!;
    // The pixel shown is the one most windows route to: with stride 1 a window's max is often its neighbours' too.
    assert.ok(routed.terms >= 2, routed.formula.text);
    assert.ok(routed.formula.text.includes(' + '), routed.formula.text);
  }
});

test('max pooling on ties: the window’s first maximum gets the δ, as autograd routes it', () => {
  // Every 2×2 window of this plane holds its maximum twice: the first, row-major, must be named.
  const x = tensor([[[[1, 1, 0, 3], [0, 1, 3, 0], [2, 0, 5, 5], [2, 1, 5, 5]]]], f64).requiresGrad_(true).named('x');
  const c = tensor([[[[0.5, -2], [1.5, 3]]]], f64);
  const loss = maxPool2d(x, 2).mul(c).sum();
  const e = explain(loss, { sample: 0 });
  const [out, routed] = e.layers[0]!.sums;
  assert.equal(out!.formula.text, 'm1[0,0,1,1] = max_{p,q} x[0,0,p+2,q+2] = max(5, 5, 5, 5) = 5   (4 elements; the maximum is x[0,0,2,2])');
  assert.equal(routed!.of, '∂L/∂x[0,0,2,2]');
  assert.equal(routed!.value, 3);
  checkSums(e, loss);
});

test('average pooling with padding, ceil mode, countIncludePad false and divisorOverride; adaptive pooling', () => {
  const cases: [string, (x: Tensor) => Tensor, string][] = [
    ['padded, not counting the padding', (x) => avgPool2d(x, 3, { stride: 2, padding: 1, countIncludePad: false }), 'd[i,j]'],
    ['ceil mode', (x) => avgPool2d(x, 2, { ceilMode: true }), 'd[i,j]'],
    ['divisorOverride', (x) => avgPool2d(x, 3, { stride: 1, padding: 1, divisorOverride: 5 }), '5'],
    ['adaptive 7 → 4', (x) => adaptiveAvgPool2d(x, 4), 'd[i,j]'],
    ['global', (x) => adaptiveAvgPool2d(x, 1), '49'],
  ];
  for (const [what, pool, divisor] of cases) {
    const x = randn([2, 3, 7, 7], { dtype: 'float64', generator: new Generator(13) }).requiresGrad_(true).named('x');
    const c = randn(pool(x).shape, { dtype: 'float64', generator: new Generator(14) });
    const loss = pool(x).mul(c).sum();
    const e = explain(loss, { sample: 1 });
    const rule = e.layers.find((r) => r.op === 'avgPool2d' || r.op === 'adaptiveAvgPool2d');
    assert.ok(rule !== undefined, what);
    assert.ok(rule.lines[1]!.text.includes(`/ ${divisor}   (`), `${what}: ${rule.lines[1]!.text}`);
    assert.ok(rule.lines[3]!.text.includes(`δ${rule.name}[n,c,i,j] / ${divisor}   [2,3,7,7]`), `${what}: ${rule.lines[3]!.text}`);
    assert.equal(checkSums(e, loss), 2, what);
    for (const l of explanationLines(e)) typeset(l.latex);
  }
});

test('an unbatched (C, H, W) pooling is one step with its rule and no sample sums', () => {
  const x = randn([2, 6, 6], { dtype: 'float64', generator: new Generator(15) }).requiresGrad_(true).named('x');
  const loss = maxPool2d(x, 2).mul(randn([2, 3, 3], { dtype: 'float64', generator: new Generator(16) })).sum();
  const e = explain(loss);
  const rule = e.layers.find((r) => r.op === 'maxPool2d')!;
  assert.ok(rule.lines[1]!.text.endsWith('[c,i,j] = max_{p,q} x[c,2i+p,2j+q]   (a 2×2 window per channel)'), rule.lines[1]!.text);
  assert.deepEqual(rule.sums, []);
  assert.ok(!e.nodes.some((n) => n.op === 'reshape'), 'the batch-of-one reshapes are inside the step');
});
