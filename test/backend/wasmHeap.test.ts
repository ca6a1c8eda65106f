// The wasm backend's heap (src/backend/wasm/heap.ts): tensors live on blocks of WebAssembly
// memory, freed by a FinalizationRegistry, moved out to JS under pressure in synchronous loops,
// and still correct after the memory grows.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { Generator, randn, SGD, setWasmHeapBudget, tensor, wasmHeapStats, withBackend, zeros } from '../../src/index.js';
import { classBytes } from '../../src/backend/wasm/heap.js';

const MiB = 2 ** 20;
const gc = (): void => {
  const collect = (globalThis as { gc?: () => void }).gc;
  assert.ok(collect !== undefined, 'the tests run with --expose-gc (scripts/run-tests.mjs)');
  collect();
};
const turn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

test('size classes: 16-byte steps to 256 bytes, then four per power of two (at most 25% slack), all 16-byte aligned', () => {
  assert.equal(classBytes(1), 16);
  assert.equal(classBytes(17), 32);
  assert.equal(classBytes(256), 256);
  assert.equal(classBytes(257), 320);
  assert.equal(classBytes(4_000_000), 4_194_304);
  for (let n = 1; n < 1e7; n = Math.ceil(n * 1.37) + 1) {
    const c = classBytes(n);
    assert.ok(c >= n && c % 16 === 0, `class of ${n} is ${c}`);
    if (n > 256) assert.ok(c <= n * 1.25 + 16, `class of ${n} is ${c}: more than 25% slack`);
  }
});

test('a tensor on the wasm backend lives on a block of the module memory, and ops read and write blocks in place', () => {
  withBackend('wasm', () => {
    const before = wasmHeapStats().allocated;
    const x = randn([64, 64], { generator: new Generator(1) });
    const y = x.mul(2).add(1);
    assert.ok(x._block !== null && y._block !== null, 'made and computed tensors are on blocks');
    assert.ok(wasmHeapStats().allocated >= before + 3);
    const xs = x.data();
    const ys = y.data();
    for (let i = 0; i < xs.length; i++) assert.equal(ys[i], Math.fround(Math.fround(xs[i]! * 2) + 1));
    // A scalar stays a JS array: a block costs more than its arithmetic.
    assert.equal(tensor(3)._block, null);
  });
});

test('a block freed by the FinalizationRegistry is reused for the next tensor of its size class', async () => {
  await withBackendAsync('wasm', async () => {
    const size = 12345;
    let x: ReturnType<typeof zeros> | null = zeros([size]);
    const ptr = blockPtr(x);
    const freedBefore = wasmHeapStats().freed;
    x = null;
    for (let i = 0; i < 10 && wasmHeapStats().freed === freedBefore; i++) {
      gc();
      await turn();
    }
    assert.ok(wasmHeapStats().freed > freedBefore, 'the finalizer ran');
    const reusedBefore = wasmHeapStats().reused;
    const y = zeros([size]);
    assert.equal(blockPtr(y), ptr, 'the new tensor took the freed place');
    assert.equal(wasmHeapStats().reused, reusedBefore + 1);
    assert.ok(Array.from(y._data).every((v) => v === 0), 'a reused place is cleared');
  });
});

test('a synchronous training loop allocating 10 GB through the heap keeps the wasm memory and the RSS flat, and trains as on cpu', () => {
  const run = (backend: string, steps: number) =>
    withBackend(backend, () => {
      const g = new Generator(7);
      // Large tensors (2M elements: 8 MB each, a dozen per step) and small ones (a scalar loss, a 64-element bias) mixed.
      const w = randn([512, 4096], { generator: g }).mul(0.1).detach().requiresGrad_();
      const b = zeros([64]).requiresGrad_();
      const x = randn([512, 4096], { generator: g });
      const opt = new SGD([w, b], { lr: 1e-6 });
      const losses: number[] = [];
      const samples: { memory: number; rss: number }[] = [];
      for (let s = 0; s < steps; s++) {
        opt.zeroGrad();
        const h = x.mul(w).add(0.5).sigmoid();
        const loss = h.mul(h).sum().add(b.mul(b).sum());
        loss.backward();
        opt.step();
        losses.push(loss.item());
        if (backend === 'wasm' && s % 10 === 0) samples.push({ memory: wasmHeapStats().memoryBytes, rss: process.memoryUsage.rss() });
      }
      return { losses, samples };
    });
  const before = wasmHeapStats().allocatedBytes;
  const previous = setWasmHeapBudget(128 * MiB);
  try {
    const wasm = run('wasm', 150);
    const allocated = wasmHeapStats().allocatedBytes - before;
    assert.ok(allocated >= 10 * 2 ** 30, `allocated ${(allocated / 2 ** 30).toFixed(1)} GiB through the heap`);
    const cpu = run('cpu', 3);
    for (let i = 0; i < 3; i++) assert.ok(Math.abs(wasm.losses[i]! - cpu.losses[i]!) <= 1e-4 * Math.abs(cpu.losses[i]!), `loss ${i}: ${wasm.losses[i]} vs ${cpu.losses[i]}`);
    assert.ok(wasm.losses.every(Number.isFinite) && wasm.losses.at(-1)! < wasm.losses[0]!, 'it trains');
    // After the first steps (the memory grows to the budget), flat: no growth, RSS within 64 MiB.
    const settled = wasm.samples.slice(2);
    const memory = settled.map((s) => s.memory);
    assert.equal(Math.max(...memory), Math.min(...memory), `wasm memory ${memory.map((m) => (m / MiB).toFixed(0)).join(', ')} MiB`);
    assert.ok(memory[0]! <= 192 * MiB, `wasm memory ${memory[0]! / MiB} MiB stays near the 128 MiB budget`);
    const rss = settled.map((s) => s.rss);
    assert.ok(Math.max(...rss) - Math.min(...rss) < 96 * MiB, `RSS ${rss.map((r) => (r / MiB).toFixed(0)).join(', ')} MiB`);
  } finally {
    setWasmHeapBudget(previous);
  }
});

test('an asynchronous loop frees through the finalizers: blocks are reused, nothing is moved out', async () => {
  await withBackendAsync('wasm', async () => {
    const start = wasmHeapStats();
    const x = randn([128, 512], { generator: new Generator(3) });
    for (let s = 0; s < 200; s++) {
      x.mul(1.5).add(x).sum().item();
      if (s % 20 === 19) {
        gc();
        await turn();
      }
    }
    const end = wasmHeapStats();
    assert.ok(end.freed - start.freed > 300, `freed ${end.freed - start.freed}`);
    assert.ok(end.reused - start.reused > 300, `reused ${end.reused - start.reused}`);
    assert.equal(end.movedOut, start.movedOut);
  });
});

test('tensors moved out under pressure keep their values and move back in when used', () => {
  withBackend('wasm', () => {
    const previous = setWasmHeapBudget(1);
    try {
      const g = new Generator(11);
      const keep = randn([300, 100], { generator: g });
      const values = keep.data();
      const movedBefore = wasmHeapStats().movedOut;
      // Many tensors of keep's size class and no room to grow: the oldest unused blocks move out.
      let last = keep;
      for (let i = 0; i < 50; i++) last = randn([300, 100], { generator: g }).add(last.mul(0));
      assert.ok(wasmHeapStats().movedOut > movedBefore, 'blocks were moved out');
      assert.deepEqual(Array.from(keep._data), Array.from(values));
      const doubled = keep.mul(2);
      assert.deepEqual(Array.from(doubled._data), Array.from(values, (v) => Math.fround(v * 2)));
    } finally {
      setWasmHeapBudget(previous);
    }
  });
});

test('a tensor read after its storage moved (the memory grew, detaching an own memory) still gives its values', () => {
  // One thread: the module owns a memory whose buffer detaches when it grows.
  const script = fileURLToPath(new URL('./wasmHeapGrowth.js', import.meta.url));
  const result = spawnSync(process.execPath, [script], { encoding: 'utf8', env: { ...process.env, CHAINRULE_WASM_THREADS: '1' } });
  assert.equal(result.status, 0, result.stderr);
  const report = JSON.parse(result.stdout) as { shared: boolean; growths: number; same: boolean; product: boolean };
  assert.equal(report.shared, false, 'the module owns its memory');
  assert.ok(report.growths > 0, 'the memory grew');
  assert.ok(report.same, 'the values read after the growth equal those before');
  assert.ok(report.product, 'an op on the moved tensor computes with its values');
});

function blockPtr(t: { _block: unknown }): number {
  const b = t._block as { ptr?: unknown } | null;
  assert.ok(b !== null && typeof b.ptr === 'number');
  return b.ptr;
}

async function withBackendAsync(name: string, fn: () => Promise<void>): Promise<void> {
  const { getBackend, setBackend } = await import('../../src/index.js');
  const previous = getBackend().name;
  setBackend(name);
  try {
    await fn();
  } finally {
    setBackend(previous);
  }
}

test('backward gives its temporaries back as it ends: a synchronous loop reuses their blocks with no collection, and the gradients it hands out stay', () => {
  withBackend('wasm', () => {
    const g = new Generator(4);
    const w = randn([256, 256], { generator: g }).requiresGrad_();
    const x = randn([64, 256], { generator: g });
    const grads: number[][] = [];
    const start = wasmHeapStats();
    for (let s = 0; s < 20; s++) {
      w.grad = null;
      x.matmul(w).tanh().mul(x.matmul(w).sigmoid()).sum().backward();
      grads.push(Array.from(w.grad!._data.subarray(0, 8)));
    }
    const end = wasmHeapStats();
    assert.ok(end.released - start.released >= 20 * 4, `released ${end.released - start.released}`);
    assert.ok(end.reused - start.reused >= 20 * 4, `reused ${end.reused - start.reused}`);
    // The same inputs every step: the same gradient every step, and the last one still readable.
    for (const row of grads) assert.deepEqual(row, grads[0]);
    const cpu = withBackend('cpu', () => {
      const wc = tensor(w, { requiresGrad: true });
      const xc = tensor(x);
      xc.matmul(wc).tanh().mul(xc.matmul(wc).sigmoid()).sum().backward();
      return Array.from(wc.grad!._data.subarray(0, 8));
    });
    grads[0]!.forEach((v, i) => assert.ok(Math.abs(v - cpu[i]!) <= 1e-4 * Math.max(1, Math.abs(cpu[i]!)), `${v} vs ${cpu[i]}`));
  });
});
