/**
 * The playground's limits on uploaded data, and the cheap steps that keep a large file from
 * freezing the page: the rows accepted, the points drawn, the file size read.
 */

/** Rows of an uploaded CSV that are trained on; the rest are left out, and the page says so. */
export const MAX_ROWS = 100_000;
/** Points drawn on the output (train and test together): a random sample of them when there are more. */
export const MAX_DRAWN = 5_000;
/** The largest CSV file read (the whole text is copied to the worker on every configuration). */
export const MAX_CSV_BYTES = 32 * 1024 * 1024;
/** The largest finite float32: the playground's tensors hold 32-bit floats. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/**
 * The header and the first `max` records of CSV text, and how many records it has in all.
 * Records end at line breaks outside quotes, as the library's reader sees them (a quote opens
 * only at the start of a field, `""` inside one is an escaped quote, blank lines are not
 * records), so a quoted field with line breaks is never cut in two.
 */
export function firstRecords(text: string, max: number): { text: string; kept: number; total: number } {
  const len = text.length;
  let records = 0;
  let cut = len;
  let inQuote = false;
  let fieldStart = true;
  let content = false;
  for (let i = 0; i < len; i++) {
    const c = text.charCodeAt(i);
    if (inQuote) {
      if (c === 0x22) {
        if (text.charCodeAt(i + 1) === 0x22) i++;
        else inQuote = false;
      }
    } else if (c === 0x0a || c === 0x0d) {
      if (c === 0x0d && text.charCodeAt(i + 1) === 0x0a) i++;
      if (content) {
        records++;
        // Header plus `max` rows: the text ends after this record's line break.
        if (records === max + 1) cut = i + 1;
      }
      content = false;
      fieldStart = true;
    } else if (c === 0x22 && fieldStart) {
      inQuote = true;
      content = true;
      fieldStart = false;
    } else if (c === 0x2c) {
      content = true;
      fieldStart = true;
    } else if (c !== 0x20 && c !== 0x09 && !(c === 0xfeff && i === 0)) {
      content = true;
      fieldStart = false;
    }
  }
  if (content) records++;
  const total = Math.max(0, records - 1);
  return { text: total > max ? text.slice(0, cut) : text, kept: Math.min(total, max), total };
}

/** The first `count` points of a set in random order are a uniform sample of it. */
export function drawnCount(train: number, test: number, max = MAX_DRAWN): { train: number; test: number } {
  const n = train + test;
  if (n <= max) return { train, test };
  const t = Math.round((max * train) / n);
  return { train: t, test: max - t };
}

/** A count as the page writes it: 100,000. */
export function count(n: number): string {
  return n.toLocaleString('en-US');
}
