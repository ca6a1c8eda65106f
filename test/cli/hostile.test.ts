// Issue 14: the bad inputs a user meets, as one table. For each: the exit code (2 usage, 1 data
// or file, 141 a closed pipe), exactly one `chainrule:` line on stderr (none for a closed pipe),
// no stack trace, no file changed that is not an output, no temporary left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from '../../src/index.js';
import { crc32 } from '../../src/io/crc32.js';
import { chainrule } from './run.js';
import { runCase, type HostileCase } from './hostileTable.js';

const root = process.getuid?.() === 0;
/** A directory no file can be created in: root ignores mode bits, but not sysfs. */
const READ_ONLY_DIR = root ? '/sys' : 'ro';
/** A file that cannot be read: root ignores mode bits, but not this procfs entry. */
const UNREADABLE = root ? '/proc/sys/vm/drop_caches' : 'secret.csv';

function fixtures(): string {
  const dir = mkdtempSync(join(tmpdir(), 'chainrule-hostile-fixtures-'));
  const rows = ['x,y'];
  for (let i = 0; i < 40; i++) rows.push(`${i / 10},${(2 * i) / 10 + 1}`);
  writeFileSync(join(dir, 'a.csv'), rows.join('\n') + '\n');
  // Enough rows that predict's output is more than a pipe holds (64 KiB).
  const many = ['x,y'];
  for (let i = 0; i < 20000; i++) many.push(`${(i % 100) / 10},0`);
  writeFileSync(join(dir, 'many.csv'), many.join('\n') + '\n');
  mkdirSync(join(dir, 'd'));
  mkdirSync(join(dir, 'full-report'));
  writeFileSync(join(dir, 'full-report', 'notes.txt'), 'my own notes\n');
  if (!root) {
    mkdirSync(join(dir, 'ro'));
    chmodSync(join(dir, 'ro'), 0o555);
    writeFileSync(join(dir, 'secret.csv'), 'x,y\n1,2\n');
    chmodSync(join(dir, 'secret.csv'), 0o000);
  }
  const r = chainrule(['train', '--data', 'a.csv', '--target', 'y', '--layers', '1,4,1', '--epochs', '2', '--out', 'm.json', '-q'], { cwd: dir });
  assert.equal(r.status, 0, r.stderr);
  return dir;
}

/** Rewrites model file `m.json` in `dir` as `name` with its payload edited and the checksum recomputed (a careful hand edit). */
function editedModel(dir: string, name: string, edit: (payload: string) => string): void {
  const outer = JSON.parse(readFileSync(join(dir, 'm.json'), 'utf8')) as { payload: string };
  const payload = edit(outer.payload);
  writeFileSync(join(dir, name), JSON.stringify({ ...outer, checksum: crc32(payload), payload }) + '\n');
}

type Payload = { model: { layers: Record<string, unknown>[] }; parameters: Record<string, { dtype: string }>; metadata: Record<string, unknown> };
const editPayload = (change: (p: Payload) => void) => (text: string) => {
  const p = JSON.parse(text) as Payload;
  change(p);
  return JSON.stringify(p);
};

const train = ['train', '--data', 'a.csv', '--target', 'y', '--layers', '1,4,1', '--epochs', '2', '-q'];

const CASES: HostileCase[] = [
  // Write errors: known before training where they can be, and the work kept where they cannot.
  { name: '--out in a missing directory', args: [...train, '--out', 'nowhere/m.json'], status: 1, message: /nowhere\/m\.json: cannot write --out: the directory .*nowhere does not exist$/ },
  { name: '--out a directory', args: [...train, '--out', 'd'], status: 1, message: /^chainrule: d: cannot write --out: it is a directory; give a file name$/ },
  { name: '--history in a missing directory', args: [...train, '--history', 'nowhere/h.csv'], status: 1, message: /nowhere\/h\.csv: cannot write --history: the directory .* does not exist$/ },
  { name: '--history in a read-only directory', args: [...train, '--history', `${READ_ONLY_DIR}/h.csv`], status: 1, message: /h\.csv: cannot write --history: (permission denied|read-only file system)$/ },
  { name: 'predict --out in a read-only directory', args: ['predict', '--model', 'm.json', '--data', 'a.csv', '--out', `${READ_ONLY_DIR}/p.csv`], status: 1, message: /p\.csv: cannot write --out: (permission denied|read-only file system)$/ },
  { name: '--report over a file', args: [...train, '--report', 'a.csv'], status: 2, message: /--report a\.csv would write over one of the command's inputs/ },
  {
    name: '--out a full disk after training: the model is kept',
    args: [...train, '--out', '/dev/full'],
    status: 1,
    message: /^chainrule: \/dev\/full: cannot write --out: no space left on device; kept the trained model in .*rescue\/chainrule-rescued-\S+ instead$/,
    after: (dir) => {
      const rescued = readdirSync(join(dir, 'rescue'));
      assert.equal(rescued.length, 1, rescued.join(', '));
      assert.equal(load(join(dir, 'rescue', rescued[0]!)).model.parameters().length, 4);
    },
  },
  // Paths that cannot name the output (review of this first version).
  { name: '--out empty', args: [...train, '--out', ''], status: 2, message: /^chainrule: --out is empty; give a file name$/ },
  { name: '--out ending in a slash', args: [...train, '--out', 'newdir/'], status: 2, message: /--out newdir\/ ends with a slash, so it names a directory/ },
  { name: '--out a 300-byte name', args: [...train, '--out', `${'a'.repeat(295)}.json`], status: 1, message: /cannot write --out: the name is 300 bytes long; file names are at most 255$/ },
  { name: '--out /dev/stdout (a pipe here)', args: [...train, '--out', '/dev/stdout'], status: 2, message: /--out \/dev\/stdout is this command's standard output/ },
  { name: '--out a symlink to stdout', args: [...train, '--out', 'mystdout'], setup: (dir) => symlinkSync('/proc/self/fd/1', join(dir, 'mystdout')), status: 2, message: /--out mystdout is this command's standard output/ },
  { name: '--out a path with a newline', args: [...train, '--out', 'no\ndir/m.json'], status: 1, message: /^chainrule: no\\ndir\/m\.json: cannot write --out: the directory .*no\\ndir does not exist$/ },
  { name: '--report the working directory (empty)', args: ['tutorial', '--report', '.'], setup: (dir) => mkdirSync(join(dir, 'empty')), status: 2, message: /--report \. would write over|--report \. is the working directory/ },
  {
    name: '--report a directory whose index.html is the user\'s directory',
    args: [...train, '--report', 'r1'],
    setup: (dir) => {
      mkdirSync(join(dir, 'r1', 'index.html', 'deep'), { recursive: true });
      writeFileSync(join(dir, 'r1', 'index.html', 'deep', 'keep.txt'), 'precious');
    },
    status: 2,
    message: /--report r1: the directory holds files that are not a report's \(index\.html\)/,
  },
  // Read errors other than a missing file.
  { name: '--data a directory', args: ['train', '--data', 'd', '--target', 'y'], status: 1, message: /^chainrule: d: it is a directory, not a CSV file$/ },
  { name: '--data an unreadable file', args: ['train', '--data', UNREADABLE, '--target', 'y'], status: 1, message: /: cannot read the file: permission denied$/ },
  { name: 'predict --data a directory', args: ['predict', '--model', 'm.json', '--data', 'd'], status: 1, message: /^chainrule: d: it is a directory, not a CSV file$/ },
  // stdout closed or full.
  { name: 'predict | head -1', args: { shell: '$CHAINRULE predict --model m.json --data many.csv | head -1 > /dev/null' }, status: 141, message: null },
  { name: 'tutorial --epochs 100000 --print-every 1 | head -1', args: { shell: '$CHAINRULE tutorial --epochs 100000 --print-every 1 --no-report | head -1 > /dev/null' }, status: 141, message: null },
  { name: 'tutorial > /dev/full', args: { shell: '$CHAINRULE tutorial --no-report > /dev/full' }, status: 1, message: /^chainrule: stdout: cannot write: no space left on device$/ },
  // Outputs never overwrite inputs or each other.
  { name: 'train --out the training CSV', args: [...train, '--out', 'a.csv'], status: 2, message: /--out a\.csv would write over one of the command's inputs \(--data\)/ },
  { name: 'train --out the training CSV by another name', args: [...train, '--out', './d/../a.csv'], status: 2, message: /would write over one of the command's inputs \(--data\)/ },
  { name: 'train --history X --out X', args: [...train, '--out', 'x.json', '--history', 'x.json'], status: 2, message: /--history x\.json would write over another output \(--out\)/ },
  { name: 'predict --out the model', args: ['predict', '--model', 'm.json', '--data', 'a.csv', '--out', 'm.json'], status: 2, message: /--out m\.json would write over one of the command's inputs \(--model\)/ },
  { name: 'predict --out the data', args: ['predict', '--model', 'm.json', '--data', 'a.csv', '--out', 'a.csv'], status: 2, message: /--out a\.csv would write over one of the command's inputs \(--data\)/ },
  { name: 'train --report the directory holding the data', args: [...train, '--report', '.'], status: 2, message: /--report \. is the working directory or holds it/ },
  {
    name: 'train --report the directory holding the data, by name',
    args: ['train', '--data', 'sub/b.csv', '--target', 'y', '--epochs', '2', '-q', '--report', './sub/'],
    setup: (dir) => {
      mkdirSync(join(dir, 'sub'));
      writeFileSync(join(dir, 'sub', 'b.csv'), readFileSync(join(dir, 'a.csv')));
    },
    status: 2,
    message: /--report \.\/sub\/ would write over one of the command's inputs \(--data\)/,
  },
  { name: 'train --report a directory holding other files', args: [...train, '--report', 'full-report'], status: 2, message: /--report full-report: the directory holds files that are not a report's \(notes\.txt\)/ },
  { name: 'tutorial --report a directory holding other files', args: ['tutorial', '--report', 'full-report'], status: 2, message: /--report full-report: the directory holds files that are not a report's/ },
  { name: 'train --out inside the --report directory', args: [...train, '--report', 'r', '--out', 'r/m.json'], status: 2, message: /--report r would write over another output \(--out\)/ },
  // Flags and values: exit code 2.
  { name: '--lr 0x10', args: [...train, '--lr', '0x10'], status: 2, message: /'0x10' is not a number$/ },
  { name: '--lr 1_000', args: [...train, '--lr', '1_000'], status: 2, message: /'1_000' is not a number$/ },
  { name: '--noise -1', args: ['train', '--data', 'xor', '--noise', '-1'], status: 2, message: /'-1' is not a non-negative number$/ },
  { name: '--seed 1e30', args: ['train', '--data', 'xor', '--seed', '1e30'], status: 2, message: /'1e30' is too large/ },
  { name: '--target with a built-in dataset', args: ['train', '--data', 'xor', '--target', 'y'], status: 2, message: /--target applies to CSV data, not to the built-in dataset 'xor'$/ },
  { name: 'explain --parameters garbage', args: ['explain', '--model', 'm.json', '--data', 'a.csv', '--expand', '--parameters', '[[[,'], status: 2, message: /'\[\[\[,' is not a comma-separated list of parameter elements/ },
  { name: 'explain --parameters an unknown element', args: ['explain', '--model', 'm.json', '--data', 'a.csv', '--expand', '--parameters', 'W9[0,0]'], status: 2, message: /--parameters: no parameter element named 'W9\[0,0\]'/ },
  // Silently wrong results that are now refused.
  {
    name: 'a CSV with 1e308 (float32)',
    args: ['train', '--data', 'huge.csv', '--target', 'y', '--epochs', '2', '--out', 'm.json', '-q'],
    setup: (dir) => writeFileSync(join(dir, 'huge.csv'), 'x,y\n1e308,1\n2,3\n3,1e308\n4,2\n5,1\n'),
    status: 1,
    message: /^chainrule: huge\.csv:\d: column '[xy]' is '1e308', too large for float32 .*use dtype float64/,
  },
  {
    name: 'a CSV with 1e308 (float64, not standardised) diverges and does not save over the good model',
    args: ['train', '--data', 'huge.csv', '--target', 'y', '--dtype', 'float64', '--no-standardize', '--epochs', '5', '--out', 'm.json', '-q'],
    setup: (dir) => writeFileSync(join(dir, 'huge.csv'), 'x,y\n1e308,1\n2,3\n3,1e308\n4,2\n5,1\n'),
    status: 1,
    message: /training diverged at epoch 1\/5, batch 1\/1: the loss is Infinity; the first non-finite value: mul produced Infinity/,
  },
  { name: '--val-split 0.999 leaves no training data', args: [...train, '--val-split', '0.999'], status: 1, message: /a validation split of 0\.999 of 40 samples leaves 0 for training/ },
  { name: '--epochs 0', args: [...train, '--epochs', '0', '--out', 'new.json'], status: 2, message: /'0' is not a positive integer$/ },
  {
    name: 'a CSV with one class',
    args: ['train', '--data', 'one.csv', '--target', 'c', '--out', 'one.json'],
    setup: (dir) => writeFileSync(join(dir, 'one.csv'), 'x,c\n1,a\n2,a\n3,a\n4,a\n5,a\n'),
    status: 1,
    message: /the target has one class \('a'\) in all 5 samples; classification needs at least 2$/,
  },
  {
    name: 'a label with invalid UTF-8',
    args: ['train', '--data', 'latin1.csv', '--target', 'c'],
    setup: (dir) => writeFileSync(join(dir, 'latin1.csv'), Buffer.concat([Buffer.from('x,c\n1,a\n2,'), Buffer.from([0x63, 0x61, 0x66, 0xe9]), Buffer.from('\n3,a\n')])),
    status: 1,
    message: /^chainrule: latin1\.csv:3: byte \d+ is not UTF-8/,
  },
  {
    name: 'a label with a NUL byte',
    args: ['train', '--data', 'nul.csv', '--target', 'c'],
    setup: (dir) => writeFileSync(join(dir, 'nul.csv'), 'x,c\n1,a\n2,b\u0000c\n3,a\n'),
    status: 1,
    message: /^chainrule: nul\.csv:3: .*NUL/,
  },
  // Model files that are not what they say, with a valid checksum.
  { name: 'a null payload', args: ['predict', '--model', 'null.json', '--data', 'a.csv'], setup: (dir) => editedModel(dir, 'null.json', () => 'null'), status: 1, message: /^chainrule: null\.json: .*payload is null/ },
  { name: 'a truncated payload', args: ['predict', '--model', 'cut.json', '--data', 'a.csv'], setup: (dir) => editedModel(dir, 'cut.json', (p) => p.slice(0, 100)), status: 1, message: /^chainrule: cut\.json: / },
  {
    name: 'a parameter declared int32',
    args: ['predict', '--model', 'int.json', '--data', 'a.csv'],
    setup: (dir) => editedModel(dir, 'int.json', editPayload((p) => (p.parameters['0.weight']!.dtype = 'int32'))),
    status: 1,
    message: /'0\.weight' is stored as int32 but the model's '0\.weight' is float32/,
  },
  {
    name: 'a float64 parameter in a float32 model',
    args: ['evaluate', '--model', 'f64.json', '--data', 'a.csv'],
    setup: (dir) => editedModel(dir, 'f64.json', editPayload((p) => (p.parameters['2.bias']!.dtype = 'float64'))),
    status: 1,
    message: /'2\.bias' is stored as float64 but the model's '2\.bias' is float32/,
  },
  {
    name: 'a layer edited to 1e9 inputs',
    args: ['predict', '--model', 'wide.json', '--data', 'a.csv'],
    setup: (dir) => editedModel(dir, 'wide.json', editPayload((p) => (p.model.layers[0]!['inFeatures'] = 1e9))),
    status: 1,
    message: /^chainrule: wide\.json: the model description cannot be rebuilt: .*asks for at least 4,000,000,004 parameter values, more than the [\d,]+ its stored weights can hold$/,
  },
  {
    name: '"n": 1e12 in the metadata',
    args: ['evaluate', '--model', 'bign.json', '--data', 'xor'],
    setup: (dir) => {
      const r = chainrule(['train', '--data', 'xor', '--epochs', '1', '--out', 'xor.json', '-q'], { cwd: dir });
      assert.equal(r.status, 0, r.stderr);
      const outer = JSON.parse(readFileSync(join(dir, 'xor.json'), 'utf8')) as { payload: string };
      const payload = editPayload((p) => (p.metadata['n'] = 1e12))(outer.payload);
      writeFileSync(join(dir, 'bign.json'), JSON.stringify({ ...outer, checksum: crc32(payload), payload }));
    },
    status: 1,
    message: /n .*1000000000000.*10,000,000|10,000,000.*1000000000000/,
  },
  // Sizes: refused up front, naming the flag and the limit.
  { name: '--n 1e12', args: ['train', '--data', 'blobs', '--n', '1e12'], status: 2, message: /'1e12' is too large: the number of samples is at most 10,000,000$/ },
  { name: '--layers 2,100000000,1', args: ['train', '--data', 'xor', '--layers', '2,100000000,1'], status: 2, message: /makes 400,000,001 parameters; a model trained here has at most 25,000,000$/ },
  { name: '--epochs 1e20', args: ['train', '--data', 'xor', '--epochs', '1e20'], status: 2, message: /'1e20' is too large: the number of epochs is at most 1,000,000$/ },
  { name: 'tutorial --epochs 1e7', args: ['tutorial', '--epochs', '1e7', '--no-report'], status: 2, message: /'1e7' is too large: the number of epochs is at most 1,000,000$/ },
];

test('hostile inputs: each ends with its exit code, one chainrule: line, no trace, and no file changed that is not an output', () => {
  const dir = fixtures();
  const failures: string[] = [];
  for (const c of CASES) {
    try {
      runCase(c, dir);
    } catch (e) {
      failures.push(e instanceof Error ? e.message : String(e));
    }
  }
  assert.deepEqual(failures, [], `${failures.length} of ${CASES.length} cases failed:\n${failures.join('\n\n')}`);
});
