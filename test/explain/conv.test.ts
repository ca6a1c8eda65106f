// explain on convolutional networks: each conv layer's chain rule at the layer level with shapes,
// batch norm's three-term gradient, and with `sample` one element of each written out with the
// sample's numbers, its total equal to what conv2d and autograd computed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchNorm2d, Conv2d, Flatten, Generator, crossEntropy, explain, explanationLines, gradients, Linear, randn, ReLU, renderMarkdown, renderText, Sequential, tensor, type Tensor } from '../../src/index.js';
import { sig } from '../../src/explain/sums.js';
import { explainHtml } from '../../src/viz/explainHtml.js';

function cnn(options: { bn?: boolean; groups?: boolean } = {}): Sequential {
  const f64 = { dtype: 'float64' as const };
  const second = options.groups === true ? new Conv2d(4, 4, 2, { ...f64, seed: 2, padding: 'same', dilation: 2, groups: 2 }) : new Conv2d(4, 4, 3, { ...f64, seed: 2, stride: 2 });
  const side = options.groups === true ? 7 : 3;
  return new Sequential(
    new Conv2d(2, 4, 3, { ...f64, seed: 1, padding: 1 }),
    new ReLU(),
    second,
    ...(options.bn === true ? [new BatchNorm2d(4, f64)] : []),
    new ReLU(),
    new Flatten(),
    new Linear(4 * side * side, 3, { ...f64, seed: 3 }),
  );
}

const relClose = (a: number, b: number, what: string) => assert.ok(Math.abs(a - b) <= 1e-12 * Math.max(1, Math.abs(b)), `${what}: ${a} vs ${b}`);

/** The element a sum names, `W1[0,1,2,0]` or `∂L/∂W1[…]`: its tensor name and flat index in `shape`. */
function element(of: string, shape: readonly number[]): { name: string; index: number } {
  const m = /^(?:∂L\/∂)?(\w+)\[([\d,]+)\]$/.exec(of);
  assert.ok(m !== null, of);
  const idx = m[2]!.split(',').map(Number);
  return { name: m[1]!, index: idx.reduce((acc, v, k) => acc * shape[k]! + v, 0) };
}

test('a conv layer is one step z = x ⋆ W + b with its layer-level chain rule and shapes', () => {
  const model = cnn();
  const x = randn([2, 2, 7, 7], { dtype: 'float64', generator: new Generator(5) });
  const e = explain(crossEntropy(model.forward(x), tensor([0, 2], { dtype: 'int32' })), { model });
  const text = renderText(e);
  // One node per conv layer in the condensed graph: no conv2d primitive, reshape or bias add of it.
  assert.deepEqual(e.nodes.filter((n) => n.op === 'conv2d').map((n) => n.kind), ['composite', 'composite']);
  assert.ok(!e.nodes.some((n) => n.op === 'add'), 'the bias add is inside the conv step');
  assert.ok(text.includes('z1 = x ⋆ W1 + b1   [2,4,7,7]'), text);
  assert.ok(text.includes('∂L/∂W1 = x ⋆ ∂L/∂z1   [4,2,3,3]'));
  assert.ok(text.includes('∂L/∂h1 = ∂L/∂z2 ⋆ᵀ W2   [2,4,7,7]'));
  assert.deepEqual(
    e.layers.map((r) => r.op),
    ['conv2d', 'conv2d'],
  );
  const [first, second] = e.layers.map((r) => r.lines.map((l) => l.text));
  assert.equal(first![0], 'z1 = x ⋆ W1 + b1   x [2,2,7,7] ⋆ W1 [4,2,3,3] → z1 [2,4,7,7]   (stride 1, padding 1)');
  assert.equal(first![1], 'z1[n,o,i,j] = Σ_{c,p,q} W1[o,c,p,q]·x[n,c,i+p−1,j+q−1] + b1[o]   (taps in the padding read 0)');
  assert.ok(first!.some((l) => l.startsWith('δz1 = ∂L/∂z1   [2,4,7,7]')));
  assert.ok(first!.includes('∂L/∂W1 = x ⋆ δz1:  ∂L/∂W1[o,c,p,q] = Σ_n Σ_{i,j} x[n,c,i+p−1,j+q−1]·δz1[n,o,i,j]   [4,2,3,3]   (the correlation of the input with δ, summed over the batch and the positions)'));
  assert.ok(first!.some((l) => l.startsWith('∂L/∂x = δz1 ⋆ᵀ W1:  ∂L/∂x[n,c,h,w] = Σ_{o,p,q} W1[o,c,p,q]·δz1[n,o,h+1−p,w+1−q]   [2,2,7,7]   (the full convolution of δ with the flipped kernel')));
  // Strided: the input row of output i is 2i + p, and δ is read at (h − p)/2.
  assert.ok(second!.includes('z2[n,o,i,j] = Σ_{c,p,q} W2[o,c,p,q]·h1[n,c,2i+p,2j+q] + b2[o]   (3×3 taps per channel)'));
  assert.ok(second!.some((l) => l.includes('δz2[n,o,(h−p)/2,(w−q)/2]') && l.includes('at fractional positions')));
  // Without a sample nothing is written out.
  assert.ok(e.layers.every((r) => r.sums.length === 0));
});

test('with a sample, one output pixel, one weight element and one input pixel are written out; each total is what conv2d and autograd computed', () => {
  for (const geometry of [{}, { groups: true }, { bn: true }]) {
    const model = cnn(geometry);
    const x = randn([3, 2, 7, 7], { dtype: 'float64', generator: new Generator(7) }).requiresGrad_(true).named('x');
    const t = tensor([1, 0, 2], { dtype: 'int32' });
    const loss = crossEntropy(model.forward(x), t);
    const e = explain(loss, { model, sample: 1 });
    // Independent totals: a fresh forward pass and autograd's gradients of every tensor named.
    const named = new Map<string, Tensor>();
    for (const n of e.nodes) named.set(n.name, n.tensor);
    const wanted = [...named.entries()].filter(([, tt]) => tt.requiresGrad);
    const all = gradients([loss], wanted.map(([, tt]) => tt));
    const grads = new Map(wanted.map(([n], i) => [n, all[i]!]));
    const sums = e.layers.flatMap((r) => r.sums);
    assert.equal(sums.filter((s) => /^z\d\[/.test(s.of)).length, 2, JSON.stringify(geometry));
    assert.equal(sums.filter((s) => /^∂L\/∂W\d\[/.test(s.of)).length, geometry.bn === true ? 3 : 2);
    // ∂L/∂x is wanted here (x requires grad), and ∂L/∂h1 always.
    assert.ok(sums.some((s) => s.of.startsWith('∂L/∂x[1,')));
    assert.ok(sums.some((s) => s.of.startsWith('∂L/∂h1[1,')));
    for (const s of sums) {
      relClose(s.value, s.expected, s.of);
      assert.ok(s.terms >= 1);
      const target = s.of.startsWith('∂') ? grads.get(element(s.of, [1]).name)! : named.get(element(s.of, [1]).name)!;
      const { index } = element(s.of, target.shape);
      relClose(s.value, target.data()[index]!, `${s.of} against ${s.of.startsWith('∂') ? 'autograd' : 'the forward value'}`);
      // The line ends with the total as printed, after the terms.
      assert.ok(s.formula.text.includes(` = ${sig(s.expected).text}   (`), s.formula.text);
    }
    const lines = renderText(e).split('\n');
    const at = lines.indexOf('One element of each, written out with the numbers of sample 1');
    assert.ok(at > 0, renderText(e));
    assert.ok(lines.slice(at + 1).some((l) => /^ {2}∂L\/∂W1\[[\d,]+\] = Σ_n Σ_\{i,j\} x\[n,\d,/.test(l) && l.includes(' + … = ') && l.includes('sample 1')));
    // Every formula typesets (KaTeX throws on an error) and Markdown carries each line.
    assert.ok(explainHtml(e).includes('class="katex"'));
    assert.ok(renderMarkdown(e).includes('\\star'));
  }
});

test("batch norm in training is one step with its three-term gradient", () => {
  const model = cnn({ bn: true });
  const x = randn([2, 2, 7, 7], { dtype: 'float64', generator: new Generator(3) });
  const e = explain(crossEntropy(model.forward(x), tensor([0, 1], { dtype: 'int32' })), { model, sample: 0 });
  const bn = e.layers.find((r) => r.op === 'batchNorm');
  assert.ok(bn !== undefined);
  const texts = bn.lines.map((l) => l.text);
  assert.ok(texts[0]!.includes('x̂ = (z2 − μ)/√(σ²+ε)   [2,4,3,3]'), texts[0]);
  assert.ok(texts.some((l) => l.startsWith(`∂L/∂z2 = (W3[c]/√(σ²+ε))·(δ${bn.name} − mean δ${bn.name} − x̂·mean(δ${bn.name} ⊙ x̂))`) && l.includes('three terms')));
  const three = bn.sums.find((s) => s.of.startsWith('∂L/∂z2['))!;
  assert.equal(three.terms, 3);
  relClose(three.value, three.expected, three.of);
  // The backward pass reads it as one rule, not the dozen primitives inside.
  assert.ok(explanationLines(e).some((l) => l.section === 'backward' && l.text.startsWith('∂L/∂z2 = (W3/√(σ² + ε))·(∂L/∂')));
  assert.ok(!e.nodes.some((n) => n.op === 'sqrt'));
});
