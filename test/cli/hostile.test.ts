// Issue 14: the bad inputs a user meets, as one table. For each: the exit code (2 usage, 1 data
// or file, 141 a closed pipe), exactly one `chainrule:` line on stderr (none for a closed pipe),
// no stack trace, no file changed that is not an output, no temporary left behind.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { load } from '../../src/index.js';
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
    message: /^chainrule: \/dev\/full: cannot write --out: no space left on device; the trained model is kept in .*rescue\/chainrule-rescued-\S+ instead$/,
    after: (dir) => {
      const rescued = readdirSync(join(dir, 'rescue'));
      assert.equal(rescued.length, 1, rescued.join(', '));
      assert.equal(load(join(dir, 'rescue', rescued[0]!)).model.parameters().length, 4);
    },
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
  { name: 'train --report the directory holding the data', args: [...train, '--report', '.'], status: 2, message: /--report \. would write over one of the command's inputs \(--data\)/ },
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
