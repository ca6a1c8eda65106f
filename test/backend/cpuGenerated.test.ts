import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const script = 'scripts/gen-cpu-elementwise.mjs';
const generated = 'src/backend/cpu/elementwise.generated.ts';

function check(target?: string): { status: number | null; stdout: string; stderr: string } {
  const args = [script, '--check', ...(target === undefined ? [] : [`--target=${target}`])];
  return spawnSync(process.execPath, args, { encoding: 'utf8' });
}

test('the committed cpu elementwise kernels are what the generator tables give', () => {
  const r = check();
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /matches the tables \(\d+ kernels\)/);
});

test('gen:cpu --check fails on a generated file edited by hand, naming the first changed line', () => {
  const lines = readFileSync(generated, 'utf8').split('\n');
  const at = lines.indexOf('      out[outOff + i] = x + y;');
  assert.ok(at > 0, 'the add kernel stores x + y');
  lines[at] = '      out[outOff + i] = y + x;';
  const stale = join(mkdtempSync(join(tmpdir(), 'chainrule-gen-cpu-')), 'elementwise.generated.ts');
  writeFileSync(stale, lines.join('\n'));
  const r = check(stale);
  assert.equal(r.status, 1);
  assert.match(r.stderr, new RegExp(`first difference at line ${at + 1}\\b.*npm run gen:cpu`));
});

test('gen:cpu --check fails when the generated file is missing', () => {
  const r = check(join(mkdtempSync(join(tmpdir(), 'chainrule-gen-cpu-')), 'absent.ts'));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /is missing: run npm run gen:cpu/);
});
