// The step-by-step view in Chromium: with the reference values, Forward, Backward and Update show
// the reference tutorial's numbers (sections 3–4); Step and Run N epochs train as the tutorial does.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { trainTutorial } from '../../src/index.js';
import { SHOTS, phase, startSite, text, type Site } from './browser.js';

let site: Site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

/** Presses Run N epochs and waits for the run to end at `epoch`. */
async function runTo(page: Page, epoch: number): Promise<void> {
  await page.click('#step-run');
  await page.waitForFunction((n) => document.querySelector('#step-epoch')?.textContent?.trim() === String(n), epoch, { timeout: 30_000 });
  await phase(page, 'idle');
}

async function values(page: Page, attr: string, names: readonly string[]): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const n of names) out[n] = await text(page, `[${attr}="${n}"]`);
  return out;
}

test('the step-by-step view reproduces the reference numbers after Forward, Backward and Update', async () => {
  const { page, problems } = await site.open('#view=step');
  try {
    await page.click('#step-forward');
    await phase(page, 'forwarded');
    assert.deepEqual(await values(page, 'data-value', ['z1', 'h', 'y', 'L']), { z1: '0.3000', h: '0.5744', y: '0.3723', L: '0.0259' });
    await page.screenshot({ path: join(SHOTS, 'step-forward.png'), fullPage: true });
    await page.click('#step-backward');
    await phase(page, 'backwarded');
    assert.deepEqual(await values(page, 'data-grad', ['y', 'w2', 'b2', 'w1', 'b1']), { y: '−0.2277', w2: '−0.1308', b2: '−0.2277', w1: '−0.0083', b1: '−0.0167' });
    const body = (await page.textContent('#view-step')) ?? '';
    assert.ok(body.includes('(−0.2277)(0.3)(0.2445)(0.5)'), 'the chain-rule product for w1 is shown with its factors');
    await page.screenshot({ path: join(SHOTS, 'step-backward.png'), fullPage: true });
    await page.click('#step-update');
    await phase(page, 'updated');
    assert.deepEqual(await values(page, 'data-old', ['w1', 'b1', 'w2', 'b2']), { w1: '0.4000', b1: '0.1000', w2: '0.3000', b2: '0.2000' });
    assert.deepEqual(await values(page, 'data-new', ['w1', 'b1', 'w2', 'b2']), { w1: '0.4008', b1: '0.1017', w2: '0.3131', b2: '0.2228' });
    assert.ok((await page.$$('#step-derivation .katex-display')).length >= 10, 'the derivation is typeset');
    await page.screenshot({ path: join(SHOTS, 'step-update.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('Run 60 epochs trains as the tutorial does: the same final loss, charts grow, the URL keeps the values', async () => {
  const { page, problems } = await site.open('#view=step');
  try {
    await runTo(page, 60);
    const run = trainTutorial();
    const last = run.history.epochs[run.history.epochs.length - 1]!;
    // The loss after 60 updates, from the library run in Node (the view shows the latest loss).
    const shown = await text(page, '#step-loss');
    assert.ok(Math.abs(Number(shown.replace('−', '-')) - last.loss) < 5e-5 || shown === '0.0000', `loss ${shown} vs ${last.loss}`);
    assert.ok((await page.$$('#step-charts canvas')).length >= 2);
    await page.screenshot({ path: join(SHOTS, 'step-run.png'), fullPage: true });
    // Editing a value goes into the link; a new page from the link has it.
    await page.fill('#step-w1', '0.7');
    await page.press('#step-w1', 'Tab');
    await page.waitForFunction(() => location.hash.includes('w1=0.7'));
    const link = await page.evaluate(() => location.href);
    const again = await site.browser.newPage();
    try {
      await again.goto(link);
      assert.equal(await again.inputValue('#step-w1'), '0.7');
    } finally {
      await again.close();
    }
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('the step-by-step view works at phone width and by keyboard', async () => {
  const { page, problems } = await site.open('#view=step', { width: 390, height: 844 });
  try {
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    assert.ok(overflow <= 1, `the page is ${overflow}px wider than the phone`);
    await page.focus('#step-forward');
    await page.keyboard.press('Enter');
    await phase(page, 'forwarded');
    assert.equal(await text(page, '[data-value="h"]'), '0.5744');
    await page.screenshot({ path: join(SHOTS, 'step-phone.png'), fullPage: true });
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('with a tiny learning rate the update table still shows each step (not +0.0000), and fits a phone', async () => {
  const update = async (hash: string) => {
    const { page, problems } = await site.open(hash, { width: 390, height: 844 });
    await page.click('#step-forward');
    await phase(page, 'forwarded');
    await page.click('#step-backward');
    await phase(page, 'backwarded');
    await page.click('#step-update');
    await phase(page, 'updated');
    const steps = await page.$$eval('.step-update-table tbody tr', (rows) => rows.map((r) => r.querySelector('td:nth-of-type(2)')?.textContent ?? ''));
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
    await page.close();
    assert.ok(overflow <= 1, `${hash}: the page is ${overflow}px wider than the phone`);
    assert.deepEqual(problems, []);
    return steps;
  };
  // The reference values: −η·∂L/∂w1 = −0.00001·(−0.0083…) = +8.32e−8, and so on.
  const steps = await update('#view=step&steplr=0.00001');
  assert.equal(steps.length, 4);
  for (const s of steps) assert.doesNotMatch(s, /= [+−]?0\.0000$/, s);
  assert.match(steps[0]!, /^−0\.00001·\(−0\.0083\) = \+8\.\d\de−8$/);
  // h = σ(93.33) = 1: w1 and b1 get no gradient (a step of exactly 0), w2 and b2 one of −η·(−0.1) = +0.000001.
  assert.deepEqual(await update('#view=step&steplr=0.00001&w1=-12.345678&b1=99.5'), ['−0.00001·(0) = 0.0000', '−0.00001·(0) = 0.0000', '−0.00001·(−0.1) = +0.000001', '−0.00001·(−0.1) = +0.000001']);
});

test('a new N for Run N epochs keeps the epochs trained, the loss and the charts', async () => {
  const { page, problems } = await site.open('#view=step');
  try {
    await runTo(page, 60);
    const loss = await text(page, '#step-loss');
    const w1 = await page.inputValue('#step-w1');
    await page.fill('#step-epochs', '5');
    await page.waitForFunction(() => location.hash.includes('epochs=5'));
    assert.equal(await text(page, '#step-run'), 'Run 5 epochs');
    assert.equal(await text(page, '#step-epoch'), '60');
    assert.equal(await text(page, '#step-loss'), loss);
    assert.equal(await page.inputValue('#step-w1'), w1);
    assert.ok((await text(page, '#step-trace')).startsWith('Trained 60 epochs'), 'the last run is still described');
    // An invalid N and back: the same.
    await page.fill('#step-epochs', '');
    assert.equal(await page.isDisabled('#step-run'), true);
    await page.fill('#step-epochs', '5');
    assert.equal(await page.isDisabled('#step-run'), false);
    assert.equal(await text(page, '#step-epoch'), '60');
    await runTo(page, 65);
    assert.ok((await text(page, '#step-trace')).startsWith('Trained 5 epochs (epochs 61–65)'));
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
