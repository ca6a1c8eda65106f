// What the CLI writes: reports as one unit under concurrent writers, deterministic model files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { REPORT_FILE_NAMES } from '../../src/viz/index.js';
import { chainrule, BIN_PATH } from './run.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'chainrule-outputs-'));

function runAsync(args: readonly string[], cwd: string): Promise<{ status: number | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [BIN_PATH, ...args], { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

test('8 runs writing the same --report at once leave one run\'s report, whole, and no temporaries', async () => {
  const dir = tmp();
  const lrs = Array.from({ length: 8 }, (_, k) => (0.011 + k * 0.001).toFixed(3));
  const results = await Promise.all(lrs.map((lr) => runAsync(['train', '--data', 'xor', '--epochs', '1', '--lr', lr, '--report', 'r', '-q'], dir)));
  for (const r of results) assert.equal(r.status, 0, r.stderr);
  assert.deepEqual(readdirSync(dir), ['r'], 'no temporary or set-aside directory is left beside the report');
  assert.deepEqual(readdirSync(join(dir, 'r')).sort(), [...REPORT_FILE_NAMES].sort());
  // Each file names its run's learning rate: all of them must name the same one.
  const history = readFileSync(join(dir, 'r', 'history.csv'), 'utf8').trim().split('\n');
  const header = history[0]!.split(',');
  const lr = history[1]!.split(',')[header.indexOf('lr')]!;
  assert.ok(lrs.includes(lr), lr);
  const html = readFileSync(join(dir, 'r', 'index.html'), 'utf8');
  assert.equal(new Set([...html.matchAll(/adam lr (0\.0\d+)/g)].map((m) => m[1])).size, 1);
  assert.ok(html.includes(`adam lr ${lr}`), `index.html is from the run of history.csv (lr ${lr})`);
  const loss = Number(history[1]!.split(',')[header.indexOf('loss')]!).toFixed(4);
  assert.ok(html.includes(`final: loss ${loss}`), 'the log in index.html is the same run as history.csv');
});

test('--report replaces an earlier report but never a directory with other files; a killed run\'s leftovers are cleaned', () => {
  const dir = tmp();
  assert.equal(chainrule(['train', '--data', 'xor', '--epochs', '1', '--report', 'r', '-q'], { cwd: dir }).status, 0);
  const first = readFileSync(join(dir, 'r', 'index.html'), 'utf8');
  // A killed writer (pid 2^22 + 1 does not run) left a temporary directory beside the report.
  mkdirSync(join(dir, '.r.4194305.1700000000000.tmp'));
  writeFileSync(join(dir, '.r.4194305.1700000000000.tmp', 'index.html'), 'half');
  const again = chainrule(['train', '--data', 'xor', '--epochs', '2', '--report', 'r', '-q'], { cwd: dir });
  assert.equal(again.status, 0, again.stderr);
  assert.notEqual(readFileSync(join(dir, 'r', 'index.html'), 'utf8'), first);
  assert.deepEqual(readdirSync(dir), ['r']);
  writeFileSync(join(dir, 'r', 'mine.txt'), 'keep me');
  const refused = chainrule(['train', '--data', 'xor', '--epochs', '1', '--report', 'r', '-q'], { cwd: dir });
  assert.equal(refused.status, 2);
  assert.match(refused.stderr, /^chainrule: --report r: the directory holds files that are not a report's \(mine\.txt\)/);
  assert.equal(readFileSync(join(dir, 'r', 'mine.txt'), 'utf8'), 'keep me');
});

test('train --no-timestamp: identical runs write identical model files; without it the file records savedAt', () => {
  const dir = tmp();
  const args = ['train', '--data', 'xor', '--epochs', '3', '--seed', '4', '-q'];
  for (const name of ['a', 'b']) assert.equal(chainrule([...args, '--no-timestamp', '--out', `${name}.json`], { cwd: dir }).status, 0);
  assert.equal(readFileSync(join(dir, 'a.json'), 'utf8'), readFileSync(join(dir, 'b.json'), 'utf8'));
  assert.doesNotMatch(readFileSync(join(dir, 'a.json'), 'utf8'), /savedAt/);
  assert.equal(chainrule([...args, '--out', 'c.json'], { cwd: dir }).status, 0);
  assert.match(readFileSync(join(dir, 'c.json'), 'utf8'), /savedAt\\":\\"\d{4}-/);
});

test('outputs through symlinks are written through them; a 245-byte name works; data may come from a pipe read once', () => {
  const dir = tmp();
  const rows = ['x,y'];
  for (let i = 0; i < 20; i++) rows.push(`${i / 10},${(3 * i) / 10}`);
  writeFileSync(join(dir, 'a.csv'), rows.join('\n') + '\n');
  const args = ['train', '--data', 'a.csv', '--target', 'y', '--epochs', '2', '-q'];
  mkdirSync(join(dir, 'real-report'));
  symlinkSync('real-report', join(dir, 'rep-link'));
  writeFileSync(join(dir, 'model-target.json'), 'old');
  symlinkSync('model-target.json', join(dir, 'model-link.json'));
  const r = chainrule([...args, '--report', 'rep-link/', '--out', 'model-link.json'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.ok(lstatSync(join(dir, 'rep-link')).isSymbolicLink() && lstatSync(join(dir, 'model-link.json')).isSymbolicLink(), 'the links are still links');
  assert.deepEqual(readdirSync(join(dir, 'real-report')).sort(), [...REPORT_FILE_NAMES].sort());
  assert.match(readFileSync(join(dir, 'model-target.json'), 'utf8'), /^\{"format":"chainrule-model"/);
  const long = `${'a'.repeat(240)}.json`;
  const l = chainrule([...args, '--out', long], { cwd: dir });
  assert.equal(l.status, 0, l.stderr);
  assert.match(readFileSync(join(dir, long), 'utf8'), /^\{"format":"chainrule-model"/);
  assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), []);
  for (const shell of [`'${process.execPath}' '${BIN_PATH}' train --data <(cat a.csv) --target y --epochs 2 -q`, `cat a.csv | '${process.execPath}' '${BIN_PATH}' train --data /dev/stdin --target y --epochs 2 -q`]) {
    const p = spawnSync('bash', ['-c', shell], { cwd: dir, encoding: 'utf8' });
    assert.equal(p.status, 0, `${shell}: ${p.stderr}`);
    assert.match(p.stdout, /^trained a 1-8-8-1 MLP .* \(regression; 16 train \/ 4 validation samples\)/);
  }
});
