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
