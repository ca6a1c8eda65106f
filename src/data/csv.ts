/**
 * CSV files as datasets: a small RFC 4180 reader (quoted fields with delimiters, escaped quotes
 * and line breaks inside; CRLF, LF or CR line ends; a BOM; blank lines skipped) and the step
 * from its table of strings to tensors — chosen feature columns, a numeric or categorical
 * target, optional standardisation whose statistics are returned so predictions can reuse them.
 *
 * Every problem with the file is a CsvError whose message is `<file>:<line>: <reason>`, with
 * 1-based physical line numbers (the header is line 1; a record that spans lines is reported at
 * its first line). A small hand-written reader is used rather than a package: the format needs
 * ~100 lines, and owning them is what lets every error carry its physical line.
 */
import { CsvError, ValueError } from '../errors.js';
import { tensor } from '../tensor/create.js';
import type { Tensor } from '../tensor/tensor.js';
import { TensorDataset } from './dataset.js';
import { applyStats, checkDType, checkRange, checkStats, computeStats } from './csvStats.js';
import { lineAt, readUtf8File } from './utf8.js';
import type { FloatDType } from './datasets.js';

/** Options of the reader itself. */
export interface CsvReadOptions {
  /** The name used in error messages (default '<csv>'; loadCsv uses the path). */
  readonly file?: string | undefined;
  /** The field separator, one character (default ','). */
  readonly delimiter?: string | undefined;
}

/** A CSV file as strings: the header's column names and each record's fields, with the line each record starts on. */
export interface CsvTable {
  readonly file: string;
  readonly header: readonly string[];
  readonly headerLine: number;
  readonly rows: readonly (readonly string[])[];
  readonly lines: readonly number[];
}

/** Standardisation statistics: per feature, x ↦ (x − mean) / std. */
export interface CsvStats {
  readonly features: readonly string[];
  readonly means: readonly number[];
  /** Population standard deviations (as scikit-learn's StandardScaler); 1 for a constant column, which is left centred but unscaled. */
  readonly stds: readonly number[];
}

export interface CsvOptions extends CsvReadOptions {
  /** The target column. */
  readonly target: string;
  /** 'numeric': y float [N, 1] (regression, or 0/1 targets); 'categorical': one class per distinct value. */
  readonly targetType: 'numeric' | 'categorical';
  /** The feature columns, in this order (default: every column but the target, in file order). */
  readonly features?: readonly string[] | undefined;
  /** For a categorical target: y one-hot float [N, classes] ('onehot', the default) or int32 labels [N] ('index'). */
  readonly encoding?: 'onehot' | 'index' | undefined;
  /** Z-score every feature with its mean and standard deviation over the file (default false). */
  readonly standardize?: boolean | undefined;
  /** Element type of x and of float targets (default float32). */
  readonly dtype?: FloatDType | undefined;
}

export interface CsvData {
  /** x float [N, features]; y as described by CsvOptions.targetType and encoding. */
  readonly dataset: TensorDataset;
  readonly featureNames: readonly string[];
  readonly targetName: string;
  /** Categorical targets: the class names, sorted (numerically when they are all numbers); label k is classes[k]. */
  readonly classes?: readonly string[];
  /** Categorical targets: the int32 label [N] of each row, whatever the encoding. */
  readonly labels?: Tensor;
  /** With `standardize`: the statistics applied to x. */
  readonly stats?: CsvStats;
}

export interface CsvFeaturesOptions extends CsvReadOptions {
  /** The feature columns, in the model's order (default: `stats.features`). */
  readonly features?: readonly string[] | undefined;
  /** Standardisation to apply, as returned by loadCsv. */
  readonly stats?: CsvStats | undefined;
  readonly dtype?: FloatDType | undefined;
}

export interface CsvFeatures {
  /** x float [N, features], standardised with the given stats. */
  readonly x: Tensor;
  readonly featureNames: readonly string[];
}

// ---------------------------------------------------------------------------------------------
// Reading.

/**
 * Reads CSV text into a header and rows of strings (RFC 4180; unquoted fields are trimmed, quoted ones kept as written).
 * @example
 * const table = parseCsvTable('a,b\n1,"x, ""y"""\n');
 * table.header; // ['a', 'b']
 * table.rows;   // [['1', 'x, "y"']]
 */
export function parseCsvTable(text: string, options: CsvReadOptions = {}): CsvTable {
  const file = options.file ?? '<csv>';
  const delimiter = options.delimiter ?? ',';
  if (delimiter.length !== 1 || delimiter === '"' || delimiter === '\n' || delimiter === '\r') {
    throw new ValueError(`parseCsv: delimiter must be one character other than a quote or a line break, got ${JSON.stringify(delimiter)}`);
  }
  const src = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const nul = src.indexOf('\0');
  if (nul >= 0) throw new CsvError(file, lineAt(src, nul), 'a NUL byte (\\0): CSV is text, and this looks like a binary file or a UTF-16 one');
  const len = src.length;
  const records: string[][] = [];
  const starts: number[] = [];
  let i = 0;
  let line = 1;

  while (i < len) {
    const recordLine = line;
    const fields: string[] = [];
    let quotedAny = false;
    for (;;) {
      // Spaces before an opening quote (`a, "b"`) are not part of the field.
      let q = i;
      while (q < len && (src[q] === ' ' || src[q] === '\t') && src[q] !== delimiter) q++;
      if (src[q] === '"') i = q;
      if (src[i] === '"') {
        quotedAny = true;
        const quoteLine = line;
        let value = '';
        let from = ++i;
        for (;;) {
          if (i >= len) throw new CsvError(file, quoteLine, `field ${fields.length + 1} opens a quote that is never closed`);
          const c = src[i];
          if (c === '"') {
            value += src.slice(from, i);
            if (src[i + 1] === '"') {
              value += '"';
              i += 2;
              from = i;
              continue;
            }
            i++;
            break;
          }
          if (c === '\n' || (c === '\r' && src[i + 1] !== '\n')) line++;
          i++;
        }
        while (i < len && (src[i] === ' ' || src[i] === '\t') && src[i] !== delimiter) i++;
        const after = src[i];
        if (i < len && after !== delimiter && after !== '\n' && after !== '\r') {
          throw new CsvError(file, line, `field ${fields.length + 1}: unexpected ${JSON.stringify(after)} after a closing quote (write a quote inside a quoted field as "")`);
        }
        fields.push(value);
      } else {
        let end = i;
        while (end < len && src[end] !== delimiter && src[end] !== '\n' && src[end] !== '\r') end++;
        fields.push(src.slice(i, end).trim());
        i = end;
      }
      if (i < len && src[i] === delimiter) {
        i++;
        continue;
      }
      // End of the record: a line break (CRLF, LF or CR) or the end of the text.
      if (src[i] === '\r' && src[i + 1] === '\n') i += 2;
      else if (i < len) i++;
      line++;
      break;
    }
    const blank = !quotedAny && fields.length === 1 && fields[0] === '';
    if (!blank) {
      records.push(fields);
      starts.push(recordLine);
    }
  }

  const header = records[0];
  if (header === undefined) throw new CsvError(file, 1, 'the file is empty; expected a header row with the column names');
  const width = header.length;
  const rows = records.slice(1);
  const lines = starts.slice(1);
  rows.forEach((row, r) => {
    if (row.length !== width) throw new CsvError(file, lines[r]!, `expected ${width} fields, got ${row.length}`);
  });
  return { file, header, headerLine: starts[0]!, rows, lines };
}

/** The index of column `name`; an error names the columns present. */
function columnIndex(table: CsvTable, name: string, role: string): number {
  const found: number[] = [];
  table.header.forEach((h, k) => {
    if (h === name) found.push(k);
  });
  if (found.length === 0) {
    const present = table.header.map((h) => (h === '' ? "''" : h)).join(', ');
    throw new CsvError(table.file, table.headerLine, `no ${role} column '${name}'; the columns are ${present}`);
  }
  if (found.length > 1) {
    throw new CsvError(table.file, table.headerLine, `column '${name}' appears ${found.length} times (fields ${found.map((k) => k + 1).join(', ')}); rename the copies`);
  }
  return found[0]!;
}

const NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

function parseNumber(table: CsvTable, r: number, column: number, hint = ''): number {
  const raw = table.rows[r]![column]!;
  const name = table.header[column]!;
  const at = table.lines[r]!;
  if (raw === '') throw new CsvError(table.file, at, `column '${name}' is empty, not a number${hint}`);
  if (!NUMBER.test(raw)) throw new CsvError(table.file, at, `column '${name}' is '${raw}', not a number${hint}`);
  const value = Number(raw);
  if (!Number.isFinite(value)) throw new CsvError(table.file, at, `column '${name}' is '${raw}', too large for a number`);
  return value;
}

function selectFeatures(table: CsvTable, features: readonly string[] | undefined, exclude: string | null): { names: string[]; columns: number[] } {
  if (features !== undefined) {
    if (features.length === 0) throw new ValueError('loadCsv: features is empty; name at least one column, or leave it out to use every column but the target');
    const seen = new Set<string>();
    for (const f of features) {
      if (seen.has(f)) throw new ValueError(`loadCsv: feature '${f}' is listed twice`);
      if (f === exclude) throw new ValueError(`loadCsv: column '${f}' is both a feature and the target`);
      seen.add(f);
    }
    return { names: [...features], columns: features.map((f) => columnIndex(table, f, 'feature')) };
  }
  const names: string[] = [];
  const columns: number[] = [];
  table.header.forEach((h, k) => {
    if (h === exclude) return;
    if (h === '') throw new CsvError(table.file, table.headerLine, `field ${k + 1} of the header is empty; name the column or choose the features`);
    columnIndex(table, h, 'feature');
    names.push(h);
    columns.push(k);
  });
  if (names.length === 0) throw new CsvError(table.file, table.headerLine, `no feature columns: the only column is the target '${exclude ?? ''}'`);
  return { names, columns };
}

function requireRows(table: CsvTable): void {
  if (table.rows.length === 0) throw new CsvError(table.file, table.headerLine, 'the header is the only row; there are no samples');
}

/** Reads the feature columns as float64, row-major [N, F]. */
function readFeatures(table: CsvTable, columns: readonly number[]): Float64Array {
  const f = columns.length;
  const x = new Float64Array(table.rows.length * f);
  for (let r = 0; r < table.rows.length; r++) {
    for (let k = 0; k < f; k++) x[r * f + k] = parseNumber(table, r, columns[k]!);
  }
  return x;
}

/** Class names in order: numerically when every name is a number, else by code units. */
function sortClasses(names: Iterable<string>): string[] {
  const list = [...new Set(names)];
  if (list.every((c) => NUMBER.test(c))) return list.sort((a, b) => Number(a) - Number(b) || (a < b ? -1 : a > b ? 1 : 0));
  return list.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

// ---------------------------------------------------------------------------------------------
// Datasets.

/**
 * Builds a dataset from CSV text: the string counterpart of loadCsv.
 * @example
 * const { dataset, classes } = parseCsv('x1,x2,label\n1,2,b\n3,4,a\n', { target: 'label', targetType: 'categorical' });
 * dataset.y.toArray(); // [[0, 1], [1, 0]]
 * classes;             // ['a', 'b']
 */
export function parseCsv(text: string, options: CsvOptions): CsvData {
  const table = parseCsvTable(text, options);
  const { target, targetType } = options;
  if (targetType !== 'numeric' && targetType !== 'categorical') {
    throw new ValueError(`loadCsv: targetType must be 'numeric' or 'categorical', got '${String(targetType)}'`);
  }
  const encoding = options.encoding ?? 'onehot';
  if (encoding !== 'onehot' && encoding !== 'index') throw new ValueError(`loadCsv: encoding must be 'onehot' or 'index', got '${String(encoding)}'`);
  const dtype = checkDType('loadCsv', options.dtype);
  const targetColumn = columnIndex(table, target, 'target');
  const { names, columns } = selectFeatures(table, options.features, target);
  requireRows(table);

  const n = table.rows.length;
  const xs = readFeatures(table, columns);
  let stats: CsvStats | undefined;
  if (options.standardize === true) {
    stats = computeStats(table, xs, names);
    applyStats(xs, stats);
  }
  checkRange(table, xs, columns, dtype, stats !== undefined);
  const x = tensor(xs, { shape: [n, names.length], dtype });

  if (targetType === 'numeric') {
    const hint = " (for class names, use targetType 'categorical')";
    const ys = Float64Array.from({ length: n }, (_, r) => parseNumber(table, r, targetColumn, hint));
    checkRange(table, ys, [targetColumn], dtype, false);
    const dataset = new TensorDataset(x, tensor(ys, { shape: [n, 1], dtype }));
    return { dataset, featureNames: names, targetName: target, ...(stats === undefined ? {} : { stats }) };
  }

  const values = table.rows.map((row, r) => {
    const v = row[targetColumn]!;
    if (v === '') throw new CsvError(table.file, table.lines[r]!, `column '${target}' is empty, not a class name`);
    return v;
  });
  const classes = sortClasses(values);
  const index = new Map(classes.map((c, k) => [c, k] as const));
  const labelData = Int32Array.from(values, (v) => index.get(v)!);
  const labels = tensor(labelData, { shape: [n] });
  let y: Tensor;
  if (encoding === 'index') {
    y = labels;
  } else {
    const oneHot = new Float64Array(n * classes.length);
    labelData.forEach((k, r) => {
      oneHot[r * classes.length + k] = 1;
    });
    y = tensor(oneHot, { shape: [n, classes.length], dtype });
  }
  const dataset = new TensorDataset(x, y, classes);
  return { dataset, featureNames: names, targetName: target, classes, labels, ...(stats === undefined ? {} : { stats }) };
}

/**
 * Loads a CSV file with a header row as a dataset: chosen feature columns, a numeric or categorical target, optional standardisation.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('houses.csv', 'rooms,area,price\n3,70,210\n4,95,280\n2,50,150\n');
 * const { dataset, stats } = loadCsv('houses.csv', { target: 'price', targetType: 'numeric', standardize: true });
 * dataset.x.shape; // [3, 2]
 * stats?.means;    // [3, 71.66666666666667]
 */
export function loadCsv(path: string, options: CsvOptions): CsvData {
  return parseCsv(readUtf8File(path, 'loadCsv', (line, reason) => new CsvError(options.file ?? path, line, reason)), { ...options, file: options.file ?? path });
}

/**
 * Reads only the feature columns of CSV text, standardised with given statistics: the string counterpart of loadCsvFeatures.
 * @example
 * const stats = { features: ['a'], means: [1], stds: [2] };
 * parseCsvFeatures('a,b\n3,0\n', { stats }).x.toArray(); // [[1]]
 */
export function parseCsvFeatures(text: string, options: CsvFeaturesOptions): CsvFeatures {
  const { stats } = options;
  const features = options.features ?? stats?.features;
  if (features === undefined) throw new ValueError('loadCsvFeatures: name the feature columns with features, or pass the stats that loadCsv returned');
  if (stats !== undefined) {
    const f = features.length;
    if (stats.means.length !== f || stats.stds.length !== f) {
      throw new ValueError(`loadCsvFeatures: ${f} features but stats for ${stats.means.length} means and ${stats.stds.length} stds`);
    }
    if (stats.features.length === f && stats.features.some((s, k) => s !== features[k])) {
      throw new ValueError(`loadCsvFeatures: features [${features.join(', ')}] differ from the features of the stats [${stats.features.join(', ')}]`);
    }
    checkStats('loadCsvFeatures', stats);
  }
  const table = parseCsvTable(text, options);
  const { names, columns } = selectFeatures(table, features, null);
  requireRows(table);
  const dtype = checkDType('loadCsvFeatures', options.dtype);
  const xs = readFeatures(table, columns);
  if (stats !== undefined) applyStats(xs, stats);
  checkRange(table, xs, columns, dtype, stats !== undefined);
  return { x: tensor(xs, { shape: [table.rows.length, names.length], dtype }), featureNames: names };
}

/**
 * Reads only the feature columns of a CSV file (other columns, the target among them, may be present and are ignored), standardised with the statistics loadCsv returned, as `chainrule predict` needs.
 * @example
 * import { writeFileSync } from 'node:fs';
 * writeFileSync('new.csv', 'rooms,area\n3,80\n');
 * const { x } = loadCsvFeatures('new.csv', { features: ['rooms', 'area'] });
 * x.toArray(); // [[3, 80]]
 */
export function loadCsvFeatures(path: string, options: CsvFeaturesOptions): CsvFeatures {
  return parseCsvFeatures(readUtf8File(path, 'loadCsvFeatures', (line, reason) => new CsvError(options.file ?? path, line, reason)), { ...options, file: options.file ?? path });
}
