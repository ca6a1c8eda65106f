// `chainrule train --data digits --arch cnn`, shortened (1,000 images, 2 epochs), against the same
// shortened run of PyTorch (scripts/oracles/digits_cnn.py → test/fixtures/digits_cnn.json); then
// evaluate, predict and explain on the saved CNN, from --data digits and from CSV files.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { crossEntropy, digits, evaluate, load, predict, softmax } from '../../src/index.js';
import { chainrule } from './run.js';

const FIXTURE = fileURLToPath(new URL('../../../test/fixtures/digits_cnn.json', import.meta.url));

interface OracleRun {
  readonly epochs: number;
  readonly limit: number | null;
  readonly accuracies: number[];
  readonly mean: number;
  readonly std: number;
}

/** `rows` of the digits test split as a CSV in Kaggle's columns (label, pixel0…pixel783). */
function digitsCsv(path: string, rows: number, withLabel: boolean): void {
  const test = digits({ split: 'test', limit: rows });
  const x = Array.from(test.x.data());
  const y = Array.from(test.y.data());
  const header = [...(withLabel ? ['label'] : []), ...Array.from({ length: 784 }, (_, i) => `pixel${i}`)];
  const lines = [header.join(',')];
  for (let r = 0; r < rows; r++) lines.push([...(withLabel ? [String(y[r])] : []), ...x.slice(r * 784, (r + 1) * 784).map(String)].join(','));
  writeFileSync(path, lines.join('\n') + '\n');
}

test('train --arch cnn (shortened) learns as PyTorch does on the same run; evaluate, predict and explain use the saved CNN', () => {
  const oracle = (JSON.parse(readFileSync(FIXTURE, 'utf8')) as { short: OracleRun }).short;
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-cnn-'));
  const args = ['train', '--data', 'digits', '--arch', 'cnn', '--limit', String(oracle.limit), '--epochs', String(oracle.epochs), '--out', 'cnn.json', '-q'];
  const r = chainrule(args, { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.split('\n')[0]!, /^trained the cnn preset \(11,322 parameters, crossEntropy, adam lr 0\.003 cosine\) on digits \(multiclass; 1000 train \/ 0 validation samples\) for 2 epochs in \d+\.\ds$/);
  const saved = load(join(dir, 'cnn.json'));
  assert.equal(saved.metadata['arch'], 'cnn');
  assert.equal(saved.metadata['limit'], oracle.limit);

  const e = chainrule(['evaluate', '--model', 'cnn.json', '--data', 'digits', '--json'], { cwd: dir });
  assert.equal(e.status, 0, e.stderr);
  const result = JSON.parse(e.stdout) as { data: string; samples: number; loss: number; accuracy: number };
  assert.equal(result.data, 'digits (test split)');
  assert.equal(result.samples, 2000);
  const testSplit = digits({ split: 'test' });
  const expected = evaluate(saved.model, testSplit, { loss: crossEntropy, metrics: ['accuracy'], logits: true });
  assert.equal(result.accuracy, expected['accuracy']);
  assert.equal(result.loss, expected.loss);
  // PyTorch's ten seeds of the same shortened run spread over a few points: chainrule's must land among them.
  const tolerance = Math.max(3 * oracle.std, 0.02);
  assert.ok(Math.abs(result.accuracy - oracle.mean) <= tolerance,
    `chainrule ${result.accuracy.toFixed(4)} vs PyTorch ${oracle.mean.toFixed(4)} ± ${oracle.std.toFixed(4)} (seeds ${oracle.accuracies.map((a) => a.toFixed(3)).join(', ')})`);

  // predict and evaluate read CSV images (784 pixel columns, Kaggle's names) exactly as --data digits.
  digitsCsv(join(dir, 'images.csv'), 6, false);
  digitsCsv(join(dir, 'labelled.csv'), 6, true);
  const p = chainrule(['predict', '--model', 'cnn.json', '--data', 'images.csv'], { cwd: dir });
  assert.equal(p.status, 0, p.stderr);
  const rows = p.stdout.trim().split('\n');
  assert.equal(rows[0], ['prediction', ...Array.from({ length: 10 }, (_, k) => `p_${k}`)].join(','));
  const probs = softmax(predict(saved.model, testSplit.x.slice([0, 6])), -1).toArray() as number[][];
  rows.slice(1).forEach((row, i) => {
    const [label, ...ps] = row.split(',');
    assert.equal(label, String(probs[i]!.indexOf(Math.max(...probs[i]!))));
    assert.deepEqual(ps.map(Number), probs[i]);
  });
  const fromDigits = chainrule(['predict', '--model', 'cnn.json', '--data', 'digits'], { cwd: dir });
  assert.equal(fromDigits.status, 0, fromDigits.stderr);
  // The same images in a batch of 2,000 instead of 6: the same classes, probabilities to float32 rounding (a product blocked differently).
  fromDigits.stdout.trim().split('\n').slice(1, 7).forEach((row, i) => {
    const [label, ...ps] = row.split(',');
    const [csvLabel, ...csvPs] = rows[i + 1]!.split(',');
    assert.equal(label, csvLabel);
    ps.forEach((v, k) => assert.ok(Math.abs(Number(v) - Number(csvPs[k])) <= 1e-6, `row ${i} p_${k}: ${v} vs ${csvPs[k]}`));
  });
  const ec = chainrule(['evaluate', '--model', 'cnn.json', '--data', 'labelled.csv', '--json'], { cwd: dir });
  assert.equal(ec.status, 0, ec.stderr);
  const small = evaluate(saved.model, digits({ split: 'test', limit: 6 }), { loss: crossEntropy, metrics: ['accuracy'], logits: true });
  assert.equal((JSON.parse(ec.stdout) as { accuracy: number }).accuracy, small['accuracy']);

  const x = chainrule(['explain', '--model', 'cnn.json', '--data', 'digits', '--row', '3'], { cwd: dir });
  assert.equal(x.status, 0, x.stderr);
  assert.match(x.stdout, /∂L\/∂/);
});
