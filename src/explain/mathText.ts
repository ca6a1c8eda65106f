/**
 * The layer rules' formulas are written once, as text (`∂L/∂W1[o,c,p,q] = Σ_n Σ_{i,j} x[…]·δz1[…]`),
 * and typeset from it: a small translation of the few symbols they use, so the text and the LaTeX
 * forms cannot drift apart.
 */
import type { Formula } from '../ops/primitives/types.js';
import { latexName } from './names.js';

const SYMBOLS: Readonly<Record<string, string>> = {
  '·': '\\cdot ',
  '⋆': '\\star ',
  'ᵀ': '^{\\top}',
  '−': '-',
  '…': '\\dots ',
  '→': '\\to ',
  '⊙': '\\odot ',
  '×': '\\times ',
  '²': '^{2}',
  'ε': '\\varepsilon ',
  'μ': '\\mu ',
  'σ': '\\sigma ',
  'γ': '\\gamma ',
  'β': '\\beta ',
  '≠': '\\ne ',
  '∈': '\\in ',
  '∞': '\\infty ',
  '{': '\\{',
  '}': '\\}',
  '#': '\\#',
  '%': '\\%',
  '&': '\\&',
  '_': '\\_',
  '^': '\\hat{}',
  '\\': '\\backslash ',
};

const TOKENS = /√\(σ²\+ε\)|∂([\w.]+)\/∂(δ?)([\w.\u0302]+)|δ([\w.]+)|Σ_\{([^}]*)\}|Σ_(\w)|max_\{([^}]*)\}|([A-Za-z])\u0302|([A-Za-z][\w.]*)|(\s+)|(.)/gu;

function name(n: string): string {
  if (n.endsWith('\u0302')) return `\\hat{${n.slice(0, -1)}}`;
  return n.length === 1 ? n : latexName(n);
}

/** LaTeX for a formula written in the layer rules' text notation. */
export function mathLatex(text: string): string {
  return text.replace(TOKENS, (all, dOf?: string, dDelta?: string, dWrt?: string, delta?: string, sumSub?: string, sumOne?: string, maxSub?: string, hat?: string, ident?: string, space?: string, ch?: string) => {
    if (all.startsWith('√')) return '\\sqrt{\\sigma^{2}+\\varepsilon}';
    if (dOf !== undefined) return `\\frac{\\partial ${name(dOf)}}{\\partial ${dDelta === 'δ' ? `\\delta_{${name(dWrt!)}}` : name(dWrt!)}}`;
    if (delta !== undefined) return `\\delta_{${name(delta)}}`;
    // A sum's range is a formula too: Σ_{(i,j) ∈ A(h,w)}.
    if (sumSub !== undefined) return `\\sum_{${mathLatex(sumSub)}}`;
    if (sumOne !== undefined) return `\\sum_{${sumOne}}`;
    if (maxSub !== undefined) return `\\max_{${mathLatex(maxSub)}}`;
    if (hat !== undefined) return `\\hat{${hat}}`;
    if (ident !== undefined) return name(ident);
    if (space !== undefined) return space.length >= 2 ? ' \\quad ' : ' ';
    const c = ch ?? all;
    const s = SYMBOLS[c];
    if (s !== undefined) return s;
    return /[\x20-\x7e]/.test(c) ? c : `\\text{${c}}`;
  });
}

const NOTE_MATH: Readonly<Record<string, string>> = { '∞': '\\infty', 'δ': '\\delta', 'μ': '\\mu', 'σ': '\\sigma', 'ε': '\\varepsilon', 'γ': '\\gamma', 'β': '\\beta', '²': '^{2}', '×': '\\times', '−': '-', '·': '\\cdot', '⊙': '\\odot', '→': '\\to' };
const SUPERSCRIPTS = '⁻⁰¹²³⁴⁵⁶⁷⁸⁹';

/** A note in words as LaTeX text: its symbols in math mode (KaTeX's text fonts have no Greek). */
export function noteLatex(note: string): string {
  const escaped = note.replace(/[\\{}$&#^_%~]/g, (c) => `\\${c}`);
  return escaped
    .replace(/10([⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)/g, (_, e: string) => `$10^{${[...e].map((c) => '-0123456789'[SUPERSCRIPTS.indexOf(c)]).join('')}}$`)
    .replace(/x\u0302/g, '$\\hat{x}$')
    .replace(/[∞δμσεγβ²×−·⊙→]/g, (c) => `$${NOTE_MATH[c]!}$`);
}

/** A formula from its text, with an optional note in words after it (`   (the correlation of …)`). */
export function mathFormula(text: string, note?: string): Formula {
  if (note === undefined) return { text, latex: mathLatex(text) };
  return { text: `${text}   (${note})`, latex: `${mathLatex(text)} \\quad \\text{(${noteLatex(note)})}` };
}
