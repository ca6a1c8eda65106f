// The single-core ceiling of chainrule's product micro-kernel under this engine: bench/ceiling.ts
// (the 4 × 8 kernel of wasm/assembly/gemm.ts, all operands in L1) compiled as plain SIMD and as
// relaxed SIMD, each timed in its own `node --no-liftoff` process (relaxed with
// --experimental-wasm-relaxed-simd where Node 20 needs it). Prints GFLOP/s per build.
//   node bench/ceiling.mjs
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'chainrule-ceiling-'));
const time = `
const { readFileSync } = await import('node:fs');
const { instance } = await WebAssembly.instantiate(readFileSync(process.argv[1]), {});
const ex = instance.exports; ex.memory.grow(4);
const f = new Float32Array(ex.memory.buffer); for (let i = 0; i < f.length; i++) f[i] = (i % 7) * 1e-3;
const kc = 256, reps = 20000, runs = [];
ex.k4x8(1024, 65536, 16384, kc, 1000);
for (let r = 0; r < 5; r++) { const t = process.hrtime.bigint(); ex.k4x8(1024, 65536, 16384, kc, reps); runs.push(Number(process.hrtime.bigint() - t) / 1e9); }
runs.sort((a, b) => a - b);
process.stdout.write(String((64 * kc * reps) / runs[2] / 1e9));`;
try {
  for (const [build, features, flags] of [['simd', 'simd', []], ['relaxed-simd', 'simd,relaxed-simd', ['--experimental-wasm-relaxed-simd']]]) {
    const wasm = join(dir, `${build}.wasm`);
    const asc = spawnSync(process.execPath, [join(here, '../node_modules/assemblyscript/bin/asc.js'), join(here, 'ceiling.ts'), '-O3', '--runtime', 'stub', '--noAssert', '--enable', features, '-o', wasm], { encoding: 'utf8' });
    if (asc.status !== 0) throw new Error(asc.stderr);
    const run = spawnSync(process.execPath, ['--no-liftoff', ...flags, '--input-type=module', '-e', time, wasm], { encoding: 'utf8' });
    const figure = run.status === 0 ? `${Number(run.stdout).toFixed(1)} GFLOP/s` : `did not run (${run.stderr.trim().split('\n')[0]})`;
    process.stdout.write(`${build.padEnd(13)} 4×8 micro-kernel, operands in L1, one core: ${figure}\n`);
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
