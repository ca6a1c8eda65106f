import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  bceWithLogits,
  explain,
  halfSquaredError,
  mlp,
  renderMarkdown,
  renderText,
  tensor,
  tutorialNetwork,
  tutorialSample,
  xor,
  gradients,
  ValueError,
  AutogradError,
  crossEntropy,
  blobs,
  huber,
} from '../../src/index.js';

function tutorialExplanation(options: { lr?: number; activation?: 'sigmoid' | 'tanh' | 'relu' } = {}) {
  const model = tutorialNetwork(options.activation === undefined ? {} : { activation: options.activation });
  const { x, y } = tutorialSample();
  return { model, e: explain(halfSquaredError(model.forward(x), y), options.lr === undefined ? {} : { lr: options.lr }) };
}

test('the tutorial explanation reproduces sections 3–4 of the reference: forward values, each gradient with its factors, the updates', () => {
  const { e } = tutorialExplanation({ lr: 0.1 });
  assert.equal(e.mode, 'scalar');
  assert.equal(
    renderText(e),
    [
      'Forward pass',
      '  z1 = w1·x + b1 = 0.4·0.5 + 0.1 = 0.3000',
      '  h = σ(z1) = σ(0.3) = 0.5744',
      '  y = w2·h + b2 = 0.3·0.5744 + 0.2 = 0.3723',
      '  L = ½(y − t)² = ½(0.3723 − 0.6)² = 0.0259',
      '',
      'Local derivatives',
      '  ∂L/∂y = y − t = −0.2277',
      '  ∂y/∂h = w2 = 0.3',
      '  ∂y/∂w2 = h = 0.5744',
      '  ∂y/∂b2 = 1',
      '  ∂h/∂z1 = σ(z1)(1−σ(z1)) = 0.2445',
      '  ∂z1/∂w1 = x = 0.5',
      '  ∂z1/∂b1 = 1',
      '',
      'Gradients by the chain rule',
      '  ∂L/∂w2 = ∂L/∂y · ∂y/∂w2 = (−0.2277)(0.5744) = −0.1308',
      '  ∂L/∂b2 = ∂L/∂y · ∂y/∂b2 = (−0.2277)(1) = −0.2277',
      '  ∂L/∂w1 = ∂L/∂y · ∂y/∂h · ∂h/∂z1 · ∂z1/∂w1 = (−0.2277)(0.3)(0.2445)(0.5) = −0.0083',
      '  ∂L/∂b1 = ∂L/∂y · ∂y/∂h · ∂h/∂z1 · ∂z1/∂b1 = (−0.2277)(0.3)(0.2445)(1) = −0.0167',
      '',
      'Update (η = 0.1)',
      '  w2 ← w2 − η·∂L/∂w2 = 0.3 − 0.1·(−0.1308) = 0.3131',
      '  b2 ← b2 − η·∂L/∂b2 = 0.2 − 0.1·(−0.2277) = 0.2228',
      '  w1 ← w1 − η·∂L/∂w1 = 0.4 − 0.1·(−0.0083) = 0.4008',
      '  b1 ← b1 − η·∂L/∂b1 = 0.1 − 0.1·(−0.0167) = 0.1017',
      '',
    ].join('\n'),
  );
});

test('each gradient is the product of its factors, equal to what autograd computes', () => {
  const { model, e } = tutorialExplanation();
  const { x, y } = tutorialSample();
  const params = model.parameters();
  const auto = gradients([halfSquaredError(model.forward(x), y)], params).map((g) => g.item());
  const byName = new Map(e.gradients.map((g) => [g.name, g]));
  params.forEach((p, i) => {
    const g = byName.get(p.name!)!;
    assert.equal(g.paths.length, 1);
    const product = g.paths[0]!.factors.reduce((a, f) => a * f.value, 1);
    assert.ok(Math.abs(product - auto[i]!) < 1e-15, `${p.name}: ${product} vs ${auto[i]}`);
    assert.ok(Math.abs(g.value - auto[i]!) < 1e-15);
  });
  // explain computes with gradients(): the parameters' .grad stay untouched.
  assert.ok(params.every((p) => p.grad === null));
});

test('the local derivative of each activation shows its formula (tanh and relu variants of the tutorial)', () => {
  const tanh = renderText(tutorialExplanation({ activation: 'tanh' }).e);
  assert.match(tanh, /  ∂h\/∂z1 = 1−tanh²\(z1\) = 0\.9151\n/);
  assert.match(tanh, /  h = tanh\(z1\) = tanh\(0\.3\) = 0\.2913\n/);
  const relu = renderText(tutorialExplanation({ activation: 'relu' }).e);
  assert.match(relu, /  ∂h\/∂z1 = \[z1 > 0\] = 1\n/);
});

test('where a value feeds several paths, the gradient is the sum over paths', () => {
  const a = tensor(2, { dtype: 'float64', requiresGrad: true, name: 'a' });
  const b = a.mul(3).named('b');
  const c = a.mul(b).named('c'); // c = a·b = 3a², dc/da = b + a·3 = 12 at a = 2
  const e = explain(c);
  const g = e.gradients.find((x) => x.name === 'a')!;
  assert.equal(g.paths.length, 2);
  assert.equal(g.value, 12);
  const text = renderText(e);
  assert.ok(text.includes('\n  ∂c/∂a (direct) = b = 6\n'), text);
  assert.ok(text.includes('\n  ∂c/∂a = ∂c/∂a (direct) + ∂c/∂b · ∂b/∂a = (6) + (2)(3) = 12.0000\n'), text);
});

test('a batched MLP gets the layer-level form: each backward step with its rule and shape', () => {
  const model = mlp([2, 3, 1], { activation: 'sigmoid', seed: 0, dtype: 'float64' });
  const data = xor({ n: 4, seed: 0, dtype: 'float64' });
  const e = explain(bceWithLogits(model.forward(data.x), data.y), { model, sample: 0 });
  assert.equal(e.mode, 'tensor');
  const rules = e.backward.map((s) => `${s.formula.text} ${JSON.stringify(s.shape)}`);
  assert.deepEqual(rules, [
    '∂L/∂y = (σ(y) − t) / 4 [4,1]',
    '∂L/∂b2 = Σ_batch ∂L/∂y [1]',
    '∂L/∂W2 = (∂L/∂y)ᵀ·h [1,3]',
    '∂L/∂h = ∂L/∂y·W2 [4,3]',
    '∂L/∂z1 = ∂L/∂h ⊙ σ(z1)(1−σ(z1)) [4,3]',
    '∂L/∂b1 = Σ_batch ∂L/∂z1 [3]',
    '∂L/∂W1 = (∂L/∂z1)ᵀ·x [3,2]',
  ]);
  assert.deepEqual(e.forward.map((f) => `${f.name} = ${f.formula.text}`), ['z1 = x·W1ᵀ + b1', 'h = σ(z1)', 'y = h·W2ᵀ + b2', 'L = mean −[t·log σ(y) + (1 − t)·log(1 − σ(y))]']);
  // The gradients shown are autograd's.
  const auto = gradients([bceWithLogits(model.forward(data.x), data.y)], model.parameters());
  const w1 = e.backward.find((s) => s.name === 'W1')!;
  assert.deepEqual(Array.from(w1.grad.data()), Array.from(auto[0]!.data()));
  // The sample option expands row 0 of each batched tensor.
  assert.match(renderText(e), /∂L\/∂y = \(σ\(y\) − t\) \/ 4 {3}\[4, ?1\] {3}row 0: \[−?\d/);
});

test('crossEntropy explanations name the softmax rule', () => {
  const model = mlp([2, 4, 3], { seed: 0 });
  const data = blobs({ n: 6, classes: 3, seed: 0 });
  const e = explain(crossEntropy(model.forward(data.x), data.y), { model });
  assert.equal(e.backward[0]!.formula.text, '∂L/∂y = (softmax(y) − onehot(t)) / 6');
});

test('Markdown renders every line as display LaTeX', () => {
  const md = renderMarkdown(tutorialExplanation({ lr: 0.1 }).e);
  assert.ok(md.startsWith('### Forward pass\n\n$$z_{1} = w_{1} \\cdot x + b_{1} = 0.4 \\cdot 0.5 + 0.1 = 0.3000$$'));
  assert.ok(md.includes('$$\\frac{\\partial L}{\\partial w_{1}} = \\frac{\\partial L}{\\partial y} \\cdot \\frac{\\partial y}{\\partial h} \\cdot \\frac{\\partial h}{\\partial z_{1}} \\cdot \\frac{\\partial z_{1}}{\\partial w_{1}} = (-0.2277)(0.3)(0.2445)(0.5) = -0.0083$$'));
  assert.ok(md.includes('$$L = \\tfrac12(y - t)^2 = \\tfrac12(0.3723 - 0.6)^2 = 0.0259$$'));
  assert.ok(md.includes('### Update (η = 0.1)'));
});

test('explain rejects a non-scalar loss, a loss without a graph, and a wrt the loss does not depend on', () => {
  const w = tensor([1, 2], { requiresGrad: true });
  assert.throws(() => explain(w.mul(2)), (e: unknown) => e instanceof ValueError && /explain: the loss must be a scalar, got shape \[2\]/.test(e.message));
  assert.throws(() => explain(tensor(1)), (e: unknown) => e instanceof AutogradError && /does not require grad/.test(e.message));
  const other = tensor(3, { requiresGrad: true, name: 'other' });
  assert.throws(() => explain(w.sum(), { wrt: [other] }), /wrt includes a tensor \(other\) that the loss does not depend on/);
  assert.throws(() => explain(w.sum(), { lr: NaN }), /lr must be a finite number/);
});

test('tensor-mode LaTeX keeps the upstream gradient’s own subscripts (regression: ∂z_{2} was filled as ∂z_b_{2})', async () => {
  const model = mlp([2, 4, 3, 1], { activation: 'relu', seed: 4 });
  const x = tensor([[0.5, -1], [1, 2]]);
  const t = tensor([[1], [0]]);
  const e = explain(bceWithLogits(model.forward(x), t), { model, sample: 0 });
  const md = renderMarkdown(e);
  assert.ok(md.includes('\\frac{\\partial L}{\\partial b_{2}} = \\textstyle\\sum_{\\text{batch}} \\frac{\\partial L}{\\partial z_{2}}'), md);
  assert.doesNotMatch(md, /_[a-zA-Z]_\{/);
  // Every line typesets (explainHtml throws on a KaTeX error).
  const { explainHtml } = await import('../../src/viz/explainHtml.js');
  assert.ok(!explainHtml(e).includes('katex-error'));
});

test('constants of one value are both written as that value (regression: the second 0.5 of huber was named 0.5_2)', () => {
  const w = tensor([[0.8]], { dtype: 'float64', requiresGrad: true, name: 'w' });
  const x = tensor([[0.5]], { dtype: 'float64', name: 'x' });
  const e = explain(huber(w.mul(x), tensor([[0.3]], { dtype: 'float64' })));
  const text = renderText(e);
  assert.match(text, /^ {2}u\d+ = u\d+ − 0\.5 = /m);
  assert.doesNotMatch(text, /\d_\d/);
  assert.doesNotMatch(renderMarkdown(e), /\d_\d/);
  const [g] = gradients([huber(w.mul(x), tensor([[0.3]], { dtype: 'float64' }))], [w]);
  assert.ok(Math.abs(e.gradients[0]!.value - g!.item()) < 1e-12);
});

test('explain orders the condensed graph inputs first, with a class label the loss reads as data (no primitive input) among its nodes', () => {
  const model = mlp([2, 3, 3], { activation: 'relu', seed: 1 });
  const data = blobs({ n: 6, classes: 3, seed: 0 });
  const e = explain(crossEntropy(model.forward(data.x), data.y), { model });
  for (const n of e.nodes) for (const i of n.inputs) assert.ok(i >= 0 && i < n.id, `${n.name}: input ${i} precedes node ${n.id}`);
  const t = e.nodes.find((n) => n.name === 't');
  assert.equal(t?.kind, 'leaf');
  assert.equal(t?.tensor, data.y);
  assert.deepEqual(e.nodes.filter((n) => n.kind !== 'leaf').map((n) => n.name), ['z1', 'h', 'y', 'L']);
  assert.equal(e.nodes[e.nodes.length - 1]?.name, 'L');
});
