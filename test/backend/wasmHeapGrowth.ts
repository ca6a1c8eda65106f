// Run by wasmHeap.test.ts in a process of its own with CHAINRULE_WASM_THREADS=1 (an own,
// detaching memory): a tensor made before the memory grows is read, and used, after it grew.
import { Generator, randn, wasmHeapStats, withBackend, zeros } from '../../src/index.js';
import { memoryIsShared, wasmMemoryGrowths } from '../../src/backend/wasm/module.js';

withBackend('wasm', () => {
  const x = randn([1000], { generator: new Generator(2) });
  const before = Array.from(x._data);
  const growths = wasmMemoryGrowths();
  const big: unknown[] = [];
  // 64 MiB more than the memory has now: it must grow.
  const need = wasmHeapStats().memoryBytes + 64 * 2 ** 20;
  for (let bytes = 0; bytes < need; bytes += 4 * 2 ** 20) big.push(zeros([2 ** 20]));
  const after = Array.from(x._data);
  const doubled = Array.from(x.mul(2)._data);
  process.stdout.write(
    JSON.stringify({
      shared: memoryIsShared(),
      growths: wasmMemoryGrowths() - growths,
      same: after.length === before.length && after.every((v, i) => v === before[i]),
      product: doubled.every((v, i) => v === Math.fround(before[i]! * 2)),
      kept: big.length,
    }),
  );
});
