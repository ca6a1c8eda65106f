// The playground, built by `npm run build:web` into web/dist, served as a static site and driven
// in real headless Chromium (Debian's chromium with playwright-core). Screenshots of each view go
// to test-output/playground/, and the measured frame rate to test-output/playground/fps.json.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { countCorrect, loadFromText, parseCsv } from '../../src/index.js';
import { chainrule } from '../cli/run.js';
import { SHOTS, csvFile, exportFiles, goodCsv, ready, startSite, text, type Site } from './browser.js';

let site: Site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});
const open = (hash: string, viewport?: { width: number; height: number }) => site.open(hash, viewport);

test('the playground trains circles to ≥ 95% test accuracy, and the exported model gives the same accuracy in the library and the CLI', async () => {
  const { page, problems } = await open('#view=playground&dataset=circles&seed=1');
  try {
    await ready(page);
    await page.click('#pg-play');
    await page.waitForFunction(() => Number(document.querySelector('#pg-test-acc')?.textContent) >= 0.95 && Number(document.querySelector('#pg-epoch')?.textContent) >= 20, undefined, { timeout: 90_000 });
    await page.click('#pg-play');
    // Paused: the worker's last snapshot says so, and the page shows it.
    await page.waitForFunction(() => window.__playground?.snapshot?.running === false);
    await page.waitForFunction(() => document.querySelector('#pg-epoch')?.textContent === String(window.__playground?.snapshot?.epoch));
    const shown = await text(page, '#pg-test-acc');
    const epoch = await text(page, '#pg-epoch');
    assert.ok(Number(shown) >= 0.95, `test accuracy ${shown}`);
    // The worker trains on the library's default backend, the WebAssembly SIMD kernels.
    assert.equal(await page.evaluate(() => window.__playground?.snapshot?.backend), 'wasm');
    await page.check('#pg-show-test');
    await page.waitForTimeout(100);
    await page.screenshot({ path: join(SHOTS, 'playground-circles.png'), fullPage: true });

    const { dir, modelText, csvText, modelName } = await exportFiles(page);
    assert.match(modelName, new RegExp(`^chainrule-circles-epoch${epoch}\\.json$`));
    assert.equal(csvText.split('\n')[0], 'x,y,label');

    // The library's own evaluation of the exported model on the test points.
    const { model, metadata } = loadFromText('exported.json', modelText);
    assert.equal(metadata['task'], 'binary');
    const { dataset } = parseCsv(csvText, { target: 'label', targetType: 'numeric' });
    const accuracy = countCorrect(model.forward(dataset.x), dataset.y, true) / dataset.length;
    assert.equal(accuracy.toFixed(4), shown);
    assert.equal(dataset.length, 200);

    // And the CLI's: chainrule evaluate and predict read the same file.
    const evaluated = chainrule(['evaluate', '--model', 'model.json', '--data', 'test.csv'], { cwd: dir });
    assert.equal(evaluated.status, 0, evaluated.stderr);
    assert.match(evaluated.stdout, new RegExp(`accuracy ${shown.replace('.', '\\.')}\\b`));
    const predicted = chainrule(['predict', '--model', 'model.json', '--data', 'test.csv'], { cwd: dir });
    assert.equal(predicted.status, 0, predicted.stderr);
    assert.equal(predicted.stdout.trim().split('\n').length, 201);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a copied link restores the same configuration', async () => {
  const { page, problems } = await open('#view=playground');
  try {
    await ready(page);
    await page.selectOption('#pg-dataset', 'xor');
    await page.click('#pg-add-layer');
    await page.click('button[aria-label="Add a neuron to hidden layer 3"]');
    await page.check('#pg-feature-xy');
    await page.selectOption('#pg-lr', '0.1');
    await page.selectOption('#pg-optimizer', 'adam');
    await page.selectOption('#pg-reg', 'l2');
    await page.selectOption('#pg-regrate', '0.001');
    await page.fill('#pg-seed', '42');
    await page.press('#pg-seed', 'Enter');
    await page.fill('#pg-batch', '25');
    await page.press('#pg-batch', 'Tab');
    await page.check('#pg-edges-gradient');
    await page.click('#pg-share');
    const link = await page.inputValue('#pg-link');
    assert.match(link, /#view=playground&/);
    const settings = async (p: Page) => ({
      dataset: await p.inputValue('#pg-dataset'),
      layers: await text(p, '#pg-layer-count'),
      neurons: await p.$$eval('output[data-layer]', (os) => os.map((o) => o.textContent)),
      xy: await p.isChecked('#pg-feature-xy'),
      x2: await p.isChecked('#pg-feature-x2'),
      lr: await p.inputValue('#pg-lr'),
      optimizer: await p.inputValue('#pg-optimizer'),
      reg: await p.inputValue('#pg-reg'),
      regRate: await p.inputValue('#pg-regrate'),
      seed: await p.inputValue('#pg-seed'),
      batch: await p.inputValue('#pg-batch'),
      edges: await p.isChecked('#pg-edges-gradient'),
    });
    const before = await settings(page);
    assert.deepEqual(before, { dataset: 'xor', layers: '3 hidden layers', neurons: ['4 neurons', '2 neurons', '3 neurons'], xy: true, x2: false, lr: '0.1', optimizer: 'adam', reg: 'l2', regRate: '0.001', seed: '42', batch: '25', edges: true });
    const again = await site.browser.newPage({ viewport: { width: 1280, height: 800 } });
    try {
      await again.goto(link, { waitUntil: 'load' });
      await ready(again);
      assert.deepEqual(await settings(again), before);
      assert.equal(await again.isHidden('#notices'), true);
      // Seeded: the same data and initial weights, so the same initial loss.
      assert.equal(await text(again, '#pg-train-loss'), await text(page, '#pg-train-loss'));
    } finally {
      await again.close();
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('an uploaded CSV trains; a CSV with a bad row shows an error naming the line', async () => {
  const { page, problems } = await open('#view=playground');
  try {
    await ready(page);
    await page.setInputFiles('#pg-csv', csvFile('points.csv', goodCsv()));
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('#pg-dataset')?.value === 'csv');
    await page.waitForFunction(() => document.querySelector('#pg-train-loss')?.textContent !== '—');
    assert.equal(await page.isHidden('#pg-csv-error'), true);
    await page.click('#pg-step');
    await page.waitForFunction(() => document.querySelector('#pg-epoch')?.textContent === '1');

    const bad = 'x,y,label\n0.1,0.2,a\n0.3,0.4,b\n0.5,oops,a\n';
    await page.setInputFiles('#pg-csv', csvFile('bad.csv', bad));
    await page.waitForSelector('#pg-csv-error:not([hidden])');
    const message = await text(page, '#pg-csv-error');
    assert.match(message, /^bad\.csv:4: column 'y' is 'oops', not a number/);
    await page.screenshot({ path: join(SHOTS, 'playground-csv-error.png') });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a malformed or hostile link falls back to the defaults with a visible notice and injects no markup', async () => {
  const { page, problems } = await open('#view=playground&dataset=%3Cimg%20src%3Dx%20onerror%3D%22window.__pwned%3D1%22%3E&hidden=9,9&lr=NaN');
  try {
    await ready(page);
    assert.equal(await page.isVisible('#notices'), true);
    const notice = await text(page, '#notices');
    assert.match(notice, /dataset="<img src=x onerror=\\"window.__pwned=1\\">" is not one of/);
    assert.match(notice, /hidden="9,9"/);
    assert.match(notice, /lr="NaN"/);
    assert.equal(await page.$$eval('#notices img, #notices script', (e) => e.length), 0);
    assert.equal(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned), undefined);
    assert.equal(await page.inputValue('#pg-dataset'), 'circles');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('the playground works at phone width', async () => {
  const { page, problems } = await open('#view=playground&dataset=spiral&hidden=8,8', { width: 390, height: 844 });
  try {
    await ready(page);
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
    await page.screenshot({ path: join(SHOTS, 'playground-phone.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('frame rate while the spiral trains with 3 hidden layers of 8 (measured, written to test-output/playground/fps.json)', async () => {
  const { page, problems } = await open('#view=playground&dataset=spiral&hidden=8,8,8&features=x,y,x2,y2,xy,sinx,siny&lr=0.03&batch=10');
  try {
    await ready(page);
    await page.click('#pg-play');
    await page.waitForTimeout(1000);
    // Frames the page drew, and epochs the worker trained, over 5 seconds of training.
    const start = await page.evaluate(() => ({ frames: window.__playground!.frames, t: performance.now(), epoch: window.__playground!.snapshot!.epoch, snapshots: window.__playground!.snapshots }));
    await page.waitForTimeout(5000);
    const end = await page.evaluate(() => ({ frames: window.__playground!.frames, t: performance.now(), epoch: window.__playground!.snapshot!.epoch, snapshots: window.__playground!.snapshots }));
    await page.click('#pg-play');
    const seconds = (end.t - start.t) / 1000;
    const result = {
      fps: Number(((end.frames - start.frames) / seconds).toFixed(1)),
      epochsPerSecond: Number(((end.epoch - start.epoch) / seconds).toFixed(1)),
      snapshotsPerSecond: Number(((end.snapshots - start.snapshots) / seconds).toFixed(1)),
      seconds: Number(seconds.toFixed(2)),
      note: 'headless Chromium; its frame clock runs at 60 Hz',
    };
    writeFileSync(join(SHOTS, 'fps.json'), JSON.stringify(result, null, 2) + '\n');
    console.log(`playground frame rate while the spiral trains (3 hidden layers of 8): ${JSON.stringify(result)}`);
    // The page kept drawing and the worker kept training (the figure itself is reported, not asserted).
    assert.ok(end.frames > start.frames && end.epoch > start.epoch && end.snapshots > start.snapshots);
    await page.screenshot({ path: join(SHOTS, 'playground-spiral.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('every dataset builds and trains a step; multiclass blobs export a model the CLI evaluates to the accuracy shown', async () => {
  const { page, problems } = await open('#view=playground&hidden=8,8&lr=0.1&optimizer=adam');
  try {
    await ready(page);
    for (const dataset of ['xor', 'gaussian', 'spiral', 'moons', 'blobs', 'circles']) {
      const before = await page.evaluate(() => window.__playground!.snapshots);
      await page.selectOption('#pg-dataset', dataset);
      await page.waitForFunction((n) => window.__playground!.snapshots > n && window.__playground!.snapshot!.epoch === 0, before);
      await page.click('#pg-step');
      await page.waitForFunction(() => document.querySelector('#pg-epoch')?.textContent === '1');
      assert.match(await text(page, '#pg-train-loss'), /^\d+\.\d{4}$/, dataset);
    }
    await page.selectOption('#pg-dataset', 'blobs');
    await page.fill('#pg-classes', '4');
    await page.press('#pg-classes', 'Enter');
    await page.waitForFunction(() => location.hash.includes('classes=4'));
    await page.waitForFunction(() => window.__playground?.snapshot?.epoch === 0);
    for (let i = 0; i < 5; i++) await page.click('#pg-step');
    await page.waitForFunction(() => document.querySelector('#pg-epoch')?.textContent === '5');
    const shown = await text(page, '#pg-test-acc');
    await page.screenshot({ path: join(SHOTS, 'playground-blobs.png'), fullPage: true });
    const { dir, modelText } = await exportFiles(page);
    assert.equal(loadFromText('model.json', modelText).metadata['task'], 'multiclass');
    const evaluated = chainrule(['evaluate', '--model', 'model.json', '--data', 'test.csv'], { cwd: dir });
    assert.equal(evaluated.status, 0, evaluated.stderr);
    assert.match(evaluated.stdout, new RegExp(`accuracy ${shown.replace('.', '\\.')}\\b`));
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
