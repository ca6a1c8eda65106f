// npm run bench: chainrule and its peers (TensorFlow.js's cpu and wasm backends, and hand-written
// JS for the tutorial step) measured side by side in one run, each case in its own process.
// Prints a table of medians, the facts each runner ran with (wasm build, SIMD, threads), the
// machine's FMA peak (bench/peak.c) and issue 15's targets, met or not; writes
// bench-output/results.json (and FILE with --json FILE).
//   --quick         each case briefly, two at a time (a smoke test, not a measurement)
//   --only A,B      only these workloads
//   --relaxed-simd  runs every case with node --experimental-wasm-relaxed-simd (Node 20 has
//                   relaxed SIMD only behind that flag), for the relaxed-SIMD figures
// tfjs wasm runs twice per workload, as the build Node picks (SIMD, one thread) and as its
// threaded SIMD build (bench/tfjsThreads.mjs); the table's tfjs-wasm figure is the faster.
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, targetsFor } from './targets.mjs';

const quick = process.argv.includes('--quick');
const relaxed = process.argv.includes('--relaxed-simd');
const jsonAt = process.argv.indexOf('--json');
const jsonFile = jsonAt < 0 ? null : process.argv[jsonAt + 1];
if (jsonAt >= 0 && (jsonFile === undefined || jsonFile.startsWith('--'))) throw new Error('bench: --json needs a file name');
const here = fileURLToPath(new URL('.', import.meta.url));
const chainruleBackends = (process.env.CHAINRULE_BENCH_BACKENDS ?? 'cpu,wasm').split(',').filter(Boolean);
const runners = [...chainruleBackends.map((b) => `chainrule-${b}`), 'tfjs-cpu', 'tfjs-wasm'];
const columns = [...runners, 'plain-js'];
const ALL_WORKLOADS = ['matmul1024', 'sigmoid1e6', 'add1e6', 'sum1000', 'infer1', 'mlp64', 'mlp256', 'mlp1024', 'tiny32', 'tutorial', 'cnn64', 'conv16'];
// --only a,b: just these workloads (a partial run: targets needing the others read as not measured).
const onlyAt = process.argv.indexOf('--only');
const WORKLOADS = onlyAt < 0 ? ALL_WORKLOADS : process.argv[onlyAt + 1].split(',').filter((w) => ALL_WORKLOADS.includes(w));
if (WORKLOADS.length === 0) throw new Error(`bench: --only takes workloads among ${ALL_WORKLOADS.join(', ')}`);
// The smoke run skips the threaded build (its workers make each case slower to start).
const TFJS_WASM_BUILDS = quick ? ['tfjs-wasm'] : ['tfjs-wasm', 'tfjs-wasm-threaded'];
const nodeFlags = relaxed ? ['--experimental-wasm-relaxed-simd'] : [];

function runCase(runner, workload) {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeFlags, `${here}case.mjs`, runner, workload, ...(quick ? ['--quick'] : [])]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => {
      const line = stdout.split('\n').find((l) => l.startsWith('{'));
      if (status !== 0 || line === undefined) reject(new Error(`bench case ${runner} ${workload} failed (exit ${status}):\n${stderr}`));
      else resolve(JSON.parse(line));
    });
  });
}

/** The machine's single-thread float32 ceilings from bench/peak.c, or null where it cannot be built. */
function measurePeak() {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-peak-'));
  try {
    const exe = join(dir, 'peak');
    const cc = spawnSync(process.env.CC ?? 'gcc', ['-O2', '-mavx2', '-mfma', `${here}peak.c`, '-o', exe], { encoding: 'utf8' });
    if (cc.status !== 0) return { error: cc.error?.message ?? cc.stderr.trim().split('\n')[0] ?? 'compile failed' };
    const run = spawnSync(exe, [], { encoding: 'utf8' });
    if (run.status !== 0) return { error: run.stderr.trim() || `exit ${run.status}` };
    return JSON.parse(run.stdout);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
// Measured first, while no case runs beside it.
const peak = measurePeak();
const peakLine = peak.error !== undefined
  ? `FMA peak: peak not measured (${peak.error}).`
  : `Single-thread float32 ceilings (bench/peak.c): ${peak.fma256.toFixed(1)} GFLOP/s 256-bit FMA, ${peak.fma128.toFixed(1)} GFLOP/s 128-bit FMA, ${peak.muladd128.toFixed(1)} GFLOP/s 128-bit multiply + add.`;

const jobs = WORKLOADS.flatMap((workload) =>
  [...runners.flatMap((r) => (r === 'tfjs-wasm' ? TFJS_WASM_BUILDS : [r])), ...(workload === 'tutorial' ? ['plain-js'] : [])].map((runner) => ({ runner, workload })),
);
// Measurements run one at a time (2 cores); the smoke run two at a time.
const raw = new Array(jobs.length);
let nextJob = 0;
async function worker() {
  while (nextJob < jobs.length) {
    const i = nextJob++;
    raw[i] = await runCase(jobs[i].runner, jobs[i].workload);
    process.stderr.write(`  ${raw[i].workload.padEnd(11)} ${raw[i].runner.padEnd(19)} ${describe(raw[i])}\n`);
  }
}
await Promise.all(Array.from({ length: quick ? 2 : 1 }, worker));

// tfjs wasm at its best: per workload, the faster of its two builds (both kept under `builds`).
const results = [];
for (const workload of WORKLOADS) {
  for (const runner of columns) {
    if (runner === 'tfjs-wasm') {
      const builds = raw.filter((r) => r.workload === workload && TFJS_WASM_BUILDS.includes(r.runner));
      // A build that cannot run the workload (result null) loses to one that can.
      const ms = (r) => r.result?.ms ?? Infinity;
      const best = builds.reduce((a, b) => (ms(b) < ms(a) ? b : a));
      results.push({ ...best, runner: 'tfjs-wasm', build: best.runner, builds });
    } else {
      const r = raw.find((q) => q.workload === workload && q.runner === runner);
      if (r !== undefined) results.push(r);
    }
  }
}

// The cross-check: from the same data and weights, every implementation's first losses (an
// output's mean for the others) agree within 1e-4 (relative where the value is above 1).
const TOLERANCE = 1e-4;
const mismatches = [];
for (const workload of WORKLOADS) {
  const rows = raw.filter((r) => r.workload === workload && r.result !== null);
  const ref = rows[0];
  for (const r of rows.slice(1)) {
    r.result.check.forEach((v, i) => {
      const want = ref.result.check[i];
      if (!(Math.abs(v - want) <= TOLERANCE * Math.max(1, Math.abs(want)))) mismatches.push(`${workload}: ${r.runner} gives ${v} at ${i + 1}, ${ref.runner} ${want}`);
    });
  }
}
const checkLine = mismatches.length === 0
  ? `Cross-check: from the same data and initial weights, the losses of the first ${results.find((r) => ['mlp64', 'cnn64', 'tiny32'].includes(r.workload) && r.result !== null)?.result?.check?.length ?? 0} training steps (an output's mean for the other workloads) agree within ${TOLERANCE} across every implementation.`
  : `CROSS-CHECK FAILED:\n${mismatches.map((m) => `- ${m}`).join('\n')}`;

const targets = {};
for (const b of chainruleBackends) targets[`chainrule-${b}`] = targetsFor(`chainrule-${b}`, results, peak);

const factsLine = (r) => Object.entries(r.facts ?? {}).filter(([k]) => k !== 'backend').map(([k, v]) => `${k} ${k.endsWith('Bytes') && typeof v === 'number' ? `${(v / 2 ** 20).toFixed(0)} MiB` : v}`).join(', ');
const lines = [
  `# chainrule benchmark${quick ? ' (quick: a smoke run, not a measurement)' : ''}${relaxed ? ' — node --experimental-wasm-relaxed-simd' : ''}`,
  '',
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, float32, medians; each case in its own process.`,
  '',
  '| workload | ' + columns.join(' | ') + ' |',
  '|---|' + columns.map(() => '---').join('|') + '|',
  ...WORKLOADS.map((w) => `| ${w} | ${columns.map((r) => { const x = results.find((q) => q.runner === r && q.workload === w); return x === undefined ? '' : describe(x) + (r === 'tfjs-wasm' ? ` (${x.build === 'tfjs-wasm' ? '1 thread' : `threaded ×${x.facts.threads}`})` : ''); }).join(' | ')} |`),
  '',
  checkLine,
  '',
  'How each ran (mlp64 case; wasm memory as the case left it):',
  ...[...runners.filter((r) => r !== 'tfjs-wasm'), ...TFJS_WASM_BUILDS].map((r) => { const x = raw.find((q) => q.runner === r && q.workload === 'mlp64'); return `- ${r}: ${x === undefined ? '—' : `${x.facts.backend}${factsLine(x) ? `, ${factsLine(x)}` : ''}, peak RSS ${(x.peakRssBytes / 2 ** 20).toFixed(0)} MiB`}`; }),
  '',
  peakLine,
  '',
  ...Object.entries(targets).flatMap(([runner, ts]) => [
    `## ${runner}: issue 15's targets against the peers in this run`,
    '',
    '| target | measured | met |',
    '|---|---|---|',
    ...ts.map((t) => `| ${t.name} | ${t.ratio === null ? 'n/a' : `${t.ratio.toFixed(2)}×`}${t.note ? ` (${t.note})` : ''} | ${t.info === true ? 'for information' : t.met === null ? 'not measured' : t.met ? 'met' : 'not met'} |`),
    '',
    `Other ratios against tfjs wasm (no target): ${['mlp1024', 'tutorial'].map((w) => { const a = results.find((r) => r.runner === runner && r.workload === w); const b = results.find((r) => r.runner === 'tfjs-wasm' && r.workload === w); return `${w} ${a && b ? (b.result.ms / a.result.ms).toFixed(2) : 'n/a'}×`; }).join(', ')}.`,
    '',
  ]),
];
process.stdout.write(lines.join('\n') + '\n');

const ratios = Object.fromEntries(Object.entries(targets).map(([r, ts]) => [r, Object.fromEntries(ts.filter((t) => t.ratio !== null).map((t) => [t.name, t.ratio]))]));
const json = JSON.stringify({ quick, relaxedSimdFlag: relaxed, date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, peak, results, targets, ratios, crossCheck: { tolerance: TOLERANCE, mismatches } }, null, 2) + '\n';
const writeAtomically = (file) => {
  writeFileSync(`${file}.tmp`, json);
  renameSync(`${file}.tmp`, file);
};
mkdirSync('bench-output', { recursive: true });
writeAtomically('bench-output/results.json');
if (jsonFile !== null) writeAtomically(jsonFile);
if (mismatches.length > 0) process.exit(1);
