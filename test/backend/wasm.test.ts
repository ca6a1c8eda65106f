import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { crossEntropy, Generator, listBackends, matmul, mlp, rand, randint, SGD, tensor, withBackend } from '../../src/index.js';
import { wasmBackend, wasmSupported, wasmThreads } from '../../src/backend/wasm/index.js';

test('the wasm backend is registered where WebAssembly SIMD runs (Node 20 has it)', () => {
  assert.equal(wasmSupported(), true);
  assert.ok(listBackends().includes('wasm'));
});

test('the committed wasm binary is what wasm/assembly/index.ts compiles to', () => {
  const r = spawnSync(process.execPath, ['scripts/build-wasm.mjs', '--check'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /matches the sources/);
});

test('wasm float32 products agree with the cpu backend within float32 summation error, at sizes past every block', () => {
  for (const [m, k, n] of [[301, 517, 263], [1, 1000, 1], [5, 3, 9], [64, 784, 256]] as const) {
    const g = new Generator(m * 7 + n);
    const a = rand([m, k], { generator: g }).sub(0.5);
    const b = rand([k, n], { generator: g }).sub(0.5);
    const cpu = matmul(a, b)._data;
    const wasm = withBackend('wasm', () => matmul(a, b))._data;
    let worst = 0;
    for (let i = 0; i < cpu.length; i++) worst = Math.max(worst, Math.abs(Number(cpu[i]) - Number(wasm[i])));
    // |A|·|B| ≤ k/4 here; γₖ·k/4 bounds the difference.
    const bound = ((k * 2 ** -24) / (1 - k * 2 ** -24)) * (k / 4) + 1e-6;
    assert.ok(worst <= bound, `${m}x${k}·${k}x${n}: max difference ${worst} > ${bound}`);
  }
});

test('wasm falls back to the cpu kernel for float64 and int32 products (same values, bit for bit)', () => {
  const a = tensor([[1.5, 2, -3], [4, 5, 6.25]], { dtype: 'float64' });
  const b = tensor([[0.1], [0.2], [0.3]], { dtype: 'float64' });
  assert.deepEqual(withBackend('wasm', () => matmul(a, b)).toArray(), matmul(a, b).toArray());
  const i = tensor([[1, 2], [3, 4]], { dtype: 'int32' });
  assert.deepEqual(withBackend('wasm', () => matmul(i, i)).toArray(), [[7, 10], [15, 22]]);
});

test('an MLP trains on the wasm backend as on cpu (losses agree to float32 rounding)', () => {
  const run = (backend: string) =>
    withBackend(backend, () => {
      const model = mlp([20, 32, 16, 4], { activation: 'relu', seed: 3 });
      const opt = new SGD(model.parameters(), { lr: 0.1 });
      const g = new Generator(9);
      const x = rand([50, 20], { generator: g });
      const y = randint(0, 4, [50], { generator: g });
      const losses: number[] = [];
      for (let i = 0; i < 20; i++) {
        opt.zeroGrad();
        const loss = crossEntropy(model.forward(x), y);
        loss.backward();
        opt.step();
        losses.push(loss.item());
      }
      return losses;
    });
  const cpu = run('cpu');
  const wasm = run('wasm');
  assert.ok(cpu[19]! < cpu[0]!);
  cpu.forEach((l, i) => assert.ok(Math.abs(l - wasm[i]!) < 1e-4, `step ${i}: cpu ${l}, wasm ${wasm[i]}`));
});

test('wasm transposes (the last two axes, float32, past the size threshold) equal the cpu permute exactly, edges and batches included', () => {
  for (const shape of [[67, 129], [256, 784], [3, 45, 37], [2, 1, 130, 33], [4096, 1], [1, 5000]]) {
    const x = rand(shape, { generator: new Generator(shape.length) });
    const r = shape.length;
    const cpu = x.transpose(r - 2, r - 1);
    const wasm = withBackend('wasm', () => x.transpose(r - 2, r - 1));
    assert.deepEqual([...wasm.shape], [...cpu.shape]);
    assert.deepEqual(Array.from(wasm._data as Float32Array), Array.from(cpu._data as Float32Array), `transpose of [${shape.join(',')}]`);
  }
  // Any other permutation goes to the cpu kernel.
  const y = rand([20, 30, 40], { generator: new Generator(5) });
  assert.deepEqual(Array.from(withBackend('wasm', () => y.permute([2, 0, 1]))._data as Float32Array), Array.from(y.permute([2, 0, 1])._data as Float32Array));
});

test('large wasm products are shared among worker threads in Node, with the same bits as on one thread', async () => {
  const { availableParallelism } = await import('node:os');
  const a = rand([300, 700], { generator: new Generator(11) });
  const b = rand([700, 200], { generator: new Generator(12) });
  const threaded = withBackend('wasm', () => matmul(a, b));
  if (availableParallelism() > 1) assert.ok(wasmThreads() > 1, `threads: ${wasmThreads()}`);
  // One thread (CHAINRULE_WASM_THREADS=1) in a child process: every row is computed by the same kernel in the same order.
  const script = `
    const cr = await import(${JSON.stringify(new URL('../../src/index.js', import.meta.url).href)});
    const { wasmThreads } = await import(${JSON.stringify(new URL('../../src/backend/wasm/index.js', import.meta.url).href)});
    const a = cr.rand([300, 700], { generator: new cr.Generator(11) });
    const b = cr.rand([700, 200], { generator: new cr.Generator(12) });
    const c = cr.withBackend('wasm', () => cr.matmul(a, b));
    process.stdout.write(JSON.stringify({ threads: wasmThreads(), data: Buffer.from(c._data.buffer, c._data.byteOffset, c._data.byteLength).toString('base64') }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { ...process.env, CHAINRULE_WASM_THREADS: '1' } });
  assert.equal(r.status, 0, r.stderr);
  const single = JSON.parse(r.stdout) as { threads: number; data: string };
  assert.equal(single.threads, 1);
  const bits = threaded._data as Float32Array;
  assert.equal(Buffer.from(bits.buffer, bits.byteOffset, bits.byteLength).toString('base64'), single.data);
});

test('wasm axpyFloat32 (the SGD update) is y + fround(fround(a)·x) per element in float32, for big arrays, tails and small ones', () => {
  for (const n of [1, 7, 4095, 4096, 4099, 200_003]) {
    const g = new Generator(n);
    const y = rand([n], { generator: g }).sub(0.5)._data as Float32Array;
    const x = rand([n], { generator: g }).sub(0.5)._data as Float32Array;
    const a = -0.0123;
    const want = new Float32Array(n);
    const af = Math.fround(a);
    for (let i = 0; i < n; i++) want[i] = Math.fround(y[i]! + Math.fround(af * x[i]!));
    wasmBackend.axpyFloat32!(y, a, x);
    let diff = 0;
    for (let i = 0; i < n; i++) if (!Object.is(y[i], want[i])) diff++;
    assert.equal(diff, 0, `n = ${n}: ${diff} elements differ`);
  }
});

test('SGD on the wasm backend updates large float32 weights as on cpu, to the last float32 bit', () => {
  const g = new Generator(2);
  const init = rand([300, 40], { generator: g }).sub(0.5);
  const c = rand([300, 40], { generator: g }).sub(0.5);
  const step = (backend: string) =>
    withBackend(backend, () => {
      const p = tensor(Float32Array.from(init._data as Float32Array), { shape: [300, 40] }).requiresGrad_();
      const opt = new SGD([p], { lr: 0.05 });
      // ∂/∂p Σ p·c = c exactly: both backends step from the same gradient.
      p.mul(c).sum().backward();
      opt.step();
      return p._data as Float32Array;
    });
  const cpu = step('cpu');
  const wasm = step('wasm');
  const before = init._data as Float32Array;
  let moved = 0;
  for (let i = 0; i < cpu.length; i++) {
    // float32 update (wasm: lr·g rounded first) against float64-then-rounded (cpu): one unit in the last place of the largest of p, its update and the result.
    const size = Math.max(Math.abs(before[i]!), Math.abs(cpu[i]!), Math.abs(cpu[i]! - before[i]!));
    const ulp = 2 ** (Math.floor(Math.log2(size)) - 23);
    assert.ok(Math.abs(wasm[i]! - cpu[i]!) <= ulp, `element ${i}: wasm ${wasm[i]}, cpu ${cpu[i]}`);
    if (wasm[i] !== before[i]) moved++;
  }
  assert.ok(moved > cpu.length * 0.9, `the step moved ${moved} of ${cpu.length}`);
});
