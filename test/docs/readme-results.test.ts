// Runs the README's documented training commands and checks the test accuracy each one claims:
// the block's `npx chainrule` lines run in order in a temporary directory, and each evaluate
// line's `# accuracy A (≥ T)` comment must hold: the measured accuracy is at least T and within
// 0.005 of the documented A (runs are seeded, so the figure is reproducible).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainrule } from '../cli/run.js';

interface Step {
  readonly args: string[];
  readonly accuracy: number | null;
  readonly threshold: number | null;
}

function documentedSteps(): Step[] {
  const readme = readFileSync('README.md', 'utf8');
  const blocks = [...readme.matchAll(/```sh\n([\s\S]*?)```/g)].map((m) => m[1]!);
  const block = blocks.find((b) => b.includes('# accuracy'));
  assert.ok(block !== undefined, 'the README has a block of training commands with their accuracies');
  return block
    .split('\n')
    .filter((l) => l.startsWith('npx chainrule '))
    .map((line) => {
      const [command, comment = ''] = line.split('#');
      const claim = /accuracy ([\d.]+) \(≥ ([\d.]+)\)/.exec(comment);
      return {
        args: command!.trim().split(/\s+/).slice(2),
        accuracy: claim ? Number(claim[1]) : null,
        threshold: claim ? Number(claim[2]) : null,
      };
    });
}

test('the README training commands reach the test accuracies they document', { timeout: 600_000 }, () => {
  const steps = documentedSteps();
  const datasets = steps.filter((s) => s.args[0] === 'evaluate').map((s) => s.args[s.args.indexOf('--data') + 1]);
  assert.deepEqual(datasets, ['circles', 'xor', 'spirals', 'digits']);
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-readme-'));
  for (const step of steps) {
    const isEvaluate = step.args[0] === 'evaluate';
    const r = chainrule(isEvaluate ? [...step.args, '--json'] : step.args, { cwd: dir });
    assert.equal(r.status, 0, `${step.args.join(' ')}: ${r.stderr}`);
    if (!isEvaluate) continue;
    const { accuracy } = JSON.parse(r.stdout) as { accuracy: number };
    assert.ok(step.threshold !== null && step.accuracy !== null);
    assert.ok(accuracy >= step.threshold, `${step.args.join(' ')}: accuracy ${accuracy} < ${step.threshold}`);
    assert.ok(Math.abs(accuracy - step.accuracy) <= 0.005, `${step.args.join(' ')}: accuracy ${accuracy}, README says ${step.accuracy}`);
  }
});
