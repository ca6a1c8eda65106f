// The wasm backend's two builds (plain SIMD; relaxed SIMD, whose products use fused
// multiply-adds): how one is chosen, and that each passes the conformance suite in a process
// of its own (Node 20 validates relaxed SIMD only behind --experimental-wasm-relaxed-simd).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { arch } from 'node:os';
import { fileURLToPath } from 'node:url';
import { ValueError } from '../../src/errors.js';
import { relaxedSimdValidates, selectBuild } from '../../src/backend/wasm/module.js';

const RELAXED_FLAG = '--experimental-wasm-relaxed-simd';
const indexUrl = new URL('../../src/index.js', import.meta.url).href;
// The flag where this engine needs it (a later Node that ships relaxed SIMD may not know the flag).
const relaxedArgs = relaxedSimdValidates() ? [] : [RELAXED_FLAG];

/** Runs `args` in a child Node with CHAINRULE_WASM_BUILD=build; it prints wasmBuild() to stderr as it exits. */
function runWith(build: string, args: readonly string[], nodeFlags: readonly string[]) {
  const report = `data:text/javascript,import { wasmBuild } from ${JSON.stringify(indexUrl)}; process.on('exit', () => process.stderr.write('\\nwasmBuild=' + wasmBuild() + '\\n'));`;
  // Without NODE_TEST_CONTEXT (set by a parent test runner), a child runs its tests and prints a report of its own.
  const { NODE_TEST_CONTEXT: _, ...env } = process.env;
  return spawnSync(process.execPath, [...nodeFlags, `--import=${report}`, ...args], {
    encoding: 'utf8',
    env: { ...env, CHAINRULE_WASM_BUILD: build },
    maxBuffer: 64 * 1024 * 1024,
    timeout: 300_000,
  });
}

test('selectBuild: relaxed SIMD where it validates, else plain SIMD; CHAINRULE_WASM_BUILD forces one, and forcing relaxed where it does not validate is an error', () => {
  assert.equal(selectBuild(undefined, true), 'relaxed-simd');
  assert.equal(selectBuild(undefined, false), 'simd');
  assert.equal(selectBuild('', false), 'simd');
  assert.equal(selectBuild('simd', true), 'simd');
  assert.equal(selectBuild('relaxed', true), 'relaxed-simd');
  assert.equal(selectBuild('relaxed-simd', true), 'relaxed-simd');
  assert.throws(() => selectBuild('relaxed', false), (e: unknown) => e instanceof ValueError && /relaxed SIMD/.test(e.message) && /--experimental-wasm-relaxed-simd/.test(e.message));
  assert.throws(() => selectBuild('avx512', true), (e: unknown) => e instanceof ValueError && /simd or relaxed/.test(e.message));
});

const conformance = fileURLToPath(new URL('./conformance.test.js', import.meta.url));
for (const [build, name] of [
  ['relaxed', 'relaxed-simd'],
  ['simd', 'simd'],
] as const) {
  test(`the conformance suite passes on the ${name} build (in a child process, CHAINRULE_WASM_BUILD=${build})`, () => {
    const r = runWith(build, [conformance], build === 'relaxed' ? relaxedArgs : []);
    assert.equal(r.status, 0, `${r.stdout.slice(-4000)}\n${r.stderr.slice(-4000)}`);
    assert.match(r.stdout, /^(# |ℹ )fail 0$/m);
    assert.match(r.stdout, /^(# |ℹ )pass [1-9]\d*$/m);
    assert.match(r.stderr, new RegExp(`^wasmBuild=${name}$`, 'm'));
  });
}

test('the relaxed build rounds a product once per multiply-add where the CPU has FMA; the plain build rounds the product, then the sum', () => {
  // Row 0 of A is [1, 1 + 2⁻¹²], column 0 of B is [−(1 + 2⁻¹¹), 1 + 2⁻¹²], zeros elsewhere:
  // (1 + 2⁻¹²)² = 1 + 2⁻¹¹ + 2⁻²⁴ rounds to 1 + 2⁻¹¹ in float32, so C₀₀ is 0 when the product
  // is rounded before the sum and exactly 2⁻²⁴ when fused. 16³ multiply-adds: the wasm kernel's size.
  const script = `
    const cr = await import(${JSON.stringify(indexUrl)});
    cr.setBackend('wasm');
    const a = new Float32Array(256), b = new Float32Array(256);
    a[0] = 1; a[1] = 1 + 2 ** -12; b[0] = -(1 + 2 ** -11); b[16] = 1 + 2 ** -12;
    const c = cr.matmul(cr.tensor(a, { shape: [16, 16] }), cr.tensor(b, { shape: [16, 16] }));
    process.stdout.write(JSON.stringify({ c00: c.data()[0], rest: Array.from(c.data()).slice(1).every((v) => v === 0) }));`;
  const cpuinfo = existsSync('/proc/cpuinfo') ? readFileSync('/proc/cpuinfo', 'utf8') : '';
  // V8 lowers relaxed_madd to vfmadd231ps where x64 has FMA3, and to fmla on arm64.
  const hasFma = arch() === 'arm64' || /^flags\s*:.*\bfma\b/m.test(cpuinfo);
  for (const [build, flags] of [
    ['relaxed', relaxedArgs],
    ['simd', []],
  ] as const) {
    const r = runWith(build, ['--input-type=module', '-e', script], flags);
    assert.equal(r.status, 0, r.stderr);
    const { c00, rest } = JSON.parse(r.stdout) as { c00: number; rest: boolean };
    assert.equal(rest, true);
    if (build === 'simd') assert.equal(c00, 0);
    else if (hasFma) assert.equal(c00, 2 ** -24);
    else assert.ok(c00 === 0 || c00 === 2 ** -24, `relaxed C₀₀ ${c00}`);
  }
});
