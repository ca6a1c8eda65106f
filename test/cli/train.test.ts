// `chainrule train`, `predict` and `evaluate`, run as a user runs them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, tensor, crossEntropy, evaluate, load, loadCsvFeatures, loadDataset, predict, softmax, bceWithLogits } from '../../src/index.js';
import { chainrule } from './run.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'chainrule-cli-'));

/** Three labelled clusters with named classes, as a CSV file (a categorical target). */
function flowersCsv(path: string, n: number, seed: number, options: { withTarget?: boolean } = {}): void {
  const g = new Generator(seed);
  const names = ['setosa', 'versicolor', 'virginica'];
  const rows = [options.withTarget === false ? 'petal,sepal' : 'petal,sepal,species'];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const petal = (10 + 20 * k + 2 * g.normal()).toFixed(3);
    const sepal = (5 - 2 * k + 0.5 * g.normal()).toFixed(3);
    rows.push(options.withTarget === false ? `${petal},${sepal}` : `${petal},${sepal},${names[k]}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

test('train on a built-in dataset: progress on stderr, a closing summary, the model and history files', () => {
  const dir = tmp();
  const r = chainrule(['train', '--data', 'xor', '--n', '200', '--epochs', '40', '--lr', '0.03', '--seed', '2', '--out', 'xor.json', '--history', 'h.csv'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  // Not a terminal: plain progress lines, no carriage returns.
  const progress = r.stderr.trim().split('\n');
  assert.ok(progress.length >= 10 && progress.length <= 41, `${progress.length} progress lines`);
  assert.match(progress[progress.length - 1]!, /^epoch 40\/40 - loss \S+ - accuracy \S+ - valLoss \S+ - valAccuracy \S+ - gradNorm \S+ - /);
  assert.ok(!r.stderr.includes('\r'));
  const lines = r.stdout.trim().split('\n');
  assert.match(lines[0]!, /^trained a 2-8-8-1 MLP \(relu, bceWithLogits, adam lr 0\.03\) on xor \(binary; 160 train \/ 40 validation samples\) for 40 epochs in \d+\.\ds$/);
  assert.match(lines[1]!, /^final: loss \d\.\d{4}, gradNorm \d\.\d{4}, accuracy \d\.\d{4}, valLoss \d\.\d{4}, valAccuracy \S+$/);
  assert.deepEqual(lines.slice(2), ['saved the model to xor.json', 'wrote the history to h.csv']);
  const history = readFileSync(join(dir, 'h.csv'), 'utf8').trim().split('\n');
  assert.equal(history[0], 'epoch,loss,gradNorm,lr,time,accuracy,valLoss,valAccuracy');
  assert.equal(history.length, 41);
  const saved = load(join(dir, 'xor.json'));
  assert.equal(saved.metadata['task'], 'binary');
  assert.equal(saved.metadata['n'], 200);
  assert.ok(saved.optimizerState !== null, 'the optimizer state is saved, to resume');
  assert.deepEqual(readdirSync(dir).sort(), ['h.csv', 'xor.json']);
});

test('train is reproducible: the same flags give the same model file weights and history', () => {
  const dir = tmp();
  const args = ['train', '--data', 'moons', '--n', '100', '--epochs', '5', '--seed', '9', '--json'];
  const a = JSON.parse(chainrule([...args, '--out', 'a.json'], { cwd: dir }).stdout) as { history: { epochs: { loss: number }[] } };
  const b = JSON.parse(chainrule([...args, '--out', 'b.json'], { cwd: dir }).stdout) as { history: { epochs: { loss: number }[] } };
  assert.deepEqual(a.history.epochs.map((e) => e.loss), b.history.epochs.map((e) => e.loss));
  const wa = load(join(dir, 'a.json')).model.parameters().map((p) => Array.from(p.data()));
  const wb = load(join(dir, 'b.json')).model.parameters().map((p) => Array.from(p.data()));
  assert.deepEqual(wa, wb);
});

test('evaluate --json on a built-in dataset agrees with the library evaluate of the same model and data', () => {
  const dir = tmp();
  assert.equal(chainrule(['train', '--data', 'circles', '--n', '300', '--epochs', '30', '--out', 'c.json', '-q'], { cwd: dir }).status, 0);
  const r = chainrule(['evaluate', '--model', 'c.json', '--data', 'circles', '--json'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  const result = JSON.parse(r.stdout) as { data: string; samples: number; loss: number; accuracy: number };
  assert.equal(result.data, 'circles (seed 1)'); // a fresh sample: the training seed + 1
  assert.equal(result.samples, 300);
  const { model } = load(join(dir, 'c.json'));
  const expected = evaluate(model, loadDataset('circles', { n: 300, seed: 1 }), { loss: bceWithLogits, metrics: ['accuracy'], logits: true });
  assert.equal(result.loss, expected.loss);
  assert.equal(result.accuracy, expected['accuracy']);
  assert.ok(result.accuracy > 0.9, `accuracy ${result.accuracy}`);
  const text = chainrule(['evaluate', '--model', 'c.json', '--data', 'circles'], { cwd: dir });
  assert.match(text.stdout, /^c\.json on circles \(seed 1\), 300 samples: loss \d\.\d{4}, accuracy \d\.\d{4}\n$/);
});

test('train, evaluate and predict on CSV files with a categorical target', () => {
  const dir = tmp();
  flowersCsv(join(dir, 'train.csv'), 150, 1);
  flowersCsv(join(dir, 'test.csv'), 60, 2);
  flowersCsv(join(dir, 'new.csv'), 5, 3, { withTarget: false });
  const t = chainrule(['train', '--data', 'train.csv', '--target', 'species', '--epochs', '60', '--lr', '0.05', '--out', 'f.json', '-q'], { cwd: dir });
  assert.equal(t.status, 0, t.stderr);
  assert.match(t.stdout, /^trained a 2-8-8-3 MLP \(relu, crossEntropy, adam lr 0\.05\) on train\.csv \(multiclass; 120 train \/ 30 validation samples\)/);
  const saved = load(join(dir, 'f.json'));
  assert.deepEqual(saved.metadata['classes'], ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(saved.metadata['featureNames'], ['petal', 'sepal']);

  const e = chainrule(['evaluate', '--model', 'f.json', '--data', 'test.csv', '--json'], { cwd: dir });
  assert.equal(e.status, 0, e.stderr);
  const ev = JSON.parse(e.stdout) as { samples: number; accuracy: number };
  assert.equal(ev.samples, 60);
  assert.ok(ev.accuracy >= 0.95, `test accuracy ${ev.accuracy}`);

  // predict reads only the feature columns, standardised as in training, and names the classes.
  const p = chainrule(['predict', '--model', 'f.json', '--data', 'new.csv'], { cwd: dir });
  assert.equal(p.status, 0, p.stderr);
  const rows = p.stdout.trim().split('\n');
  assert.equal(rows[0], 'prediction,p_setosa,p_versicolor,p_virginica');
  assert.equal(rows.length, 6);
  const stats = saved.metadata['stats'] as { features: string[]; means: number[]; stds: number[] };
  const { x } = loadCsvFeatures(join(dir, 'new.csv'), { stats });
  const probs = softmax(predict(saved.model, x), -1).toArray() as number[][];
  rows.slice(1).forEach((row, i) => {
    const [label, ...ps] = row.split(',');
    const k = probs[i]!.indexOf(Math.max(...probs[i]!));
    assert.equal(label, ['setosa', 'versicolor', 'virginica'][k]);
    assert.deepEqual(ps.map(Number), probs[i]);
  });
  // The first rows cycle through the three clusters.
  assert.deepEqual(rows.slice(1, 4).map((r) => r.split(',')[0]), ['setosa', 'versicolor', 'virginica']);

  // --out writes the same CSV atomically; --json gives the predictions as JSON.
  assert.equal(chainrule(['predict', '--model', 'f.json', '--data', 'new.csv', '--out', 'pred.csv'], { cwd: dir }).stdout, 'wrote 5 predictions to pred.csv\n');
  assert.equal(readFileSync(join(dir, 'pred.csv'), 'utf8'), p.stdout);
  const j = JSON.parse(chainrule(['predict', '--model', 'f.json', '--data', 'new.csv', '--json'], { cwd: dir }).stdout) as { predictions: string[] };
  assert.deepEqual(j.predictions, rows.slice(1).map((r) => r.split(',')[0]));
  // evaluate on multiclass agrees with the library.
  const lib = evaluate(saved.model, { x: loadCsvFeatures(join(dir, 'test.csv'), { stats }).x, y: loadCsvLabels(join(dir, 'test.csv')) }, { loss: crossEntropy, metrics: ['accuracy'] });
  assert.equal(ev.accuracy, lib['accuracy']);
});

function loadCsvLabels(path: string) {
  const names = ['setosa', 'versicolor', 'virginica'];
  const labels = readFileSync(path, 'utf8').trim().split('\n').slice(1).map((l) => names.indexOf(l.split(',')[2]!));
  return tensor(labels, { dtype: 'int32' });
}

test('a bad CSV row is a one-line error with file, line and reason, and exit code 1', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'bad.csv'), 'a,b,species\n1,2,setosa\n3,4,virginica\n5,x,setosa\n');
  const r = chainrule(['train', '--data', 'bad.csv', '--target', 'species'], { cwd: dir });
  assert.equal(r.status, 1);
  assert.equal(r.stdout, '');
  assert.equal(r.stderr, "chainrule: bad.csv:4: column 'b' is 'x', not a number\n");
  writeFileSync(join(dir, 'short.csv'), 'a,b,y\n1,2,0\n3,4\n');
  const s = chainrule(['train', '--data', 'short.csv', '--target', 'y'], { cwd: dir });
  assert.equal(s.status, 1);
  assert.match(s.stderr, /^chainrule: short\.csv:3: .*2 fields.*3|^chainrule: short\.csv:3: /);
  assert.equal(s.stderr.split('\n').length, 2);
});

test('train, predict and evaluate reject bad flags, values and files with one line and a non-zero exit', () => {
  const dir = tmp();
  writeFileSync(join(dir, 'ok.csv'), 'a,b,y\n1,2,0\n3,4,1\n');
  writeFileSync(join(dir, 'notamodel.json'), '{"hello": 1}');
  const cases: [string[], number, RegExp][] = [
    [['train'], 2, /^chainrule: required option '--data <name\|file\.csv>' not specified$/],
    [['train', '--data', 'moon'], 2, /^chainrule: --data 'moon' is neither a CSV file nor a built-in dataset \(tutorial, xor, circles, moons, spirals, blobs, digits\)$/],
    [['train', '--data', 'missing.csv', '--target', 'y'], 1, /^chainrule: missing\.csv: no such file$/],
    [['train', '--data', 'ok.csv'], 2, /^chainrule: --data ok\.csv is a CSV file: name its target column with --target$/],
    [['train', '--data', 'ok.csv', '--target', 'z'], 1, /ok\.csv.*'z'/],
    [['train', '--data', 'xor', '--target', 'y'], 2, /^chainrule: --target applies to CSV data, not to the built-in dataset 'xor'$/],
    [['train', '--data', 'xor', '--layers', '2,8,x'], 2, /^chainrule: option '--layers <sizes>' argument '2,8,x' is invalid\. '2,8,x' is not a comma-separated list of positive integers/],
    [['train', '--data', 'xor', '--layers', '3,8,1'], 1, /^chainrule: train: the first layer has 3 units but the data has 2 features$/],
    [['train', '--data', 'xor', '--optimizer', 'adamax'], 2, /is not one of sgd, adam, adamw, rmsprop, adagrad$/],
    [['train', '--data', 'xor', '--val-split', '1'], 2, /'1' is not a fraction in \[0, 1\)$/],
    [['train', '--data', 'xor', '--lr', '-1'], 2, /'-1' is not a positive number$/],
    [['predict', '--model', 'nope.json', '--data', 'ok.csv'], 1, /^chainrule: nope\.json: cannot read the model file \(no such file\)$/],
    [['predict', '--model', 'notamodel.json', '--data', 'ok.csv'], 1, /^chainrule: notamodel\.json: not a chainrule model file/],
    [['evaluate', '--model', 'notamodel.json'], 2, /^chainrule: required option '--data <file\.csv\|name>' not specified$/],
    [['train', '--data', 'xor', '--bogus'], 2, /^chainrule: unknown option '--bogus'$/],
  ];
  for (const [args, status, message] of cases) {
    const r = chainrule(args, { cwd: dir });
    assert.equal(r.status, status, `${args.join(' ')}: ${r.stderr}`);
    assert.equal(r.stdout, '', args.join(' '));
    const lines = r.stderr.split('\n');
    assert.equal(lines.length, 2, `one line for ${args.join(' ')}: ${r.stderr}`);
    assert.match(lines[0]!, message, args.join(' '));
  }
});

test('predict refuses a damaged model file and a CSV without the model feature columns', () => {
  const dir = tmp();
  flowersCsv(join(dir, 'train.csv'), 30, 1);
  assert.equal(chainrule(['train', '--data', 'train.csv', '--target', 'species', '--epochs', '2', '--out', 'f.json', '-q'], { cwd: dir }).status, 0);
  writeFileSync(join(dir, 'other.csv'), 'width,height\n1,2\n');
  const r = chainrule(['predict', '--model', 'f.json', '--data', 'other.csv'], { cwd: dir });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /^chainrule: other\.csv.*'petal'/);
  const text = readFileSync(join(dir, 'f.json'), 'utf8');
  writeFileSync(join(dir, 'f.json'), text.replace('"petal', '"Petal'));
  const d = chainrule(['predict', '--model', 'f.json', '--data', 'train.csv'], { cwd: dir });
  assert.equal(d.status, 1);
  assert.equal(d.stderr, 'chainrule: f.json: checksum mismatch: the file was modified or damaged after it was saved\n');
});
