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
}

let site: Site;
before(async () => {
  site = await startSite();
});
after(async () => {
  await site?.close();
});

test('in headless Chromium the wasm backend loads, is the default, and agrees with cpu on products and training', async () => {
  const { page, problems } = await site.open('selftest.html');
  try {
    await page.waitForFunction(() => (window as { __selftest?: unknown }).__selftest !== undefined, undefined, { timeout: 60_000 });
    const r = (await page.evaluate(() => (window as { __selftest?: unknown }).__selftest)) as SelfTest;
    assert.equal(r.error, undefined, r.error);
    assert.equal(r.defaultBackend, 'wasm');
    assert.ok(r.backends.includes('wasm') && r.backends.includes('cpu'), r.backends.join(', '));
    assert.equal(r.products.length, 5);
    for (const p of r.products) assert.ok(p.maxDiff <= p.bound + 1e-7, `${p.shape}: wasm and cpu differ by ${p.maxDiff} > ${p.bound}`);
    assert.equal(r.losses.wasm.length, 10);
    r.losses.cpu.forEach((l, i) => assert.ok(Math.abs(l - r.losses.wasm[i]!) <= 1e-4, `step ${i}: cpu ${l}, wasm ${r.losses.wasm[i]}`));
    assert.ok(r.losses.wasm[9]! < r.losses.wasm[0]!, `the loss falls: ${r.losses.wasm.join(', ')}`);
    assert.ok(Number.isFinite(r.ms.wasm) && Number.isFinite(r.ms.cpu));
    assert.match((await page.textContent('#result')) ?? '', /"defaultBackend": "wasm"/);
    await page.screenshot({ path: join(SHOTS, 'selftest.png'), fullPage: true });
    assert.deepEqual(problems, []);
    // Reported, not asserted (timings are for benchmarks): how much faster wasm is here.
    process.stdout.write(`# selftest in Chromium: 256×256 product cpu ${r.ms.cpu.toFixed(2)} ms, wasm ${r.ms.wasm.toFixed(2)} ms\n`);
  } finally {
    await page.close();
  }
});
