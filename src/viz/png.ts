/**
 * SVG → PNG with resvg compiled to WebAssembly. Node only: the .wasm and the fonts are read from
 * the installed packages (@resvg/resvg-wasm, katex) on first use, never downloaded, and `node:`
 * modules are fetched with `process.getBuiltinModule` then, so a browser bundle of chainrule/viz
 * holds no `node:` import (in a browser, draw the SVG on a canvas instead).
 *
 * resvg has no system fonts here: text is set in the TrueType fonts that KaTeX ships —
 * KaTeX_SansSerif (regular, bold) for sans-serif and unknown families, KaTeX_Main for serif
 * and as a fallback. They cover ASCII and mathematical symbols (the minus sign U+2212 too) but
 * not accented letters or other scripts; pass more fonts with `fonts` for those.
 */
import type { Resvg as ResvgClass } from '@resvg/resvg-wasm';
import { ChainruleError, ValueError } from '../errors.js';
import { composeClips, planClips } from './pngClip.js';

/** Options of `svgToPng`. */
export interface SvgToPngOptions {
  /** Pixels per SVG pixel (default 1; 2 for sharp pictures on high-density screens). */
  readonly scale?: number;
  /** A CSS colour painted under the picture (default: none, transparent where the SVG paints nothing). */
  readonly background?: string;
  /** More TrueType/OpenType font files (their bytes), tried before the built-in ones. */
  readonly fonts?: readonly Uint8Array[];
}

type Resvg = typeof ResvgClass;

interface Renderer {
  readonly Resvg: Resvg;
  readonly fonts: readonly Uint8Array[];
}

const FONT_FILES = ['KaTeX_SansSerif-Regular.ttf', 'KaTeX_SansSerif-Bold.ttf', 'KaTeX_SansSerif-Italic.ttf', 'KaTeX_Main-Regular.ttf', 'KaTeX_Main-Bold.ttf'];
const SANS = 'KaTeX_SansSerif';
const SERIF = 'KaTeX_Main';

let renderer: Promise<Renderer> | null = null;

function nodeModules(): { fs: typeof import('node:fs'); module: typeof import('node:module'); zlib: typeof import('node:zlib') } {
  const get = typeof process === 'object' && process !== null ? process.getBuiltinModule : undefined;
  if (typeof get !== 'function') {
    throw new ChainruleError('svgToPng reads resvg’s WebAssembly and its fonts from disk, which needs Node.js ≥ 20.16 (process.getBuiltinModule); in a browser, draw the SVG on a canvas instead');
  }
  const builtin = get.bind(process);
  return { fs: builtin('node:fs'), module: builtin('node:module'), zlib: builtin('node:zlib') };
}

async function load(): Promise<Renderer> {
  const { fs, module } = nodeModules();
  const require = module.createRequire(import.meta.url);
  const resvg = await import('@resvg/resvg-wasm');
  // initWasm may run once per process; `renderer` caches this promise so it does.
  await resvg.initWasm(fs.readFileSync(require.resolve('@resvg/resvg-wasm/index_bg.wasm')));
  const fonts = FONT_FILES.map((f) => new Uint8Array(fs.readFileSync(require.resolve(`katex/dist/fonts/${f}`))));
  return { Resvg: resvg.Resvg, fonts };
}

function getRenderer(): Promise<Renderer> {
  if (renderer === null) {
    renderer = load();
    // A failed load (e.g. called in a browser) may be retried later.
    renderer.catch(() => {
      renderer = null;
    });
  }
  return renderer;
}

/**
 * Renders an SVG document to PNG bytes, text included (Node only).
 * @example
 * import { svgToPng, trainingChartSvg } from 'chainrule/viz';
 * const png = await svgToPng(await trainingChartSvg(trainTutorial({ epochs: 5 }).history), { scale: 2 });
 * [...png.slice(1, 4)].map((c) => String.fromCharCode(c)).join(''); // 'PNG'
 */
export async function svgToPng(svg: string, options: SvgToPngOptions = {}): Promise<Uint8Array> {
  const scale = options.scale ?? 1;
  if (!Number.isFinite(scale) || scale <= 0) throw new ValueError(`svgToPng: scale must be a positive number, got ${scale}`);
  if (typeof svg !== 'string' || !/<svg[\s>]/.test(svg)) throw new ValueError('svgToPng: expected an SVG document (text containing an <svg> element)');
  const { Resvg, fonts } = await getRenderer();
  const draw = (text: string): { width: number; height: number; pixels: Uint8Array } => {
    let resvg: InstanceType<Resvg>;
    try {
      resvg = new Resvg(text, {
        font: {
          fontBuffers: [...(options.fonts ?? []), ...fonts],
          defaultFontFamily: SANS,
          sansSerifFamily: SANS,
          serifFamily: SERIF,
        },
        fitTo: { mode: 'zoom', value: scale },
        ...(options.background === undefined ? {} : { background: options.background }),
      });
    } catch (e) {
      throw new ValueError(`svgToPng: resvg could not read the SVG: ${e instanceof Error ? e.message : String(e)}`);
    }
    try {
      const image = resvg.render();
      try {
        return { width: image.width, height: image.height, pixels: image.pixels };
      } finally {
        image.free();
      }
    } finally {
      resvg.free();
    }
  };
  // Clipped groups (vega's line marks) drawn without resvg's picture-sized layers: see pngClip.ts.
  const plan = planClips(svg, scale);
  const unclipped = draw(plan === null ? svg : plan.unclipped);
  if (plan === null) return encodePng(unclipped.width, unclipped.height, unclipped.pixels);
  const without = draw(plan.without);
  if (without.width !== unclipped.width || without.height !== unclipped.height) return encodePng(unclipped.width, unclipped.height, draw(svg).pixels);
  // The same pixels as resvg's own asPng, encoded here: its deflate, compiled to WebAssembly,
  // took longer than the drawing (and, cold, several times that); Node's zlib is native.
  return encodePng(without.width, without.height, composeClips(unclipped.pixels, without.pixels, without.width, plan.rects));
}

/**
 * An 8-bit RGBA PNG of premultiplied pixels (what resvg draws; `rgba` is overwritten). Colours
 * are divided by alpha exactly as resvg's encoder does (tiny-skia's demultiply: c / (a / 255) +
 * 0.5, truncated), so the image decodes to the same pixels; every row uses the Up filter.
 */
function encodePng(width: number, height: number, rgba: Uint8Array): Uint8Array {
  const { zlib } = nodeModules();
  const stride = width * 4;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1 || rgba.length !== stride * height) {
    throw new ValueError(`encodePng: expected ${width}×${height}×4 bytes of RGBA, got ${rgba.length}`);
  }
  for (let i = 3; i < rgba.length; i += 4) {
    const a = rgba[i]!;
    if (a === 255) continue;
    if (a === 0) {
      rgba[i - 3] = rgba[i - 2] = rgba[i - 1] = 0;
      continue;
    }
    const f = a / 255;
    for (let c = i - 3; c < i; c++) rgba[c] = Math.min(255, Math.trunc(rgba[c]! / f + 0.5));
  }
  const filtered = new Uint8Array((stride + 1) * height);
  for (let y = 0; y < height; y++) {
    const out = y * (stride + 1);
    const row = y * stride;
    filtered[out] = 2;
    if (y === 0) filtered.set(rgba.subarray(0, stride), out + 1);
    else for (let x = 0; x < stride; x++) filtered[out + 1 + x] = rgba[row + x]! - rgba[row - stride + x]!;
  }
  const header = new Uint8Array(13);
  const view = new DataView(header.buffer);
  view.setUint32(0, width);
  view.setUint32(4, height);
  header.set([8, 6, 0, 0, 0], 8); // 8 bits, RGBA, deflate, adaptive filtering, no interlace
  const parts = [Uint8Array.of(0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a), chunk(zlib, 'IHDR', header), chunk(zlib, 'IDAT', zlib.deflateSync(filtered)), chunk(zlib, 'IEND', new Uint8Array(0))];
  const png = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    png.set(p, at);
    at += p.length;
  }
  return png;
}

function chunk(zlib: typeof import('node:zlib'), type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, zlib.crc32(out.subarray(4, 8 + data.length)));
  return out;
}
