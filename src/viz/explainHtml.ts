/**
 * The HTML rendering of a chain-rule explanation, its maths typeset by KaTeX on the server side
 * (no script runs in the page), and the KaTeX style sheet with its fonts inlined so a page works
 * offline from file://.
 */
import katex from 'katex';
import type { Explanation } from '../explain/explain.js';
import { explanationSections } from '../explain/render.js';
import { ValueError } from '../errors.js';

/** Escapes text for HTML element content and attribute values. */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

/** One LaTeX formula as KaTeX HTML (display style); a formula KaTeX cannot parse is an error naming it. */
export function typeset(latex: string, displayMode = true): string {
  try {
    return katex.renderToString(latex, { displayMode, throwOnError: true, output: 'htmlAndMathml', strict: 'ignore' });
  } catch (e) {
    throw new ValueError(`typeset: KaTeX cannot typeset ${JSON.stringify(latex)}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

export interface ExplanationHtmlOptions {
  /** Heading level of the section titles (default 3). */
  readonly headingLevel?: 2 | 3 | 4;
}

/**
 * The explanation as an HTML fragment: a titled section per part, one typeset formula per
 * line, each with its plain-text form in a `title` for copying. Include `katexCss()` once in the page.
 * @example
 * import { explainHtml } from 'chainrule/viz';
 * const model = tutorialNetwork();
 * const { x, y } = tutorialSample();
 * explainHtml(explain(halfSquaredError(model.forward(x), y))).includes('class="katex"'); // true
 */
export function explainHtml(e: Explanation, options: ExplanationHtmlOptions = {}): string {
  const h = `h${options.headingLevel ?? 3}`;
  return explanationSections(e)
    .map(
      (s) =>
        `<section class="explain-section">\n<${h}>${escapeHtml(s.title)}</${h}>\n` +
        s.lines.map((l) => `<div class="explain-line" title="${escapeHtml(l.text)}">${typeset(l.latex)}</div>`).join('\n') +
        `\n</section>`,
    )
    .join('\n');
}

let cssCache: string | null = null;

/**
 * KaTeX's style sheet with its woff2 fonts inlined as data: URLs (about 350 kB), for pages that
 * must work offline; Node only (it reads the katex package's files).
 * @example
 * import { katexCss } from 'chainrule/viz';
 * katexCss().includes('data:font/woff2;base64,'); // true
 */
export function katexCss(): string {
  if (cssCache !== null) return cssCache;
  const get = typeof process === 'object' ? process.getBuiltinModule : undefined;
  if (typeof get !== 'function') throw new ValueError('katexCss reads the katex package from disk, which needs Node.js; in a browser, link katex/dist/katex.min.css instead');
  const fs = get.call(process, 'node:fs') as typeof import('node:fs');
  const moduleApi = get.call(process, 'node:module') as typeof import('node:module');
  const path = get.call(process, 'node:path') as typeof import('node:path');
  const cssPath = moduleApi.createRequire(import.meta.url).resolve('katex/dist/katex.min.css');
  const dir = path.dirname(cssPath);
  const css = fs.readFileSync(cssPath, 'utf8');
  // Keep only the woff2 source of each @font-face, inlined; every browser that runs KaTeX reads woff2.
  cssCache = css.replace(/src:url\((fonts\/[^)]+\.woff2)\) format\("woff2"\)(?:,url\([^)]+\) format\("[^"]+"\))*/g, (_m, file: string) => {
    const data = fs.readFileSync(path.join(dir, file)).toString('base64');
    return `src:url(data:font/woff2;base64,${data}) format("woff2")`;
  });
  return cssCache;
}
