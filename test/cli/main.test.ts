import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { VERSION } from '../../src/index.js';
import { main } from '../../src/cli/main.js';
import { BIN, chainrule } from './run.js';

test('chainrule --version prints the package version', () => {
  const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string; bin: Record<string, string> };
  assert.equal(VERSION, pkg.version);
  assert.equal(pkg.bin['chainrule'], './' + BIN);
  for (const flag of ['--version', '-v']) {
    const r = chainrule([flag]);
    assert.equal(r.status, 0);
    assert.equal(r.stdout, `${pkg.version}\n`);
  }
});

test('chainrule --help (and no arguments) lists every command', () => {
  for (const args of [['--help'], []]) {
    const r = chainrule(args);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: chainrule \[options\] \[command\]\n\nbackpropagation you can run, read and watch/);
    for (const command of ['tutorial', 'train', 'predict', 'evaluate']) assert.match(r.stdout, new RegExp(`\\n  ${command} `));
  }
});

test('every command has --help describing its flags', () => {
  const flags: Record<string, readonly string[]> = {
    tutorial: ['--x', '--target', '--w1', '--b1', '--w2', '--b2', '--lr', '--epochs', '--print-every', '--activation', '--dtype', '--json'],
    train: ['--data', '--layers', '--activation', '--loss', '--optimizer', '--lr', '--epochs', '--batch-size', '--seed', '--val-split', '--out', '--history', '--json'],
    predict: ['--model', '--data', '--out', '--json'],
    evaluate: ['--model', '--data', '--json'],
  };
  for (const [command, expected] of Object.entries(flags)) {
    const r = chainrule([command, '--help']);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`^Usage: chainrule ${command} \\[options\\]`));
    for (const flag of expected) assert.ok(r.stdout.includes(flag), `${command} --help mentions ${flag}`);
  }
});

test('an unknown option or command is a one-line error and exit code 2', () => {
  const r = chainrule(['--frobnicate']);
  assert.equal(r.status, 2);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "chainrule: unknown option '--frobnicate'\n");
  const c = chainrule(['trian']);
  assert.equal(c.status, 2);
  assert.equal(c.stderr, "chainrule: unknown command 'trian'\n");
});

test('main() resolves to the exit code and writes through the given io', async () => {
  let out = '';
  let err = '';
  const io = { out: (s: string) => void (out += s), err: (s: string) => void (err += s), interactive: false };
  assert.equal(await main(['tutorial', '--epochs', '1', '--no-report'], io), 0);
  assert.equal(out, 'Epoch 0, Loss: 0.0259, Output: 0.3723\n\nFinal output: 0.4028\nFinal parameters: w1 = 0.4008, b1 = 0.1017, w2 = 0.3131, b2 = 0.2228\n');
  assert.equal(err, '');
  assert.equal(await main(['tutorial', '--lr', 'fast'], io), 2);
  assert.equal(err, "chainrule: option '--lr <number>' argument 'fast' is invalid. 'fast' is not a number\n");
});

test('the bin file starts with a node shebang', () => {
  assert.match(readFileSync(BIN, 'utf8'), /^#!\/usr\/bin\/env node\n/);
});
