// npm run bench's harness, in its quick mode: every case runs and the report holds each peer and
// each ratio. (A smoke test of the harness: the figures of a quick run are not measurements, and
// no test asserts a speed.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

test('the benchmark harness runs chainrule (cpu and wasm), tfjs cpu and tfjs wasm side by side and reports the ratios', () => {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-bench-'));
  const r = spawnSync(process.execPath, [resolve('bench/run.mjs'), '--quick'], { cwd: dir, encoding: 'utf8', timeout: 300_000 });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^\| workload \| chainrule-cpu \| chainrule-wasm \| tfjs-cpu \| tfjs-wasm \| plain-js \|$/m);
  const report = JSON.parse(readFileSync(join(dir, 'bench-output', 'results.json'), 'utf8')) as {
    results: { runner: string; workload: string; result: (Record<string, number> & { check: number[] }) | null; peakRssBytes: number }[];
    ratios: Record<string, Record<string, number>>;
    targets: Record<string, { name: string; ratio: number | null; met: boolean | null }[]>;
    crossCheck: { tolerance: number; mismatches: string[] };
  };
  // The cross-check: every implementation starts from the same data and weights, and its first losses agree.
  assert.deepEqual(report.crossCheck, { tolerance: 1e-4, mismatches: [] });
  assert.match(r.stdout, /^Cross-check: from the same data and initial weights, the losses of the first 3 training steps .* agree within 0\.0001/m);
  const tutorial = report.results.filter((x) => x.workload === 'tutorial').map((x) => x.result!.check);
  assert.equal(tutorial.length, 5);
  for (const losses of tutorial) {
    assert.equal(losses.length, 3);
    // The reference's first loss, ½(y − t)² with y = 0.3723: 0.0259.
    assert.ok(Math.abs(losses[0]! - 0.0259) < 5e-5, `first tutorial loss ${losses[0]}`);
  }
  for (const runner of ['chainrule-cpu', 'chainrule-wasm', 'tfjs-cpu', 'tfjs-wasm']) {
    for (const workload of ['matmul1024', 'sigmoid1e6', 'add1e6', 'sum1000', 'infer1', 'mlp64', 'mlp256', 'mlp1024', 'tiny32', 'tutorial']) {
      const c = report.results.find((x) => x.runner === runner && x.workload === workload);
      assert.ok(c?.result !== null && c?.result !== undefined && c.result['ms']! > 0, `${runner} ${workload}`);
      assert.ok(c.peakRssBytes > 0);
    }
  }
  // Issue 16's workloads: chainrule on both backends; tfjs wasm has no kernel for conv2d's weight
  // gradient and says so, tfjs cpu is left out of a quick run (seconds per step).
  for (const workload of ['cnn64', 'conv16']) {
    for (const runner of ['chainrule-cpu', 'chainrule-wasm']) {
      const c = report.results.find((x) => x.runner === runner && x.workload === workload);
      assert.ok(c?.result !== null && c?.result !== undefined && c.result['ms']! > 0, `${runner} ${workload}`);
    }
    const tfjsWasm = report.results.find((x) => x.runner === 'tfjs-wasm' && x.workload === workload) as { result: unknown; unsupported?: string } | undefined;
    assert.equal(tfjsWasm?.result, null);
    assert.match(tfjsWasm?.unsupported ?? '', /Conv2DBackpropFilter/);
  }
  for (const runner of ['chainrule-cpu', 'chainrule-wasm']) {
    // Issue 15's ten targets and issue 16's two (the CNN step, and the conv's rate beside the
    // matmul's, for information); the FMA-peak one has no ratio where gcc is missing, the CNN one
    // none in a quick run (no tfjs backend runs it there).
    const targets = report.targets[runner]! as { name: string; ratio: number | null; met: boolean | null; info?: boolean }[];
    assert.equal(targets.length, 12);
    for (const t of targets) assert.ok(t.ratio === null ? t.met === null : Number.isFinite(t.ratio) && t.ratio > 0 && (t.info === true ? t.met === null : typeof t.met === 'boolean'), t.name);
    assert.ok(targets.filter((t) => t.ratio === null).length <= 2);
    const ratios = report.ratios[runner]!;
    for (const v of Object.values(ratios)) assert.ok(Number.isFinite(v) && v > 0);
  }
});
