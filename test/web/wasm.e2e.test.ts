// The wasm backend in real headless Chromium: web/selftest.html (built by `npm run build:web`)
// runs float32 products on wasm and cpu, and a few MLP training steps on each, in the page.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { SHOTS, startSite, type Site } from './browser.js';

interface SelfTest {
  defaultBackend: string;
  backends: string[];
  products: { shape: string; maxDiff: number; bound: number }[];
  losses: { cpu: number[]; wasm: number[] };
  ms: { cpu: number; wasm: number };
  error?: string;
  worker?: { crossOriginIsolated: boolean; threads: number; maxDiff: number; bound: number; error?: string };
}

let site: Site;
let isolatedSite: Site;
before(async () => {
  site = await startSite();
  isolatedSite = await startSite({ isolated: true });
});
after(async () => {
  await site?.close();
  await isolatedSite?.close();
});

async function selftest(on: Site): Promise<{ r: SelfTest; problems: string[]; close: () => Promise<void>; shot: (name: string) => Promise<void> }> {
  const { page, problems } = await on.open('selftest.html');
  await page.waitForFunction(() => (window as { __selftest?: { worker?: unknown } }).__selftest?.worker !== undefined, undefined, { timeout: 60_000 });
  const r = (await page.evaluate(() => (window as { __selftest?: unknown }).__selftest)) as SelfTest;
  return { r, problems, close: () => page.close(), shot: async (name) => void (await page.screenshot({ path: join(SHOTS, name), fullPage: true })) };
}

test('in headless Chromium the wasm backend loads, is the default, and agrees with cpu on products and training', async () => {
  const { r, problems, close, shot } = await selftest(site);
  try {
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.defaultBackend, 'wasm');
    assert.ok(r.backends.includes('wasm') && r.backends.includes('cpu'), r.backends.join(', '));
    assert.equal(r.products.length, 5);
    for (const p of r.products) assert.ok(p.maxDiff <= p.bound + 1e-7, `${p.shape}: wasm and cpu differ by ${p.maxDiff} > ${p.bound}`);
    assert.equal(r.losses.wasm.length, 10);
    r.losses.cpu.forEach((l, i) => assert.ok(Math.abs(l - r.losses.wasm[i]!) <= 1e-4, `step ${i}: cpu ${l}, wasm ${r.losses.wasm[i]}`));
    assert.ok(r.losses.wasm[9]! < r.losses.wasm[0]!, `the loss falls: ${r.losses.wasm.join(', ')}`);
    assert.ok(Number.isFinite(r.ms.wasm) && Number.isFinite(r.ms.cpu));
    // In a Web Worker on a page that is not cross-origin isolated: one thread, the same results.
    assert.equal(r.worker?.error, undefined, r.worker?.error);
    assert.equal(r.worker?.crossOriginIsolated, false);
    assert.equal(r.worker?.threads, 1);
    assert.ok(r.worker.maxDiff <= r.worker.bound, `worker: ${r.worker.maxDiff} > ${r.worker.bound}`);
    await shot('selftest.png');
    assert.deepEqual(problems, []);
    // Reported, not asserted (timings are for benchmarks): how much faster wasm is here.
    process.stdout.write(`# selftest in Chromium: 256×256 product cpu ${r.ms.cpu.toFixed(2)} ms, wasm ${r.ms.wasm.toFixed(2)} ms\n`);
  } finally {
    await close();
  }
});

test('on a cross-origin-isolated page, the wasm backend in a Web Worker shares large products among nested Web Workers, with cpu-agreeing results', async () => {
  const { r, problems, close, shot } = await selftest(isolatedSite);
  try {
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.worker?.error, undefined, r.worker?.error);
    assert.equal(r.worker?.crossOriginIsolated, true);
    const cores = await (async () => (await isolatedSite.browser.newPage()).evaluate(() => navigator.hardwareConcurrency))();
    assert.equal(r.worker.threads, Math.min(8, cores), `threads ${r.worker.threads} on ${cores} cores`);
    assert.ok(r.worker.threads >= 2, 'this machine has at least 2 cores');
    assert.ok(r.worker.maxDiff <= r.worker.bound, `threaded product differs from cpu by ${r.worker.maxDiff} > ${r.worker.bound}`);
    await shot('selftest-isolated.png');
    assert.deepEqual(problems, []);
  } finally {
    await close();
  }
});
