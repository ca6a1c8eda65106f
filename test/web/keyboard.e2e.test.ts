// Keyboard use of the playground in Chromium: focus never drops back to the top of the page when
// a button is disabled, hidden or rebuilt under it, and the tab list follows the arrow keys.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import type { Page } from 'playwright-core';
import { phase, startSite, text, type Site } from './browser.js';

let site: Site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

/** The focused element: its id, else its aria-label. */
const focused = (page: Page) => page.evaluate(() => document.activeElement?.id || document.activeElement?.getAttribute('aria-label') || document.activeElement?.tagName);

test('a keyboard user goes Forward, Backward, Update and Run with Enter alone: focus moves on to the next button', async () => {
  const { page, problems } = await site.open('#view=step');
  try {
    await page.focus('#step-forward');
    await page.keyboard.press('Enter');
    await phase(page, 'forwarded');
    assert.equal(await focused(page), 'step-backward');
    await page.keyboard.press('Enter');
    await phase(page, 'backwarded');
    assert.equal(await focused(page), 'step-update');
    await page.keyboard.press(' ');
    await phase(page, 'updated');
    assert.equal(await text(page, '[data-new="w1"]'), '0.4008');
    assert.equal(await focused(page), 'step-forward');
    // Run disables itself: Stop takes the focus, and Run gets it back at the end.
    await page.focus('#step-run');
    await page.keyboard.press('Enter');
    await phase(page, 'running');
    assert.equal(await focused(page), 'step-stop');
    await phase(page, 'idle');
    assert.equal(await text(page, '#step-epoch'), '61');
    assert.equal(await focused(page), 'step-run');
    // Editing a field is left alone.
    await page.focus('#step-lr');
    await page.keyboard.type('5');
    assert.equal(await focused(page), 'step-lr');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('the tab list follows ArrowLeft, ArrowRight, Home and End', async () => {
  const { page, problems } = await site.open('#view=step');
  try {
    const selected = () => page.$$eval('[role=tab][aria-selected=true]', (ts) => ts.map((t) => t.id));
    await page.focus('#tab-step');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'tab-playground');
    assert.deepEqual(await selected(), ['tab-playground']);
    assert.equal(await page.isVisible('#view-playground'), true);
    await page.keyboard.press('Home');
    assert.equal(await focused(page), 'tab-step');
    assert.deepEqual(await selected(), ['tab-step']);
    await page.keyboard.press('End');
    assert.equal(await focused(page), 'tab-playground');
    await page.keyboard.press('ArrowRight');
    assert.equal(await focused(page), 'tab-step');
    await page.keyboard.press('ArrowLeft');
    assert.deepEqual(await selected(), ['tab-playground']);
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('dismissing the notice about a bad link leaves the focus on the view, not at the top of the page', async () => {
  const { page, problems } = await site.open('#view=step&w1=oops');
  try {
    assert.equal(await page.isVisible('#notices'), true);
    await page.focus('#notices button');
    await page.keyboard.press('Enter');
    assert.equal(await page.isHidden('#notices'), true);
    assert.equal(await focused(page), 'tab-step');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});

test('adding and removing layers and neurons by keyboard keeps the focus on the button pressed (or its neighbour once that one is disabled)', async () => {
  const { page, problems } = await site.open('#view=playground&hidden=4,2');
  try {
    await page.waitForFunction(() => (window.__playground?.snapshots ?? 0) > 0);
    await page.focus('#pg-add-layer');
    for (let i = 0; i < 3; i++) {
      await page.keyboard.press('Enter');
      assert.equal(await focused(page), 'pg-add-layer');
    }
    // The sixth layer: + layer is disabled, − layer beside it takes the focus.
    await page.keyboard.press('Enter');
    assert.equal(await text(page, '#pg-layer-count'), '6 hidden layers');
    assert.equal(await page.isDisabled('#pg-add-layer'), true);
    assert.equal(await focused(page), 'pg-remove-layer');
    await page.keyboard.press('Enter');
    assert.equal(await text(page, '#pg-layer-count'), '5 hidden layers');
    assert.equal(await focused(page), 'pg-remove-layer');

    await page.focus('button[aria-label="Add a neuron to hidden layer 1"]');
    for (let n = 5; n <= 8; n++) {
      await page.keyboard.press('Enter');
      assert.equal(await text(page, 'output[data-layer="0"]'), `${n} neurons`);
    }
    // At 8 neurons + is disabled: the − of the same layer takes the focus.
    assert.equal(await focused(page), 'Remove a neuron from hidden layer 1');
    await page.keyboard.press('Space');
    assert.equal(await text(page, 'output[data-layer="0"]'), '7 neurons');
    assert.equal(await focused(page), 'Remove a neuron from hidden layer 1');
    // Tab goes on from there, not from the top of the page.
    await page.keyboard.press('Tab');
    assert.equal(await focused(page), 'Add a neuron to hidden layer 1');
    assert.deepEqual(problems, []);
  } finally {
    await page.close();
  }
});
