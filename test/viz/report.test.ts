// The tutorial report, as `chainrule tutorial` writes it, opened in real headless Chromium
// (Debian's chromium driven by playwright-core) from file://: no console errors, the maths
// typeset by KaTeX with its fonts, every picture loaded; a screenshot goes to test-output/.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { chainrule } from '../cli/run.js';
import { referenceOutput } from '../helpers/reference.js';
import { History, mlp, mse, tensor, trainTutorial } from '../../src/index.js';
import { buildReport } from '../../src/viz/report.js';
import { chunks, decode, SIGNATURE } from '../helpers/png.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

const reference = (): string => referenceOutput().join('\n') + '\n';

/** An SVG file: one <svg> element with its namespace, from start to end (an XML prolog allowed). */
function checkSvg(name: string, text: string): { width: number; height: number } {
  const body = text.replace(/^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?/, '').trim();
  assert.match(body, /^<svg[\s>]/, `${name} starts with <svg`);
  assert.ok(body.endsWith('</svg>'), `${name} ends with </svg>`);
  assert.match(body, /^<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/, `${name} names the SVG namespace`);
  assert.equal((body.match(/<svg[\s>]/g) ?? []).length, (body.match(/<\/svg>/g) ?? []).length, `${name}: every <svg> is closed`);
  const open = /^<svg[^>]*>/.exec(body)![0];
  return { width: Number(/\swidth="([\d.]+)(?:pt|px)?"/.exec(open)?.[1]), height: Number(/\sheight="([\d.]+)(?:pt|px)?"/.exec(open)?.[1]) };
}

/**
 * Every file `chainrule tutorial` promises, each with valid content: the chart as SVG and as a
 * PNG twice its size that decodes to a drawn picture, the PNG embedded byte for byte in the page
 * beside the inlined diagrams, and the history of the reference run.
 */
function checkTutorialReport(dir: string): void {
  const files = readdirSync(dir).sort();
  assert.deepEqual(files, ['graph.svg', 'history.csv', 'index.html', 'network-backward.svg', 'network-forward.svg', 'training.png', 'training.svg']);
  const read = (f: string): string => readFileSync(join(dir, f), 'utf8');
  const chartSvg = read('training.svg');
  const chartSize = checkSvg('training.svg', chartSvg);
  for (const title of ['Loss over Epochs', 'Gradient Norm over Epochs']) assert.ok(chartSvg.includes(`>${title}</text>`), title);
  const png = new Uint8Array(readFileSync(join(dir, 'training.png')));
  assert.deepEqual([...png.subarray(0, 8)], SIGNATURE);
  assert.equal(chunks(png).at(-1)?.type, 'IEND');
  const picture = decode(png);
  assert.deepEqual({ width: picture.width, height: picture.height }, { width: 2 * chartSize.width, height: 2 * chartSize.height });
  // Opaque white behind, the curves and labels drawn on it.
  assert.deepEqual([...picture.pixels.subarray(0, 4)], [255, 255, 255, 255]);
  let drawn = 0;
  for (let i = 0; i < picture.pixels.length; i += 4) if (picture.pixels[i]! + picture.pixels[i + 1]! + picture.pixels[i + 2]! < 3 * 200) drawn++;
  assert.ok(drawn > 5000, `${drawn} drawn pixels`);
  const html = read('index.html');
  assert.ok(html.includes(`<img src="data:image/png;base64,${Buffer.from(png).toString('base64')}" alt="Loss and gradient norm per epoch" width="${chartSize.width}">`), 'index.html embeds training.png');
  for (const f of ['network-forward.svg', 'network-backward.svg', 'graph.svg']) {
    const svg = read(f);
    checkSvg(f, svg);
    assert.ok(html.includes(svg.replace(/^<\?xml[^>]*>\s*(<!DOCTYPE[^>]*>\s*)?/, '').trimEnd()), `index.html inlines ${f}`);
  }
  assert.match(read('graph.svg'), /class="node"/);
  // history.csv: the reference run's 60 epochs (its times aside, which differ from run to run).
  const rows = read('history.csv').trim().split('\n');
  assert.equal(rows[0], 'epoch,loss,gradNorm,lr,time');
  const expected = trainTutorial().history.toCsv().trim().split('\n');
  assert.equal(rows.length, 61);
  rows.slice(1).forEach((row, i) => {
    const cells = row.split(',');
    assert.equal(cells.length, 5, row);
    assert.ok(cells.every((c) => Number.isFinite(Number(c))), row);
    assert.equal(cells.slice(0, 4).join(','), expected[i + 1]!.split(',').slice(0, 4).join(','), `epoch ${i}`);
  });
}

test('chainrule tutorial writes the report beside printing exactly the reference output', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-report-'));
  const r = chainrule(['tutorial'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.equal(r.stdout, reference());
  assert.equal(r.stderr, 'wrote the report to chainrule-report/index.html\n');
  checkTutorialReport(join(dir, 'chainrule-report'));
  // --no-report writes nothing; --report DIR chooses the directory.
  const none = mkdtempSync(join(tmpdir(), 'chainrule-noreport-'));
  assert.equal(chainrule(['tutorial', '--no-report'], { cwd: none }).stderr, '');
  assert.deepEqual(readdirSync(none), []);
  const chosen = chainrule(['tutorial', '--report', 'out/rep', '--epochs', '3'], { cwd: none });
  assert.equal(chosen.status, 0, chosen.stderr);
  assert.ok(readdirSync(join(none, 'out', 'rep')).includes('index.html'));
});

test('the report index.html holds the log, the derivation, both network diagrams, the graph and the charts', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-report-'));
  assert.equal(chainrule(['tutorial'], { cwd: dir }).status, 0);
  const html = readFileSync(join(dir, 'chainrule-report', 'index.html'), 'utf8');
  for (const heading of ['Training log', 'Training curves', 'The chain rule, with the numbers', 'The network', 'The computational graph']) {
    assert.ok(html.includes(`<h2>${heading}`), heading);
  }
  assert.ok(html.includes('Final parameters: w1 = 0.4072, b1 = 0.1143, w2 = 0.3978, b2 = 0.3697'));
  // The derivation's lines, typeset (the plain text rides along in a title attribute).
  assert.ok(html.includes('title="∂L/∂w1 = ∂L/∂y · ∂y/∂h · ∂h/∂z1 · ∂z1/∂w1 = (−0.2277)(0.3)(0.2445)(0.5) = −0.0083"'));
  assert.ok((html.match(/class="katex-display"/g) ?? []).length >= 15);
  // Three inline SVG pictures (forward, backward, graph) and the chart as an embedded PNG: nothing external.
  assert.equal((html.match(/<svg[\s>]/g) ?? []).length >= 3, true);
  assert.match(html, /<img src="data:image\/png;base64,/);
  assert.doesNotMatch(html, /<script|src="http|href="http|url\(fonts\//);
});

test('chainrule train --report writes the same kind of report for any run, with the sample neuron by neuron', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-train-report-'));
  const r = chainrule(['train', '--data', 'circles', '--layers', '2,8,8,1', '--epochs', '30', '--report', 'rep'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /wrote the report to rep\/index.html/);
  assert.deepEqual(readdirSync(join(dir, 'rep')).sort(), ['graph.svg', 'history.csv', 'index.html', 'network-backward.svg', 'network-forward.svg', 'training.png', 'training.svg']);
  const html = readFileSync(join(dir, 'rep', 'index.html'), 'utf8');
  for (const heading of ['Training log', 'Training curves', 'The chain rule, with the numbers', 'One sample, neuron by neuron', 'The network', 'The computational graph']) {
    assert.ok(html.includes(`<h2>${heading}`), heading);
  }
  assert.doesNotMatch(html, /Not expanded/);
  // Layer by layer, then unit by unit: z2[0] as a sum over h1, and a W1 element's gradient summed over its paths.
  assert.ok(html.includes('title="∂L/∂W1 = (∂L/∂z1)ᵀ·x   [8,2]'), 'layer-level ∂L/∂W1');
  assert.match(html, /title="z2\[0\] = Σᵢ W2\[0,i\]·h1\[i\] \+ b2\[0\] = /);
  assert.match(html, /title="∂L\/∂W1\[\d,\d\] = ∂L\/∂y · ∂y\/∂h2\[\d\] · ∂h2\[\d\]\/∂z2\[\d\] · ∂z2\[\d\]\/∂h1\[\d\] · ∂h1\[\d\]\/∂z1\[\d\] · ∂z1\[\d\]\/∂W1\[\d,\d\] \+ /);
  assert.ok((html.match(/class="katex-display"/g) ?? []).length >= 60);
  assert.equal((html.match(/class="katex-error"/g) ?? []).length, 0);
  const history = readFileSync(join(dir, 'rep', 'history.csv'), 'utf8').trim().split('\n');
  assert.equal(history.length, 31);
  assert.match(history[0]!, /^epoch,loss,gradNorm,.*valLoss/);
});

test('buildReport expands a sample given as [n] with a target [K] (regression: the input was cut to its first feature, “Not expanded”)', async () => {
  const history = new History();
  const model = mlp([2, 3, 2], { activation: 'tanh', seed: 1 });
  const html = (await buildReport({ title: 't', log: [], history, model, sample: { x: tensor([0.5, -1]), y: tensor([0.1, 0.2]) }, loss: mse, lr: 0.1 })).get('index.html') as string;
  assert.ok(html.includes('<h2>One sample, neuron by neuron'));
  assert.doesNotMatch(html, /Not expanded/);
  assert.match(html, /title="z1\[0\] = W1\[0,0\]·x\[0\] \+ W1\[0,1\]·x\[1\] \+ b1\[0\] = /);
  assert.equal((html.match(/class="katex-error"/g) ?? []).length, 0);
  // The same sample as [1, n] gives the same expanded section.
  const rowHtml = (await buildReport({ title: 't', log: [], history, model, sample: { x: tensor([[0.5, -1]]), y: tensor([[0.1, 0.2]]) }, loss: mse, lr: 0.1 })).get('index.html') as string;
  const expanded = (h: string) => h.slice(h.indexOf('<h2>One sample'), h.indexOf('<h2>The network'));
  assert.equal(expanded(html), expanded(rowHtml));
  assert.ok(expanded(rowHtml).length > 1000);
});

test('chainrule train --report expands the sample for a regression CSV and a multiclass dataset, every formula typeset', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-train-report-kinds-'));
  const rows = ['a,b,y'];
  for (let i = 0; i < 40; i++) rows.push(`${(i % 7) / 3},${(i % 5) / 2},${((i % 7) / 3) * 2 - (i % 5) / 2}`);
  writeFileSync(join(dir, 'r.csv'), rows.join('\n') + '\n');
  for (const [args, loss] of [
    [['--data', 'r.csv', '--target', 'y', '--layers', '2,4,1'], /title="L = \(y − t\)² = /],
    [['--data', 'blobs', '--layers', '2,5,3'], /title="L = −log softmax\(y\)\[\d\] = /],
  ] as const) {
    const r = chainrule(['train', ...args, '--epochs', '3', '--report', 'rep', '-q'], { cwd: dir });
    assert.equal(r.status, 0, r.stderr);
    const html = readFileSync(join(dir, 'rep', 'index.html'), 'utf8');
    assert.ok(html.includes('<h2>One sample, neuron by neuron'), args.join(' '));
    assert.doesNotMatch(html, /Not expanded/);
    assert.match(html, loss);
    assert.match(html, /title="∂L\/∂W1\[0,0\] = ∂L\/∂y/);
    assert.equal((html.match(/class="katex-error"/g) ?? []).length, 0);
    assert.doesNotMatch(html, /title="[^"]*(?:NaN|undefined)/);
  }
});

for (const which of ['tutorial', 'train'] as const) {
test(`the ${which} report opens in headless Chromium from file:// with no console errors, typeset maths and every picture loaded`, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-report-'));
  const made = which === 'tutorial' ? chainrule(['tutorial'], { cwd: dir }) : chainrule(['train', '--data', 'circles', '--layers', '2,8,8,1', '--epochs', '30', '--report', 'chainrule-report', '-q'], { cwd: dir });
  assert.equal(made.status, 0, made.stderr);
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    const problems: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
    });
    page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
    page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
    await page.goto(pathToFileURL(join(dir, 'chainrule-report', 'index.html')).href, { waitUntil: 'load' });
    await page.evaluate(() => document.fonts.ready.then(() => undefined));
    const facts = await page.evaluate(() => ({
      katex: document.querySelectorAll('.katex-display .katex-html').length,
      katexErrors: document.querySelectorAll('.katex-error').length,
      mainFont: document.fonts.check('16px KaTeX_Main'),
      mathFont: document.fonts.check('italic 16px KaTeX_Math'),
      fontsLoaded: Array.from(document.fonts).filter((f) => f.status === 'loaded').map((f) => f.family),
      images: Array.from(document.images).map((img) => ({ complete: img.complete, width: img.naturalWidth })),
      svgs: Array.from(document.querySelectorAll('figure svg')).map((s) => {
        const r = s.getBoundingClientRect();
        return { width: r.width, height: r.height };
      }),
      sigma: Array.from(document.querySelectorAll('.katex-mathml annotation')).some((a) => a.textContent?.includes('\\sigma')),
    }));
    assert.deepEqual(problems, []);
    assert.ok(facts.katex >= (which === 'tutorial' ? 15 : 60), `${facts.katex} typeset formulas`);
    assert.equal(facts.katexErrors, 0);
    assert.ok(facts.mainFont && facts.mathFont, `KaTeX fonts loaded: ${facts.fontsLoaded.join(', ')}`);
    assert.ok(facts.fontsLoaded.some((f) => f.includes('KaTeX')), 'the embedded KaTeX fonts were used');
    if (which === 'tutorial') assert.ok(facts.sigma);
    assert.ok(facts.images.length >= 1);
    for (const img of facts.images) assert.ok(img.complete && img.width > 0, `image loaded: ${JSON.stringify(img)}`);
    assert.equal(facts.svgs.length, 3);
    for (const s of facts.svgs) assert.ok(s.width > 100 && s.height > 50, `svg drawn: ${JSON.stringify(s)}`);
    mkdirSync('test-output', { recursive: true });
    const shot = which === 'tutorial' ? 'test-output/report.png' : 'test-output/report-train.png';
    await page.screenshot({ path: shot, fullPage: true });
    assert.ok(statSync(shot).size > 10_000);
  } finally {
    await browser.close();
  }
});
}
