/**
 * The playground's data, built in the worker: a generated dataset of a configuration or an
 * uploaded CSV, as points and labels, and the tensors of a split of them.
 */
import { CsvError, TensorDataset, blobs, circles, moons, parseCsv, parseCsvTable, spirals, tensor, xor, type Tensor } from 'chainrule';
import type { PlaygroundState } from '../state.js';
import type { CsvUpload, Points } from './protocol.js';
import { MAX_ROWS, count, firstRecords } from './rows.js';

/** The feature columns, the class column and the class names (label k is classes[k]). */
export interface DataNames {
  readonly features: readonly [string, string];
  readonly target: string;
  readonly classes: readonly string[];
}

export interface PlaneData {
  readonly xy: Float32Array;
  readonly labels: Int32Array;
  readonly classes: number;
  readonly source: string;
  readonly names: DataNames;
  /** Said on the page when not every row of an uploaded file is used. */
  readonly notice: string | null;
}

/** The dataset of a configuration, as points and labels (all of it: the split comes after). */
export function makeData(state: PlaygroundState, csv: CsvUpload | null): PlaneData {
  const n = state.points;
  const seed = state.seed;
  if (state.dataset === 'csv') {
    if (csv === null) throw new Error('No CSV file was uploaded: choose one with Upload CSV.');
    return csvPoints(csv);
  }
  const options = { n, noise: state.noise, seed };
  let d: TensorDataset;
  switch (state.dataset) {
    case 'circles':
      d = circles(options);
      break;
    case 'xor':
      d = xor(options);
      break;
    case 'moons':
      d = moons(options);
      break;
    case 'spiral':
      d = spirals(options);
      break;
    case 'gaussian':
      // Two Gaussian clusters, as the TensorFlow Playground's: noise widens them.
      d = blobs({ ...options, noise: 0.25 + 2 * state.noise, centers: [[-0.55, -0.55], [0.55, 0.55]] });
      break;
    case 'blobs':
      d = blobs({ ...options, noise: 0.15 + state.noise, classes: state.classes });
      break;
  }
  const xy = Float32Array.from(d.x.data());
  const labels = Int32Array.from(d.y.data(), (v) => Math.round(v));
  const classes = state.dataset === 'blobs' ? state.classes : 2;
  return { xy, labels, classes, source: state.dataset, names: { features: ['x', 'y'], target: 'label', classes: Array.from({ length: classes }, (_, k) => String(k)) }, notice: null };
}

/** An uploaded CSV: two numeric feature columns (x, y) and a class column ('label', else the last). */
function csvPoints(csv: CsvUpload): PlaneData {
  const header = csv.text.split(/\r?\n/, 1)[0]?.split(',').map((s) => s.trim().replace(/^"|"$/g, '')) ?? [];
  const target = header.includes('label') ? 'label' : header[header.length - 1];
  if (target === undefined || header.length !== 3) {
    throw new Error(`${csv.name}:1: expected a header of three columns, two features and the class (e.g. x,y,label), got ${header.length} column${header.length === 1 ? '' : 's'}`);
  }
  // Without a header line the first point would silently become the column names.
  if (header.every((h) => h !== '' && Number.isFinite(Number(h)))) {
    throw new Error(`${csv.name}:1: expected a header line naming the columns (e.g. x,y,label), got the numbers ${header.join(',')}`);
  }
  // Past MAX_ROWS, training and drawing would hold the worker and the page for seconds.
  const rows = firstRecords(csv.text, MAX_ROWS);
  // Read as float64 first: a value beyond float32's range would silently become Infinity.
  const data = parseCsv(rows.text, { file: csv.name, target, targetType: 'categorical', encoding: 'index', dtype: 'float64' });
  const classes = data.classes?.length ?? 0;
  if (classes < 2) throw new Error(`${csv.name}: the class column '${target}' has ${classes} distinct value${classes === 1 ? '' : 's'}; it needs at least 2`);
  if (classes > 6) throw new Error(`${csv.name}: the class column '${target}' has ${classes} distinct values; the playground draws at most 6 classes`);
  const [fx, fy] = data.featureNames;
  const x64 = data.dataset.x.data();
  const xy = new Float32Array(x64.length);
  for (let i = 0; i < x64.length; i++) {
    xy[i] = x64[i]!;
    if (!Number.isFinite(xy[i]!)) throw tooLarge(csv.name, rows.text, Math.floor(i / 2), data.featureNames[i % 2]!);
  }
  return {
    xy,
    labels: Int32Array.from(data.labels!.data()),
    classes,
    source: csv.name,
    names: { features: [fx ?? 'x', fy ?? 'y'], target, classes: data.classes ?? [] },
    notice: rows.total > rows.kept ? `${csv.name}: using the first ${count(rows.kept)} of ${count(rows.total)} rows` : null,
  };
}

/** The error for row `r`'s value in `column` that float32 cannot hold, at the line the reader found it on. */
function tooLarge(file: string, text: string, r: number, column: string): CsvError {
  // Only now is the table read again: the line and the text as written are needed just for the message.
  const table = parseCsvTable(text, { file });
  const raw = table.rows[r]?.[table.header.indexOf(column)] ?? '';
  return new CsvError(file, table.lines[r] ?? null, `column '${column}' is '${raw}', too large for the playground's 32-bit numbers (at most ±3.4e38)`);
}

export function subset(xy: Float32Array, labels: Int32Array, idx: readonly number[]): Points {
  const out = new Float32Array(idx.length * 2);
  const lab = new Int32Array(idx.length);
  idx.forEach((i, k) => {
    out[2 * k] = xy[2 * i]!;
    out[2 * k + 1] = xy[2 * i + 1]!;
    lab[k] = labels[i]!;
  });
  return { xy: out, labels: lab };
}

export function targetsOf(p: Points, classes: number): Tensor {
  return classes === 2 ? tensor(Float32Array.from(p.labels), { shape: [p.labels.length, 1] }) : tensor(p.labels, { shape: [p.labels.length] });
}
