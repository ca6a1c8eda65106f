/** The layer rule of batch norm: its three-term gradient. */
import { batchNormEps } from '../nn/normAnnotate.js';
import { formatShape } from '../tensor/shape.js';
import type { RawNode } from './condensed.js';
import { mathFormula } from './mathText.js';
import { argmaxAbs, delta, factor, indexed, productSum, sig, sumLine, sumOf, telling, values, type RuleContext, type Term } from './sums.js';
import type { ExpandedSum, LayerRule } from './types.js';

export function normRule(node: RawNode, ctx: RuleContext): LayerRule | null {
  const eps = batchNormEps(node.tensor);
  const [x] = node.inputs;
  if (eps === undefined || x === undefined || x.ndim < 2) return null;
  const { nameOf, totals, loss: L } = ctx;
  // Inputs [x, γ?, β?]: γ's backward rule is the one with x̂ in it.
  const rest = node.inputs.slice(1);
  const gammaAt = node.composite?.vjp[1]?.text.includes('x̂') === true ? 1 : -1;
  const gamma = gammaAt === 1 ? rest[0]! : null;
  const beta = rest.length === 2 ? rest[1]! : rest.length === 1 && gamma === null ? rest[0]! : null;
  const [y, xn] = [nameOf(node.tensor), nameOf(x)];
  const gn = gamma === null ? null : nameOf(gamma);
  const bn = beta === null ? null : nameOf(beta);
  const [N, C] = [x.shape[0]!, x.shape[1]!];
  const inner = x.size / (N * C);
  const m = N * inner;
  const pos = x.ndim === 2 ? [] : x.ndim === 3 ? ['i'] : ['i', 'j'];
  const at = (n: string, c: string) => [n, c, ...pos];
  const d = delta(y).text;
  const sumOver = `Σ_{${['n', ...pos].join(',')}}`;
  const scale = gn === null ? '1' : `${gn}[c]`;
  const lines = [
    mathFormula(`${y} = ${gn === null ? '' : `${gn}·`}x̂${bn === null ? '' : ` + ${bn}`},  x̂ = (${xn} − μ)/√(σ²+ε)   ${formatShape(x.shape)}`, `μ and σ² per channel over the batch and the positions: m = ${m} values each, σ² biased; ε = ${eps}`),
    mathFormula(`${d} = ∂${L}/∂${y}   ${formatShape(node.tensor.shape)}`, 'δ of the output'),
    ...(gn === null ? [] : [mathFormula(`∂${L}/∂${gn}[c] = ${sumOver} ${d}[${at('n', 'c').join(',')}]·x̂[${at('n', 'c').join(',')}]   [${C}]`)]),
    ...(bn === null ? [] : [mathFormula(`∂${L}/∂${bn}[c] = ${sumOver} ${d}[${at('n', 'c').join(',')}]   [${C}]`)]),
    mathFormula(
      `∂${L}/∂${xn} = (${scale}/√(σ²+ε))·(${d} − mean ${d} − x̂·mean(${d} ⊙ x̂))   ${formatShape(x.shape)}`,
      'three terms: δ itself, less its mean over the channel (μ moves with every x), less x̂ times the mean of δ⊙x̂ (σ² moves too)',
    ),
  ];
  const s = ctx.sample;
  const dy = totals.get(node.tensor);
  const gx = totals.get(x);
  if (s === null || s >= N || dy === undefined || gx === undefined) return { op: 'batchNorm', name: y, lines, sums: [] };

  const [xv, dv, gv] = [values(x), values(dy), values(gx)];
  const k = argmaxAbs(C * inner, (e) => gv[s * C * inner + e]!);
  const c = Math.floor(k / inner);
  const index = (n: number, e: number) => (n * C + c) * inner + e;
  let mu = 0;
  for (let n = 0; n < N; n++) for (let e = 0; e < inner; e++) mu += xv[index(n, e)]!;
  mu /= m;
  let variance = 0;
  for (let n = 0; n < N; n++) for (let e = 0; e < inner; e++) variance += (xv[index(n, e)]! - mu) ** 2;
  variance /= m;
  const root = Math.sqrt(variance + eps);
  const xhat = (n: number, e: number) => (xv[index(n, e)]! - mu) / root;
  let meanD = 0;
  let meanDx = 0;
  const dxTerms: Term[] = [];
  for (let n = 0; n < N; n++) {
    for (let e = 0; e < inner; e++) {
      meanD += dv[index(n, e)]!;
      dxTerms.push({ a: dv[index(n, e)]!, b: xhat(n, e) });
    }
  }
  meanD /= m;
  meanDx = sumOf(dxTerms) / m;
  const g = gamma === null ? 1 : values(gamma)[c]!;
  const e = k % inner;
  const spot = [s, c, ...(pos.length === 2 ? [Math.floor(e / x.shape[3]!), e % x.shape[3]!] : pos.length === 1 ? [e] : [])];
  const total = (g / root) * (dv[index(s, e)]! - meanD - xhat(s, e) * meanDx);
  const lhs = { text: `∂${L}/∂${indexed(xn, spot).text}`, latex: `\\frac{\\partial ${L}}{\\partial ${indexed(xn, spot).latex}}` };
  const nums = [factor(g), sig(root), factor(dv[index(s, e)]!), factor(meanD), factor(xhat(s, e)), factor(meanDx)];
  const numbers = {
    text: `(${nums[0]!.text}/${nums[1]!.text})·(${nums[2]!.text} − ${nums[3]!.text} − ${nums[4]!.text}·${nums[5]!.text})`,
    latex: `\\frac{${nums[0]!.latex}}{${nums[1]!.latex}} \\left(${nums[2]!.latex} - ${nums[3]!.latex} - ${nums[4]!.latex} \\cdot ${nums[5]!.latex}\\right)`,
  };
  const sums: ExpandedSum[] = [
    {
      of: lhs.text,
      formula: sumLine(lhs, mathFormula(`(${gamma === null ? '1' : `${gn}[${c}]`}/√(σ²+ε))·(${indexed(d, spot).text} − mean ${d} − ${indexed('x̂', spot).text}·mean(${d} ⊙ x̂))`), numbers, total, `channel ${c}: μ = ${sig(mu).text}, σ² = ${sig(variance).text}`),
      terms: 3,
      value: total,
      expected: gv[index(s, e)]!,
    },
  ];
  const gg = gamma === null ? undefined : totals.get(gamma);
  if (gg !== undefined) {
    const own = dxTerms.slice(s * inner, (s + 1) * inner);
    const lhsG = { text: `∂${L}/∂${gn}[${c}]`, latex: `\\frac{\\partial ${L}}{\\partial ${indexed(gn!, [c]).latex}}` };
    sums.push({
      of: lhsG.text,
      formula: sumLine(lhsG, mathFormula(`${sumOver} ${d}[${at('n', String(c)).join(',')}]·x̂[${at('n', String(c)).join(',')}]`), productSum(telling(own), dxTerms.length), sumOf(dxTerms), `${m} terms; sample ${s}'s shown first`),
      terms: dxTerms.length,
      value: sumOf(dxTerms),
      expected: values(gg)[c]!,
    });
  }
  return { op: 'batchNorm', name: y, lines, sums };
}
