/**
 * Pooling's layer rule: max pooling routes each δ to its window's maximum (the first on ties),
 * average pooling shares each δ over its window, divided by the window's divisor. With a sample,
 * one output pixel (its window's max or mean, with the numbers) and one input pixel's gradient
 * (the sum over the windows that route to it) are written out, each total checked against the
 * value the forward pass or autograd computed.
 */
import { poolGeometry, type AvgPoolGeometry, type MaxPoolGeometry } from '../ops/poolAnnotate.js';
import type { Formula } from '../ops/primitives/types.js';
import { formatShape } from '../tensor/shape.js';
import type { RawNode } from './condensed.js';
import { mathFormula } from './mathText.js';
import { argmaxAbs, delta, factor, indexed, sig, SHOWN_TERMS, sumLine, tapIndex, values, type RuleContext } from './sums.js';
import type { ExpandedSum, LayerRule } from './types.js';

/** A window of at most this many elements is written out whole (a 3×3 max is one line). */
const WHOLE_WINDOW = 9;

/** The layer's tensors and sizes: x (N, C, H, W) or unbatched (C, H, W) read as N = 1. */
interface Layer {
  readonly y: string;
  readonly x: string;
  readonly N: number;
  readonly C: number;
  readonly H: number;
  readonly W: number;
  readonly OH: number;
  readonly OW: number;
  /** The index list of an element: [n, c, i, j], without n when unbatched. */
  readonly at: (n: string | number, c: string | number, i: string | number, j: string | number) => (string | number)[];
}

function layerOf(node: RawNode, ctx: RuleContext): Layer | null {
  const [x] = node.inputs;
  if (x === undefined || (x.ndim !== 4 && x.ndim !== 3)) return null;
  const batched = x.ndim === 4;
  const [N, C, H, W] = (batched ? x.shape : [1, ...x.shape]) as [number, number, number, number];
  const out = node.tensor.shape;
  return { y: ctx.nameOf(node.tensor), x: ctx.nameOf(x), N, C, H, W, OH: out[out.length - 2]!, OW: out[out.length - 1]!, at: (n, c, i, j) => (batched ? [n, c, i, j] : [c, i, j]) };
}

const pairText = (v: readonly [number, number]): string => (v[0] === v[1] ? String(v[0]) : `${v[0]}×${v[1]}`);

/** `a, b, c, …` of numbers, the first `shown` of `count`, as text and LaTeX. */
function list(vs: readonly number[], shown: number, join: (a: Formula) => Formula = (a) => a): Formula {
  const parts = vs.slice(0, shown).map((v) => join(sig(v)));
  const more = vs.length > shown;
  return { text: parts.map((p) => p.text).join(', ') + (more ? ', …' : ''), latex: parts.map((p) => p.latex).join(',\\, ') + (more ? ',\\, \\dots' : '') };
}

/** `a + b + … ` of formulas (the first SHOWN_TERMS), "…" when there are more. */
function plusList(parts: readonly Formula[]): Formula {
  if (parts.length === 0) return { text: '0', latex: '0' };
  if (parts.length === 1) return { text: parts[0]!.text.replace(/^\((.*)\)$/, '$1'), latex: parts[0]!.latex.replace(/^\((.*)\)$/, '$1') };
  const shown = parts.slice(0, SHOWN_TERMS);
  const more = parts.length > shown.length;
  return { text: shown.map((p) => p.text).join(' + ') + (more ? ' + …' : ''), latex: shown.map((p) => p.latex).join(' + ') + (more ? ' + \\dots' : '') };
}

const partial = (L: string, f: Formula): Formula => ({ text: `∂${L}/∂${f.text}`, latex: `\\frac{\\partial ${L}}{\\partial ${f.latex}}` });

/** Of the input pixels of sample s, the one most windows route to (then the largest gradient): its index in C·H·W. */
function busiest(counts: readonly number[], grad: Float64Array, offset: number): number {
  let best = 0;
  for (let k = 1; k < counts.length; k++) {
    const [a, b] = [counts[k]!, counts[best]!];
    if (a > b || (a === b && Math.abs(grad[offset + k]!) > Math.abs(grad[offset + best]!))) best = k;
  }
  return best;
}

/** Pooling steps (maxPool2d, avgPool2d, adaptiveAvgPool2d); any other composite has no layer rule. */
export function poolRule(node: RawNode, ctx: RuleContext): LayerRule | null {
  const g = poolGeometry(node.tensor);
  const layer = layerOf(node, ctx);
  if (g === undefined || layer === null || node.op === null) return null;
  return g.kind === 'max' ? maxRule(node, node.op, layer, g, ctx) : avgRule(node, node.op, layer, g, ctx);
}

function maxRule(node: RawNode, op: string, l: Layer, g: MaxPoolGeometry, ctx: RuleContext): LayerRule {
  const { y, x, N, C, H, W, OH, OW } = l;
  const L = ctx.loss;
  const [KH, KW] = g.kernel;
  const [sh, sw] = g.stride;
  const [ph, pw] = g.padding;
  const [dh, dw] = g.dilation;
  const input = node.inputs[0]!;
  const d = delta(y).text;
  const geometry = [`kernel ${KH}×${KW}`, `stride ${pairText(g.stride)}`, `padding ${pairText(g.padding)}`, ...(dh * dw > 1 ? [`dilation ${pairText(g.dilation)}`] : [])].join(', ');
  const overlap = sh < (KH - 1) * dh + 1 || sw < (KW - 1) * dw + 1;
  const lines: Formula[] = [
    mathFormula(`${y} = maxpool(${x})   ${x} ${formatShape(input.shape)} → ${y} ${formatShape(node.tensor.shape)}`, geometry),
    mathFormula(`${indexed(y, l.at('n', 'c', 'i', 'j')).text} = max_{p,q} ${indexed(x, l.at('n', 'c', tapIndex('i', 'p', sh, dh, ph), tapIndex('j', 'q', sw, dw, pw))).text}`, `a ${KH}×${KW} window per channel${ph + pw > 0 ? '; taps in the padding read −∞' : ''}`),
    mathFormula(`${d} = ∂${L}/∂${y}   ${formatShape(node.tensor.shape)}`, 'δ of the output: the gradient arriving from the layers above'),
    mathFormula(
      `∂${L}/∂${indexed(x, l.at('n', 'c', 'h', 'w')).text} = Σ_{(i,j) ∈ A(h,w)} ${indexed(d, l.at('n', 'c', 'i', 'j')).text}   ${formatShape(input.shape)}`,
      `δ routed to each window's maximum: A(h,w) is the windows whose maximum (the first on ties) is at (h,w), and the gradient is 0 where there is none${overlap ? '; the windows overlap, so one pixel can collect several δ' : '; the windows do not overlap, so each pixel gets at most one δ'}` +
        (input.requiresGrad ? '' : `; not needed here: ${x} is an input`),
    ),
  ];
  const s = ctx.sample;
  const dy = ctx.totals.get(node.tensor);
  if (s === null || s >= N || input.ndim !== 4 || dy === undefined) return { op, name: y, lines, sums: [] };

  const [xv, yv, dv, iv] = [values(input), values(node.tensor), values(dy), values(g.index)];
  const plane = OH * OW;
  const sums: ExpandedSum[] = [];

  // One output pixel, where δ is largest for the sample: the max of its window, with the numbers.
  const at = argmaxAbs(C * plane, (k) => dv[s * C * plane + k]!);
  const [c, i, j] = [Math.floor(at / plane), Math.floor(at / OW) % OH, at % OW];
  const window: number[] = [];
  let inPadding = 0;
  for (let p = 0; p < KH; p++) {
    for (let q = 0; q < KW; q++) {
      const [hh, ww] = [i * sh + p * dh - ph, j * sw + q * dw - pw];
      if (hh < 0 || hh >= H || ww < 0 || ww >= W) inPadding++;
      else window.push(xv[((s * C + c) * H + hh) * W + ww]!);
    }
  }
  // The first maximum, NaN winning as in PyTorch's kernel.
  const best = window.reduce((m, v) => (v > m || Number.isNaN(v) ? v : m), -Infinity);
  const arg = iv[(s * C + c) * plane + i * OW + j]!;
  const where = indexed(x, [s, c, Math.floor(arg / W), arg % W]).text;
  const shown = list(window, window.length <= WHOLE_WINDOW ? window.length : SHOWN_TERMS);
  const outAt = indexed(y, [s, c, i, j]);
  sums.push({
    of: outAt.text,
    formula: sumLine(
      outAt,
      mathFormula(`max_{p,q} ${indexed(x, [s, c, tapIndex(i, 'p', sh, dh, ph), tapIndex(j, 'q', sw, dw, pw)]).text}`),
      { text: `max(${shown.text})`, latex: `\\max(${shown.latex})` },
      best,
      `${window.length} elements${inPadding > 0 ? `, ${inPadding} taps in the padding` : ''}; the maximum is ${where}`,
    ),
    terms: window.length,
    value: best,
    expected: yv[(s * C + c) * plane + i * OW + j]!,
  });

  // One input pixel's gradient: the δ of every window whose maximum it is.
  const gx = ctx.totals.get(input);
  if (gx !== undefined) {
    const gv = values(gx);
    const routes = new Array<number>(C * H * W).fill(0);
    for (let k = 0; k < C * plane; k++) routes[Math.floor(k / plane) * H * W + iv[s * C * plane + k]!]! += 1;
    const e = busiest(routes, gv, s * C * H * W);
    const [cc, h, w] = [Math.floor(e / (H * W)), Math.floor(e / W) % H, e % W];
    const from: { i: number; j: number; v: number }[] = [];
    let holding = 0;
    for (let ii = 0; ii < OH; ii++) {
      for (let jj = 0; jj < OW; jj++) {
        const [p, q] = [h + ph - ii * sh, w + pw - jj * sw];
        if (p >= 0 && q >= 0 && p % dh === 0 && q % dw === 0 && p / dh < KH && q / dw < KW) holding++;
        if (iv[(s * C + cc) * plane + ii * OW + jj] === h * W + w) from.push({ i: ii, j: jj, v: dv[(s * C + cc) * plane + ii * OW + jj]! });
      }
    }
    const total = from.reduce((acc, t) => acc + t.v, 0);
    const lhs = partial(L, indexed(x, [s, cc, h, w]));
    const named = from.slice(0, SHOWN_TERMS).map((t) => `(${t.i},${t.j})`);
    sums.push({
      of: lhs.text,
      formula: sumLine(
        lhs,
        mathFormula(`Σ_{(i,j) ∈ A(${h},${w})} ${indexed(d, [s, cc, 'i', 'j']).text}`),
        plusList(from.map((t) => factor(t.v))),
        total,
        `${holding === 1 ? 'the one window holding it has its maximum here' : `${from.length} of the ${holding} windows holding it ${from.length === 1 ? 'has its' : 'have their'} maximum here`}: A(${h},${w}) = ${named.join(', ')}${from.length > named.length ? ', …' : ''}`,
      ),
      terms: from.length,
      value: total,
      expected: gv[s * C * H * W + e]!,
    });
  }
  return { op, name: y, lines, sums };
}

function avgRule(node: RawNode, op: string, l: Layer, g: AvgPoolGeometry, ctx: RuleContext): LayerRule {
  const { y, x, N, C, H, W, OH, OW } = l;
  const L = ctx.loss;
  const p = g.windows;
  const input = node.inputs[0]!;
  const d = delta(y).text;
  const divisorOf = (i: number, j: number) => p.divisor ?? p.rowCount[i]! * p.colCount[j]!;
  const divisors = new Set(Array.from({ length: OH * OW }, (_, k) => divisorOf(Math.floor(k / OW), k % OW)));
  const uniform = divisors.size === 1 ? String([...divisors][0]!) : null;
  const dij = uniform ?? 'd[i,j]';
  const why = p.divisor !== null ? `divisorOverride ${p.divisor}` : uniform !== null ? `the window's ${uniform} elements` : g.kind === 'adaptive' ? `d[i,j]: the size of window (i,j)` : 'd[i,j]: the count window (i,j) divides by, smaller at the edges';
  const regular = g.kind === 'avg' && g.kernel !== null && g.stride !== null && g.padding !== null;
  const [KH, KW] = g.kernel ?? [0, 0];
  const [sh, sw] = g.stride ?? [1, 1];
  const [ph, pw] = g.padding ?? [0, 0];
  const geometry = regular ? `kernel ${KH}×${KW}, stride ${pairText([sh, sw])}, padding ${pairText([ph, pw])}` : `output ${OH}×${OW}: window (i,j) has rows floor(i·${H}/${OH}) to ceil((i+1)·${H}/${OH}) − 1, columns floor(j·${W}/${OW}) to ceil((j+1)·${W}/${OW}) − 1`;
  const window = (i: string | number, j: string | number) => (regular ? { sub: 'p,q', at: [tapIndex(i, 'p', sh, 1, ph), tapIndex(j, 'q', sw, 1, pw)] } : { sub: `(h,w) ∈ R(${i},${j})`, at: ['h', 'w'] });
  const w0 = window('i', 'j');
  const lines: Formula[] = [
    mathFormula(`${y} = ${g.kind === 'avg' ? 'avgpool' : 'adaptiveavgpool'}(${x})   ${x} ${formatShape(input.shape)} → ${y} ${formatShape(node.tensor.shape)}`, geometry),
    mathFormula(`${indexed(y, l.at('n', 'c', 'i', 'j')).text} = Σ_{${w0.sub}} ${indexed(x, l.at('n', 'c', w0.at[0]!, w0.at[1]!)).text} / ${dij}`, `${regular ? `a ${KH}×${KW} window per channel, ` : ''}divided by ${why}${regular && ph + pw > 0 ? '; taps in the padding read 0' : ''}`),
    mathFormula(`${d} = ∂${L}/∂${y}   ${formatShape(node.tensor.shape)}`, 'δ of the output: the gradient arriving from the layers above'),
    mathFormula(
      `∂${L}/∂${indexed(x, l.at('n', 'c', 'h', 'w')).text} = Σ_{(i,j) ∈ S(h,w)} ${indexed(d, l.at('n', 'c', 'i', 'j')).text} / ${dij}   ${formatShape(input.shape)}`,
      `each δ shared over its window: S(h,w) is the windows that hold (h,w)` + (input.requiresGrad ? '' : `; not needed here: ${x} is an input`),
    ),
  ];
  const s = ctx.sample;
  const dy = ctx.totals.get(node.tensor);
  if (s === null || s >= N || input.ndim !== 4 || dy === undefined) return { op, name: y, lines, sums: [] };

  const [xv, yv, dv] = [values(input), values(node.tensor), values(dy)];
  const plane = OH * OW;
  const sums: ExpandedSum[] = [];

  // One output pixel, where δ is largest for the sample: its window's sum over the divisor.
  const at = argmaxAbs(C * plane, (k) => dv[s * C * plane + k]!);
  const [c, i, j] = [Math.floor(at / plane), Math.floor(at / OW) % OH, at % OW];
  const elements: number[] = [];
  for (let hh = p.rowLo[i]!; hh < p.rowHi[i]!; hh++) for (let ww = p.colLo[j]!; ww < p.colHi[j]!; ww++) elements.push(xv[((s * C + c) * H + hh) * W + ww]!);
  const div = divisorOf(i, j);
  const mean = elements.reduce((a, v) => a + v, 0) / div;
  const shown = plusList(elements.map((v) => factor(v)));
  const wi = window(i, j);
  const outAt = indexed(y, [s, c, i, j]);
  sums.push({
    of: outAt.text,
    formula: sumLine(
      outAt,
      mathFormula(`Σ_{${wi.sub}} ${indexed(x, [s, c, wi.at[0]!, wi.at[1]!]).text} / ${div}`),
      { text: `(${shown.text})/${div}`, latex: `\\frac{${shown.latex}}{${div}}` },
      mean,
      `${elements.length} elements, rows ${p.rowLo[i]}–${p.rowHi[i]! - 1}, columns ${p.colLo[j]}–${p.colHi[j]! - 1}${div !== elements.length ? `, divided by ${div}` : ''}`,
    ),
    terms: elements.length,
    value: mean,
    expected: yv[(s * C + c) * plane + i * OW + j]!,
  });

  // One input pixel's gradient: each window holding it gives its δ over its divisor.
  const gx = ctx.totals.get(input);
  if (gx !== undefined) {
    const gv = values(gx);
    const holds = (lo: readonly number[], hi: readonly number[], v: number) => lo.map((a, k) => (a <= v && v < hi[k]! ? k : -1)).filter((k) => k >= 0);
    const rowsOf = Array.from({ length: H }, (_, h) => holds(p.rowLo, p.rowHi, h));
    const colsOf = Array.from({ length: W }, (_, w) => holds(p.colLo, p.colHi, w));
    const counts = Array.from({ length: C * H * W }, (_, e) => rowsOf[Math.floor(e / W) % H]!.length * colsOf[e % W]!.length);
    const e = busiest(counts, gv, s * C * H * W);
    const [cc, h, w] = [Math.floor(e / (H * W)), Math.floor(e / W) % H, e % W];
    const from = rowsOf[h]!.flatMap((ii) => colsOf[w]!.map((jj) => ({ i: ii, j: jj, v: dv[(s * C + cc) * plane + ii * OW + jj]!, d: divisorOf(ii, jj) })));
    const total = from.reduce((acc, t) => acc + t.v / t.d, 0);
    const lhs = partial(L, indexed(x, [s, cc, h, w]));
    const named = from.slice(0, SHOWN_TERMS).map((t) => `(${t.i},${t.j})`);
    sums.push({
      of: lhs.text,
      formula: sumLine(
        lhs,
        mathFormula(`Σ_{(i,j) ∈ S(${h},${w})} ${indexed(d, [s, cc, 'i', 'j']).text} / ${uniform ?? 'd[i,j]'}`),
        plusList(from.map((t) => ({ text: `${factor(t.v).text}/${t.d}`, latex: `\\frac{${sig(t.v).latex}}{${t.d}}` }))),
        total,
        `${from.length === 1 ? 'one window holds' : `${from.length} windows hold`} it: S(${h},${w}) = ${named.join(', ')}${from.length > named.length ? ', …' : ''}`,
      ),
      terms: from.length,
      value: total,
      expected: gv[s * C * H * W + e]!,
    });
  }
  return { op, name: y, lines, sums };
}
