import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainrule } from './run.js';

test('chainrule explain writes out the tutorial step: forward values, each gradient with its factors, the updates', () => {
  const r = chainrule(['explain']);
  assert.equal(r.status, 0, r.stderr);
  const lines = r.stdout.split('\n');
  for (const expected of [
    '  h = σ(z1) = σ(0.3) = 0.5744',
    '  y = w2·h + b2 = 0.3·0.5744 + 0.2 = 0.3723',
    '  L = ½(y − t)² = ½(0.3723 − 0.6)² = 0.0259',
    '  ∂h/∂z1 = σ(z1)(1−σ(z1)) = 0.2445',
    '  ∂L/∂w1 = ∂L/∂y · ∂y/∂h · ∂h/∂z1 · ∂z1/∂w1 = (−0.2277)(0.3)(0.2445)(0.5) = −0.0083',
    '  ∂L/∂w2 = ∂L/∂y · ∂y/∂w2 = (−0.2277)(0.5744) = −0.1308',
    '  w1 ← w1 − η·∂L/∂w1 = 0.4 − 0.1·(−0.0083) = 0.4008',
  ]) {
    assert.ok(lines.includes(expected), `missing: ${expected}\n${r.stdout}`);
  }
});

test('chainrule explain takes the tutorial flags', () => {
  const r = chainrule(['explain', '--x', '1', '--w1', '0.5', '--b1', '0', '--activation', 'tanh', '--lr', '0.5']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.includes('  z1 = w1·x + b1 = 0.5·1 + 0 = 0.5000\n'));
  assert.ok(r.stdout.includes('  h = tanh(z1) = tanh(0.5) = 0.4621\n'));
  assert.ok(r.stdout.includes('Update (η = 0.5)\n'));
});

test('chainrule explain --format markdown gives LaTeX; --format html a standalone page with typeset maths', () => {
  const md = chainrule(['explain', '--format', 'markdown']);
  assert.equal(md.status, 0, md.stderr);
  assert.ok(md.stdout.includes('$$\\frac{\\partial h}{\\partial z_{1}} = \\sigma(z_{1})(1-\\sigma(z_{1})) = 0.2445$$'));
  const html = chainrule(['explain', '--format', 'html']);
  assert.equal(html.status, 0, html.stderr);
  assert.match(html.stdout, /^<!doctype html>/);
  assert.ok(html.stdout.includes('class="katex-display"'));
  assert.ok(html.stdout.includes('data:font/woff2;base64,'));
});

test('chainrule explain --model --data --row explains a saved model on one sample, layer by layer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-explain-'));
  const rows = ['a,b,label'];
  for (let i = 0; i < 40; i++) rows.push(`${(i % 7) / 3},${(i % 5) / 2},${i % 2 === 0 ? 'even' : 'odd'}`);
  writeFileSync(join(dir, 'd.csv'), rows.join('\n') + '\n');
  assert.equal(chainrule(['train', '--data', 'd.csv', '--target', 'label', '--layers', '2,4,2', '--epochs', '2', '--out', 'm.json', '-q'], { cwd: dir }).status, 0);
  const r = chainrule(['explain', '--model', 'm.json', '--data', 'd.csv', '--row', '3'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.includes('Backward pass (layer by layer)'));
  assert.match(r.stdout, /  ∂L\/∂y = \(softmax\(y\) − onehot\(t\)\) {3}\[1, ?2\] {3}row 0: \[/);
  assert.match(r.stdout, /  ∂L\/∂W1 = \(∂L\/∂z1\)ᵀ·x {3}\[4, ?2\]/);
  const bad = chainrule(['explain', '--model', 'm.json', '--data', 'd.csv', '--row', '40'], { cwd: dir });
  assert.equal(bad.status, 2);
  assert.equal(bad.stderr, 'chainrule: --row 40 is out of range: d.csv has 40 rows (0 to 39)\n');
  const noModel = chainrule(['explain', '--row', '3'], { cwd: dir });
  assert.equal(noModel.status, 2);
  assert.equal(noModel.stderr, 'chainrule: --data and --row explain a saved model: add --model\n');
});

test('chainrule explain --model --expand writes the sample neuron by neuron; --parameters picks the elements', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-expand-'));
  const rows = ['a,b,label'];
  for (let i = 0; i < 40; i++) rows.push(`${(i % 7) / 3},${(i % 5) / 2},${i % 2 === 0 ? 'even' : 'odd'}`);
  writeFileSync(join(dir, 'd.csv'), rows.join('\n') + '\n');
  assert.equal(chainrule(['train', '--data', 'd.csv', '--target', 'label', '--layers', '2,3,2', '--activation', 'tanh', '--epochs', '2', '--out', 'm.json', '-q'], { cwd: dir }).status, 0);
  const r = chainrule(['explain', '--model', 'm.json', '--data', 'd.csv', '--row', '3', '--expand', '--parameters', 'W1[0,1], b2[1]'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^ {2}z1\[0\] = W1\[0,0\]·x\[0\] \+ W1\[0,1\]·x\[1\] \+ b1\[0\] = /m);
  assert.match(r.stdout, /^ {2}L = −log softmax\(y\)\[1\] = /m);
  const grads = r.stdout.split('\n').filter((l) => l.startsWith('  ∂L/∂') && l.includes(' = ∂L/∂y'));
  assert.deepEqual(grads.map((l) => l.split(' = ')[0]!.trim()).sort(), ['∂L/∂W1[0,1]', '∂L/∂b2[1]']);
  // W1[0,1] reaches the loss through both logits: two products, summed.
  assert.match(grads.find((l) => l.includes('∂L/∂W1[0,1]'))!, / \+ ∂L\/∂y\[1\] · ∂y\[1\]\/∂h1\[0\]/);
  const json = chainrule(['explain', '--model', 'm.json', '--data', 'd.csv', '--row', '3', '--expand', '--json'], { cwd: dir });
  assert.equal(json.status, 0, json.stderr);
  assert.equal((JSON.parse(json.stdout) as { gradients: unknown[] }).gradients.length, 6 + 3 + 6 + 2);
  const bad = chainrule(['explain', '--model', 'm.json', '--data', 'd.csv', '--row', '3', '--expand', '--parameters', 'W7[0,0]'], { cwd: dir });
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /^chainrule: --parameters: no parameter element named 'W7\[0,0\]'/);
  for (const garbage of ['[[[,', 'W1[0,1],,b2', 'W1[0,x]', '']) {
    const g = chainrule(['explain', '--model', 'm.json', '--data', 'd.csv', '--expand', '--parameters', garbage], { cwd: dir });
    assert.equal(g.status, 2, `--parameters '${garbage}': ${g.stderr}`);
    assert.match(g.stderr, /^chainrule: option '--parameters <names>' argument .* is not a comma-separated list of parameter elements/, garbage);
  }
  const noExpand = chainrule(['explain', '--model', 'm.json', '--data', 'd.csv', '--parameters', 'b2[0]'], { cwd: dir });
  assert.equal(noExpand.stderr, 'chainrule: --parameters names weight elements of the expanded view: add --expand\n');
});

test('chainrule explain writes a negative number in parentheses where it is substituted (regression: “+ −0.67”)', () => {
  const r = chainrule(['explain', '--w1', '-0.4', '--b1', '-0.1']);
  assert.equal(r.status, 0, r.stderr);
  assert.ok(r.stdout.includes('  z1 = w1·x + b1 = (−0.4)·0.5 + (−0.1) = −0.3000\n'), r.stdout);
  assert.ok(r.stdout.includes('  h = σ(z1) = σ(−0.3) = 0.4256\n'), r.stdout);
  const md = chainrule(['explain', '--w1', '-0.4', '--format', 'markdown']);
  assert.ok(md.stdout.includes('$$z_{1} = w_{1} \\cdot x + b_{1} = (-0.4) \\cdot 0.5 + 0.1 = -0.1000$$'), md.stdout);
});

test('chainrule explain --expand on a regression model: constants written as their values, b2[0] names the single bias, markdown and html typeset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-expand-reg-'));
  const rows = ['a,b,y'];
  for (let i = 0; i < 40; i++) rows.push(`${(i % 7) / 3},${(i % 5) / 2},${((i % 7) / 3) * 2 - (i % 5) / 2}`);
  writeFileSync(join(dir, 'r.csv'), rows.join('\n') + '\n');
  assert.equal(chainrule(['train', '--data', 'r.csv', '--target', 'y', '--layers', '2,3,1', '--loss', 'huber', '--epochs', '2', '--out', 'm.json', '-q'], { cwd: dir }).status, 0);
  const r = chainrule(['explain', '--model', 'm.json', '--data', 'r.csv', '--row', '4', '--expand', '--parameters', 'W1[1,0],b2[0]'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  // Huber's two constants 0.5 (½d² and d − ½δ) are both 0.5 (regression: the second was 0.5_2).
  assert.match(r.stdout, /^ {2}u\d+ = u\d+·0\.5 = /m);
  assert.match(r.stdout, /^ {2}u\d+ = u\d+ − 0\.5 = /m);
  assert.doesNotMatch(r.stdout, /\d_\d|NaN|undefined/);
  assert.deepEqual(r.stdout.split('\n').filter((l) => /^ {2}∂L\/∂(W1|b2)\S* = ∂L/.test(l)).map((l) => l.split(' = ')[0]!.trim()).sort(), ['∂L/∂W1[1,0]', '∂L/∂b2']);
  const bad = chainrule(['explain', '--model', 'm.json', '--data', 'r.csv', '--expand', '--parameters', 'W1[3,0]'], { cwd: dir });
  assert.equal(bad.stderr, "chainrule: --parameters: no parameter element named 'W1[3,0]'; the elements are W1[0..2,0..1], b1[0..2], W2[0,0..2], b2\n");
  for (const format of ['markdown', 'html']) {
    // One element (a page of every element's paths is megabytes, past spawnSync's output buffer).
    const out = chainrule(['explain', '--model', 'm.json', '--data', 'r.csv', '--row', '4', '--expand', '--parameters', 'W1[0,1]', '--format', format], { cwd: dir });
    assert.equal(out.status, 0, out.stderr);
    assert.doesNotMatch(out.stdout, format === 'html' ? /katex-error|title="[^"]*(?:NaN|undefined)/ : /NaN|undefined|\d_\d/);
  }
});
