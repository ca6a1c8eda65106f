// Property: random CSV text (quotes, delimiters, line breaks, empty cells, huge numbers, unicode,
// NUL, lone surrogates) and random options, fed to every CSV entry point, either load — and then
// hold only finite numbers of the promised shapes — or throw a CsvError (ValueError for a bad
// option). Never another exception, never a hang: inputs are small and each run is bounded.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { loadCsv, loadCsvFeatures, parseCsv, parseCsvFeatures, parseCsvTable, type CsvOptions } from '../../src/data/index.js';
import { CsvError, ValueError } from '../../src/errors.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-csv-prop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const TOKENS = ['', '"', '""', ',', ';', '\t', ' ', '\n', '\r', '\r\n', '0', '1', '-2.5', '.5', '3.', '1e308', '-1e308', '1e309', '1e-400', '3.5e38', '0x10', 'NaN', 'Infinity', 'a', 'b', 'label', 'x', 'y', '\0', 'é', '日本', '🙂', '\ufeff', '\ud800', '\ufffd', 'a"b', '__proto__', 'constructor'];

const token = fc.oneof({ weight: 4, arbitrary: fc.constantFrom(...TOKENS) }, fc.string({ maxLength: 4 }), fc.double().map(String), fc.integer().map(String));
const cell = fc.tuple(fc.array(token, { maxLength: 3 }), fc.boolean()).map(([parts, quoted]) => {
  const v = parts.join('');
  return quoted ? `"${v.replaceAll('"', '""')}"` : v;
});
const csvText = fc.oneof(
  { weight: 5, arbitrary: fc
    .tuple(
      fc.array(fc.array(cell, { minLength: 1, maxLength: 5 }), { maxLength: 7 }),
      fc.constantFrom(',', ';', '\t'),
      fc.constantFrom('\n', '\r\n', '\r'),
      fc.boolean(),
    )
    .map(([rows, delimiter, eol, trailing]) => rows.map((r) => r.join(delimiter)).join(eol) + (trailing ? eol : '')) },
  { weight: 1, arbitrary: fc.string({ maxLength: 60 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 60 }) },
);

const name = fc.oneof(fc.constantFrom('x', 'y', 'label', 'a', 'b', '', '__proto__'), fc.string({ maxLength: 3 }));
const looseOptions = {
  targetType: fc.constantFrom('numeric', 'categorical', 'numeric', 'categorical', 'ordinal'),
  encoding: fc.constantFrom('onehot', 'index', undefined, 'binary'),
  standardize: fc.boolean(),
  dtype: fc.constantFrom('float32', 'float64', undefined, 'int32', 'float16'),
};
const options = fc.record(
  { ...looseOptions, target: name, features: fc.option(fc.array(name, { maxLength: 3 }), { nil: undefined }), delimiter: fc.constantFrom(',', ',', ',', ';', '\t', ' ', '"', '', ',,', '\n', undefined) },
  { requiredKeys: ['target', 'targetType'] },
);

// Well-formed tables most of whose inputs load, so that what is loaded gets checked too: a header
// of distinct names, rows of numbers (huge ones among them) and class names, the options naming
// its columns, rendered with random quoting and line ends.
const NUMBERS = ['0', '1', '-2.5', '.5', '3.', '7e1', '1e308', '-1e308', '1e309', '1e-400', '3.5e38', '-3.4e38', '+6', '1e38'];
const LABELS = ['a', 'b', 'c', 'é', '日本', '🙂', 'a,b', 'q"q', 'line\nbreak', '\ud800', '__proto__', 'constructor', '1', '01', '2'];
const numberCell = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...NUMBERS) }, { weight: 30, arbitrary: fc.double({ noNaN: true }).map(String) }, { weight: 1, arbitrary: token });
const labelCell = fc.oneof({ weight: 30, arbitrary: fc.constantFrom(...LABELS) }, { weight: 1, arbitrary: token });
const validOptions = {
  targetType: fc.constantFrom('numeric', 'categorical'),
  encoding: fc.constantFrom('onehot', 'index', undefined),
  standardize: fc.boolean(),
  dtype: fc.constantFrom('float32', 'float64', undefined),
};
const table = fc
  .uniqueArray(fc.oneof(fc.constantFrom('x', 'y', 'label', 'a b', 'é', '日本', '__proto__'), fc.string({ minLength: 1, maxLength: 3 })), { minLength: 2, maxLength: 4 })
  .chain((header) => fc.tuple(fc.constant(header), fc.array(fc.boolean(), { minLength: header.length, maxLength: header.length })))
  .chain(([header, numeric]) =>
    fc.record({
      header: fc.constant(header),
      rows: fc.array(fc.tuple(...numeric.map((isNumber) => (isNumber ? numberCell : labelCell))), { maxLength: 8, minLength: 1 }),
      delimiter: fc.constantFrom(',', ';', '\t'),
      eol: fc.constantFrom('\n', '\r\n', '\r'),
      quoteAll: fc.boolean(),
      target: fc.constantFrom(...header),
      features: fc.option(fc.subarray(header, { minLength: 1 }), { nil: undefined, freq: 3 }),
      options: fc.oneof({ weight: 5, arbitrary: fc.record(validOptions, { requiredKeys: ['targetType'] }) }, fc.record(looseOptions, { requiredKeys: ['targetType'] })),
    }),
  )
  .map((t) => {
    const render = (v: string) => (t.quoteAll || /[",;\t\r\n]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v);
    const text = [t.header, ...t.rows].map((r) => r.map(render).join(t.delimiter)).join(t.eol) + t.eol;
    const opts: Record<string, unknown> = { ...t.options, target: t.target, delimiter: t.delimiter };
    // The target among the features is a ValueError the chaotic inputs already try often.
    const features = t.features?.filter((f) => f !== t.target);
    if (features !== undefined && features.length > 0) opts['features'] = features;
    return { text, opts };
  });

/** Options as a JavaScript caller may pass them (strings the types would reject included). */
type LooseOptions = Record<string, unknown>;

function expected(e: unknown): boolean {
  return e instanceof CsvError || e instanceof ValueError;
}

function finite(values: ArrayLike<number>): boolean {
  for (let i = 0; i < values.length; i++) if (!Number.isFinite(values[i]!)) return false;
  return true;
}

function run(entry: number, text: string, opts: LooseOptions, file: string): void {
  // The loose options go through JSON, as from a config file: typed as the API's options only here.
  const o = JSON.parse(JSON.stringify(opts)) as CsvOptions;
  switch (entry) {
    case 0: {
      const t = parseCsvTable(text, o);
      assert.equal(t.rows.length, t.lines.length);
      for (const r of t.rows) assert.equal(r.length, t.header.length);
      return;
    }
    case 1:
    case 2: {
      const { dataset, featureNames, classes } = entry === 1 ? parseCsv(text, o) : loadCsv(file, o);
      const n = dataset.x.shape[0]!;
      assert.deepEqual(dataset.x.shape, [n, featureNames.length]);
      assert.ok(finite(dataset.x.data()), 'x holds only finite numbers');
      assert.ok(finite(dataset.y.data()), 'y holds only finite numbers');
      assert.equal(dataset.y.shape[0], n);
      if (classes !== undefined) assert.ok(classes.every((c) => c !== '' && !c.includes('\0')));
      return;
    }
    default: {
      const { x } = entry === 3 ? parseCsvFeatures(text, { ...o, features: o.features ?? [o.target] }) : loadCsvFeatures(file, { ...o, features: o.features ?? [o.target] });
      assert.ok(finite(x.data()), 'x holds only finite numbers');
    }
  }
}

test('random CSV text and options: every entry point loads finite data or throws CsvError/ValueError', { timeout: 60_000 }, () => {
  const file = join(dir, 'random.csv');
  fc.assert(
    fc.property(fc.oneof({ weight: 3, arbitrary: table }, { weight: 1, arbitrary: fc.record({ text: csvText, opts: options }) }), fc.integer({ min: 0, max: 4 }), ({ text, opts }, entry) => {
      if (entry === 2 || entry === 4) writeFileSync(file, text);
      try {
        run(entry, text, opts, file);
      } catch (e) {
        if (e instanceof assert.AssertionError || !expected(e)) throw e;
      }
    }),
    { numRuns: 1000, seed: 14 },
  );
});

test('random bytes as a CSV file: loads or throws CsvError (not UTF-8, NUL, …)', { timeout: 60_000 }, () => {
  const file = join(dir, 'bytes.csv');
  const mutated = (text: string, at: number, b: number) => {
    const u = new TextEncoder().encode(text);
    if (u.length > 0) u[at % u.length] = b;
    return u;
  };
  const input = fc.oneof(
    fc.record({ data: fc.uint8Array({ maxLength: 60 }), opts: options }),
    // Mostly valid text with one byte replaced, as a Latin-1 label in a UTF-8 file.
    fc.tuple(table, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([t, at, b]) => ({ data: mutated(t.text, at, b), opts: t.opts })),
    fc.tuple(csvText, options, fc.nat(), fc.integer({ min: 0, max: 255 })).map(([t, opts, at, b]) => ({ data: mutated(t, at, b), opts })),
  );
  fc.assert(
    fc.property(input, fc.boolean(), ({ data, opts }, features) => {
      writeFileSync(file, data);
      try {
        run(features ? 4 : 2, '', opts, file);
        // What loads was text: strict UTF-8, no NUL (before, bad bytes loaded as U+FFFD labels).
        assert.ok(!new TextDecoder('utf-8', { fatal: true }).decode(data).includes('\0'), 'a loaded file is UTF-8 without NUL');
      } catch (e) {
        if (e instanceof assert.AssertionError || !expected(e)) throw e;
      }
    }),
    { numRuns: 300, seed: 15 },
  );
});
