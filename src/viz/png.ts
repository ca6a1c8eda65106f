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

function nodeModules(): { fs: typeof import('node:fs'); module: typeof import('node:module') } {
  const get = typeof process === 'object' && process !== null ? process.getBuiltinModule : undefined;
  if (typeof get !== 'function') {
    throw new ChainruleError('svgToPng reads resvg’s WebAssembly and its fonts from disk, which needs Node.js ≥ 20.16 (process.getBuiltinModule); in a browser, draw the SVG on a canvas instead');
  }
  const builtin = get.bind(process);
  return { fs: builtin('node:fs'), module: builtin('node:module') };
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
  let resvg: InstanceType<Resvg>;
  try {
    resvg = new Resvg(svg, {
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
      return image.asPng();
    } finally {
      image.free();
    }
  } finally {
    resvg.free();
  }
}
