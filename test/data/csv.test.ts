import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCsv, loadCsvFeatures, parseCsv, parseCsvFeatures, parseCsvTable } from '../../src/data/index.js';
import { CsvError } from '../../src/errors.js';
import { ChainruleError, ValueError } from '../../src/index.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-csv-'));
after(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
/** Writes `text` to a fresh file in the temporary directory and returns its path. */
function fixture(text: string, name = `data${counter++}.csv`): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** Asserts that `fn` throws a CsvError with exactly `message`. */
function throwsCsv(fn: () => unknown, message: string): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof CsvError, `expected a CsvError, got ${String(e)}`);
    assert.ok(e instanceof ChainruleError);
    assert.equal(e.name, 'CsvError');
    assert.equal(e.message, message);
    return true;
  });
}

const IRIS = ['sepal,petal,species', '5.1,1.4,setosa', '7.0,4.7,versicolor', '6.3,6.0,virginica', '4.9,1.4,setosa', ''].join('\n');

test('loadCsv with a numeric target: x float32 [N, features] from every other column, y float32 [N, 1]', () => {
  const path = fixture('x1,x2,y\n1,2,3\n4,5,6.5\n-1e2,.5,0\n');
  const { dataset, featureNames, targetName, classes, labels, stats } = loadCsv(path, { target: 'y', targetType: 'numeric' });
  assert.deepEqual(featureNames, ['x1', 'x2']);
  assert.equal(targetName, 'y');
  assert.equal(classes, undefined);
  assert.equal(labels, undefined);
  assert.equal(stats, undefined);
  assert.equal(dataset.x.dtype, 'float32');
  assert.deepEqual(dataset.x.toArray(), [[1, 2], [4, 5], [-100, 0.5]]);
  assert.deepEqual(dataset.y.toArray(), [[3], [6.5], [0]]);
});

test('loadCsv reads the chosen feature columns in the order given, target anywhere', () => {
  const path = fixture('y,a,b,c\n1,10,20,30\n0,11,21,31\n');
  const { dataset, featureNames } = loadCsv(path, { target: 'y', targetType: 'numeric', features: ['c', 'a'], dtype: 'float64' });
  assert.deepEqual(featureNames, ['c', 'a']);
  assert.equal(dataset.x.dtype, 'float64');
  assert.deepEqual(dataset.x.toArray(), [[30, 10], [31, 11]]);
  assert.deepEqual(dataset.y.toArray(), [[1], [0]]);
});

test('loadCsv with a categorical target: one-hot y over sorted classes, int32 labels, class names', () => {
  const { dataset, classes, labels } = loadCsv(fixture(IRIS), { target: 'species', targetType: 'categorical' });
  assert.deepEqual(classes, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(dataset.classes, ['setosa', 'versicolor', 'virginica']);
  assert.deepEqual(dataset.y.shape, [4, 3]);
  assert.equal(dataset.y.dtype, 'float32');
  assert.deepEqual(dataset.y.toArray(), [[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0]]);
  assert.equal(labels?.dtype, 'int32');
  assert.deepEqual(labels?.toArray(), [0, 1, 2, 0]);
});

test("loadCsv with encoding 'index' gives int32 labels [N] as y", () => {
  const { dataset } = loadCsv(fixture(IRIS), { target: 'species', targetType: 'categorical', encoding: 'index' });
  assert.deepEqual(dataset.y.shape, [4]);
  assert.equal(dataset.y.dtype, 'int32');
  assert.deepEqual(dataset.y.toArray(), [0, 1, 2, 0]);
});

test('categorical classes that are all numbers sort numerically; others by code units', () => {
  const numeric = parseCsv('x,k\n1,10\n2,9\n3,2\n4,9\n', { target: 'k', targetType: 'categorical' });
  assert.deepEqual(numeric.classes, ['2', '9', '10']);
  assert.deepEqual(numeric.labels?.toArray(), [2, 1, 0, 1]);
  const mixed = parseCsv('x,k\n1,b\n2,B\n3,10\n4,9\n', { target: 'k', targetType: 'categorical' });
  assert.deepEqual(mixed.classes, ['10', '9', 'B', 'b']);
});

test('standardize z-scores each feature with its population mean and std, returned as stats', () => {
  const rows = [
    [1, 10, 7],
    [2, 30, 7],
    [4, 20, 7],
    [9, 60, 7],
  ];
  const text = ['a,b,c,y', ...rows.map((r, i) => `${r.join(',')},${i}`)].join('\n');
  const { dataset, stats } = parseCsv(text, { target: 'y', targetType: 'numeric', standardize: true, dtype: 'float64' });
  // Independently: mean and population standard deviation of each column.
  const means = [0, 1, 2].map((k) => rows.reduce((s, r) => s + r[k]!, 0) / rows.length);
  const stds = [0, 1, 2].map((k) => Math.sqrt(rows.reduce((s, r) => s + (r[k]! - means[k]!) ** 2, 0) / rows.length));
  assert.deepEqual(means, [4, 30, 7]);
  assert.ok(stats !== undefined);
  assert.deepEqual(stats.features, ['a', 'b', 'c']);
  stats.means.forEach((m, k) => assert.ok(Math.abs(m - means[k]!) < 1e-12));
  assert.ok(Math.abs(stats.stds[0]! - Math.sqrt(9.5)) < 1e-12);
  assert.ok(Math.abs(stats.stds[1]! - stds[1]!) < 1e-12);
  // A constant column has std 0: it is centred and left unscaled (std reported as 1).
  assert.equal(stds[2], 0);
  assert.equal(stats.stds[2], 1);
  const x = dataset.x.toArray();
  rows.forEach((r, i) => {
    assert.ok(Math.abs(((x as number[][])[i]![0]!) - (r[0]! - 4) / Math.sqrt(9.5)) < 1e-12);
    assert.ok(Math.abs(((x as number[][])[i]![1]!) - (r[1]! - 30) / stds[1]!) < 1e-12);
    assert.equal((x as number[][])[i]![2], 0);
  });
  // Standardised columns have mean 0 and standard deviation 1.
  const col = (x as number[][]).map((row) => row[1]!);
  assert.ok(Math.abs(col.reduce((s, v) => s + v, 0)) < 1e-12);
  assert.ok(Math.abs(col.reduce((s, v) => s + v * v, 0) / col.length - 1) < 1e-12);
  // The target is not standardised.
  assert.deepEqual(dataset.y.toArray(), [[0], [1], [2], [3]]);
});

test('quoted fields keep delimiters, escaped quotes and line breaks; unquoted fields are trimmed', () => {
  const text = 'name,"x, the feature",label\n"Smith, J.", 1 ,"say ""hi"""\n"two\nlines",2,plain\n  "spaced" ,3, x \n';
  const table = parseCsvTable(text);
  assert.deepEqual(table.header, ['name', 'x, the feature', 'label']);
  assert.deepEqual(table.rows, [
    ['Smith, J.', '1', 'say "hi"'],
    ['two\nlines', '2', 'plain'],
    ['spaced', '3', 'x'],
  ]);
  assert.deepEqual(table.lines, [2, 3, 5]);
  const { classes, dataset } = parseCsv(text, { target: 'label', targetType: 'categorical', features: ['x, the feature'] });
  assert.deepEqual(classes, ['plain', 'say "hi"', 'x']);
  assert.deepEqual(dataset.x.toArray(), [[1], [2], [3]]);
});

test('CRLF line ends, a BOM, a blank trailing line and blank lines between rows are read', () => {
  const path = fixture('\ufeffx1,x2,y\r\n1,2,0\r\n\r\n3,"4",1\r\n\r\n');
  const { dataset, featureNames } = loadCsv(path, { target: 'y', targetType: 'numeric' });
  assert.deepEqual(featureNames, ['x1', 'x2']);
  assert.deepEqual(dataset.x.toArray(), [[1, 2], [3, 4]]);
  assert.deepEqual(dataset.y.toArray(), [[0], [1]]);
  const table = parseCsvTable('a\rb\r1\r', {});
  assert.deepEqual(table.rows, [['b'], ['1']]);
  const noNewline = parseCsvTable('a,b\n1,2');
  assert.deepEqual(noNewline.rows, [['1', '2']]);
  assert.deepEqual(parseCsvTable('a,b\n1,\n').rows, [['1', '']]);
});

test('another delimiter is used when asked', () => {
  const { dataset } = parseCsv('a;b;y\n1,5;2;0\n', { target: 'y', targetType: 'numeric', delimiter: ';', features: ['b'] });
  assert.deepEqual(dataset.x.toArray(), [[2]]);
  assert.deepEqual(parseCsvTable('a\tb\n1\t"x\ty"\n', { delimiter: '\t' }).rows, [['1', 'x\ty']]);
  assert.throws(() => parseCsvTable('a', { delimiter: '"' }), ValueError);
  assert.throws(() => parseCsvTable('a', { delimiter: ';;' }), ValueError);
});

// ---------------------------------------------------------------------------------------------
// Errors: `<file>:<line>: <reason>`.

test('a field that is not a number names the file, line, column and value', () => {
  const path = fixture('x1,x2,y\n1,2,0\n3,4,1\n5,abc,0\n');
  throwsCsv(() => loadCsv(path, { target: 'y', targetType: 'numeric' }), `${path}:4: column 'x2' is 'abc', not a number`);
  throwsCsv(() => parseCsv('x1,x2,y\n1,2,0\n3,4,1\n5,abc,0\n', { file: 'data.csv', target: 'y', targetType: 'numeric' }), "data.csv:4: column 'x2' is 'abc', not a number");
  // Number() would take these; a CSV number is decimal only.
  for (const bad of ['0x10', 'Infinity', 'NaN', '1,5', '1e', '--1', '1 2']) {
    throwsCsv(() => parseCsv(`x;y\n${bad};1\n`, { file: 'd.csv', delimiter: ';', target: 'y', targetType: 'numeric' }), `d.csv:2: column 'x' is '${bad}', not a number`);
  }
  throwsCsv(() => parseCsv('x,y\n1e999,1\n', { file: 'd.csv', target: 'y', targetType: 'numeric' }), "d.csv:2: column 'x' is '1e999', too large for a number");
});

test('an empty field where a number is needed is a missing value error', () => {
  throwsCsv(() => parseCsv('x1,x2,y\n1,,0\n', { file: 'data.csv', target: 'y', targetType: 'numeric' }), "data.csv:2: column 'x2' is empty, not a number");
});

test('a numeric target that is not a number suggests the categorical target type', () => {
  throwsCsv(() => parseCsv(IRIS, { file: 'iris.csv', target: 'species', targetType: 'numeric' }), "iris.csv:2: column 'species' is 'setosa', not a number (for class names, use targetType 'categorical')");
  throwsCsv(() => parseCsv('x,k\n1,a\n2,\n', { file: 'k.csv', target: 'k', targetType: 'categorical' }), "k.csv:3: column 'k' is empty, not a class name");
});

test('a row with the wrong number of fields names its physical line, counting blank lines and quoted line breaks', () => {
  const path = fixture('a,b,c\n1,2,3\n\n"x\ny",5,6\n7,8,9\n\n10,11\n');
  throwsCsv(() => loadCsv(path, { target: 'c', targetType: 'numeric' }), `${path}:8: expected 3 fields, got 2`);
  throwsCsv(() => parseCsvTable('a,b,c\r\n1,2,3\r\n4,5,6\r\n7,8,9\r\n1,2,3\r\n4,5,6\r\n7,8\r\n', { file: 'data.csv' }), 'data.csv:7: expected 3 fields, got 2');
  throwsCsv(() => parseCsvTable('a,b\n1,2,3\n', { file: 'data.csv' }), 'data.csv:2: expected 2 fields, got 3');
});

test('a missing target or feature column names the columns present', () => {
  const path = fixture('x1,x2,label\n1,2,a\n');
  throwsCsv(() => loadCsv(path, { target: 'y', targetType: 'categorical' }), `${path}:1: no target column 'y'; the columns are x1, x2, label`);
  throwsCsv(() => loadCsv(path, { target: 'label', targetType: 'categorical', features: ['x1', 'x3'] }), `${path}:1: no feature column 'x3'; the columns are x1, x2, label`);
});

test('an empty file, or one with only blank lines, is an error', () => {
  const path = fixture('');
  throwsCsv(() => loadCsv(path, { target: 'y', targetType: 'numeric' }), `${path}:1: the file is empty; expected a header row with the column names`);
  throwsCsv(() => parseCsvTable('\n\r\n\n', { file: 'blank.csv' }), 'blank.csv:1: the file is empty; expected a header row with the column names');
});

test('a header with no rows after it is an error', () => {
  throwsCsv(() => parseCsv('x,y\n', { file: 'h.csv', target: 'y', targetType: 'numeric' }), 'h.csv:1: the header is the only row; there are no samples');
});

test('an unclosed quote names the line where it opens', () => {
  throwsCsv(() => parseCsvTable('a,b\n1,2\n3,"4\n5,6\n', { file: 'q.csv' }), 'q.csv:3: field 2 opens a quote that is never closed');
});

test('text after a closing quote is an error', () => {
  throwsCsv(() => parseCsvTable('a,b\n1,"2"x\n', { file: 'q.csv' }), 'q.csv:2: field 2: unexpected "x" after a closing quote (write a quote inside a quoted field as "")');
});

test('a duplicated or unnamed column is an error only where it is used', () => {
  throwsCsv(() => parseCsv('x,x,y\n1,2,3\n', { file: 'd.csv', target: 'y', targetType: 'numeric' }), "d.csv:1: column 'x' appears 2 times (fields 1, 2); rename the copies");
  throwsCsv(() => parseCsv(',x,y\n0,1,2\n', { file: 'd.csv', target: 'y', targetType: 'numeric' }), 'd.csv:1: field 1 of the header is empty; name the column or choose the features');
  // A pandas index column without a name is fine when the features are chosen.
  const { dataset } = parseCsv(',x,y\n0,1,2\n', { file: 'd.csv', target: 'y', targetType: 'numeric', features: ['x'] });
  assert.deepEqual(dataset.x.toArray(), [[1]]);
  throwsCsv(() => parseCsv('y\n1\n', { file: 'd.csv', target: 'y', targetType: 'numeric' }), "d.csv:1: no feature columns: the only column is the target 'y'");
});

test('a file that cannot be read is a CsvError naming it', () => {
  const path = join(dir, 'missing.csv');
  assert.throws(
    () => loadCsv(path, { target: 'y', targetType: 'numeric' }),
    (e: unknown) => e instanceof CsvError && e.line === null && e.message === `${path}: cannot read the file: no such file or directory`,
  );
});

test('options that contradict each other are a ValueError', () => {
  const text = 'a,b,y\n1,2,3\n';
  assert.throws(() => parseCsv(text, { target: 'y', targetType: 'numeric', features: ['a', 'y'] }), (e: unknown) => e instanceof ValueError && e.message === "loadCsv: column 'y' is both a feature and the target");
  assert.throws(() => parseCsv(text, { target: 'y', targetType: 'numeric', features: [] }), ValueError);
  assert.throws(() => parseCsv(text, { target: 'y', targetType: 'numeric', features: ['a', 'a'] }), (e: unknown) => e instanceof ValueError && e.message === "loadCsv: feature 'a' is listed twice");
});

test('CsvError carries file, line and reason', () => {
  const e = new CsvError('data.csv', 7, 'expected 3 fields, got 2');
  assert.equal(e.message, 'data.csv:7: expected 3 fields, got 2');
  assert.equal(e.file, 'data.csv');
  assert.equal(e.line, 7);
  assert.equal(e.reason, 'expected 3 fields, got 2');
});

// ---------------------------------------------------------------------------------------------
// Features only, for prediction.

test('loadCsvFeatures reads only the feature columns, target present or not', () => {
  const withTarget = fixture('a,b,y\n1,2,x\n3,4,z\n');
  const withoutTarget = fixture('b,extra,a\n2,hello,1\n4,world,3\n');
  for (const path of [withTarget, withoutTarget]) {
    const { x, featureNames } = loadCsvFeatures(path, { features: ['a', 'b'] });
    assert.deepEqual(featureNames, ['a', 'b']);
    assert.deepEqual(x.toArray(), [[1, 2], [3, 4]]);
  }
});

test('loadCsvFeatures applies the stats loadCsv returned, giving the same x as training', () => {
  const path = fixture('a,b,y\n1,10,0\n2,30,1\n4,20,0\n9,60,1\n');
  const trained = loadCsv(path, { target: 'y', targetType: 'numeric', standardize: true });
  assert.ok(trained.stats !== undefined);
  const { x } = loadCsvFeatures(path, { stats: trained.stats });
  assert.deepEqual(x.toArray(), trained.dataset.x.toArray());
  const one = parseCsvFeatures('b,a\n30,4\n', { stats: trained.stats, dtype: 'float64' });
  assert.deepEqual(one.x.toArray(), [[0, 0]]);
});

test('loadCsvFeatures errors: no features, mismatched stats, a missing column, a bad value', () => {
  assert.throws(() => parseCsvFeatures('a\n1\n', {}), (e: unknown) => e instanceof ValueError && /name the feature columns/.test(e.message));
  const stats = { features: ['a', 'b'], means: [0, 0], stds: [1, 1] };
  assert.throws(() => parseCsvFeatures('a,b\n1,2\n', { features: ['b', 'a'], stats }), (e: unknown) => e instanceof ValueError && e.message === 'loadCsvFeatures: features [b, a] differ from the features of the stats [a, b]');
  assert.throws(() => parseCsvFeatures('a,b\n1,2\n', { features: ['a'], stats }), (e: unknown) => e instanceof ValueError && e.message === 'loadCsvFeatures: 1 features but stats for 2 means and 2 stds');
  throwsCsv(() => parseCsvFeatures('a,c\n1,2\n', { file: 'new.csv', stats }), "new.csv:1: no feature column 'b'; the columns are a, c");
  throwsCsv(() => parseCsvFeatures('a,b\n1,2\n3,?\n', { file: 'new.csv', stats }), "new.csv:3: column 'b' is '?', not a number");
});

test('a file that is not UTF-8 (a Latin-1 label) is a CsvError naming the file, the byte and its line', () => {
  const path = join(dir, 'latin1.csv');
  // 'café' in Latin-1: the é is the single byte 0xE9, which UTF-8 decoding used to turn into U+FFFD.
  writeFileSync(path, Buffer.concat([Buffer.from('x,label\n1,a\n2,caf'), Buffer.from([0xe9]), Buffer.from('\n')]));
  throwsCsv(() => loadCsv(path, { target: 'label', targetType: 'categorical' }), `${path}:3: byte 17 is not UTF-8; save the file as UTF-8 text`);
  throwsCsv(() => loadCsvFeatures(path, { features: ['x'] }), `${path}:3: byte 17 is not UTF-8; save the file as UTF-8 text`);
  // Invalid sequences in a header name, and overlong or surrogate forms, are refused too.
  for (const bad of [[0xc0, 0xaf], [0xed, 0xa0, 0x80], [0xf8], [0xe2, 0x82]]) {
    writeFileSync(path, Buffer.concat([Buffer.from('x,l'), Buffer.from(bad), Buffer.from('\n1,a\n')]));
    throwsCsv(() => loadCsv(path, { target: 'x', targetType: 'numeric' }), `${path}:1: byte 3 is not UTF-8; save the file as UTF-8 text`);
  }
  // Real UTF-8 (two-, three- and four-byte characters) loads.
  writeFileSync(path, 'x,label\n1,café\n2,日本\n3,🙂\n');
  assert.deepEqual(loadCsv(path, { target: 'label', targetType: 'categorical' }).classes, ['café', '日本', '🙂']);
});

test('a NUL byte anywhere (a label, a header name, a binary file) is a CsvError with its line', () => {
  throwsCsv(() => parseCsv('x,label\n1,a\n2,b\0\n', { file: 'n.csv', target: 'label', targetType: 'categorical' }), 'n.csv:3: a NUL byte (\\0): CSV is text, and this looks like a binary file or a UTF-16 one');
  throwsCsv(() => parseCsvTable('x,la\0bel\n1,a\n', { file: 'n.csv' }), 'n.csv:1: a NUL byte (\\0): CSV is text, and this looks like a binary file or a UTF-16 one');
  const path = join(dir, 'utf16.csv');
  // UTF-16 with its BOM fails as UTF-8 at once; without the BOM, at its first NUL.
  writeFileSync(path, Buffer.from('\ufeffx,y\r\n1,2\r\n', 'utf16le'));
  throwsCsv(() => loadCsv(path, { target: 'y', targetType: 'numeric' }), `${path}:1: byte 0 is not UTF-8; save the file as UTF-8 text`);
  writeFileSync(path, Buffer.from('x,y\r\n1,2\r\n', 'utf16le'));
  throwsCsv(() => loadCsv(path, { target: 'y', targetType: 'numeric' }), `${path}:1: a NUL byte (\\0): CSV is text, and this looks like a binary file or a UTF-16 one`);
});

test('a value float32 cannot hold (1e308) is a CsvError naming line and column, not an Infinity in x; float64 holds it', () => {
  const text = 'x,y\n1,2\n1e308,3\n';
  throwsCsv(() => parseCsv(text, { file: 'big.csv', target: 'y', targetType: 'numeric' }), "big.csv:3: column 'x' is '1e308', too large for float32 (at most ±3.4e38); use dtype float64 or rescale the column");
  throwsCsv(() => parseCsv('x,y\n1,-1e39\n', { file: 'big.csv', target: 'y', targetType: 'numeric' }), "big.csv:2: column 'y' is '-1e39', too large for float32 (at most ±3.4e38); use dtype float64 or rescale the column");
  throwsCsv(() => parseCsvFeatures(text, { file: 'big.csv', features: ['x'] }), "big.csv:3: column 'x' is '1e308', too large for float32 (at most ±3.4e38); use dtype float64 or rescale the column");
  assert.deepEqual(parseCsv(text, { target: 'y', targetType: 'numeric', dtype: 'float64' }).dataset.x.toArray(), [[1], [1e308]]);
  // Standardized, the same column fits float32.
  const { dataset } = parseCsv(text, { target: 'y', targetType: 'numeric', standardize: true });
  assert.deepEqual(dataset.x.toArray(), [[-1], [1]]);
});

test('standardize computes means and stds of huge columns without overflow, or names the column it cannot', () => {
  const { stats, dataset } = parseCsv('x,y\n1e308,0\n1e308,1\n1e200,2\n-1e200,3\n', { target: 'y', targetType: 'numeric', standardize: true, dtype: 'float64', features: ['x'] });
  assert.ok(stats !== undefined && stats.means.every(Number.isFinite) && stats.stds.every(Number.isFinite));
  assert.ok(Array.from(dataset.x.data()).every(Number.isFinite));
  const wide = parseCsv('x,y\n1e200,0\n-1e200,1\n', { target: 'y', targetType: 'numeric', standardize: true, dtype: 'float64' });
  assert.deepEqual(wide.stats?.stds, [1e200]);
  assert.deepEqual(wide.dataset.x.toArray(), [[1], [-1]]);
  throwsCsv(
    () => parseCsv('x,y\n1.7e308,0\n1.7e308,1\n-1.7e308,2\n', { file: 's.csv', target: 'y', targetType: 'numeric', standardize: true, dtype: 'float64' }),
    "s.csv:1: column 'x' cannot be standardized: its values span more than the float64 range",
  );
});

test('a dtype other than float32/float64, and stats that cannot standardize, are ValueErrors', () => {
  const bad = JSON.parse('{"target": "y", "targetType": "numeric", "dtype": "float16"}') as Parameters<typeof parseCsv>[1];
  assert.throws(() => parseCsv('x,y\n1,2\n', bad), (e: unknown) => e instanceof ValueError && e.message === `loadCsv: dtype must be 'float32' or 'float64', got "float16"`);
  const int = JSON.parse('{"features": ["x"], "dtype": "int32"}') as Parameters<typeof parseCsvFeatures>[1];
  assert.throws(() => parseCsvFeatures('x\n1.5\n', int), (e: unknown) => e instanceof ValueError && e.message === `loadCsvFeatures: dtype must be 'float32' or 'float64', got "int32"`);
  assert.throws(
    () => parseCsvFeatures('x\n1\n', { stats: { features: ['x'], means: [0], stds: [0] } }),
    (e: unknown) => e instanceof ValueError && e.message === 'loadCsvFeatures: stats.stds[0] is 0; a standard deviation must be a finite number above 0',
  );
  assert.throws(() => parseCsvFeatures('x\n1\n', { stats: { features: ['x'], means: [NaN], stds: [1] } }), /stats\.means\[0\] is NaN; a mean must be a finite number/);
});
