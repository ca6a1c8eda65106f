/**
 * The report: one self-contained `index.html` (every picture inlined, KaTeX's fonts embedded, no
 * script) that works offline from file://, with the printed log, the chain-rule derivation, the
 * forward and backward network diagrams, the computational graph and the training charts; and
 * beside it the same pictures as files (training.png, training.svg, network-forward.svg,
 * network-backward.svg, graph.svg) and history.csv. The directory is written as one unit: a
 * reader, or several runs writing the same directory, always sees one run's report.
 */
import type { Explanation } from '../explain/explain.js';
import { explain } from '../explain/explain.js';
import { explainSample } from '../explain/sample.js';
import { narrow } from '../ops/shape.js';
import type { Module } from '../nn/module.js';
import type { Tensor } from '../tensor/tensor.js';
import type { History } from '../train/history.js';
import { writeDirectoryAtomic } from '../io/directory.js';
import { historyChartSvg, trainingChartSvg } from './charts.js';
import { escapeHtml, explainHtml, katexCss } from './explainHtml.js';
import { graphSvg } from './graph.js';
import { networkSvg } from './network.js';
import { startPngThread } from './pngThread.js';
import { cnnPictures, isConvNet, type CnnPictures } from './cnnReport.js';

/** What a report is made of. */
export interface ReportInput {
  /** The page title, e.g. "chainrule tutorial". */
  readonly title: string;
  /** A sentence or two under the title (plain text). */
  readonly summary?: string;
  /** The printed log, line by line. */
  readonly log: readonly string[];
  /** The run's History (charts and history.csv). */
  readonly history: History;
  /** 'training' (default): the reference's two panels, loss and gradient norm; 'history': every recorded column. */
  readonly chart?: 'training' | 'history';
  /**
   * The model and one sample at the state to explain (for the tutorial: the initial weights, as
   * the reference's worked step): the derivation, the network diagrams and the graph are drawn
   * from it. `model` must be a Sequential of Linear layers and activations.
   */
  readonly model: Module;
  readonly sample: { readonly x: Tensor; readonly y: Tensor };
  readonly loss: (prediction: Tensor, target: Tensor) => Tensor;
  /** Learning rate of the update shown in the derivation. */
  readonly lr?: number;
  /** What the pictures show, e.g. "at the first step (the initial weights)". */
  readonly when?: string;
}

/** The report's files: names to contents. */
export type ReportFiles = ReadonlyMap<string, string | Uint8Array>;

const STYLE = `
body { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; max-width: 1100px; margin: 2rem auto; padding: 0 1rem; color: #1f2328; line-height: 1.45; }
h1 { margin-bottom: .2rem; } h2 { border-bottom: 1px solid #d0d7de; padding-bottom: .3rem; margin-top: 2.2rem; }
pre.log { background: #f6f8fa; border: 1px solid #d0d7de; border-radius: 6px; padding: .8rem 1rem; overflow-x: auto; }
figure { margin: 1rem 0; } figure svg, figure img { max-width: 100%; height: auto; } figcaption { color: #57606a; font-size: .9rem; }
.explain-line { overflow-x: auto; overflow-y: hidden; }
.pictures figure svg { width: 100%; max-height: 80vh; }
.graph { overflow: auto; border: 1px solid #d0d7de; border-radius: 6px; padding: .5rem; }
figure .graph svg { max-width: 100%; height: auto; }
.note { color: #57606a; }
.files a { margin-right: 1rem; }
.cnn-maps { display: flex; flex-wrap: wrap; gap: 4px; align-items: flex-end; }
.cnn-maps img { image-rendering: pixelated; border: 1px solid #d0d7de; }
`;

function figure(svg: string, caption: string, file: string): string {
  return `<figure>${svg}<figcaption>${escapeHtml(caption)} (<a href="${file}">${file}</a>)</figcaption></figure>`;
}

/** A standalone HTML page of one explanation (what `chainrule explain --format html` prints). */
export function explanationPage(e: Explanation, title = 'chainrule explain'): string {
  return [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>${katexCss()}</style><style>${STYLE}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(title)}</h1>`,
    explainHtml(e),
    '</body></html>',
    '',
  ].join('\n');
}

function stripXmlProlog(svg: string): string {
  return svg.replace(/^<\?xml[^>]*>\s*/, '').replace(/^<!DOCTYPE[^>]*>\s*/, '');
}

/** Builds every file of a report in memory. */
export async function buildReport(input: ReportInput): Promise<ReportFiles> {
  const charted = input.history.epochs.length > 0;
  // The PNG is most of the report's time: its thread loads resvg while vega draws the chart here,
  // then draws the PNG while the rest is built here.
  const thread = charted ? startPngThread() : null;
  try {
    const chart = !charted ? null : await (input.chart === 'history' ? historyChartSvg(input.history, {}) : trainingChartSvg(input.history, {}));
    const png = thread === null || chart === null ? null : thread.toPng(chart, { scale: 2 });
    // Not left unobserved while the rest is built: a failure is reported by the await below.
    png?.catch(() => undefined);
    const rest = await buildPictures(input);
    return assemble(input, rest, chart, png === null ? null : await png);
  } finally {
    await thread?.close();
  }
}

/** Everything but the PNG, built here while the PNG thread draws. */
interface Pictures {
  /** The derivation, typeset. */
  readonly derivation: string;
  readonly expanded: string | null;
  readonly graph: string;
  readonly forward: string;
  readonly backward: string;
  readonly css: string;
  /** A CNN's filters, feature maps and saliency (then `forward`, `backward` and `graph` are its pictures). */
  readonly cnn: CnnPictures | null;
}

async function buildPictures(input: ReportInput): Promise<Pictures> {
  const { model, sample, loss } = input;
  const graphLoss = loss(model.forward(sample.x), sample.y);
  const cnn = isConvNet(model);
  // A batch of rows ([B, n], B > 1) is explained at its first row; one sample is [n] or [1, n].
  // A CNN's input is always a batch ([N, C, H, W]): its first sample's sums are written out.
  const batched = sample.x.ndim === 2 && sample.x.shape[0] !== 1;
  const explanation = explain(graphLoss, { model, ...(input.lr === undefined ? {} : { lr: input.lr }), ...(batched || cnn ? { sample: 0 } : {}) });
  // The graph picture uses the explanation's names (z1, h, y, L) for the steps it names.
  for (const node of explanation.nodes) if (!node.isParameter && node.tensor.name === undefined) node.tensor.name = node.name;
  // A network wider than one unit per layer also gets the sample neuron by neuron: each chosen
  // weight element's chain rule, summed over its paths (for the tutorial network the two agree).
  if (isConvNet(model)) {
    const pictures = await cnnPictures(model, sample.x, sample.y, loss);
    return { derivation: explainHtml(explanation), expanded: null, graph: pictures.graph, forward: pictures.forwardSvg, backward: pictures.backwardSvg, css: katexCss(), cnn: pictures };
  }
  let expanded: string | null = null;
  if (explanation.mode === 'tensor') {
    // explainSample takes one sample as it is ([n] or [1, n], a label [] or [1]); only a batch is
    // cut to its first row (regression: an input [n] was cut to its first feature, and a 0-d label crashed narrow).
    const row = batched ? { x: narrow(sample.x, 0, 0, 1), y: sample.y.ndim >= 1 && sample.y.shape[0] === sample.x.shape[0] ? narrow(sample.y, 0, 0, 1) : sample.y } : sample;
    try {
      const e = explainSample(model, row.x, row.y, loss, { ...(input.lr === undefined ? {} : { lr: input.lr }), maxPaths: 8 });
      const chosen = e.gradients.length;
      expanded =
        `<p class="note">The same sample unrolled into single numbers: each neuron’s sum, and the chain rule for ${chosen === 1 ? 'one weight element' : `${chosen} weight elements`}` +
        `${chosen < 4 ? '' : ' (per weight and bias tensor, the element this sample pushes hardest)'}, as a sum over its paths from the loss.</p>` +
        explainHtml(e);
    } catch (err) {
      expanded = `<p class="note">Not expanded: ${escapeHtml(err instanceof Error ? err.message : String(err))}</p>`;
    }
  }
  // Laid out left to right the graph runs to metres (a page is scaled down to unreadable); top to bottom it fits the page's width.
  const graph = await graphSvg(graphLoss, { rankdir: 'TB' });
  const forward = networkSvg(model, { view: 'forward', input: sample.x, target: sample.y, loss });
  const backward = networkSvg(model, { view: 'backward', input: sample.x, target: sample.y, loss });
  return { derivation: explainHtml(explanation), expanded, graph, forward, backward, css: katexCss(), cnn: null };
}

function assemble(input: ReportInput, pictures: Pictures, chart: string | null, png: Uint8Array | null): ReportFiles {
  const { derivation, expanded, graph, forward, backward, css, cnn } = pictures;
  const when = input.when === undefined ? '' : ` ${input.when}`;
  const curves =
    png === null
      ? '<p>No epochs were run, so there are no curves to draw.</p>'
      : `<figure><img src="data:image/png;base64,${Buffer.from(png).toString('base64')}" alt="Loss and gradient norm per epoch" width="${pngWidth(png) / 2}">` +
        '<figcaption>Loss and gradient norm per epoch (<a href="training.png">training.png</a>, <a href="training.svg">training.svg</a>, <a href="history.csv">history.csv</a>)</figcaption></figure>';
  const html = [
    '<!doctype html>',
    '<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(input.title)}</title>`,
    `<style>${css}</style><style>${STYLE}</style>`,
    '</head><body>',
    `<h1>${escapeHtml(input.title)}</h1>`,
    input.summary === undefined ? '' : `<p>${escapeHtml(input.summary)}</p>`,
    '<h2>Training log</h2>',
    `<pre class="log">${escapeHtml(input.log.join('\n'))}</pre>`,
    '<h2>Training curves</h2>',
    curves,
    `<h2>The chain rule, with the numbers${escapeHtml(when)}</h2>`,
    derivation,
    ...(expanded === null ? [] : [`<h2>One sample, neuron by neuron${escapeHtml(when)}</h2>`, expanded]),
    ...(cnn === null
      ? [
          `<h2>The network${escapeHtml(when)}</h2>`,
          '<div class="pictures">',
          figure(forward, 'Forward pass: each neuron’s value', 'network-forward.svg'),
          figure(backward, 'Backward pass: the gradient flowing back from the loss, each parameter’s gradient', 'network-backward.svg'),
          '</div>',
        ]
      : [
          `<h2>The learned filters${escapeHtml(when)}</h2>`,
          '<section class="cnn" id="cnn-filters">',
          cnn.filters,
          '</section>',
          `<h2>Feature maps of one sample, layer by layer${escapeHtml(when)}</h2>`,
          '<section class="cnn" id="cnn-features">',
          cnn.featureMaps,
          '<p class="files">The same pictures as one file: <a href="network-forward.svg">network-forward.svg</a>; the gradient at each layer: <a href="network-backward.svg">network-backward.svg</a></p>',
          '</section>',
          `<h2>Saliency: the gradient of the loss with respect to the input${escapeHtml(when)}</h2>`,
          '<section class="cnn" id="cnn-saliency">',
          cnn.saliency,
          '</section>',
        ]),
    `<h2>The computational graph${escapeHtml(when)}</h2>`,
    cnn === null
      ? `<figure><div class="graph">${stripXmlProlog(graph)}</div><figcaption>Every operation with its value and gradient, laid out by Graphviz (<a href="graph.svg">graph.svg</a> at full size)</figcaption></figure>`
      : `<figure><div class="graph">${stripXmlProlog(graph)}</div><figcaption>Condensed to one node per layer (each a convolution, pooling, … of many primitives), with its output’s value and gradient (<a href="graph.svg">graph.svg</a>)</figcaption></figure>`,
    '</body></html>',
    '',
  ].join('\n');
  return new Map<string, string | Uint8Array>([
    ['index.html', html],
    ...(png === null || chart === null ? [] : ([['training.png', png], ['training.svg', chart]] as const)),
    ['network-forward.svg', forward],
    ['network-backward.svg', backward],
    ['graph.svg', graph],
    ['history.csv', input.history.toCsv()],
  ]);
}

function pngWidth(png: Uint8Array): number {
  // IHDR: width is the big-endian 32-bit integer at byte 16.
  return ((png[16]! << 24) | (png[17]! << 16) | (png[18]! << 8) | png[19]!) >>> 0;
}

/** Every name a report may hold: the only files `writeReport` replaces in an existing directory. */
export const REPORT_FILE_NAMES: readonly string[] = ['index.html', 'training.png', 'training.svg', 'network-forward.svg', 'network-backward.svg', 'graph.svg', 'history.csv'];

/**
 * Writes a report into `dir` as one unit (a temporary directory beside it, renamed into place);
 * returns the paths written. An existing `dir` may hold only a previous report's files
 * (REPORT_FILE_NAMES): anything else is a FileError, so a user's own files are never replaced.
 * @example
 * import { writeReport } from 'chainrule/viz';
 * const run = trainTutorial({ epochs: 5 });
 * const model = tutorialNetwork();
 * await writeReport('report', { title: 'tutorial', log: run.lines, history: run.history, model, sample: tutorialSample(), loss: halfSquaredError, lr: 0.1 });
 */
export async function writeReport(dir: string, input: ReportInput): Promise<string[]> {
  const files = await buildReport(input);
  writeDirectoryAtomic(dir, files, REPORT_FILE_NAMES);
  return [...files.keys()].map((name) => `${dir.replace(/[/\\]+$/, '')}/${name}`);
}
