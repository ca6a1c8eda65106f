// `chainrule train --arch FILE.json`: any architecture in the model file's config format, checked
// before training with one-line errors that name the file (exit code 2, nothing written).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Generator, load, moduleTypes } from '../../src/index.js';
import { chainrule } from './run.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'chainrule-arch-'));

/** Tiny 2×2 "images" of three classes, one per row of four pixel columns: a CNN on them trains in a second. */
function imagesCsv(path: string, n: number, seed: number): void {
  const g = new Generator(seed);
  const rows = ['p0,p1,p2,p3,label'];
  for (let i = 0; i < n; i++) {
    const k = i % 3;
    const bright = k === 0 ? [0, 3] : k === 1 ? [1, 2] : [0, 1];
    const pixels = [0, 1, 2, 3].map((p) => ((bright.includes(p) ? 1 : 0) + 0.2 * g.normal()).toFixed(3));
    rows.push(`${pixels.join(',')},${['a', 'b', 'c'][k]}`);
  }
  writeFileSync(path, rows.join('\n') + '\n');
}

const conv2x2 = (extra: object = {}) => ({
  type: 'Sequential',
  layers: [
    { type: 'Unflatten', dim: 1, unflattenedSize: [1, 2, 2] },
    { type: 'Conv2d', inChannels: 1, outChannels: 6, kernelSize: 2, ...extra },
    { type: 'ReLU' },
    { type: 'Unflatten', dim: 1, unflattenedSize: [6, 1] },
  ],
});

test('--arch FILE.json trains the described model; the model file rebuilds it and evaluate/predict use it', () => {
  const dir = tmp();
  imagesCsv(join(dir, 'img.csv'), 90, 1);
  writeFileSync(join(dir, 'arch.json'), JSON.stringify({ type: 'Sequential', layers: [{ type: 'Linear', inFeatures: 4, outFeatures: 8 }, { type: 'Tanh' }, { type: 'Linear', inFeatures: 8, outFeatures: 3 }] }));
  const r = chainrule(['train', '--data', 'img.csv', '--target', 'label', '--arch', 'arch.json', '--epochs', '30', '--lr', '0.05', '--seed', '3', '--out', 'm.json', '-q'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout.split('\n')[0]!, /^trained the model in arch\.json \(67 parameters, crossEntropy, adam lr 0\.05\) on img\.csv \(multiclass; 72 train \/ 18 validation samples\) for 30 epochs in \d+\.\ds$/);
  const saved = load(join(dir, 'm.json'));
  assert.equal(saved.metadata['arch'], 'arch.json');
  assert.equal(saved.metadata['parameters'], 67);
  assert.equal(saved.metadata['layers'], undefined);
  const e = chainrule(['evaluate', '--model', 'm.json', '--data', 'img.csv', '--json'], { cwd: dir });
  assert.equal(e.status, 0, e.stderr);
  assert.ok((JSON.parse(e.stdout) as { accuracy: number }).accuracy > 0.9, e.stdout);
  // The seed draws the initial weights: another seed, another model.
  const other = chainrule(['train', '--data', 'img.csv', '--target', 'label', '--arch', 'arch.json', '--epochs', '1', '--seed', '4', '--out', 'o.json', '-q'], { cwd: dir });
  assert.equal(other.status, 0, other.stderr);
  const once = chainrule(['train', '--data', 'img.csv', '--target', 'label', '--arch', 'arch.json', '--epochs', '1', '--seed', '3', '--out', 'p.json', '-q'], { cwd: dir });
  assert.equal(once.status, 0, once.stderr);
  const first = (f: string) => Array.from(load(join(dir, f)).model.parameters()[0]!.data());
  assert.notDeepEqual(first('o.json'), first('p.json'));
});

test('broken architecture files and flag clashes: one line naming the file and the field, exit code 2, nothing written', () => {
  const dir = tmp();
  imagesCsv(join(dir, 'img.csv'), 30, 2);
  const files: Record<string, string> = {
    'notjson.json': '{ "type": "Sequential", ',
    'array.json': '[{ "type": "ReLU" }]',
    'notype.json': '{ "layers": [] }',
    'unknown.json': JSON.stringify({ type: 'Sequential', layers: [{ type: 'ReLU' }, { type: 'Conv3d', inChannels: 1 }] }),
    'kernel.json': JSON.stringify({ type: 'Sequential', layers: [{ type: 'Unflatten', dim: 1, unflattenedSize: [1, 2, 2] }, { type: 'Conv2d', inChannels: 1, outChannels: 3, kernelSize: '2' }] }),
    'unflatten.json': JSON.stringify({ type: 'Sequential', layers: [{ type: 'Unflatten', dim: 1, unflattenedSize: [2, 0] }] }),
    'flat.json': JSON.stringify({ type: 'Sequential', layers: conv2x2().layers.slice(1) }),
    'width.json': JSON.stringify({ type: 'Sequential', layers: [{ type: 'Linear', inFeatures: 5, outFeatures: 3 }] }),
    'outputs.json': JSON.stringify({ type: 'Sequential', layers: [{ type: 'Linear', inFeatures: 4, outFeatures: 7 }] }),
    'image-out.json': JSON.stringify(conv2x2()),
    'huge.json': JSON.stringify({ type: 'Sequential', layers: [{ type: 'Linear', inFeatures: 4, outFeatures: 3 }, { type: 'Linear', inFeatures: 3, outFeatures: 9_000_000 }] }),
  };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  const before = readdirSync(dir).sort();
  const train = (...args: string[]) => ['train', '--data', 'img.csv', '--target', 'label', '--out', 'm.json', ...args];
  const cases: [string[], string | RegExp][] = [
    [train('--arch', 'missing.json'), 'chainrule: missing.json: no such file'],
    [train('--arch', 'lenet'), "chainrule: --arch 'lenet' is neither a preset (cnn) nor a JSON file"],
    [train('--arch', 'notjson.json'), /^chainrule: notjson\.json: not valid JSON \(.+\)$/],
    [train('--arch', 'array.json'), 'chainrule: array.json: an architecture file holds one module description such as { "type": "Sequential", "layers": [ … ] }, got an array'],
    [train('--arch', 'notype.json'), 'chainrule: notype.json: the description has no string "type" field (e.g. { "type": "Sequential", "layers": [ … ] })'],
    [train('--arch', 'unknown.json'), `chainrule: unknown.json: model.layers[1]: unknown module type 'Conv3d'; known types: ${moduleTypes().join(', ')}`],
    [train('--arch', 'kernel.json'), 'chainrule: kernel.json: model.layers[1]: Conv2d.kernelSize must be a positive integer or a list of them, got "2"'],
    [train('--arch', 'unflatten.json'), 'chainrule: unflatten.json: model.layers[0]: Unflatten.unflattenedSize must be a non-empty list of positive integers, got [2,0]'],
    [train('--arch', 'flat.json'), 'chainrule: flat.json: the model does not fit the data: Conv2d(1 → 6, kernel 2×2): expected a 4-d input (N, C, H, W) with C = 1 (or unbatched, 3-d), got shape [1,4] (the data\'s rows are flat, 4 values: start with an Unflatten layer, e.g. { "type": "Unflatten", "dim": 1, "unflattenedSize": [1, 2, 2] })'],
    [train('--arch', 'width.json'), 'chainrule: width.json: the model does not fit the data: Linear(5 → 3): expected an input whose last dimension is 5 (e.g. [batch, 5]), got shape [1,4]'],
    [train('--arch', 'outputs.json'), "chainrule: outputs.json: the model's output for one sample has shape [1,7]; the multiclass task needs 3 outputs per sample ([1, 3])"],
    [train('--arch', 'image-out.json'), "chainrule: image-out.json: the model's output for one sample has shape [1,6,1,1,1]; the multiclass task needs 3 outputs per sample ([1, 3])"],
    [train('--arch', 'huge.json'), /^chainrule: huge\.json: model\.layers\[1\]: the architecture asks for at least 36,000,015 parameter values, more than the 25,000,000 a model trained here may have \(MAX_PARAMETERS\)$/],
    [train('--arch', 'cnn', '--layers', '4,8,3'), 'chainrule: --arch and --layers both choose the model: give one (--layers sizes an MLP, --arch names a preset or a model description file)'],
    [train('--arch', 'width.json', '--activation', 'tanh'), "chainrule: --activation applies to the MLP that --layers sizes, not to an --arch model: set it in the architecture's layers"],
    [train('--arch', 'width.json', '--dtype', 'float64'), "chainrule: --dtype applies to the MLP that --layers sizes, not to an --arch model: set it in the architecture's layers"],
    [['train', '--data', 'xor', '--limit', '10'], "chainrule: --limit applies to the digits dataset; 'xor' takes --n, the number of samples"],
  ];
  for (const [args, expected] of cases) {
    const r = chainrule(args, { cwd: dir });
    const what = args.join(' ');
    assert.equal(r.status, 2, `${what}: ${r.stderr}`);
    assert.equal(r.stdout, '', what);
    const lines = r.stderr.split('\n');
    assert.equal(lines.length, 2, `one line for ${what}: ${r.stderr}`);
    if (typeof expected === 'string') assert.equal(lines[0], expected, what);
    else assert.match(lines[0]!, expected, what);
    assert.deepEqual(readdirSync(dir).sort(), before, `nothing written by ${what}`);
  }
});
