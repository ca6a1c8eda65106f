/**
 * The chain rule of the layers that are not matrix products, at the layer level with shapes: a
 * convolution's δ, its weight gradient as the correlation of the input with δ and its input
 * gradient as the full convolution of δ with the flipped kernel; pooling routing δ; batch norm's
 * three-term gradient. With a sample, one element of each written out with the sample's numbers,
 * its total checked against the value autograd computed.
 */
import type { ConvParams, Formula } from '../ops/primitives/types.js';
import { formatShape } from '../tensor/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import type { RawNode } from './condensed.js';
import { mathFormula } from './mathText.js';
import { normRule } from './otherRules.js';
import { poolRule } from './poolRules.js';
import { argmaxAbs, delta, indexed, productSum, sig, sourceIndex, sumLine, sumOf, tapIndex, telling, values, type RuleContext, type Term } from './sums.js';
import type { ExpandedSum, LayerRule } from './types.js';

/** Every layer rule of the condensed graph, inputs first. */
export function layerRules(order: readonly RawNode[], nameOf: (t: Tensor) => string, totals: ReadonlyMap<Tensor, Tensor>, loss: string, sample: number | null): LayerRule[] {
  const ctx: RuleContext = { nameOf, totals, loss, sample };
  const rules: LayerRule[] = [];
  for (const node of order) {
    if (node.composite === null) continue;
    const rule = node.op === 'conv2d' ? convRule(node, ctx) : node.op === 'batchNorm' ? normRule(node, ctx) : poolRule(node, ctx);
    if (rule !== null) rules.push(rule);
  }
  return rules;
}

/** The conv2d primitive under a 'conv2d' step (the step's output is it, or it plus the bias). */
function convParamsOf(t: Tensor): ConvParams | null {
  let node = t._node;
  if (node?.op === 'add') node = node.inputs[0]?._node ?? null;
  return node?.op === 'conv2d' ? (node.params as ConvParams) : null;
}

function convRule(node: RawNode, ctx: RuleContext): LayerRule | null {
  const p = convParamsOf(node.tensor);
  const [x, w, b] = node.inputs;
  if (p === null || x === undefined || w === undefined || x.ndim !== 4 || w.ndim !== 4) return null;
  const { nameOf, totals, loss: L } = ctx;
  const [z, xn, wn] = [nameOf(node.tensor), nameOf(x), nameOf(w)];
  const bn = b === undefined ? null : nameOf(b);
  const [N, C, H, W] = x.shape as [number, number, number, number];
  const [O, Cg, KH, KW] = w.shape as [number, number, number, number];
  const [OH, OW] = [node.tensor.shape[2]!, node.tensor.shape[3]!];
  const [sh, sw] = p.stride;
  const [dh, dw] = p.dilation;
  const [pt, , pl] = p.padding;
  const g = p.groups;
  const d = delta(z).text;
  const ih = tapIndex('i', 'p', sh, dh, pt);
  const iw = tapIndex('j', 'q', sw, dw, pl);
  const geometry = [`stride ${sh === sw ? sh : `${sh}×${sw}`}`, `padding ${p.padding.every((v) => v === pt) ? pt : JSON.stringify(p.padding)}`, ...(dh * dw > 1 ? [`dilation ${dh}×${dw}`] : []), ...(g > 1 ? [`groups ${g}: c runs over o's group of ${Cg} input channels`] : [])].join(', ');
  const padded = p.padding.some((v) => v > 0);
  const lines: Formula[] = [
    mathFormula(`${z} = ${xn} ⋆ ${wn}${bn === null ? '' : ` + ${bn}`}   ${xn} ${formatShape(x.shape)} ⋆ ${wn} ${formatShape(w.shape)} → ${z} ${formatShape(node.tensor.shape)}`, geometry),
    mathFormula(`${z}[n,o,i,j] = Σ_{c,p,q} ${wn}[o,c,p,q]·${xn}[n,c,${ih},${iw}]${bn === null ? '' : ` + ${bn}[o]`}`, padded ? 'taps in the padding read 0' : `${KH}×${KW} taps per channel`),
    mathFormula(`${d} = ∂${L}/∂${z}   ${formatShape(node.tensor.shape)}`, 'δ of the output: the gradient arriving from the layers above'),
    mathFormula(`∂${L}/∂${wn} = ${xn} ⋆ ${d}:  ∂${L}/∂${wn}[o,c,p,q] = Σ_n Σ_{i,j} ${xn}[n,c,${ih},${iw}]·${d}[n,o,i,j]   ${formatShape(w.shape)}`, 'the correlation of the input with δ, summed over the batch and the positions'),
    ...(bn === null ? [] : [mathFormula(`∂${L}/∂${bn}[o] = Σ_n Σ_{i,j} ${d}[n,o,i,j]   [${O}]`, 'δ summed over the batch and the positions')]),
    mathFormula(
      `∂${L}/∂${xn} = ${d} ⋆ᵀ ${wn}:  ∂${L}/∂${xn}[n,c,h,w] = Σ_{o,p,q} ${wn}[o,c,p,q]·${d}[n,o,${sourceIndex('h', 'p', sh, dh, pt)},${sourceIndex('w', 'q', sw, dw, pl)}]   ${formatShape(x.shape)}`,
      `the full convolution of δ with the flipped kernel, i.e. the transposed convolution; δ is 0 outside its ${OH}×${OW}${sh * sw > 1 ? ' and at fractional positions' : ''}` +
        (x.requiresGrad ? '' : `; not needed here: ${xn} is an input`),
    ),
  ];
  const s = ctx.sample;
  const dz = totals.get(node.tensor);
  if (s === null || s >= N || dz === undefined) return { op: 'conv2d', name: z, lines, sums: [] };

  const [xv, wv, zv, dv] = [values(x), values(w), values(node.tensor), values(dz)];
  const bv = b === undefined ? null : values(b);
  const X = (n: number, c: number, h: number, ww: number) => xv[((n * C + c) * H + h) * W + ww]!;
  const Wt = (o: number, c: number, q: number, r: number) => wv[((o * Cg + c) * KH + q) * KW + r]!;
  const D = (n: number, o: number, i: number, j: number) => dv[((n * O + o) * OH + i) * OW + j]!;
  const groupOf = (o: number) => Math.floor(o / (O / g));
  const inH = (i: number, q: number) => i * sh + q * dh - pt;
  const inW = (j: number, r: number) => j * sw + r * dw - pl;
  const sums: ExpandedSum[] = [];

  // One output pixel's sum over its taps: where δ is largest for the sample.
  const at = argmaxAbs(O * OH * OW, (k) => dv[s * O * OH * OW + k]!);
  const [o, i, j] = [Math.floor(at / (OH * OW)), Math.floor(at / OW) % OH, at % OW];
  const taps: Term[] = [];
  let inPadding = 0;
  for (let c = 0; c < Cg; c++) {
    for (let q = 0; q < KH; q++) {
      for (let r = 0; r < KW; r++) {
        const [hh, ww] = [inH(i, q), inW(j, r)];
        if (hh < 0 || hh >= H || ww < 0 || ww >= W) inPadding++;
        else taps.push({ a: Wt(o, c, q, r), b: X(s, groupOf(o) * Cg + c, hh, ww) });
      }
    }
  }
  const bias = bv === null ? 0 : bv[o]!;
  const pixel = sumOf(taps) + bias;
  const shown = productSum(telling(taps), taps.length);
  const withBias = bn === null ? shown : { text: `${shown.text} + ${sig(bias).text.startsWith('−') ? `(${sig(bias).text})` : sig(bias).text}`, latex: `${shown.latex} + ${bias < 0 ? `(${sig(bias).latex})` : sig(bias).latex}` };
  sums.push({
    of: indexed(z, [s, o, i, j]).text,
    formula: sumLine(indexed(z, [s, o, i, j]), mathFormula(`Σ_{c,p,q} ${wn}[${o},c,p,q]·${xn}[${s},c,${tapIndex(i, 'p', sh, dh, pt)},${tapIndex(j, 'q', sw, dw, pl)}]${bn === null ? '' : ` + ${bn}[${o}]`}`), withBias, pixel, `${taps.length} taps${inPadding > 0 ? `, ${inPadding} in the padding` : ''}`),
    terms: taps.length,
    value: pixel,
    expected: zv[((s * O + o) * OH + i) * OW + j]!,
  });

  // One weight element's sum over the batch and the positions: the element with the largest gradient.
  const gw = totals.get(w);
  if (gw !== undefined) {
    const gv = values(gw);
    const k = argmaxAbs(gv.length, (e) => gv[e]!);
    const [wo, wc, wq, wr] = [Math.floor(k / (Cg * KH * KW)), Math.floor(k / (KH * KW)) % Cg, Math.floor(k / KW) % KH, k % KW];
    const cin = groupOf(wo) * Cg + wc;
    const own: Term[] = [];
    const others: Term[] = [];
    for (let n = 0; n < N; n++) {
      for (let ii = 0; ii < OH; ii++) {
        for (let jj = 0; jj < OW; jj++) {
          const [hh, ww] = [inH(ii, wq), inW(jj, wr)];
          if (hh < 0 || hh >= H || ww < 0 || ww >= W) continue;
          (n === s ? own : others).push({ a: X(n, cin, hh, ww), b: D(n, wo, ii, jj) });
        }
      }
    }
    const total = sumOf(own) + sumOf(others);
    const lhs = { text: `∂${L}/∂${indexed(wn, [wo, wc, wq, wr]).text}`, latex: `\\frac{\\partial ${L}}{\\partial ${indexed(wn, [wo, wc, wq, wr]).latex}}` };
    const share = N > 1 ? `; sample ${s}'s ${own.length} sum to ${sig(sumOf(own)).text}, shown first` : '';
    sums.push({
      of: `∂${L}/∂${indexed(wn, [wo, wc, wq, wr]).text}`,
      formula: sumLine(lhs, mathFormula(`Σ_n Σ_{i,j} ${xn}[n,${wc},${tapIndex('i', wq, sh, dh, pt)},${tapIndex('j', wr, sw, dw, pl)}]·${d}[n,${wo},i,j]`), productSum(telling(own), own.length + others.length), total, `${own.length + others.length} terms over ${N === 1 ? 'the positions' : `${N} samples and the positions`}${share}`),
      terms: own.length + others.length,
      value: total,
      expected: gv[k]!,
    });
  }

  // One input pixel's sum over the taps that read it: the transposed convolution, element by element.
  const gx = totals.get(x);
  if (gx !== undefined) {
    const gv = values(gx);
    const k = argmaxAbs(C * H * W, (e) => gv[s * C * H * W + e]!);
    const [c, h, ww] = [Math.floor(k / (H * W)), Math.floor(k / W) % H, k % W];
    const group = Math.floor(c / Cg);
    const terms: Term[] = [];
    for (let oo = group * (O / g); oo < (group + 1) * (O / g); oo++) {
      for (let q = 0; q < KH; q++) {
        for (let r = 0; r < KW; r++) {
          const [nh, nw] = [h + pt - q * dh, ww + pl - r * dw];
          if (nh % sh !== 0 || nw % sw !== 0 || nh < 0 || nw < 0 || nh / sh >= OH || nw / sw >= OW) continue;
          terms.push({ a: Wt(oo, c - group * Cg, q, r), b: D(s, oo, nh / sh, nw / sw) });
        }
      }
    }
    const total = sumOf(terms);
    const lhs = { text: `∂${L}/∂${indexed(xn, [s, c, h, ww]).text}`, latex: `\\frac{\\partial ${L}}{\\partial ${indexed(xn, [s, c, h, ww]).latex}}` };
    sums.push({
      of: lhs.text,
      formula: sumLine(lhs, mathFormula(`Σ_{o,p,q} ${wn}[o,${c - group * Cg},p,q]·${d}[${s},o,${sourceIndex(h, 'p', sh, dh, pt)},${sourceIndex(ww, 'q', sw, dw, pl)}]`), productSum(telling(terms), terms.length), total, `${terms.length} taps read this pixel`),
      terms: terms.length,
      value: total,
      expected: gv[s * C * H * W + k]!,
    });
  }
  return { op: 'conv2d', name: z, lines, sums };
}
