/**
 * Every rule by which the library writes a number for people, once each. They differ on
 * purpose: an explanation's results keep 4 decimals, a factor inside a product drops trailing
 * zeros, the graph picture rounds as Python's `{:.4f}` does (so it matches the reference), and
 * a training log stays ASCII. Text for people writes minus as U+2212; LaTeX and logs use '-'.
 */

const MINUS = '\u2212';

/** Every ASCII hyphen-minus of `text` as U+2212 (−). */
export function withMinusSign(text: string): string {
  return text.replace(/-/g, MINUS);
}

/**
 * A result to 4 decimals with U+2212 minus (−0.0083); negative zero prints as 0.0000.
 * @example formatValue(-0.00834) // '−0.0083'
 */
export function formatValue(v: number): string {
  const s = v.toFixed(4);
  return (s === '-0.0000' ? '0.0000' : s).replace('-', MINUS);
}

/**
 * A number as the tutorial writes it inside a product: 4 decimals, trailing zeros dropped, U+2212 minus.
 * @example formatFactor(-0.5) // '−0.5'
 */
export function formatFactor(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  let s = v.toFixed(4);
  if (s.includes('.')) s = s.replace(/0+$/, '').replace(/\.$/, '');
  if (s === '-0') s = '0';
  return s.replace('-', MINUS);
}

/** formatValue for LaTeX, which wants the ASCII minus: `-0.0083`. */
export function latexValue(v: number): string {
  return formatValue(v).replace(MINUS, '-');
}

/** formatFactor for LaTeX, which wants the ASCII minus: `-0.5`. */
export function latexFactor(v: number): string {
  return formatFactor(v).replace(MINUS, '-');
}

/**
 * Python's fixed-point formatting, `f"{x:.{digits}f}"`, exactly: the binary value is rounded
 * half-to-even in exact arithmetic (JavaScript's toFixed rounds exact ties up instead, so
 * 0.03125.toFixed(4) is '0.0313' where Python prints '0.0312'), negative zero keeps its sign,
 * and non-finite values print as nan, inf and -inf.
 * @example pyFixed(0.03125, 4) // '0.0312'
 */
export function pyFixed(x: number, digits: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  const negative = x < 0 || Object.is(x, -0);
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const exponentBits = Number((bits >> 52n) & 0x7ffn);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exponent: number;
  if (exponentBits === 0) {
    exponent = -1074;
  } else {
    mantissa |= 1n << 52n;
    exponent = exponentBits - 1075;
  }
  // |x|·10^digits = mantissa·2^exponent·10^digits = num/den exactly.
  let num = mantissa * 10n ** BigInt(digits);
  let den = 1n;
  if (exponent >= 0) num <<= BigInt(exponent);
  else den <<= BigInt(-exponent);
  let q = num / den;
  const r = num % den;
  if (2n * r > den || (2n * r === den && (q & 1n) === 1n)) q += 1n;
  const s = q.toString().padStart(digits + 1, '0');
  const whole = s.slice(0, s.length - digits);
  const frac = s.slice(s.length - digits);
  return (negative ? '-' : '') + whole + (digits > 0 ? `.${frac}` : '');
}

/**
 * A float as the graph picture shows it: Python's `{:.4f}`, exponent form when tiny or huge,
 * U+2212 minus; zero (negative zero too: its sign is no news in a picture) is 0.0000.
 */
export function formatPictureNumber(v: number): string {
  let s: string;
  if (Number.isNaN(v)) s = 'nan';
  else if (!Number.isFinite(v)) s = v > 0 ? '∞' : '-∞';
  else if (v === 0) s = '0.0000';
  else if (Math.abs(v) < 1e-4 || Math.abs(v) >= 1e6) s = v.toExponential(3);
  else s = pyFixed(v, 4);
  return withMinusSign(s);
}

/** A number in a training log: 4 decimals, exponent form below 0.001, ASCII minus (logs get grepped). */
export function formatLogNumber(v: number): string {
  return Number.isFinite(v) ? (Math.abs(v) >= 1e-3 || v === 0 ? v.toFixed(4) : v.toExponential(2)) : String(v);
}
