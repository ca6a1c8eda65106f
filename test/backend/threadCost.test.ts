// The decision whether a wasm product uses worker threads, from given (not measured) costs:
// no timing here, only the model's arithmetic.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { blend, chunkRows, productWorkers, threadedMs, type ThreadCosts } from '../../src/backend/wasm/threadCost.js';

/** 10 GFLOP/s-ish: 5·10⁶ multiply-adds per ms, at full speed shared; a 0.3 ms wake, a 0.05 ms hand-back. */
const COSTS: ThreadCosts = { rate: 5e6, sharedRate: 5e6, wakeMs: 0.3, syncMs: 0.05 };

test('productWorkers: no workers for a product whose one-thread time is below the wake cost', () => {
  // 64 × 256 × 128 (the MLP's second layer): 2.1·10⁶ multiply-adds, 0.42 ms alone; a worker joining 0.3 ms late saves too little.
  assert.equal(productWorkers(64 * 256 * 128, 64, 0, COSTS, 1), 0);
  // Below the wake latency outright: a worker would join after the caller finished.
  assert.equal(productWorkers(5e5, 512, 0, COSTS, 7), 0);
  assert.equal(threadedMs(5e5, 512, 0, COSTS, 1), 5e5 / COSTS.rate);
});

test('productWorkers: every worker for a large product; the count grows with the work', () => {
  assert.equal(productWorkers(1024 ** 3, 1024, 0, COSTS, 1), 1);
  assert.equal(productWorkers(1024 ** 3, 1024, 0, COSTS, 7), 7);
  // Mid-size: some workers pay, not all (each joins 0.3 ms late, and every extra one adds a shorter share).
  const mid = productWorkers(8e6, 256, 0, { ...COSTS, wakeMs: 0.5 }, 7);
  assert.ok(mid >= 1 && mid < 7, `mid-size product: ${mid} workers`);
  assert.ok(productWorkers(64e6, 1024, 0, { ...COSTS, wakeMs: 0.5 }, 7) > mid);
});

test('productWorkers: packing B on the caller hides the wake; slow shared threads or a slow hand-back keep one thread', () => {
  const work = 64 * 784 * 256; // the MLP's first layer, 2.5 ms alone at this rate
  const slowWake = { ...COSTS, wakeMs: 2.2 };
  assert.equal(productWorkers(work, 64, 0, slowWake, 1), 0);
  // 2 ms of packing while the worker wakes: it joins 0.2 ms after the caller starts computing.
  assert.equal(productWorkers(work, 64, 2, slowWake, 1), 1);
  // Threads that each run at half speed together (two busy cores' worth of other work) never pay.
  assert.equal(productWorkers(1024 ** 3, 1024, 0, { ...COSTS, sharedRate: COSTS.rate / 2 }, 1), 0);
  // A hand-back as long as half the product's time does not pay either.
  assert.equal(productWorkers(work, 64, 0, { ...COSTS, syncMs: 1.3 }, 1), 0);
});

test('productWorkers: whatever it picks is expected to beat one thread; too few rows for two chunks per thread use fewer workers', () => {
  for (const work of [1e5, 1e6, 4e6, 1.6e7, 1e8, 1e9]) {
    for (const m4 of [8, 16, 64, 256, 1024]) {
      for (const wakeMs of [0.01, 0.1, 1, 10]) {
        const costs = { ...COSTS, wakeMs };
        const w = productWorkers(work, m4, 0, costs, 7);
        const single = work / costs.rate;
        if (w > 0) assert.ok(threadedMs(work, m4, 0, costs, w) < single, `work ${work} m4 ${m4} wake ${wakeMs}: ${w}`);
        assert.ok(w <= Math.max(0, m4 / 8 - 1), `m4 ${m4}: ${w} workers`);
      }
    }
  }
  assert.equal(productWorkers(1024 ** 3, 8, 0, COSTS, 7), 0);
  assert.equal(productWorkers(1024 ** 3, 16, 0, COSTS, 7), 1);
});

test('chunkRows: whole 4-row groups, about four chunks per thread, at least 8 rows; blend moves a quarter of the way', () => {
  assert.equal(chunkRows(1024, 1), 128);
  assert.equal(chunkRows(64, 1), 8);
  assert.equal(chunkRows(100, 3), 8);
  assert.equal(chunkRows(1000, 3), 64);
  assert.equal(blend(1, 2), 1.25);
});
