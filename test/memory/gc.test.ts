import { test } from 'node:test';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Tensor, registerBackend, getBackend, withBackend, tensor, randn, manualSeed, allocatorSeamBackend } from './externalBackend.js';

const gc = (globalThis as { gc?: () => void }).gc;

async function collect(): Promise<void> {
  for (let i = 0; i < 5; i++) {
    gc?.();
    await sleep(10);
  }
}

test('tensors and their graphs are reclaimed by the garbage collector without dispose()', async () => {
  assert.ok(gc !== undefined, 'tests run with --expose-gc (scripts/run-tests.mjs)');
  const refs: WeakRef<Tensor>[] = [];
  (() => {
    const w = tensor([1, 2, 3], { requiresGrad: true });
    let y = w;
    for (let i = 0; i < 50; i++) y = y.mul(1.01).tanh();
    y.sum().backward();
    refs.push(new WeakRef(w), new WeakRef(y));
  })();
  await collect();
  assert.equal(refs.filter((r) => r.deref() !== undefined).length, 0);
});

test('a training-like loop does not grow the heap', async () => {
  manualSeed(0);
  const w = randn([64, 64], { requiresGrad: true });
  const x = randn([32, 64]);
  const step = () => {
    w.zeroGrad();
    x.matmul(w).relu().square().mean().backward();
  };
  for (let i = 0; i < 20; i++) step();
  await collect();
  const before = process.memoryUsage().heapUsed;
  for (let i = 0; i < 300; i++) step();
  await collect();
  const grown = process.memoryUsage().heapUsed - before;
  // 300 steps allocate ~300 × 6 tensors of 8–16 KiB (~20 MiB); what stays must be far less.
  assert.ok(grown < 4 * 1024 * 1024, `heap grew by ${(grown / 1048576).toFixed(1)} MiB`);
});

test('a backend whose memory lives outside the JS heap frees it through a FinalizationRegistry', async () => {
  const backend = allocatorSeamBackend();
  registerBackend(backend);
  const sum = withBackend(backend.name, () => {
    assert.equal(getBackend().name, backend.name);
    const a = tensor([1, 2, 3]);
    const b = a.mul(2).add(1).sum();
    return b.item();
  });
  assert.equal(sum, 15);
  assert.ok(backend.stats.allocated > 0);
  await collect();
  await sleep(50);
  await collect();
  assert.equal(backend.stats.live(), 0, 'every buffer handed out was released after its tensor was collected');
});
