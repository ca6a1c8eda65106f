// Chromium (Debian's, driven by playwright-core) on the built playground (web/dist), served as a static site.
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { serveStatic } from './server.js';

// What the playground exposes for tests and the frame-rate measurement (web/src/playground/view.ts).
declare global {
  interface Window {
    __playground?: {
      fps: number;
      frames: number;
      snapshots: number;
      snapshot: { backend: string; epoch: number; running: boolean } | null;
      /** The last epoch on the charts (−1: none since the last configuration). */
      charted: number;
    };
  }
}

const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const SHOTS = 'test-output/playground';
const DIST = 'web/dist';

export interface Site {
  /** A page at the site's URL + hash that records every console error or warning, failed request and uncaught exception. */
  open(hash: string, viewport?: { width: number; height: number }, options?: { init?: () => void }): Promise<{ page: Page; problems: string[] }>;
  readonly browser: Browser;
  close(): Promise<void>;
}

export async function startSite(options: { isolated?: boolean } = {}): Promise<Site> {
  assert.ok(existsSync(join(DIST, 'index.html')), 'web/dist is missing: run npm run build:web (npm test does)');
  const server = await serveStatic(DIST, options);
  const browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run', '--disable-sync'],
  });
  mkdirSync(SHOTS, { recursive: true });
  return {
    browser,
    async open(hash, viewport = { width: 1280, height: 800 }, options = {}) {
      const page = await browser.newPage({ viewport, acceptDownloads: true });
      // Runs in the page before its own scripts (to watch what the page does).
      if (options.init !== undefined) await page.addInitScript(options.init);
      const problems: string[] = [];
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') problems.push(`${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (e) => problems.push(`pageerror: ${e.message}`));
      page.on('requestfailed', (r) => problems.push(`requestfailed: ${r.url()}`));
      await page.goto(server.url + hash, { waitUntil: 'load' });
      return { page, problems };
    },
    async close() {
      await browser.close();
      await server.close();
    },
  };
}

export async function text(page: Page, selector: string): Promise<string> {
  return (await page.textContent(selector))?.trim() ?? '';
}

/** Waits for the playground's first snapshot to be drawn. */
export async function ready(page: Page): Promise<void> {
  await page.waitForFunction(() => (window.__playground?.snapshots ?? 0) > 0 && document.querySelector('#pg-train-loss')?.textContent !== '—');
}

/** Waits for the step view to reach a phase (its data-phase). */
export async function phase(page: Page, value: string): Promise<void> {
  await page.waitForSelector(`#view-step[data-phase="${value}"]`, { timeout: 20_000 });
}

/** A CSV file for `page.setInputFiles`. */
export const csvFile = (name: string, text: string) => ({ name, mimeType: 'text/csv', buffer: Buffer.from(text) });

/** Two classes, left and right, on a grid of 60 points. */
export function goodCsv(): string {
  const rows = ['x,y,label'];
  for (let i = 0; i < 60; i++) rows.push(`${((i % 10) - 4.5) / 5},${(Math.floor(i / 10) - 2.5) / 3},${i % 10 < 5 ? 'left' : 'right'}`);
  return rows.join('\n') + '\n';
}

/** Clicks Export model and Export test data; the downloads, written to a new directory as model.json and test.csv. */
export async function exportFiles(page: Page): Promise<{ dir: string; modelText: string; csvText: string; modelName: string }> {
  const [modelDownload] = await Promise.all([page.waitForEvent('download'), page.click('#pg-export')]);
  const [dataDownload] = await Promise.all([page.waitForEvent('download'), page.click('#pg-export-data')]);
  const modelText = readFileSync((await modelDownload.path())!, 'utf8');
  const csvText = readFileSync((await dataDownload.path())!, 'utf8');
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-playground-'));
  writeFileSync(join(dir, 'model.json'), modelText);
  writeFileSync(join(dir, 'test.csv'), csvText);
  return { dir, modelText, csvText, modelName: modelDownload.suggestedFilename() };
}
