/**
 * The numeric steps of CSV loading that can overflow: standardisation statistics (a column of
 * 1e308s has an infinite sum, a column of 1e200s an infinite sum of squares) and the narrowing to
 * float32 (1e308 becomes Infinity). Each is computed without overflow or refused with the line
 * and column, so no infinity or NaN reaches training silently.
 */
import { CsvError, ValueError } from '../errors.js';
import { fsum } from '../math/fsum.js';
import type { CsvStats, CsvTable } from './csv.js';
import type { FloatDType } from './datasets.js';

/** The compensated mean of `column`, without overflow when its sum exceeds the float64 range (a column of 1e308s). */
function mean(column: readonly number[]): number {
  const m = fsum(column) / column.length;
  return Number.isFinite(m) ? m : fsum(column.map((v) => v / column.length));
}

export function computeStats(table: CsvTable, x: Float64Array, names: readonly string[]): CsvStats {
  const f = names.length;
  const n = x.length / f;
  const means: number[] = [];
  const stds: number[] = [];
  for (let k = 0; k < f; k++) {
    const column = Array.from({ length: n }, (_, r) => x[r * f + k]!);
    const mu = mean(column);
    // Deviations scaled by the largest, so that squaring 1e200 does not overflow to an infinite std.
    const dev = column.map((v) => v - mu);
    const scale = dev.reduce((m, d) => Math.max(m, Math.abs(d)), 0);
    if (!Number.isFinite(scale)) throw new CsvError(table.file, table.headerLine, `column '${names[k]}' cannot be standardized: its values span more than the float64 range`);
    const plain = Math.sqrt(mean(dev.map((d) => d * d)));
    const std = scale === 0 || (Number.isFinite(plain) && plain > 0) ? plain : scale * Math.sqrt(mean(dev.map((d) => (d / scale) * (d / scale))));
    means.push(mu);
    stds.push(std > 0 ? std : 1);
  }
  return { features: [...names], means, stds };
}

/** Refuses a value that becomes infinite in `dtype` (1e308 in float32), naming its line and column, rather than training on infinities. */
export function checkRange(table: CsvTable, values: Float64Array, columns: readonly number[], dtype: FloatDType, standardized: boolean): void {
  const narrow = dtype === 'float32';
  for (let i = 0; i < values.length; i++) {
    if (Number.isFinite(narrow ? Math.fround(values[i]!) : values[i]!)) continue;
    const r = Math.floor(i / columns.length);
    const c = columns[i % columns.length]!;
    const limit = `${standardized ? ' once standardized' : ''} (at most ±${narrow ? '3.4e38' : '1.8e308'})`;
    throw new CsvError(table.file, table.lines[r]!, `column '${table.header[c]}' is '${table.rows[r]![c]}', too large for ${dtype}${limit}; ${narrow ? 'use dtype float64 or ' : ''}rescale the column`);
  }
}

export function checkDType(op: string, dtype: unknown): FloatDType {
  if (dtype === undefined || dtype === 'float32' || dtype === 'float64') return dtype ?? 'float32';
  throw new ValueError(`${op}: dtype must be 'float32' or 'float64', got ${JSON.stringify(dtype) ?? String(dtype)}`);
}

export function applyStats(x: Float64Array, stats: CsvStats): void {
  const f = stats.means.length;
  for (let i = 0; i < x.length; i++) {
    const k = i % f;
    x[i] = (x[i]! - stats.means[k]!) / stats.stds[k]!;
  }
}

/** Statistics given by the caller must describe a real standardisation: finite means, finite positive stds. */
export function checkStats(op: string, stats: CsvStats): void {
  stats.means.forEach((m, k) => {
    if (typeof m !== 'number' || !Number.isFinite(m)) throw new ValueError(`${op}: stats.means[${k}] is ${String(m)}; a mean must be a finite number`);
  });
  stats.stds.forEach((s, k) => {
    if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0) throw new ValueError(`${op}: stats.stds[${k}] is ${String(s)}; a standard deviation must be a finite number above 0`);
  });
}
