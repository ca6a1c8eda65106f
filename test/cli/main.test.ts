import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../src/index.js';

const BIN = 'dist/src/cli/main.js';
const run = (...args: string[]) => spawnSync(process.execPath, [BIN, ...args], { encoding: 'utf8' });

test('chainrule --version prints the package version', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; bin: Record<string, string> };
  assert.equal(VERSION, pkg.version);
  assert.equal(pkg.bin['chainrule'], './' + BIN);
  const r = run('--version');
  assert.equal(r.status, 0);
  assert.equal(r.stdout, `${pkg.version}\n`);
});

test('chainrule --help (and no arguments) prints usage', () => {
  for (const args of [['--help'], []]) {
    const r = run(...args);
    assert.equal(r.status, 0);
    assert.match(r.stdout, /^chainrule \d+\.\d+\.\d+: backpropagation you can run, read and watch\n\nUsage: chainrule <command> \[options\]/);
  }
});

test('an unknown command is a one-line error and exit code 2', () => {
  const r = run('--frobnicate');
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "chainrule: unknown command or option '--frobnicate' (see chainrule --help)\n");
});

test('the bin file starts with a node shebang', () => {
  assert.match(readFileSync(BIN, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});
