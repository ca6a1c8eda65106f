// `chainrule train --data names --arch …`, `sample` and `evaluate` on a language model, as a user runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chainrule } from './run.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-lm-'));

test('train --data names --arch bigram, then sample (reproducible by seed) and evaluate (nats per character)', () => {
  const model = join(dir, 'bigram.json');
  const r = chainrule(['train', '--data', 'names', '--arch', 'bigram', '--epochs', '2', '--out', model, '--quiet', '--no-timestamp']);
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /trained the bigram language model \(784 parameters, 28 tokens, block 16\) on names \(6738 \/ 842 \/ 842 examples train \/ validation \/ test\) for 2 epochs/);
  const testLoss = Number(/test loss (\d+\.\d+) nats per character/.exec(r.stdout)?.[1]);
  assert.ok(testLoss > 2 && testLoss < 2.8, r.stdout);

  const a = chainrule(['sample', '--model', model, '--n', '8', '--seed', '1', '--temperature', '0.8', '--top-k', '5']);
  assert.equal(a.status, 0, a.stderr);
  const lines = a.stdout.trim().split('\n');
  assert.equal(lines.length, 8);
  for (const l of lines) assert.match(l, /^[-a-z]{0,15}$/);
  assert.equal(chainrule(['sample', '--model', model, '--n', '8', '--seed', '1', '--temperature', '0.8', '--top-k', '5']).stdout, a.stdout);
  assert.notEqual(chainrule(['sample', '--model', model, '--n', '8', '--seed', '2']).stdout, a.stdout);
  const json = chainrule(['sample', '--model', model, '--n', '3', '--json']);
  assert.equal((JSON.parse(json.stdout) as { samples: string[] }).samples.length, 3);

  const e = chainrule(['evaluate', '--model', model, '--data', 'names', '--json']);
  assert.equal(e.status, 0, e.stderr);
  const result = JSON.parse(e.stdout) as { loss: number; split: string; sequences: number };
  assert.equal(result.split, 'test');
  assert.equal(result.sequences, 842);
  assert.ok(Math.abs(result.loss - testLoss) < 1e-4, `${result.loss} vs ${testLoss}`);
});

test('a text file trains one example a line, or as a running text with --block-size', () => {
  const file = join(dir, 'words.txt');
  writeFileSync(file, Array.from({ length: 60 }, (_, i) => ['abba', 'baab', 'abab', 'bbaa'][i % 4]).join('\n') + '\n');
  const model = join(dir, 'words.json');
  const r = chainrule(['train', '--data', file, '--arch', 'mlp-lm', '--epochs', '3', '--out', model, '--json']);
  assert.equal(r.status, 0, r.stderr);
  const out = JSON.parse(r.stdout) as { task: string; counts: { train: number }; testLoss: number };
  assert.equal(out.task, 'language-model');
  assert.equal(out.counts.train, 48);
  assert.ok(Number.isFinite(out.testLoss));
  const s = chainrule(['sample', '--model', model, '--n', '4']);
  assert.equal(s.status, 0, s.stderr);
  assert.match(s.stdout, /^([ab]*\n){4}$/);

  const text = join(dir, 'story.txt');
  writeFileSync(text, 'the cat sat on the mat. '.repeat(30));
  const tm = join(dir, 'story.json');
  const t = chainrule(['train', '--data', text, '--arch', 'bigram', '--block-size', '8', '--epochs', '2', '--out', tm, '--quiet']);
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /characters train \/ validation \/ test/);
  const p = chainrule(['sample', '--model', tm, '--n', '1', '--prompt', 'the ', '--max-length', '10']);
  assert.equal(p.status, 0, p.stderr);
  assert.match(p.stdout, /^the .{10}\n$/);
});

test('language-model flags are checked: MLP flags refused, --arch needed, a non-LM model named', () => {
  const noArch = chainrule(['train', '--data', 'names']);
  assert.equal(noArch.status, 2);
  assert.match(noArch.stderr, /--data names trains a language model: choose --arch bigram, mlp-lm, lstm, transformer/);
  const layers = chainrule(['train', '--data', 'names', '--arch', 'lstm', '--layers', '2,3']);
  assert.equal(layers.status, 2);
  assert.match(layers.stderr, /--layers does not apply to a language model/);
  const out = join(dir, 'xor.json');
  assert.equal(chainrule(['train', '--data', 'xor', '--epochs', '1', '--out', out, '--quiet']).status, 0);
  const s = chainrule(['sample', '--model', out]);
  assert.equal(s.status, 2);
  assert.match(s.stderr, /is a Sequential, not a language model/);
  assert.ok(!existsSync(join(dir, 'nothing.json')));
  assert.ok(readFileSync(out, 'utf8').length > 0);
});
