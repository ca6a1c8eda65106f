/**
 * Renderers of an Explanation: plain text for the terminal and Markdown with LaTeX ($…$). The
 * HTML renderer, which typesets the LaTeX with KaTeX, is in chainrule/viz (it has dependencies).
 */
import type { Tensor } from '../tensor/tensor.js';
import { formatShape } from '../tensor/shape.js';
import { formatFactor, formatValue, latexFactor, latexValue } from '../math/format.js';
import { derivative } from './formulas.js';
import { latexName } from './names.js';
import type { ChainPath, Explanation, ScalarGradient } from './types.js';

/** One rendered line: text and LaTeX forms, and the section it belongs to. */
export interface ExplanationLine {
  readonly section: 'forward' | 'locals' | 'gradients' | 'backward' | 'layers' | 'sums' | 'update';
  readonly text: string;
  readonly latex: string;
}

export interface ExplanationSections {
  readonly title: string;
  readonly lines: readonly ExplanationLine[];
}

const SECTION_TITLES: Record<ExplanationLine['section'], string> = {
  forward: 'Forward pass',
  locals: 'Local derivatives',
  gradients: 'Gradients by the chain rule',
  backward: 'Backward pass (layer by layer)',
  layers: 'Convolution, pooling and normalization layers: the chain rule with shapes',
  sums: 'One element of each, written out with the numbers',
  update: 'Update',
};

function factorProduct(path: ChainPath): { text: string; latex: string } {
  return {
    text: path.factors.map((f) => `(${formatFactor(f.value)})`).join(''),
    latex: path.factors.map((f) => `(${latexFactor(f.value)})`).join(''),
  };
}

function gradientLine(loss: string, g: ScalarGradient): ExplanationLine {
  const lhs = derivative(loss, g.name);
  const value = formatValue(g.value);
  const valueLatex = latexValue(g.value);
  if (g.paths.length === 0) {
    const note = g.pathCount === 0 ? 'no path: L does not depend on it' : `sum over ${g.pathCount} paths`;
    return { section: 'gradients', text: `${lhs.text} = ${value} (${note})`, latex: `${lhs.latex} = ${valueLatex} \\quad \\text{(${note})}` };
  }
  // A direct edge from the loss to the parameter is written ∂L/∂p (direct), apart from the total ∂L/∂p.
  const symbolic = g.paths.map((p) =>
    p.factors.map((f) => {
      const x = derivative(f.of, f.wrt);
      return f.of === loss && f.wrt === g.name && g.pathCount > 1 ? { text: `${x.text} (direct)`, latex: `\left.${x.latex}\right|_{\text{direct}}` } : x;
    }),
  );
  const sym = { text: symbolic.map((fs) => fs.map((x) => x.text).join(' · ')).join(' + '), latex: symbolic.map((fs) => fs.map((x) => x.latex).join(' \\cdot ')).join(' + ') };
  const numeric = g.paths.map(factorProduct);
  const num = { text: numeric.map((x) => x.text).join(' + '), latex: numeric.map((x) => x.latex).join(' + ') };
  // One factor: ∂L/∂y · … collapses to the value itself, no need to repeat it.
  const single = g.paths.length === 1 && g.paths[0]!.factors.length === 1;
  return {
    section: 'gradients',
    text: single ? `${lhs.text} = ${sym.text} = ${value}` : `${lhs.text} = ${sym.text} = ${num.text} = ${value}`,
    latex: single ? `${lhs.latex} = ${sym.latex} = ${valueLatex}` : `${lhs.latex} = ${sym.latex} = ${num.latex} = ${valueLatex}`,
  };
}

function norm(t: Tensor): number {
  let s = 0;
  for (const v of t._data) s += v * v;
  return Math.sqrt(s);
}

function tensorSummary(t: Tensor, sample: number | null, batched: boolean): string {
  if (t.size === 1) return formatValue(t.item());
  const rows = t.ndim >= 2 ? (t.shape[0] ?? 1) : 1;
  if (batched && sample !== null && t.ndim >= 2 && sample < rows) {
    const width = t.size / rows;
    const row = Array.from(t._data.slice(sample * width, (sample + 1) * width));
    const shown = row.slice(0, 6).map(formatFactor).join(', ');
    return `row ${sample}: [${shown}${row.length > 6 ? `, … (${row.length})` : ''}]`;
  }
  return `‖·‖ = ${formatValue(norm(t))}`;
}

/** The explanation as lines, section by section (what the text, Markdown and HTML renderers print). */
export function explanationLines(e: Explanation): ExplanationLine[] {
  const lines: ExplanationLine[] = [];
  for (const f of e.forward) {
    const name = f.name;
    if (e.mode === 'scalar') {
      const v = formatValue(f.value.item());
      const vLatex = latexValue(f.value.item());
      const sub = f.substituted;
      const same = sub === null || sub.text === f.formula.text;
      lines.push({
        section: 'forward',
        text: same ? `${name} = ${f.formula.text} = ${v}` : `${name} = ${f.formula.text} = ${sub.text} = ${v}`,
        latex: same
          ? `${latexName(name)} = ${f.formula.latex} = ${vLatex}`
          : `${latexName(name)} = ${f.formula.latex} = ${sub.latex} = ${vLatex}`,
      });
    } else {
      lines.push({
        section: 'forward',
        text: `${name} = ${f.formula.text}   ${formatShape(f.shape)}   ${tensorSummary(f.value, e.sample, true)}`,
        latex: `${latexName(name)} = ${f.formula.latex} \\quad ${formatShape(f.shape).replace(/[[\]]/g, (c) => (c === '[' ? '[' : ']'))}`,
      });
    }
  }
  const multi = new Set(e.gradients.filter((g) => g.pathCount > 1).map((g) => g.name));
  for (const f of e.locals) {
    const plain = derivative(f.of, f.wrt);
    const lhs = f.of === e.loss && multi.has(f.wrt) ? { text: `${plain.text} (direct)`, latex: `\left.${plain.latex}\right|_{\text{direct}}` } : plain;
    const v = formatFactor(f.value);
    const vLatex = latexFactor(f.value);
    const same = f.formula.text === v || f.formula.text === vLatex;
    lines.push({
      section: 'locals',
      text: same ? `${lhs.text} = ${v}` : `${lhs.text} = ${f.formula.text} = ${v}`,
      latex: same ? `${lhs.latex} = ${vLatex}` : `${lhs.latex} = ${f.formula.latex} = ${vLatex}`,
    });
  }
  for (const g of e.gradients) lines.push(gradientLine(e.loss, g));
  for (const s of e.backward) {
    lines.push({
      section: 'backward',
      text: `${s.formula.text}   ${formatShape(s.shape)}   ${tensorSummary(s.grad, e.sample, !s.isParameter)}`,
      latex: `${s.formula.latex} \\quad ${formatShape(s.shape)}`,
    });
  }
  for (const rule of e.layers) {
    for (const f of rule.lines) lines.push({ section: 'layers', text: f.text, latex: f.latex });
  }
  for (const rule of e.layers) {
    for (const sum of rule.sums) lines.push({ section: 'sums', text: sum.formula.text, latex: sum.formula.latex });
  }
  if (e.lr !== null) {
    const lr = formatFactor(e.lr);
    for (const u of e.updates) {
      const lhs = derivative(e.loss, u.name);
      if (u.old.size === 1) {
        const [old, g, nu] = [u.old.item(), u.grad.item(), u.updated.item()];
        lines.push({
          section: 'update',
          text: `${u.name} ← ${u.name} − η·${lhs.text} = ${formatFactor(old)} − ${lr}·(${formatFactor(g)}) = ${formatValue(nu)}`,
          latex: `${latexName(u.name)} \\leftarrow ${latexName(u.name)} - \\eta\\,${lhs.latex} = ${latexFactor(old)} - ${latexFactor(e.lr)}\\,(${latexFactor(g)}) = ${latexValue(nu)}`,
        });
      } else {
        lines.push({
          section: 'update',
          text: `${u.name} ← ${u.name} − η·${lhs.text}   ${formatShape(u.old.shape)}   step ‖η·${lhs.text}‖ = ${formatValue(e.lr * norm(u.grad))}`,
          latex: `${latexName(u.name)} \\leftarrow ${latexName(u.name)} - \\eta\\,${lhs.latex}`,
        });
      }
    }
  }
  return lines;
}

/** The explanation grouped into titled sections. */
export function explanationSections(e: Explanation): ExplanationSections[] {
  const lines = explanationLines(e);
  const order: ExplanationLine['section'][] = ['forward', 'locals', 'gradients', 'backward', 'layers', 'sums', 'update'];
  return order
    .map((section) => ({
      title:
        section === 'update' && e.lr !== null
          ? `${SECTION_TITLES.update} (η = ${formatFactor(e.lr)})`
          : section === 'sums' && e.sample !== null
            ? `${SECTION_TITLES.sums} of sample ${e.sample}`
            : SECTION_TITLES[section],
      lines: lines.filter((l) => l.section === section),
    }))
    .filter((s) => s.lines.length > 0);
}

/**
 * The explanation as plain text for a terminal.
 * @example
 * const model = tutorialNetwork();
 * const { x, y } = tutorialSample();
 * renderText(explain(halfSquaredError(model.forward(x), y))).includes('∂L/∂w1 = ∂L/∂y · ∂y/∂h · ∂h/∂z1 · ∂z1/∂w1 = (−0.2277)(0.3)(0.2445)(0.5) = −0.0083'); // true
 */
export function renderText(e: Explanation): string {
  return (
    explanationSections(e)
      .map((s) => [s.title, ...s.lines.map((l) => `  ${l.text}`)].join('\n'))
      .join('\n\n') + '\n'
  );
}

/**
 * The explanation as Markdown, each formula as display LaTeX ($$…$$), for notebooks and docs.
 * @example
 * const model = tutorialNetwork();
 * const { x, y } = tutorialSample();
 * renderMarkdown(explain(halfSquaredError(model.forward(x), y))).startsWith('### Forward pass'); // true
 */
export function renderMarkdown(e: Explanation): string {
  return (
    explanationSections(e)
      .map((s) => [`### ${s.title}`, '', ...s.lines.map((l) => `$$${l.latex}$$`)].join('\n'))
      .join('\n\n') + '\n'
  );
}
