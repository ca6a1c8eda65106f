/**
 * The written-out sums of the layer rules: index expressions such as `x[n,c,i+p−1,j+q−1]`, numbers
 * to four significant digits (a convolution's gradient elements are often far below 10⁻⁴, which
 * the tutorial's four decimals would print as 0), and a sum of products shown as its first terms,
 * "…", and the total.
 */
import type { Formula } from '../ops/primitives/types.js';
import type { Tensor } from '../tensor/tensor.js';
import { noteLatex } from './mathText.js';
import { latexName } from './names.js';

const MINUS = '\u2212';

/** A number to 4 significant digits: 0.01234, −3.5e−6 written as −3.5·10⁻⁶ (LaTeX −3.5\times10^{-6}). */
export function sig(v: number): Formula {
  if (!Number.isFinite(v)) return { text: String(v), latex: `\\text{${String(v)}}` };
  if (v === 0) return { text: '0', latex: '0' };
  const a = Math.abs(v);
  if (a >= 1e-3 && a < 1e5) {
    const s = Number(v.toPrecision(4)).toString();
    return { text: s.replace('-', MINUS), latex: s };
  }
  const [m, e] = v.toExponential(3).split('e') as [string, string];
  const mant = Number(m).toString();
  const exp = Number(e);
  const sup = String(exp).replace(/[-\d]/g, (c) => '⁻⁰¹²³⁴⁵⁶⁷⁸⁹'['-0123456789'.indexOf(c)]!);
  return { text: `${mant.replace('-', MINUS)}·10${sup}`, latex: `${mant}\\times10^{${exp}}` };
}

/** A factor in a product: negative numbers in parentheses. */
export function factor(v: number): Formula {
  const f = sig(v);
  return v < 0 ? { text: `(${f.text})`, latex: `(${f.latex})` } : f;
}

/** `base[i0,i1,…]` for index expressions (numbers or text such as `i+p−1`). */
export function indexed(base: string, indices: readonly (string | number)[]): Formula {
  const text = `${base}[${indices.join(',')}]`;
  const latex = `${base.startsWith('\\') ? base : latexName(base)}[${indices.map((i) => String(i).replaceAll(MINUS, '-')).join(',\\,')}]`;
  return { text, latex };
}

/** δ of a tensor named `name`: δz1 (LaTeX \delta_{z_{1}}). */
export function delta(name: string): { text: string; latex: string } {
  return { text: `δ${name}`, latex: `\\delta_{${latexName(name)}}` };
}

/** `k·v` for a coefficient k and a variable or number v: `i`, `2i`, `6`. */
function times(k: number, v: string | number): string | number {
  if (typeof v === 'number') return k * v;
  return k === 1 ? v : `${k}${v}`;
}

/** a + b of terms that are numbers or variables, numbers folded together, `−` for negatives, 0 dropped. */
function plus(terms: readonly (string | number)[]): string {
  const constant = terms.reduce<number>((acc, t) => (typeof t === 'number' ? acc + t : acc), 0);
  const parts = terms.filter((t): t is string => typeof t === 'string');
  let out = parts.join('+');
  if (out === '') return String(constant).replace('-', MINUS);
  if (constant > 0) out += `+${constant}`;
  if (constant < 0) out += `${MINUS}${-constant}`;
  return out.replace(/\+−/g, MINUS);
}

/**
 * The index into an input axis of output position `out` and kernel tap `tap` (each a variable or
 * a number): out·stride + tap·dilation − pad, with the layer's numbers (`i+p−1`, `2i+p`, `3+p`).
 */
export function tapIndex(out: string | number, tap: string | number, stride: number, dilation: number, pad: number): string {
  return plus([times(stride, out), times(dilation, tap), -pad]);
}

/** The output position that tap `tap` of input position `at` comes from: (at + pad − tap·dilation)/stride. */
export function sourceIndex(at: string | number, tap: string, stride: number, dilation: number, pad: number): string {
  const base = plus([at, pad]);
  const inner = `${base}${MINUS}${dilation === 1 ? tap : `${dilation}${tap}`}`;
  return stride === 1 ? inner : `(${inner})/${stride}`;
}

export interface Term {
  readonly a: number;
  readonly b: number;
}

/** How many terms a written-out sum shows before "…". */
export const SHOWN_TERMS = 4;

/**
 * `(a)(b) + (a)(b) + … ` for the first SHOWN_TERMS terms (those given in `shown`, else the first
 * of `terms`), then "…" when there are more; the caller appends the total.
 */
export function productSum(shown: readonly Term[], total: number): Formula {
  const parts = shown.slice(0, SHOWN_TERMS).map((t) => {
    const [a, b] = [factor(t.a), factor(t.b)];
    return { text: `${a.text}·${b.text}`, latex: `${a.latex} \\cdot ${b.latex}` };
  });
  const more = total > parts.length;
  return {
    text: parts.map((p) => p.text).join(' + ') + (more ? ' + …' : ''),
    latex: parts.map((p) => p.latex).join(' + ') + (more ? ' + \\dots' : ''),
  };
}

/** Σ of the products in float64. */
export function sumOf(terms: readonly Term[]): number {
  let s = 0;
  for (const t of terms) s += t.a * t.b;
  return s;
}

/** The index of the element of largest magnitude among `count` values read by `at` (the first on ties). */
export function argmaxAbs(count: number, at: (i: number) => number): number {
  let best = 0;
  let size = -1;
  for (let i = 0; i < count; i++) {
    const v = Math.abs(at(i));
    if (v > size) {
      size = v;
      best = i;
    }
  }
  return best;
}

export interface RuleContext {
  readonly nameOf: (t: Tensor) => string;
  readonly totals: ReadonlyMap<Tensor, Tensor>;
  readonly loss: string;
  readonly sample: number | null;
}

/** Float64 copies of a tensor's values (row-major). */
export function values(t: Tensor): Float64Array {
  return Float64Array.from(t._data as ArrayLike<number>);
}

/** The sum's line: `lhs = symbolic = numbers = total`, the note after it. */
export function sumLine(lhs: Formula, symbolic: Formula, numbers: Formula, total: number, note: string): Formula {
  const t = sig(total);
  return {
    text: `${lhs.text} = ${symbolic.text} = ${numbers.text} = ${t.text}   (${note})`,
    latex: `${lhs.latex} = ${symbolic.latex} = ${numbers.latex} = ${t.latex} \\quad \\text{(${noteLatex(note)})}`,
  };
}

/** Terms with both factors non-zero first (the ones worth reading), in their order. */
export function telling(terms: readonly Term[]): Term[] {
  return [...terms.filter((t) => t.a !== 0 && t.b !== 0), ...terms.filter((t) => t.a === 0 || t.b === 0)];
}

