// The playground in Chromium when things go wrong or change under it: a reset while training, CSV
// files it cannot use, a run that diverges, a link opened in the same tab, uploaded data exported.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadFromText } from '../../src/index.js';
import { chainrule } from '../cli/run.js';
import { csvFile, exportFiles, goodCsv, ready, startSite, text, type Site } from './browser.js';

declare global {
  interface Window {
    /** What the page's probe held each time a worker's 'data' message arrived (before the page handled it). */
    __snapshotAtData?: (number | null)[];
  }
}

let site: Site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

test('Reset while training drops what the old run still had in flight: the new run starts at epoch 0, charts included', async () => {
  const { page, problems } = await site.open('#view=playground&dataset=spiral&hidden=8,8', undefined, {
    init: () => {
      window.__snapshotAtData = [];
      const Base = window.Worker;
      window.Worker = class extends Base {
        constructor(url: string | URL, options?: WorkerOptions) {
          super(url, options);
          // Registered before the page's onmessage, so it sees the probe as the earlier messages left it.
          this.addEventListener('message', (e: MessageEvent<{ type: string }>) => {
            if (e.data.type === 'data') window.__snapshotAtData!.push(window.__playground?.snapshot?.epoch ?? null);
          });
        }
      };
    },
  });
  try {
    await ready(page);
    for (let round = 0; round < 5; round++) {
      await page.click('#pg-play');
      // Drawn, too: after Reset, an epoch 0 on the page can then only come from the new run.
      await page.waitForFunction(() => (window.__playground?.snapshot?.epoch ?? 0) >= 3 && Number(document.querySelector('#pg-epoch')?.textContent) >= 3);
      await page.click('#pg-reset');
      await page.waitForFunction(() => window.__playground?.snapshot?.epoch === 0 && document.querySelector('#pg-epoch')?.textContent === '0');
      assert.equal(await page.evaluate(() => window.__playground!.charted), 0, `round ${round}: the loss chart starts again at epoch 0`);
      assert.equal(await text(page, '#pg-play'), 'Play');
    }
    // The old run's snapshots never reached the page once Reset was pressed.
    assert.deepEqual(await page.evaluate(() => window.__snapshotAtData), [null, null, null, null, null, null]);
    // And the charts follow the new run.
    await page.click('#pg-play');
    await page.waitForFunction(() => (window.__playground?.charted ?? 0) >= 5);
    await page.click('#pg-play');
    await page.waitForFunction(() => window.__playground?.snapshot?.running === false);
    await page.waitForFunction(() => window.__playground!.charted === window.__playground!.snapshot!.epoch);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a CSV with one class, the wrong columns or no header names the file (and line); nothing stale is left on show or to train', async () => {
  const { page, problems } = await site.open('#view=playground');
  try {
    await ready(page);
    const error = () => text(page, '#pg-csv-error');
    const trainable = async () => ({
      play: !(await page.isDisabled('#pg-play')),
      step: !(await page.isDisabled('#pg-step')),
      export: !(await page.isDisabled('#pg-export')),
    });
    const none = { play: false, step: false, export: false };
    const all = { play: true, step: true, export: true };
    await page.setInputFiles('#pg-csv', csvFile('points.csv', goodCsv()));
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('#pg-dataset')?.value === 'csv');
    await page.waitForFunction(() => window.__playground?.snapshot !== null && document.querySelector('#pg-train-loss')?.textContent !== '—');
    await page.click('#pg-step');
    await page.waitForFunction(() => document.querySelector('#pg-epoch')?.textContent === '1');

    // One class: the error, and no trace of points.csv's network (it is not what the page now says it trains).
    await page.setInputFiles('#pg-csv', csvFile('one.csv', 'x,y,label\n1,2,a\n3,4,a\n5,6,a\n'));
    await page.waitForSelector('#pg-csv-error:not([hidden])');
    assert.match(await error(), /^one\.csv: the class column 'label' has 1 distinct value; it needs at least 2$/);
    await page.waitForFunction(() => document.querySelector('#pg-train-loss')?.textContent === '—');
    assert.equal(await text(page, '#pg-epoch'), '0');
    assert.equal(await text(page, '#pg-test-acc'), '—');
    assert.deepEqual(await trainable(), none);

    await page.setInputFiles('#pg-csv', csvFile('cols.csv', 'a,b\n1,2\n3,4\n'));
    await page.waitForFunction(() => document.querySelector('#pg-csv-error')?.textContent?.startsWith('cols.csv'));
    assert.match(await error(), /^cols\.csv:1: expected a header of three columns, two features and the class \(e\.g\. x,y,label\), got 2 columns$/);
    assert.deepEqual(await trainable(), none);

    // Without a header, the first point would silently have become the column names.
    await page.setInputFiles('#pg-csv', csvFile('noheader.csv', '0.1,0.2,0\n0.3,0.4,1\n0.5,0.6,0\n'));
    await page.waitForFunction(() => document.querySelector('#pg-csv-error')?.textContent?.startsWith('noheader.csv'));
    assert.match(await error(), /^noheader\.csv:1: expected a header line naming the columns/);

    // A built-in dataset trains again; back on the CSV, the file is still the unusable one.
    await page.selectOption('#pg-dataset', 'moons');
    await page.waitForFunction(() => document.querySelector('#pg-train-loss')?.textContent !== '—');
    assert.equal(await page.isHidden('#pg-csv-error'), true);
    assert.deepEqual(await trainable(), all);
    await page.click('#pg-step');
    await page.waitForFunction(() => document.querySelector('#pg-epoch')?.textContent === '1');
    await page.selectOption('#pg-dataset', 'csv');
    await page.waitForSelector('#pg-csv-error:not([hidden])');
    assert.match(await error(), /^noheader\.csv:1:/);
    assert.deepEqual(await trainable(), none);
    await page.setInputFiles('#pg-csv', csvFile('points.csv', goodCsv()));
    await page.waitForFunction(() => document.querySelector('#pg-train-loss')?.textContent !== '—');
    assert.equal(await page.isHidden('#pg-csv-error'), true);
    assert.deepEqual(await trainable(), all);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a run that diverges stops with a message saying so, instead of training on NaN shown as —', async () => {
  const { page, problems } = await site.open('#view=playground&lr=10&activation=linear&hidden=8,8');
  try {
    await ready(page);
    await page.click('#pg-play');
    await page.waitForSelector('#pg-error:not([hidden])', { timeout: 30_000 });
    assert.match(await text(page, '#pg-error'), /^Training diverged in epoch \d+: the loss or its gradient is no longer a finite number\. Lower the learning rate and press Reset\.$/);
    await page.waitForFunction(() => window.__playground?.snapshot?.running === false);
    assert.equal(await text(page, '#pg-play'), 'Play');
    assert.equal(await page.getAttribute('#pg-play', 'aria-pressed'), 'false');
    // Reset starts over from the seed: finite numbers again, the message gone.
    await page.click('#pg-reset');
    await page.waitForFunction(() => /^\d+\.\d{4}$/.test(document.querySelector('#pg-train-loss')?.textContent ?? ''));
    assert.equal(await page.isHidden('#pg-error'), true);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('a link opened in the same tab (only the hash changes) shows its configuration', async () => {
  const { page, problems } = await site.open('#view=playground');
  try {
    await ready(page);
    await Promise.all([page.waitForEvent('load'), page.evaluate(() => (location.hash = '#view=playground&dataset=xor&hidden=3'))]);
    await ready(page);
    assert.equal(await page.inputValue('#pg-dataset'), 'xor');
    assert.equal(await text(page, '#pg-layer-count'), '1 hidden layer');
    await Promise.all([page.waitForEvent('load'), page.evaluate(() => (location.hash = '#view=step&w1=0.9'))]);
    await page.waitForSelector('#step-w1');
    assert.equal(await page.inputValue('#step-w1'), '0.9');
    assert.equal(await page.isVisible('#view-step'), true);
    assert.equal(await page.isHidden('#view-playground'), true);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test("a model trained on an uploaded CSV exports with that file's column and class names: chainrule predict reads the file itself", async () => {
  const { page, problems } = await site.open('#view=playground&hidden=8&lr=0.1&optimizer=adam');
  try {
    await ready(page);
    // Three clusters; one class name needs quoting.
    const centres: [string, number, number][] = [['red', -1, -1], ['green', 1, -1], ['dark, blue', 0, 1]];
    const rows = ['a,b,kind'];
    for (let i = 0; i < 90; i++) {
      const [name, cx, cy] = centres[i % 3]!;
      rows.push(`${cx + 0.3 * Math.sin(i * 1.7)},${cy + 0.3 * Math.cos(i * 2.3)},${name.includes(',') ? `"${name}"` : name}`);
    }
    const original = rows.join('\n') + '\n';
    await page.setInputFiles('#pg-csv', csvFile('clusters.csv', original));
    await page.waitForFunction(() => document.querySelector<HTMLSelectElement>('#pg-dataset')?.value === 'csv' && window.__playground?.snapshot !== null);
    for (let i = 1; i <= 5; i++) {
      await page.click('#pg-step');
      await page.waitForFunction((n) => document.querySelector('#pg-epoch')?.textContent === String(n), i);
    }
    const shown = await text(page, '#pg-test-acc');
    const { dir, modelText, csvText } = await exportFiles(page);
    const { metadata } = loadFromText('model.json', modelText);
    assert.equal(metadata['task'], 'multiclass');
    assert.deepEqual(metadata['featureNames'], ['a', 'b']);
    assert.equal(metadata['targetName'], 'kind');
    assert.deepEqual(metadata['classes'], ['dark, blue', 'green', 'red']);
    assert.equal(csvText.split('\n')[0], 'a,b,kind');

    writeFileSync(join(dir, 'clusters.csv'), original);
    const predicted = chainrule(['predict', '--model', 'model.json', '--data', 'clusters.csv'], { cwd: dir });
    assert.equal(predicted.status, 0, predicted.stderr);
    const lines = predicted.stdout.trim().split('\n');
    assert.equal(lines.length, 91);
    for (const line of lines.slice(1)) assert.match(line, /^(red|green|"dark, blue"),/);
    const evaluated = chainrule(['evaluate', '--model', 'model.json', '--data', 'test.csv'], { cwd: dir });
    assert.equal(evaluated.status, 0, evaluated.stderr);
    assert.match(evaluated.stdout, new RegExp(`accuracy ${shown.replace('.', '\\.')}\\b`));
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('leaving the playground pauses its training; choosing the same CSV file again reloads it', async () => {
  const { page, problems } = await site.open('#view=playground');
  try {
    await page.waitForFunction(() => (window.__playground?.snapshots ?? 0) > 0);
    await page.click('#pg-play');
    await page.waitForFunction(() => (window.__playground?.snapshot?.epoch ?? 0) > 3);
    await page.click('#tab-step');
    await page.waitForFunction(() => window.__playground?.snapshot?.running === false);
    const epoch = await page.evaluate(() => window.__playground!.snapshot!.epoch);
    await page.waitForTimeout(300);
    assert.equal(await page.evaluate(() => window.__playground!.snapshot!.epoch), epoch, 'no epochs trained while the step view is shown');
    await page.click('#tab-playground');
    assert.equal(await page.textContent('#pg-play'), 'Play');

    const bad = 'x,y,label\n0.1,0.2,a\n0.3,oops,b\n';
    await page.setInputFiles('#pg-csv', csvFile('points.csv', bad));
    await page.waitForSelector('#pg-csv-error:not([hidden])');
    assert.match((await page.textContent('#pg-csv-error')) ?? '', /^points\.csv:3:/);
    const good = ['x,y,label', ...Array.from({ length: 40 }, (_, i) => `${(i % 8) / 4 - 1},${Math.floor(i / 8) / 2 - 1},${i % 8 < 4 ? 'a' : 'b'}`)].join('\n') + '\n';
    await page.setInputFiles('#pg-csv', csvFile('points.csv', good));
    await page.waitForSelector('#pg-csv-error', { state: 'hidden' });
    await page.waitForFunction(() => document.querySelector('#pg-train-loss')?.textContent !== '—');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
