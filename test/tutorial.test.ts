import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tensor, trainTutorial, tutorialNetwork, ValueError } from '../src/index.js';

// The reference tutorial's worked step (section 4), computed with tensors in float64.
function tutorialStep() {
  const opts = { dtype: 'float64' as const, requiresGrad: true };
  const x = tensor(0.5, { dtype: 'float64', name: 'x' });
  const t = tensor(0.6, { dtype: 'float64', name: 't' });
  const w1 = tensor(0.4, { ...opts, name: 'w1' });
  const b1 = tensor(0.1, { ...opts, name: 'b1' });
  const w2 = tensor(0.3, { ...opts, name: 'w2' });
  const b2 = tensor(0.2, { ...opts, name: 'b2' });
  const z1 = w1.mul(x).add(b1);
  const h = z1.sigmoid();
  const y = w2.mul(h).add(b2);
  const L = y.sub(t).square().mul(0.5);
  L.backward();
  return { h, y, L, w1, b1, w2, b2 };
}

test('the tutorial step gives the forward values of section 4 to 4 decimals', () => {
  const { h, y, L } = tutorialStep();
  assert.equal(h.item().toFixed(4), '0.5744');
  assert.equal(y.item().toFixed(4), '0.3723');
  assert.equal(L.item().toFixed(4), '0.0259');
});

test('the tutorial step gives the four gradients to 4 decimals', () => {
  const { w1, b1, w2, b2 } = tutorialStep();
  assert.equal(w1.grad?.item().toFixed(4), '-0.0083');
  assert.equal(b1.grad?.item().toFixed(4), '-0.0167');
  assert.equal(w2.grad?.item().toFixed(4), '-0.1308');
  assert.equal(b2.grad?.item().toFixed(4), '-0.2277');
});

test("the tutorial's hand-rounded −0.1309 and −0.0166 are one off in the last digit; the exact values round to −0.1308 and −0.0167", () => {
  const { w2, b1, L } = tutorialStep();
  // Exact: ∂L/∂w2 = −0.130781…, ∂L/∂b1 = −0.016696…
  assert.ok(Math.abs((w2.grad?.item() ?? 0) - -0.130782) < 1e-6);
  assert.ok(Math.abs((b1.grad?.item() ?? 0) - -0.016697) < 1e-6);
  assert.notEqual(w2.grad?.item().toFixed(4), '-0.1309');
  assert.notEqual(b1.grad?.item().toFixed(4), '-0.0166');
  // Even the text's own rounded factors give −0.1308 and −0.0167, so the slips are in the last rounding.
  assert.equal((-0.2277 * 0.5744).toFixed(4), '-0.1308');
  assert.equal((-0.2277 * 0.3 * 0.2445).toFixed(4), '-0.0167');
  // The text's L = 0.0260 is likewise 0.0259, as the reference program itself prints for epoch 0.
  assert.equal(L.item().toFixed(4), '0.0259');
});

test('tutorial options errors name the option, not a CLI flag (the library is not the CLI)', () => {
  assert.throws(() => trainTutorial({ epochs: 1.5 }), (e: unknown) => e instanceof ValueError && e.message === 'tutorialOptions: epochs must be a non-negative integer, got 1.5');
  assert.throws(() => tutorialNetwork({ printEvery: 0 }), (e: unknown) => e instanceof ValueError && e.message === 'tutorialOptions: printEvery must be a positive integer, got 0');
  assert.throws(() => trainTutorial({ w1: NaN }), (e: unknown) => e instanceof ValueError && !e.message.includes('--') && e.message.includes('w1 must be a finite number'));
});
