// The report of a CNN: the learned filters, one sample's feature maps layer by layer and the
// saliency as PNG pictures whose sizes are the layers' shapes, the saliency equal to the input
// gradient by backward, and the graph condensed to one node per layer; then the page opened in
// headless Chromium (Debian's chromium via playwright-core) with no console errors.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { Conv2d, crossEntropy, Flatten, Generator, History, Linear, MaxPool2d, narrow, randn, ReLU, Sequential, SGD, tensor, type Tensor } from '../../src/index.js';
import { buildReport, REPORT_FILE_NAMES, type ReportFiles } from '../../src/viz/report.js';
import { decode } from '../helpers/png.js';

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';

/** conv 1→4 3×3 pad 1, ReLU, conv 4→6 3×3 stride 2, ReLU, flatten, linear 96→3 (or LeNet's layers), trained 5 SGD steps. */
function trained(lenet = false): { model: Sequential; x: Tensor; y: Tensor } {
  const model = lenet
    ? new Sequential(new Conv2d(1, 4, 3, { padding: 1, seed: 1 }), new ReLU(), new MaxPool2d(2), new Conv2d(4, 6, 3, { seed: 2 }), new ReLU(), new MaxPool2d(2), new Flatten(), new Linear(6 * 2 * 2, 3, { seed: 3 }))
    : new Sequential(new Conv2d(1, 4, 3, { padding: 1, seed: 1 }), new ReLU(), new Conv2d(4, 6, 3, { stride: 2, seed: 2 }), new ReLU(), new Flatten(), new Linear(6 * 4 * 4, 3, { seed: 3 }));
  const x = randn([8, 1, lenet ? 12 : 10, lenet ? 12 : 10], { generator: new Generator(4) });
  const y = tensor([0, 1, 2, 0, 1, 2, 0, 1], { dtype: 'int32' });
  const opt = new SGD(model.parameters(), { lr: 0.1 });
  const losses: number[] = [];
  for (let step = 0; step < 5; step++) {
    opt.zeroGrad();
    const loss = crossEntropy(model.forward(x), y);
    losses.push(loss.item());
    loss.backward();
    opt.step();
  }
  assert.ok(losses[4]! < losses[0]!, `the CNN learns: ${losses.join(', ')}`);
  return { model, x, y };
}

const cached = new Map<boolean, Promise<{ files: ReportFiles; model: Sequential; x: Tensor; y: Tensor }>>();
function report(lenet = false) {
  let r = cached.get(lenet);
  if (r === undefined) {
    r = (async () => {
      const { model, x, y } = trained(lenet);
      const history = new History();
      const files = await buildReport({ title: 'cnn', log: ['trained 5 steps'], history, model, sample: { x: narrow(x, 0, 0, 1), y: narrow(y, 0, 0, 1) }, loss: crossEntropy, lr: 0.1 });
      return { files, model, x, y };
    })();
    cached.set(lenet, r);
  }
  return r;
}

function text(files: ReportFiles, name: string): string {
  const v = files.get(name);
  assert.equal(typeof v, 'string', name);
  return v as string;
}

/** The PNGs inlined in one section of the page (id="…"), decoded. */
function sectionImages(html: string, id: string): { width: number; height: number; pixels: Uint8Array; alt: string }[] {
  const start = html.indexOf(`id="${id}"`);
  assert.ok(start > 0, id);
  const body = html.slice(start, html.indexOf('</section>', start));
  return [...body.matchAll(/<img class="cnn-map" src="data:image\/png;base64,([^"]+)"[^>]*alt="([^"]*)"/g)].map((m) => ({ ...decode(new Uint8Array(Buffer.from(m[1]!, 'base64'))), alt: m[2]! }));
}

test('a CNN report has the filters, the feature maps and the saliency as pictures the size of the layers', async () => {
  const { files } = await report();
  assert.deepEqual([...files.keys()].sort(), ['graph.svg', 'history.csv', 'index.html', 'network-backward.svg', 'network-forward.svg']);
  assert.ok([...files.keys()].every((f) => REPORT_FILE_NAMES.includes(f)));
  const html = text(files, 'index.html');
  for (const h of ['The chain rule, with the numbers', 'The learned filters', 'Feature maps of one sample, layer by layer', 'Saliency: the gradient of the loss with respect to the input', 'The computational graph']) {
    assert.ok(html.includes(`<h2>${h}`), h);
  }
  // Filters: 4 of the first layer, one 3×3 picture each; 6 of the second, each a 2×2 grid of its 4 kernels.
  const filters = sectionImages(html, 'cnn-filters');
  assert.deepEqual(
    filters.map((f) => [f.width, f.height]),
    [...Array.from({ length: 4 }, () => [3, 3]), ...Array.from({ length: 6 }, () => [7, 7])],
  );
  // Feature maps: the input, then every 4-d output channel by channel: conv, ReLU (4 × 10×10), conv, ReLU (6 × 4×4).
  const maps = sectionImages(html, 'cnn-features');
  assert.deepEqual(
    maps.map((m) => [m.width, m.height]),
    [[10, 10], ...Array.from({ length: 8 }, () => [10, 10]), ...Array.from({ length: 12 }, () => [4, 4])],
  );
  assert.ok(html.includes('Then Flatten → [96], Linear(96 → 3) → [3].'));
  // ReLU's maps are never negative: white (0) to black, no blue.
  for (const m of maps.slice(5, 9)) {
    for (let i = 0; i < m.pixels.length; i += 4) assert.ok(m.pixels[i] === m.pixels[i + 2], `grey: ${m.alt}`);
  }
  const saliency = sectionImages(html, 'cnn-saliency');
  assert.deepEqual(saliency.map((s) => [s.width, s.height]), [[10, 10], [10, 10]]);
  // The derivation has the conv layers' rules and the sample's sums.
  assert.ok(html.includes('title="∂L/∂W1 = x ⋆ δz1:  ∂L/∂W1[o,c,p,q] = Σ_n Σ_{i,j} x[n,c,i+p−1,j+q−1]·δz1[n,o,i,j]   [4,1,3,3]'));
  assert.ok(html.includes('One element of each, written out with the numbers of sample 0'));
  assert.equal((html.match(/class="katex-error"/g) ?? []).length, 0);
  // The SVG files hold the same pictures: the forward one every map, the backward one δ per 4-d layer and the saliency.
  assert.equal((text(files, 'network-forward.svg').match(/<image /g) ?? []).length, maps.length);
  assert.equal((text(files, 'network-backward.svg').match(/<image /g) ?? []).length, 4 + 4 + 6 + 6 + 1);
});

test("the saliency is ∂L/∂x by backward, and its picture saturates where |∂L/∂x| is largest", async () => {
  const { files, model, x, y } = await report();
  const input = narrow(x, 0, 0, 1).detach().requiresGrad_(true);
  crossEntropy(model.forward(input), narrow(y, 0, 0, 1)).backward();
  const expected = Array.from(input.grad!.data());
  const html = text(files, 'index.html');
  const at = html.indexOf('id="cnn-saliency"');
  // The saliency picture carries the values it draws (the input's picture comes first).
  const carried = [...html.slice(at, html.indexOf('</section>', at)).matchAll(/data-values="([^"]+)"/g)].map((m) => JSON.parse(m[1]!.replaceAll('&quot;', '"')) as number[]);
  assert.equal(carried.length, 1);
  const got = { values: carried[0]! };
  assert.equal(got.values.length, 100);
  got.values.forEach((v, i) => assert.ok(Math.abs(v - expected[i]!) <= 1e-6 * Math.max(1, Math.abs(expected[i]!)), `pixel ${i}: ${v} vs ${expected[i]}`));
  const [, picture] = sectionImages(html, 'cnn-saliency');
  const k = expected.reduce((best, v, i) => (Math.abs(v) > Math.abs(expected[best]!) ? i : best), 0);
  const rgb = [...picture!.pixels.subarray(4 * k, 4 * k + 3)];
  assert.deepEqual(rgb, expected[k]! > 0 ? [255, 0, 0] : [0, 0, 255]);
});

test('the CNN graph is condensed to one node per layer, with the input and the loss', async () => {
  const { files, model } = await report();
  const graph = text(files, 'graph.svg');
  assert.match(graph, /^<svg/);
  assert.equal((graph.match(/class="node"/g) ?? []).length, model.length + 2);
  for (const label of ['x (input)', '1. Conv2d(1 → 4, kernel 3×3, padding=1)', '3. Conv2d(4 → 6, kernel 3×3, stride=2)', '6. Linear(96 → 3)', 'L (loss)']) assert.ok(graph.includes(`>${label}</text>`), label);
  assert.doesNotMatch(graph, />(?:reshape|conv2d|add|matmul)</);
});

/** The PNGs of an SVG file's <image> elements, decoded, in document order. */
function svgImages(svg: string): { width: number; height: number; pixels: Uint8Array }[] {
  return [...svg.matchAll(/<image [^>]*href="data:image\/png;base64,([^"]+)"/g)].map((m) => decode(new Uint8Array(Buffer.from(m[1]!, 'base64'))));
}

const rgbAt = (img: { width: number; pixels: Uint8Array }, r: number, c: number): string => [...img.pixels.subarray(4 * (r * img.width + c), 4 * (r * img.width + c) + 3)].join(',');

test('a LeNet-like report: max pooling and Flatten in the feature maps, the δ per layer and the one-node-per-layer graph', async () => {
  const { files, model } = await report(true);
  const html = text(files, 'index.html');
  const square = (rows: readonly [number, number][]) => rows.flatMap(([n, side]) => Array.from({ length: n }, () => [side, side]));
  // The input, conv and ReLU (4 × 12×12 each), max pool (4 × 6×6), conv and ReLU (6 × 4×4 each), max pool (6 × 2×2); Flatten and Linear are 2-d.
  const maps = sectionImages(html, 'cnn-features');
  assert.deepEqual(maps.map((m) => [m.width, m.height]), square([[1, 12], [8, 12], [4, 6], [12, 4], [6, 2]]));
  assert.ok(html.includes('Layer 3, MaxPool2d(2) → [4,6,6]: each pixel the max of its window of layer 2'));
  assert.ok(html.includes('Then Flatten → [24], Linear(24 → 3) → [3].'));
  // On the layer's common scale a pooled pixel is its window's darkest ReLU pixel: the max, drawn the same.
  for (let ch = 0; ch < 4; ch++) {
    const [relu, pool] = [maps[5 + ch]!, maps[9 + ch]!];
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        const window = [0, 1, 2, 3].map((t) => rgbAt(relu, 2 * i + (t >> 1), 2 * j + (t & 1)));
        const darkest = window.reduce((a, b) => (Number(b.split(',')[0]) < Number(a.split(',')[0]) ? b : a));
        assert.equal(rgbAt(pool, i, j), darkest, `channel ${ch} pixel (${i}, ${j})`);
      }
    }
  }
  // δ per 4-d layer from the top (pool, ReLU, conv twice), then the saliency.
  const deltas = svgImages(text(files, 'network-backward.svg'));
  assert.deepEqual(deltas.map((d) => [d.width, d.height]), square([[6, 2], [12, 4], [4, 6], [8, 12], [1, 12]]));
  assert.ok(text(files, 'network-backward.svg').includes("δ at Layer 2, ReLU: ∂L/∂ of its output [4,12,12]; 0 except at the maxima of layer 3&#39;s windows, where their δ is routed"));
  // Below a 2×2 max pool, δ is the pool's δ at each window's maximum and 0 (white) elsewhere.
  let routed = 0;
  for (let ch = 0; ch < 4; ch++) {
    const [pool, relu] = [deltas[18 + ch]!, deltas[22 + ch]!];
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 6; j++) {
        const block = [0, 1, 2, 3].map((t) => rgbAt(relu, 2 * i + (t >> 1), 2 * j + (t & 1)));
        const own = rgbAt(pool, i, j);
        assert.ok(block.includes(own) && block.every((c) => c === own || c === '255,255,255'), `channel ${ch} window (${i}, ${j}): ${block.join(' ')} vs ${own}`);
        if (own !== '255,255,255') routed++;
      }
    }
  }
  assert.ok(routed > 0);
  // The graph: one node per layer, pooling and Flatten included, none of the primitives inside them.
  const graph = text(files, 'graph.svg');
  assert.equal((graph.match(/class="node"/g) ?? []).length, model.length + 2);
  for (const label of ['3. MaxPool2d(2)', '6. MaxPool2d(2)', '7. Flatten', '8. Linear(24 → 3)']) assert.ok(graph.includes(`>${label}</text>`), label);
  assert.doesNotMatch(graph, />(?:reshape|gather|maxPool2dIndices|conv2d|add|matmul)</);
  // The derivation has the pooling layers' rules and their sums, every formula typeset.
  assert.ok(html.includes('title="m1 = maxpool(h1)   h1 [1,4,12,12] → m1 [1,4,6,6]'), 'the pooling rule');
  assert.match(html, /title="∂L\/∂h1\[0,\d+,\d+,\d+\] = Σ_\{\(i,j\) ∈ A\(\d+,\d+\)\} δm1\[0,\d+,i,j\] = /);
  assert.equal((html.match(/class="katex-error"/g) ?? []).length, 0);
});

test('the CNN reports (with and without pooling) open in headless Chromium with no console errors and every picture drawn', async () => {
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox'] });
  try {
    for (const [lenet, featureMaps] of [[false, 21], [true, 31]] as const) {
      const { files } = await report(lenet);
      const dir = mkdtempSync(join(tmpdir(), 'chainrule-cnn-report-'));
      for (const [name, v] of files) writeFileSync(join(dir, name), v);
      const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      await page.goto(pathToFileURL(join(dir, 'index.html')).href, { waitUntil: 'load' });
      const facts = await page.evaluate(() =>
        ['cnn-filters', 'cnn-features', 'cnn-saliency'].map((id) => ({
          id,
          images: Array.from(document.querySelectorAll<HTMLImageElement>(`#${id} img`)).map((img) => ({ ok: img.complete && img.naturalWidth > 0, shown: img.getBoundingClientRect().width })),
        })),
      );
      assert.deepEqual(problems, []);
      assert.deepEqual(facts.map((f) => [f.id, f.images.length]), [['cnn-filters', 10], ['cnn-features', featureMaps], ['cnn-saliency', 2]]);
      for (const f of facts) for (const img of f.images) assert.ok(img.ok && img.shown >= 20, `${f.id}: ${JSON.stringify(img)}`);
      await page.close();
    }
  } finally {
    await browser.close();
  }
});
