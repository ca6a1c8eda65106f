import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  crossEntropy,
  Dropout,
  Linear,
  mse,
  nll,
  Generator,
  Sequential,
  Softmax,
  explain,
  explainSample,
  gradients,
  halfSquaredError,
  mlp,
  renderMarkdown,
  renderText,
  ShapeError,
  tensor,
  tutorialNetwork,
  tutorialSample,
  ValueError,
  type Module,
  type Tensor,
} from '../../src/index.js';
import { latexName } from '../../src/explain/names.js';
import { explainHtml } from '../../src/viz/explainHtml.js';

/** ∂L/∂p for every parameter of the model on one sample, by ordinary (batched) autograd. */
function modelGradients(model: Module, x: Tensor, t: Tensor, loss: (p: Tensor, t: Tensor) => Tensor): Map<string, number> {
  const params = model.namedParameters();
  const grads = gradients([loss(model.forward(x), t)], params.map(([, p]) => p));
  const out = new Map<string, number>();
  params.forEach(([name, p], k) => {
    const g = Array.from(grads[k]!._data as ArrayLike<number>, Number);
    // '0.weight' → W1, '2.bias' → b2: the layer count, not the Sequential index.
    const layer = params.slice(0, k + 1).filter(([n]) => n.endsWith('.weight')).length;
    const base = name.endsWith('.weight') ? `W${layer}` : `b${layer}`;
    const cols = p.ndim === 2 ? p.shape[1]! : 1;
    g.forEach((v, i) => out.set(p.size === 1 ? base : p.ndim === 2 ? `${base}[${Math.floor(i / cols)},${i % cols}]` : `${base}[${i}]`, v));
  });
  return out;
}

test('explainSample on the tutorial network is the tutorial derivation: the same text as explain on the recorded graph', () => {
  const model = tutorialNetwork();
  const { x, y } = tutorialSample();
  const viaGraph = renderText(explain(halfSquaredError(model.forward(x), y), { lr: 0.1 }));
  const e = explainSample(model, x, y, halfSquaredError, { lr: 0.1 });
  assert.equal(renderText(e), viaGraph);
  assert.match(renderText(e), /∂L\/∂w1 = ∂L\/∂y · ∂y\/∂h · ∂h\/∂z1 · ∂z1\/∂w1 = \(−0\.2277\)\(0\.3\)\(0\.2445\)\(0\.5\) = −0\.0083/);
});

test('explainSample on a 2-3-2 tanh network: every weight element gets its paths, and they add up to autograd’s gradient', () => {
  const model = mlp([2, 3, 2], { activation: 'tanh', seed: 3, dtype: 'float64' });
  const x = tensor([[0.5, -1.25]], { dtype: 'float64' });
  const t = tensor([[1, -0.5]], { dtype: 'float64' });
  const e = explainSample(model, x, t, halfSquaredError);
  assert.equal(e.mode, 'scalar');
  const expected = modelGradients(model, x, t, halfSquaredError);
  // 6 + 3 + 6 + 2 elements, all explained (the network has at most 64).
  assert.equal(e.gradients.length, 17);
  for (const g of e.gradients) {
    assert.ok(expected.has(g.name), `unexpected element name ${g.name}`);
    assert.ok(Math.abs(g.value - expected.get(g.name)!) < 1e-12, `${g.name}: ${g.value} vs autograd ${expected.get(g.name)}`);
    const sum = g.paths.reduce((a, p) => a + p.value, 0);
    assert.ok(Math.abs(sum - g.value) < 1e-12, `${g.name}: paths sum to ${sum}, gradient ${g.value}`);
    // A first-layer element reaches the loss through both outputs; a second-layer one through its own.
    assert.equal(g.pathCount, g.name.startsWith('W1') || g.name.startsWith('b1') ? 2 : 1, g.name);
  }
  const text = renderText(e);
  assert.match(text, /z1\[0\] = W1\[0,0\]·x\[0\] \+ W1\[0,1\]·x\[1\] \+ b1\[0\]/);
  assert.match(text, /∂L\/∂W1\[1,0\] = ∂L\/∂y\[0\] · ∂y\[0\]\/∂h1\[1\] · ∂h1\[1\]\/∂z1\[1\] · ∂z1\[1\]\/∂W1\[1,0\] \+ ∂L\/∂y\[1\]/);
  assert.match(renderMarkdown(e), /W_\{1\}\[1,\\,0\]/);
});

test('explainSample with softmax cross-entropy and a class label: paths through every logit, totals equal autograd', () => {
  const model = mlp([2, 3, 3], { activation: 'relu', seed: 5, dtype: 'float64' });
  const x = tensor([[0.8, 0.3]], { dtype: 'float64' });
  const t = tensor([2], { dtype: 'int32' });
  const e = explainSample(model, x, t, crossEntropy, { lr: 0.5 });
  const expected = modelGradients(model, x, t, crossEntropy);
  assert.equal(e.gradients.length, 6 + 3 + 9 + 3);
  for (const g of e.gradients) {
    assert.ok(Math.abs(g.value - expected.get(g.name)!) < 1e-12, `${g.name}: ${g.value} vs ${expected.get(g.name)}`);
    assert.ok(Math.abs(g.paths.reduce((a, p) => a + p.value, 0) - g.value) < 1e-12, g.name);
  }
  const w = e.gradients.find((g) => g.name === 'W1[0,0]')!;
  assert.equal(w.pathCount, 3);
  assert.equal(e.updates.length, e.gradients.length);
  assert.match(renderText(e), /L = −log softmax\(y\)\[2\]/);
});

test('explainSample picks, per parameter tensor, the element with the largest gradient when the network is large', () => {
  const model = mlp([10, 8, 3], { activation: 'sigmoid', seed: 2, dtype: 'float64' });
  const x = tensor([Array.from({ length: 10 }, (_, i) => Math.sin(i + 1))], { dtype: 'float64' });
  const t = tensor([1], { dtype: 'int32' });
  const e = explainSample(model, x, t, crossEntropy);
  const expected = modelGradients(model, x, t, crossEntropy);
  assert.deepEqual(e.gradients.map((g) => g.name.replace(/\[.*/, '')).sort(), ['W1', 'W2', 'b1', 'b2']);
  for (const g of e.gradients) {
    const base = g.name.replace(/\[.*/, '');
    const largest = Math.max(...[...expected].filter(([n]) => n.startsWith(`${base}[`)).map(([, v]) => Math.abs(v)));
    assert.equal(Math.abs(expected.get(g.name)!), largest, `${g.name} is not the largest |∂L/∂${base}|`);
    assert.ok(Math.abs(g.value - expected.get(g.name)!) < 1e-12, g.name);
  }
  // 80 inputs to a layer-two neuron is past 4: its formula is written as a sum.
  assert.match(renderText(e), /z1\[0\] = Σᵢ W1\[0,i\]·x\[i\] \+ b1\[0\]/);
});

test('explainSample explains just the named elements, and names the problem with a bad name, shape or size', () => {
  const model = mlp([2, 3, 1], { activation: 'tanh', seed: 1 });
  const x = tensor([[0.5, -1]]);
  const t = tensor([[1]]);
  const e = explainSample(model, x, t, halfSquaredError, { parameters: ['W1[2,1]', 'b2'] });
  assert.deepEqual(e.gradients.map((g) => g.name).sort(), ['W1[2,1]', 'b2']);
  assert.throws(() => explainSample(model, x, t, halfSquaredError, { parameters: ['W9[0,0]'] }), (err: Error) => err instanceof ValueError && /no parameter element named 'W9\[0,0\]'/.test(err.message));
  assert.throws(() => explainSample(model, tensor([[1, 2, 3]]), t, halfSquaredError), (err: Error) => err instanceof ShapeError && /takes 2 inputs but the sample has 3/.test(err.message));
  assert.throws(() => explainSample(model, tensor([[1, 2], [3, 4]]), t, halfSquaredError), (err: Error) => err instanceof ShapeError && /one sample/.test(err.message));
  assert.throws(() => explainSample(model, x, tensor([[1, 2]]), halfSquaredError), (err: Error) => err instanceof ShapeError && /1 output but the target has 2 values/.test(err.message));
  assert.throws(() => explainSample(model, x, t, halfSquaredError, { maxSize: 5 }), (err: Error) => err instanceof ValueError && /9 weights, more than maxSize 5/.test(err.message));
});

test('latexName typesets element and unit names with their layer as a subscript', () => {
  assert.equal(latexName('W1[0,1]'), 'W_{1}[0,\\,1]');
  assert.equal(latexName('x[2]'), 'x[2]');
  assert.equal(latexName('w1'), 'w_{1}');
  assert.equal(latexName('h'), 'h');
});

/** The sum over paths and the total of every explained element agree with batched autograd. */
function assertMatchesAutograd(e: ReturnType<typeof explainSample>, expected: Map<string, number>, tol = 1e-12): void {
  assert.ok(e.gradients.length > 0);
  for (const g of e.gradients) {
    assert.ok(expected.has(g.name), `unexpected element name ${g.name}`);
    assert.ok(Math.abs(g.value - expected.get(g.name)!) < tol, `${g.name}: ${g.value} vs autograd ${expected.get(g.name)}`);
    if (g.paths.length > 0) assert.ok(Math.abs(g.paths.reduce((a, p) => a + p.value, 0) - g.value) < tol, `${g.name}: paths do not add up`);
  }
}

test('explainSample with several outputs writes the mean’s 1/K as a number in LaTeX (regression: \\tfrac{1}{2} was filled with names, \\tfracy[1]t[0])', () => {
  const model = mlp([2, 3, 2], { activation: 'tanh', seed: 4, dtype: 'float64' });
  const x = tensor([[0.5, -1]], { dtype: 'float64' });
  const t = tensor([[0.3, 1]], { dtype: 'float64' });
  const e = explainSample(model, x, t, halfSquaredError, { parameters: ['W2[0,0]'] });
  const md = renderMarkdown(e);
  assert.ok(md.includes('$$L = \\tfrac{ 1}{ 2}\\left(\\tfrac12(y[0] - t[0])^2 + \\tfrac12(y[1] - t[1])^2\\right) = '), md);
  assert.ok(md.includes('$$\\frac{\\partial L}{\\partial y[0]} = \\frac{y[0] - t[0]}{ 2} = '), md);
  assert.doesNotMatch(md, /\\tfracy|\}t\[0\] =/);
  explainHtml(e); // KaTeX typesets every line (it threw on \tfracy)
  // Four outputs: the Σ form, and the local derivative over 4, not over the name t[0] that {4} was filled with.
  const m4 = mlp([2, 4], { seed: 1, dtype: 'float64' });
  const e4 = explainSample(m4, x, tensor([[0, 1, 2, 3]], { dtype: 'float64' }), mse, { parameters: ['b1[2]'] });
  const md4 = renderMarkdown(e4);
  assert.ok(md4.includes('$$L = \\tfrac{ 1}{ 4}\\textstyle\\sum_k (y_k - t_k)^2 = '), md4);
  assert.ok(md4.includes('\\frac{2(y[2] - t[2])}{ 4} = '), md4);
  explainHtml(e4);
});

test('explainSample writes a softmax layer’s cross derivatives in its own output names (regression: −y[1]·p1[0], a name defined nowhere)', () => {
  const model = mlp([2, 2], { seed: 7, dtype: 'float64', outputActivation: 'softmax' });
  const x = tensor([[0.3, 0.9]], { dtype: 'float64' });
  const t = tensor([[0.3, 1]], { dtype: 'float64' });
  const e = explainSample(model, x, t, mse);
  assertMatchesAutograd(e, modelGradients(model, x, t, mse));
  const text = renderText(e);
  assert.match(text, /^ {2}∂y\[1\]\/∂z1\[0\] = −y\[1\]·y\[0\] = /m);
  assert.match(text, /^ {2}∂y\[0\]\/∂z1\[0\] = y\[0\]\(1 − y\[0\]\) = /m);
  assert.doesNotMatch(text, /p1\[/);
  // A hidden softmax layer: h1's units.
  const generator = new Generator(1);
  const hidden = new Sequential(new Linear(3, 3, { dtype: 'float64', generator }), new Softmax(-1), new Linear(3, 2, { dtype: 'float64', generator }));
  const xh = tensor([[1, 2, 3]], { dtype: 'float64' });
  const eh = explainSample(hidden, xh, t, mse);
  assertMatchesAutograd(eh, modelGradients(hidden, xh, t, mse));
  assert.match(renderText(eh), /^ {2}∂h1\[1\]\/∂z1\[0\] = −h1\[1\]·h1\[0\] = /m);
});

test('explainSample on one output with crossEntropy or nll, a 0-d label, and probability targets (regression: threw DTypeError and ShapeError)', () => {
  const x = tensor([[0.2, -0.4, 0.9]], { dtype: 'float64' });
  const one = mlp([3, 2, 1], { activation: 'sigmoid', seed: 3, dtype: 'float64' });
  const label0 = tensor([0], { dtype: 'int32' });
  for (const loss of [crossEntropy, nll]) {
    const e = explainSample(one, x, label0, loss);
    assertMatchesAutograd(e, modelGradients(one, x, label0, loss));
  }
  const model = mlp([3, 4, 3], { activation: 'relu', seed: 6, dtype: 'float64' });
  // A 0-d class label is one sample's label too.
  const e0 = explainSample(model, x, tensor(2, { dtype: 'int32' }), crossEntropy);
  assertMatchesAutograd(e0, modelGradients(model, x, tensor([2], { dtype: 'int32' }), crossEntropy));
  // Class probabilities: L = −Σ tₖ log softmax(y)ₖ, ∂L/∂yₖ = softmax(y)ₖ − tₖ.
  const probs = tensor([[0.2, 0.3, 0.5]], { dtype: 'float64' });
  const ep = explainSample(model, x, probs, crossEntropy);
  assertMatchesAutograd(ep, modelGradients(model, x, probs, crossEntropy));
  const text = renderText(ep);
  assert.match(text, /^ {2}L = −\(t\[0\]·log softmax\(y\)\[0\] \+ t\[1\]·log softmax\(y\)\[1\] \+ t\[2\]·log softmax\(y\)\[2\]\) = −\(0\.2·log/m);
  assert.match(text, /^ {2}∂L\/∂y\[1\] = softmax\(y\)\[1\] − t\[1\] = /m);
  explainHtml(ep);
  // A float label is not a class label: the error says what to pass.
  assert.throws(() => explainSample(model, x, tensor([2]), crossEntropy), (err: Error) => err instanceof ShapeError && /class probabilities, one per output: the network has 3 outputs but the target has 1 values.*int32/.test(err.message));
  assert.throws(() => explainSample(model, x, tensor([2]), nll), (err: Error) => err instanceof ValueError && /nll needs the target as an int32 class label/.test(err.message));
  assert.throws(() => explainSample(model, x, tensor([3], { dtype: 'int32' }), crossEntropy), (err: Error) => err instanceof ValueError && /class index in \[0, 3\) \(the network has 3 outputs\), got 3/.test(err.message));
});

test('explainSample picks the largest-gradient elements of a large network from the unrolled graph (regression: a target [K] threw ShapeError in the batched loss)', () => {
  const model = mlp([10, 8, 3], { activation: 'tanh', seed: 2, dtype: 'float64' });
  const x = tensor(Array.from({ length: 10 }, (_, i) => Math.cos(i)), { dtype: 'float64' });
  const t = tensor([0.5, -1, 2], { dtype: 'float64' });
  const e = explainSample(model, x, t, mse);
  const expected = modelGradients(model, x.reshape([1, 10]), t.reshape([1, 3]), mse);
  assert.deepEqual(e.gradients.map((g) => g.name.replace(/\[.*/, '')).sort(), ['W1', 'W2', 'b1', 'b2']);
  for (const g of e.gradients) {
    const base = g.name.replace(/\[.*/, '');
    const largest = Math.max(...[...expected].filter(([n]) => n.startsWith(`${base}[`)).map(([, v]) => Math.abs(v)));
    assert.equal(Math.abs(expected.get(g.name)!), largest, `${g.name} is not the largest |∂L/∂${base}|`);
  }
  // Dropout in training mode does not change the choice: the unrolled network has none.
  const withDropout = new Sequential(...[...model].slice(0, 2), new Dropout(0.9, { seed: 1 }), ...[...model].slice(2));
  assert.equal(withDropout.training, true);
  assert.deepEqual(explainSample(withDropout, x, t, mse).gradients.map((g) => g.name), e.gradients.map((g) => g.name));
});

test('explainSample names a one-element parameter with or without its index, and a bad name lists the elements with their ranges', () => {
  const model = mlp([2, 3, 1], { activation: 'tanh', seed: 1 });
  const x = tensor([[0.5, -1]]);
  const t = tensor([[1]]);
  assert.deepEqual(explainSample(model, x, t, halfSquaredError, { parameters: ['b2[0]', 'W2[0,2]'] }).gradients.map((g) => g.name).sort(), ['W2[0,2]', 'b2']);
  assert.throws(
    () => explainSample(model, x, t, halfSquaredError, { parameters: ['W1[3,0]'] }),
    (err: Error) => err instanceof ValueError && err.message.endsWith("no parameter element named 'W1[3,0]'; the elements are W1[0..2,0..1], b1[0..2], W2[0,0..2], b2"),
  );
  assert.throws(
    () => explainSample(model, x, t, halfSquaredError, { parameters: 'W1[0,0]' as unknown as string[] }),
    (err: Error) => err instanceof ValueError && /parameters must be an array of element names/.test(err.message),
  );
});
