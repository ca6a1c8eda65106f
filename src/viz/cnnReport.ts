/**
 * The report's pictures of a convolutional network (a Sequential with Conv2d layers): the learned
 * filters, one sample's feature maps layer by layer, the gradient of the loss with respect to that
 * input (saliency) and the gradient at each layer's output, all as small PNGs one pixel per
 * element; and the computational graph condensed to one node per layer.
 */
import { gradients } from '../autograd/functional.js';
import { enableGrad } from '../autograd/mode.js';
import { formatPictureNumber } from '../math/format.js';
import { Conv2d } from '../nn/conv.js';
import type { Module } from '../nn/module.js';
import { AdaptiveAvgPool2d, AvgPool2d, MaxPool2d } from '../nn/pooling.js';
import { Sequential } from '../nn/sequential.js';
import { narrow } from '../ops/shape.js';
import type { Tensor } from '../tensor/tensor.js';
import { escapeHtml } from './explainHtml.js';
import { base64, maxAbs, planePng, type ColorMap } from './pixels.js';
import { gridPng, layerGraphDot, type LayerStep } from './cnnParts.js';
import { dotToSvg } from './graph.js';

/** The most channels drawn per layer (the rest are counted in the caption). */
export const MAX_MAPS = 16;

/** Whether the report draws `model` as a CNN: a Sequential holding a Conv2d. */
export function isConvNet(model: Module): model is Sequential {
  return model instanceof Sequential && [...model].some((m) => m instanceof Conv2d);
}

/** One picture: its PNG, its size in elements, and what it shows. */
export interface MapImage {
  readonly png: Uint8Array;
  readonly width: number;
  readonly height: number;
  readonly alt: string;
  /** The values drawn, carried in the page (data-values) where a reader may want the numbers. */
  readonly values?: readonly number[];
}

export interface CnnPictures {
  /** The HTML of the three sections: filters, feature maps, saliency. */
  readonly filters: string;
  readonly featureMaps: string;
  readonly saliency: string;
  /** The same pictures as SVG files: each layer's maps (forward) and each layer's δ with the saliency (backward). */
  readonly forwardSvg: string;
  readonly backwardSvg: string;
  /** The computational graph, one node per layer. */
  readonly graph: string;
}

interface Row {
  readonly caption: string;
  readonly images: readonly MapImage[];
}

function values(t: Tensor): Float64Array {
  return Float64Array.from(t._data as ArrayLike<number>);
}

/** The channels of a [1, C, H, W] tensor (or [C, H, W]) as pictures, on one scale per layer. */
function planes(t: Tensor, what: string, map: ColorMap | 'auto', withValues = false): { images: MapImage[]; channels: number } {
  const [c, h, w] = t.shape.slice(-3) as [number, number, number];
  const v = values(t);
  const colors: ColorMap = map !== 'auto' ? map : v.some((x) => x < 0) ? 'diverging' : 'sequential';
  const scale = maxAbs(v);
  const images: MapImage[] = [];
  for (let k = 0; k < Math.min(c, MAX_MAPS); k++) {
    const plane = v.subarray(k * h * w, (k + 1) * h * w);
    images.push({ png: planePng(plane, h, w, scale, colors), width: w, height: h, alt: `${what}, channel ${k}`, ...(withValues ? { values: Array.from(plane) } : {}) });
  }
  return { images, channels: c };
}

function zoomOf(img: MapImage): number {
  return Math.max(2, Math.min(24, Math.round(84 / Math.max(img.width, img.height))));
}

function imgTag(img: MapImage): string {
  const z = zoomOf(img);
  const data = img.values === undefined ? '' : ` data-values="${escapeHtml(JSON.stringify(img.values))}"`;
  return `<img class="cnn-map" src="data:image/png;base64,${base64(img.png)}" width="${img.width * z}" height="${img.height * z}" alt="${escapeHtml(img.alt)}" title="${escapeHtml(img.alt)}"${data}>`;
}

function figures(rows: readonly Row[], cls: string): string {
  return rows.map((r) => `<figure class="${cls}"><div class="cnn-maps">${r.images.map(imgTag).join('')}</div><figcaption>${escapeHtml(r.caption)}</figcaption></figure>`).join('\n');
}

/** The rows as one SVG document, each a caption over its pictures. */
function rowsSvg(title: string, rows: readonly Row[]): string {
  const gap = 6;
  let y = 34;
  let width = 320;
  const body: string[] = [];
  for (const r of rows) {
    body.push(`<text x="8" y="${y + 12}" font-size="12">${escapeHtml(r.caption)}</text>`);
    y += 20;
    let x = 8;
    let tallest = 0;
    for (const img of r.images) {
      const z = zoomOf(img);
      body.push(`<image x="${x}" y="${y}" width="${img.width * z}" height="${img.height * z}" style="image-rendering:pixelated" href="data:image/png;base64,${base64(img.png)}"><title>${escapeHtml(img.alt)}</title></image>`);
      x += img.width * z + gap;
      tallest = Math.max(tallest, img.height * z);
    }
    width = Math.max(width, x + 8);
    y += tallest + 14;
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${y}" viewBox="0 0 ${width} ${y}" font-family="Helvetica,Arial,sans-serif">` +
    `<rect width="100%" height="100%" fill="white"/><text x="8" y="20" font-size="15" font-weight="bold">${escapeHtml(title)}</text>${body.join('')}</svg>\n`
  );
}

function shapeText(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}

/** The pictures of a CNN on one sample (the first row of `x` when it is a batch). */
export async function cnnPictures(model: Sequential, x: Tensor, y: Tensor, loss: (prediction: Tensor, target: Tensor) => Tensor): Promise<CnnPictures> {
  const rowOf = (t: Tensor) => (t.ndim >= 1 && t.shape[0] === x.shape[0] && x.ndim >= 2 && x.shape[0]! > 1 ? narrow(t, 0, 0, 1) : t);
  const input = rowOf(x).detach().requiresGrad_(true);
  const target = rowOf(y);
  const layers = [...model];
  const { outputs, L, grads } = enableGrad(() => {
    const outs: Tensor[] = [];
    let h = input;
    for (const m of layers) {
      h = m.call(h);
      outs.push(h);
    }
    const l = loss(h, target);
    const g = gradients([l], [input, ...outs]);
    return { outputs: outs, L: l, grads: g };
  });
  const inputGrad = grads[0]!;
  // The input as an image: its own [C, H, W], or the first conv layer's input when x is flattened.
  const firstConv = layers.findIndex((m) => m instanceof Conv2d);
  const imageShape = input.ndim >= 3 ? input.shape.slice(-3) : firstConv > 0 ? outputs[firstConv - 1]!.shape.slice(-3) : null;
  const asImage = (t: Tensor) => (imageShape !== null && t.ndim < 3 && t.size === imageShape.reduce((a, b) => a * b, 1) ? t.reshape([...imageShape]) : t);

  // Filters: the first conv layer one picture per filter; later ones per output channel a grid of its kernels.
  const filterRows: Row[] = [];
  layers.forEach((m, k) => {
    if (!(m instanceof Conv2d)) return;
    const [o, cg, kh, kw] = m.weight.shape as [number, number, number, number];
    const wv = values(m.weight);
    const scale = maxAbs(wv);
    const images: MapImage[] = [];
    for (let f = 0; f < Math.min(o, MAX_MAPS * 4); f++) {
      const { png, width, height } = gridPng(wv.subarray(f * cg * kh * kw, (f + 1) * cg * kh * kw), cg, kh, kw, scale);
      images.push({ png, width, height, alt: `layer ${k + 1} filter ${f}: ${cg}×${kh}×${kw}` });
    }
    const per = cg === 1 ? `one ${kh}×${kw} picture per filter` : `per output channel a grid of its ${cg} kernels of ${kh}×${kw}`;
    filterRows.push({ caption: `Layer ${k + 1}, ${m.describe()}: weight ${shapeText(m.weight.shape)}, ${per}${o > images.length ? ` (the first ${images.length} of ${o})` : ''}; blue < 0 < red, ±${formatPictureNumber(scale)}`, images });
  });

  const mapRows: Row[] = [];
  const deltaRows: Row[] = [];
  const shown = asImage(input.detach());
  if (shown.ndim >= 3) {
    const p = planes(shown, 'input', 'auto');
    mapRows.push({ caption: `Input ${shapeText(shown.shape.slice(-3))}`, images: p.images });
  }
  const flat: string[] = [];
  const pooling = (m: Module | undefined) => (m instanceof MaxPool2d ? 'max' : m instanceof AvgPool2d || m instanceof AdaptiveAvgPool2d ? 'mean' : null);
  layers.forEach((m, k) => {
    const out = outputs[k]!;
    const name = `Layer ${k + 1}, ${m.describe()}`;
    if (out.ndim < 4) {
      flat.push(`${m.describe()} → ${shapeText(out.shape.slice(1))}`);
      return;
    }
    const p = planes(out, `layer ${k + 1} output`, 'auto');
    const pooled = pooling(m);
    const what = pooled === null ? '' : `: each pixel the ${pooled} of its window of ${k === 0 ? 'the input' : `layer ${k}`}`;
    mapRows.push({ caption: `${name} → ${shapeText(out.shape.slice(1))}${what}${p.channels > p.images.length ? ` (the first ${p.images.length} of ${p.channels} channels)` : ''}`, images: p.images });
    const g = grads[k + 1];
    if (g !== null && g !== undefined) {
      const d = planes(g, `∂L/∂(layer ${k + 1} output)`, 'diverging');
      // What the pooling above did to δ is what makes this picture sparse (max) or blocky (mean).
      const next = pooling(layers[k + 1]);
      const how = next === 'max' ? `; 0 except at the maxima of layer ${k + 2}'s windows, where their δ is routed` : next === 'mean' ? `; layer ${k + 2}'s δ shared over each window` : '';
      deltaRows.push({ caption: `δ at ${name}: ∂L/∂ of its output ${shapeText(out.shape.slice(1))}${how}`, images: d.images });
    }
  });

  const sal = asImage(inputGrad);
  const salImages = sal.ndim >= 3 ? planes(sal, '∂L/∂x', 'diverging', true).images : [];
  const salScale = maxAbs(values(sal));
  const salCaption = `∂L/∂x of the sample ${shapeText(sal.shape.slice(-3))}: red pixels raise the loss, blue lower it (±${formatPictureNumber(salScale)}); L = ${formatPictureNumber(L.item())}`;
  const salRows: Row[] = [...(mapRows[0] === undefined ? [] : [mapRows[0]]), { caption: salCaption, images: salImages }];

  const steps: LayerStep[] = layers.map((m, k) => ({ label: `${k + 1}. ${m.describe()}`, value: outputs[k]!, grad: grads[k + 1] ?? null }));
  const graph = await dotToSvg(layerGraphDot(input, inputGrad, steps, L));
  return {
    filters: figures(filterRows, 'cnn-filters'),
    featureMaps: figures(mapRows, 'cnn-features') + (flat.length === 0 ? '' : `\n<p class="note">Then ${escapeHtml(flat.join(', '))}.</p>`),
    saliency: figures(salRows, 'cnn-saliency'),
    forwardSvg: rowsSvg('Forward pass: the feature maps of one sample, layer by layer', mapRows),
    backwardSvg: rowsSvg('Backward pass: the gradient at each layer, down to the input (saliency)', [...deltaRows.reverse(), { caption: salCaption, images: salImages }]),
    graph,
  };
}
