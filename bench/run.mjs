// npm run bench: chainrule and its peers (TensorFlow.js's cpu and wasm backends, and hand-written
// JS for the tutorial step) measured side by side in one run, each case in its own process.
// Prints a table of medians and the ratios the performance issue sets, and writes
// bench-output/results.json. `--quick` runs each case briefly (a smoke test, not a measurement).
import { spawnSync } from 'node:child_process';
import { mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { fileURLToPath } from 'node:url';

const quick = process.argv.includes('--quick');
const here = fileURLToPath(new URL('.', import.meta.url));
const chainruleBackends = (process.env.CHAINRULE_BENCH_BACKENDS ?? 'cpu,wasm').split(',').filter(Boolean);
const runners = [...chainruleBackends.map((b) => `chainrule-${b}`), 'tfjs-cpu', 'tfjs-wasm'];
const workloads = ['matmul1024', 'mlp64', 'mlp256', 'tutorial'];

function runCase(runner, workload) {
  const r = spawnSync(process.execPath, [`${here}case.mjs`, runner, workload, ...(quick ? ['--quick'] : [])], { encoding: 'utf8', maxBuffer: 1 << 24 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status !== 0 || line === undefined) throw new Error(`bench case ${runner} ${workload} failed (exit ${r.status}):\n${r.stderr}`);
  return JSON.parse(line);
}

const results = [];
for (const workload of workloads) {
  for (const runner of [...runners, ...(workload === 'tutorial' ? ['plain-js'] : [])]) {
    const r = runCase(runner, workload);
    results.push(r);
    process.stderr.write(`  ${workload.padEnd(11)} ${runner.padEnd(16)} ${describe(r)}\n`);
  }
}

function describe(r) {
  if (r.result === null) return '—';
  if (r.workload === 'matmul1024') return `${r.result.gflops.toFixed(2)} GFLOP/s`;
  if (r.workload.startsWith('mlp')) return `${Math.round(r.result.samplesPerSecond)} samples/s, peak RSS ${(r.peakRssBytes / 2 ** 20).toFixed(0)} MiB`;
  return `${r.result.microseconds < 1 ? r.result.microseconds.toFixed(3) : r.result.microseconds.toFixed(1)} µs/step`;
}

// The cross-check: from the same data and weights, every implementation's first losses (the
// product's mean for matmul) agree within 1e-4 (relative, for the product's mean).
const TOLERANCE = 1e-4;
const mismatches = [];
for (const workload of workloads) {
  const rows = results.filter((r) => r.workload === workload && r.result !== null);
  const ref = rows[0];
  for (const r of rows.slice(1)) {
    r.result.check.forEach((v, i) => {
      const want = ref.result.check[i];
      const scale = workload === 'matmul1024' ? Math.abs(want) : 1;
      if (!(Math.abs(v - want) <= TOLERANCE * scale)) mismatches.push(`${workload}: ${r.runner} gives ${v} at step ${i + 1}, ${ref.runner} ${want}`);
    });
  }
}
const checkLine = mismatches.length === 0
  ? `Cross-check: from the same data and initial weights, the losses of the first ${results.find((r) => r.workload === 'mlp64')?.result?.check?.length ?? 0} training steps (the product's mean for matmul) agree within ${TOLERANCE} across every implementation.`
  : `CROSS-CHECK FAILED:\n${mismatches.map((m) => `- ${m}`).join('\n')}`;

const get = (runner, workload) => results.find((r) => r.runner === runner && r.workload === workload)?.result ?? null;
const peak = (runner, workload) => results.find((r) => r.runner === runner && r.workload === workload)?.peakRssBytes ?? NaN;
const ratios = {};
for (const b of chainruleBackends) {
  const me = `chainrule-${b}`;
  const fasterTutorial = Math.min(get('tfjs-cpu', 'tutorial').ms, get('tfjs-wasm', 'tutorial').ms);
  ratios[me] = {
    'matmul 1024 vs tfjs wasm (target ≥ 2×)': get(me, 'matmul1024').gflops / get('tfjs-wasm', 'matmul1024').gflops,
    'MLP batch 64 vs tfjs wasm (target ≥ 5×)': get(me, 'mlp64').samplesPerSecond / get('tfjs-wasm', 'mlp64').samplesPerSecond,
    'MLP batch 256 vs tfjs wasm (target ≥ 5×)': get(me, 'mlp256').samplesPerSecond / get('tfjs-wasm', 'mlp256').samplesPerSecond,
    'tutorial step vs the faster tfjs backend (target ≥ 20×)': fasterTutorial / get(me, 'tutorial').ms,
    'peak memory, MLP batch 256, vs tfjs wasm (target ≤ 1.5×)': peak(me, 'mlp256') / peak('tfjs-wasm', 'mlp256'),
  };
}

const lines = [
  `# chainrule benchmark${quick ? ' (quick: a smoke run, not a measurement)' : ''}`,
  '',
  `${cpus().length} × ${cpus()[0]?.model ?? 'CPU'}, Node ${process.version}, float32, medians; each case in its own process.`,
  '',
  '| workload | ' + [...runners, 'plain-js'].join(' | ') + ' |',
  '|---|' + [...runners, 'plain-js'].map(() => '---').join('|') + '|',
  ...workloads.map((w) => `| ${w} | ${[...runners, 'plain-js'].map((r) => { const x = results.find((q) => q.runner === r && q.workload === w); return x === undefined ? '' : describe(x); }).join(' | ')} |`),
  '',
  checkLine,
  '',
  ...Object.entries(ratios).flatMap(([runner, rs]) => [`## ${runner}: ratios against the peers measured in this run`, '', ...Object.entries(rs).map(([k, v]) => `- ${k}: ${v.toFixed(2)}×`), '']),
];
process.stdout.write(lines.join('\n') + '\n');
mkdirSync('bench-output', { recursive: true });
const json = JSON.stringify({ quick, date: new Date().toISOString(), node: process.version, cpu: cpus()[0]?.model, cores: cpus().length, results, ratios, crossCheck: { tolerance: TOLERANCE, mismatches } }, null, 2) + '\n';
writeFileSync('bench-output/results.json.tmp', json);
renameSync('bench-output/results.json.tmp', 'bench-output/results.json');
if (mismatches.length > 0) process.exit(1);
