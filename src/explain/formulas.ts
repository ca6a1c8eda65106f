/** Formula text of explanations: ∂of/∂wrt, templates filled with names and values, and their tidying. */
import { fillFormula } from '../autograd/graph.js';
import type { Formula } from '../ops/primitives/types.js';
import { latexName } from './names.js';

/** ∂of/∂wrt in text and LaTeX. */
export function derivative(of: string, wrt: string): Formula {
  return { text: `∂${of}/∂${wrt}`, latex: `\\frac{\\partial ${latexName(of)}}{\\partial ${latexName(wrt)}}` };
}

/** A negative number as it goes into a formula: in parentheses, so `w·x + b` reads `(−0.67)·0.71 + (−0.12)`. */
export function signed(v: string): string {
  return v.startsWith('−') ? `(${v})` : v;
}

/** Drops the doubled parentheses where the formula had its own: `σ((−0.3))` → `σ(−0.3)`. */
export function bracketNegatives(f: Formula): Formula {
  const tidy = (s: string) => s.replace(/\(\(([−-][\d.e+]+)\)\)/g, '($1)').replace(/\{\(([−-][\d.e+]+)\)\}/g, '{$1}');
  return { text: tidy(f.text), latex: tidy(f.latex) };
}

/** Fills a formula's {i} with names (text) and LaTeX names, and {g} with the upstream gradient. */
export function fill(f: Formula, names: readonly string[], g?: Formula, tidy = true): Formula {
  // A transposed upstream gradient needs parentheses: (∂L/∂y)ᵀ.
  const gt = g === undefined ? undefined : g.text.includes('/') ? `(${g.text})` : g.text;
  // The {i} placeholders are filled first: the upstream gradient's LaTeX has its own braces
  // (∂L/∂z_{2}), which are not placeholders (regression: ∂z_{2} became ∂z_b_{2}).
  const text = fillFormula(f.text, names).replaceAll('gradᵀ', `${gt ?? 'grad'}ᵀ`).replaceAll('{g}ᵀ', `${gt ?? '{g}'}ᵀ`).replaceAll('grad', g?.text ?? 'grad').replaceAll('{g}', g?.text ?? '{g}');
  // Only the names the template uses are typeset (a neuron of 784 inputs has 1,569 names per factor).
  const latex = f.latex
    // A placeholder never follows _ or ^ (templates write ^{{1}}): W_{2} in a pre-typeset name stays.
    .replace(/(?<![_^])\{(\d+)\}/g, (_, i: string) => {
      const n = names[Number(i)];
      if (n === undefined) return `x${i}`;
      return /^\(?[−-]?\d/.test(n) ? n.replace('−', '-') : latexName(n);
    })
    .replaceAll('\\bar{g}', g?.latex ?? '\\bar{g}')
    .replaceAll('{g}', g?.latex ?? '{g}');
  return { text: tidy ? simplify(text) : text, latex };
}

/** Tidies filled formulas: `1·x` → `x`, `x·1` → `x`. */
function simplify(text: string): string {
  return text.replace(/(^|[\s(])1·/g, '$1').replace(/·1(?=$|[\s)])/g, '');
}

/** An elementwise backward rule from a local derivative: {g} ⊙ local, the local in parentheses when it is a sum. */
export function timesUpstream(local: Formula): Formula {
  return { text: `{g} ⊙ ${wrap(local.text)}`, latex: `{g} \\odot ${wrapLatex(local.latex)}` };
}

function wrap(s: string): string {
  return / [+−-] /.test(s) ? `(${s})` : s;
}

function wrapLatex(s: string): string {
  return /^[\w.{}\\]+$/.test(s) ? s : `\\left(${s}\\right)`;
}
