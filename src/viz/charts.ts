/**
 * Training curves as Vega-Lite specs and SVG: the reference tutorial's two matplotlib panels
 * (`trainingChart*`) and one panel per recorded column of any History (`historyChart*`).
 *
 * The specs are plain JSON (inline data, no functions, no NaN), so they can be saved, sent to a
 * browser page and rendered there with vega-embed. The SVG functions compile the spec with
 * vega-lite and render it with vega's headless renderer (loaded on first use, so building a spec
 * costs nothing). Text is set in KaTeX_SansSerif (shipped by the katex dependency), which
 * `svgToPng` loads, so the PNG shows the same letters; browsers fall back to the next family.
 */
import { ValueError } from '../errors.js';
import type { EpochLog } from '../train/history.js';
import { loadVega } from './vegaLoad.js';

/** What a chart can be drawn from: a History, or the `{ epochs }` of `history.toJSON()` read back from a file. */
export interface HistoryLike {
  readonly epochs: readonly EpochLog[];
}

/** Options of `trainingChartSpec` / `trainingChartSvg`. */
export interface TrainingChartOptions {
  /**
   * Logarithmic y axes. A log scale cannot show 0 or negative numbers, so those points are left
   * out (a loss that reached exactly 0 simply ends the curve there); NaN and infinite values are
   * always left out.
   */
  readonly log?: boolean;
  /** Width of each panel's plotting area in pixels (default 480). */
  readonly width?: number;
  /** Height of each panel's plotting area in pixels (default 320). */
  readonly height?: number;
  /** A title over the whole figure. */
  readonly title?: string;
}

/** Options of `historyChartSpec` / `historyChartSvg`. */
export interface HistoryChartOptions extends Omit<TrainingChartOptions, 'log'> {
  /**
   * The columns to draw, one panel each, in this order: 'loss', 'gradNorm', 'lr', 'time' or a
   * metric name. The panel of a column `x` also draws `valX` (e.g. `valLoss` with 'loss') when
   * it was recorded. Default: loss, each metric (accuracy first), the learning rate when it
   * changes, and the gradient norm when it was recorded.
   */
  readonly columns?: readonly string[];
  /**
   * Logarithmic y axes: `true` for every panel except accuracies, or a list of column names.
   * Values ≤ 0 are left out of a log panel, as NaN and infinite values are out of every panel.
   */
  readonly log?: boolean | readonly string[];
  /** Panels per row before wrapping (default 2). */
  readonly panelsPerRow?: number;
}

/** One point of a chart's inline data. */
export interface ChartDatum {
  readonly epoch: number;
  readonly value: number;
  /** 'train' or 'validation'. */
  readonly series: string;
}

/** One panel of a chart: a Vega-Lite unit spec drawing lines. */
export interface ChartPanelSpec {
  readonly title: string;
  readonly width: number;
  readonly height: number;
  readonly data: { readonly values: ChartDatum[] };
  readonly mark: { readonly type: 'line'; readonly point: boolean; readonly clip: boolean; readonly color?: string };
  readonly encoding: {
    readonly x: {
      readonly field: 'epoch';
      readonly type: 'quantitative';
      readonly title: string;
      readonly axis: { readonly format: string; readonly tickMinStep: number };
      readonly scale: { readonly zero: boolean };
    };
    readonly y: {
      readonly field: 'value';
      readonly type: 'quantitative';
      readonly title: string;
      readonly scale: { readonly type: 'linear' | 'log'; readonly zero?: boolean };
      readonly axis?: { readonly format: string; readonly labelExpr: string };
    };
    readonly color?: {
      readonly field: 'series';
      readonly type: 'nominal';
      readonly title: null;
      readonly scale: { readonly domain: string[]; readonly range: string[] };
    };
  };
}

/** A chart's Vega-Lite spec: the panels side by side, wrapping after `columns` of them. */
export interface ChartSpec {
  readonly $schema: string;
  readonly title?: { readonly text: string; readonly anchor: 'middle'; readonly fontSize: number };
  readonly background: string;
  readonly padding: number;
  readonly config: {
    readonly font: string;
    readonly title: { readonly fontSize: number };
    readonly axis: { readonly labelFontSize: number; readonly titleFontSize: number };
    readonly legend: { readonly labelFontSize: number };
  };
  readonly columns: number;
  readonly concat: ChartPanelSpec[];
  readonly resolve: { readonly scale: { readonly color: 'shared' } };
}

/**
 * The font family of the charts' text: KaTeX_SansSerif first (what `svgToPng` renders with, and
 * what a page that loads KaTeX's CSS shows), then what a browser without it should use.
 */
export const CHART_FONT = "KaTeX_SansSerif, 'DejaVu Sans', Helvetica, Arial, sans-serif";

const SCHEMA = 'https://vega.github.io/schema/vega-lite/v6.json';
const DEFAULT_WIDTH = 480;
const DEFAULT_HEIGHT = 320;
/** matplotlib's first two colours (tab:blue, tab:orange), as in the reference's figure. */
const TRAIN_COLOR = '#1f77b4';
const VALIDATION_COLOR = '#ff7f0e';
/**
 * Log-axis labels: 0.001 to 1000 written out, beyond that 1e-4 / 1e4 (no '+'). Vega blanks the
 * labels of the minor ticks it skips, so a blank label stays blank.
 */
const LOG_AXIS = {
  format: '~e',
  labelExpr: "datum.label === '' ? '' : datum.value >= 0.001 && datum.value < 10000 ? format(datum.value, '~g') : replace(datum.label, '+', '')",
} as const;
const BUILTIN = ['loss', 'gradNorm', 'lr', 'time'] as const;

const TITLES: Readonly<Record<string, string>> = {
  loss: 'Loss',
  gradNorm: 'Gradient Norm',
  lr: 'Learning Rate',
  time: 'Time (s)',
  accuracy: 'Accuracy',
};

function axisTitle(column: string): string {
  return TITLES[column] ?? column;
}

function panelTitle(column: string): string {
  return `${column === 'time' ? 'Time' : axisTitle(column)} over Epochs`;
}

/** `valLoss` for 'loss', `valAccuracy` for 'accuracy'. */
function validationName(column: string): string {
  return `val${column.charAt(0).toUpperCase()}${column.slice(1)}`;
}

/** A value of one epoch's column; saved histories hold null where the run had NaN. */
function valueOf(e: EpochLog, column: string): number {
  const v: unknown = column === 'loss' || column === 'gradNorm' || column === 'lr' || column === 'time' ? e[column] : e.metrics[column];
  return typeof v === 'number' ? v : NaN;
}

function metricNames(epochs: readonly EpochLog[]): string[] {
  const names: string[] = [];
  for (const e of epochs) for (const k of Object.keys(e.metrics ?? {})) if (!names.includes(k)) names.push(k);
  return names;
}

function checkHistory(op: string, history: HistoryLike): readonly EpochLog[] {
  const epochs: unknown = history?.epochs;
  if (!Array.isArray(epochs)) throw new ValueError(`${op}: expected a History or { epochs: [...] } (history.toJSON()), got ${typeof history}`);
  if (history.epochs.length === 0) throw new ValueError(`${op}: the history has no epochs, so there is nothing to chart; train for at least one epoch first`);
  return history.epochs;
}

function checkSize(op: string, name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isFinite(value) || value <= 0) throw new ValueError(`${op}: ${name} must be a positive number of pixels, got ${value}`);
  return value;
}

interface Panel {
  readonly column: string;
  /** The columns drawn, with their series names. */
  readonly series: readonly { readonly column: string; readonly name: string }[];
  readonly log: boolean;
}

function points(epochs: readonly EpochLog[], panel: Panel): ChartDatum[] {
  const out: ChartDatum[] = [];
  for (const s of panel.series) {
    for (const e of epochs) {
      const value = valueOf(e, s.column);
      if (!Number.isFinite(value) || (panel.log && value <= 0) || !Number.isFinite(e.epoch)) continue;
      out.push({ epoch: e.epoch, value, series: s.name });
    }
  }
  return out;
}

function panelSpec(epochs: readonly EpochLog[], panel: Panel, width: number, height: number): ChartPanelSpec {
  const values = points(epochs, panel);
  const several = panel.series.length > 1;
  return {
    title: panelTitle(panel.column),
    width,
    height,
    data: { values },
    // A single epoch is one point, which a line alone does not show.
    mark: { type: 'line', point: epochs.length < 2, clip: true, ...(several ? {} : { color: TRAIN_COLOR }) },
    encoding: {
      x: { field: 'epoch', type: 'quantitative', title: 'Epoch', axis: { format: 'd', tickMinStep: 1 }, scale: { zero: false } },
      y: {
        field: 'value',
        type: 'quantitative',
        title: axisTitle(panel.column),
        ...(panel.log ? { scale: { type: 'log' as const }, axis: LOG_AXIS } : { scale: { type: 'linear' as const, zero: false } }),
      },
      ...(several
        ? {
            color: {
              field: 'series' as const,
              type: 'nominal' as const,
              title: null,
              scale: { domain: panel.series.map((s) => s.name), range: [TRAIN_COLOR, VALIDATION_COLOR].slice(0, panel.series.length) },
            },
          }
        : {}),
    },
  };
}

function chartSpec(epochs: readonly EpochLog[], panels: readonly Panel[], options: HistoryChartOptions, op: string): ChartSpec {
  const width = checkSize(op, 'width', options.width, DEFAULT_WIDTH);
  const height = checkSize(op, 'height', options.height, DEFAULT_HEIGHT);
  const perRow = options.panelsPerRow ?? 2;
  if (!Number.isInteger(perRow) || perRow < 1) throw new ValueError(`${op}: panelsPerRow must be a positive integer, got ${perRow}`);
  return {
    $schema: SCHEMA,
    ...(options.title === undefined ? {} : { title: { text: options.title, anchor: 'middle' as const, fontSize: 16 } }),
    background: 'white',
    padding: 10,
    config: { font: CHART_FONT, title: { fontSize: 14 }, axis: { labelFontSize: 11, titleFontSize: 12 }, legend: { labelFontSize: 11 } },
    columns: Math.min(perRow, panels.length),
    concat: panels.map((p) => panelSpec(epochs, p, width, height)),
    resolve: { scale: { color: 'shared' } },
  };
}

/**
 * The Vega-Lite spec of the reference tutorial's figure: loss per epoch and gradient norm per epoch, side by side.
 * @example
 * import { trainingChartSpec } from 'chainrule/viz';
 * const h = new History();
 * h.push({ epoch: 0, loss: 0.03, gradNorm: 0.2, lr: 0.1, time: 0, metrics: {} });
 * h.push({ epoch: 1, loss: 0.02, gradNorm: 0.1, lr: 0.1, time: 0, metrics: {} });
 * trainingChartSpec(h, { log: true }).concat.map((p) => p.title); // ['Loss over Epochs', 'Gradient Norm over Epochs']
 */
export function trainingChartSpec(history: HistoryLike, options: TrainingChartOptions = {}): ChartSpec {
  const op = 'trainingChartSpec';
  const epochs = checkHistory(op, history);
  const log = options.log === true;
  const panels: Panel[] = ['loss', 'gradNorm'].map((column) => ({ column, series: [{ column, name: 'train' }], log }));
  return chartSpec(epochs, panels, { ...options, log, panelsPerRow: 2 }, op);
}

/**
 * The reference tutorial's figure (loss and gradient norm per epoch) as an SVG document.
 * @example
 * import { trainingChartSvg } from 'chainrule/viz';
 * const svg = await trainingChartSvg(trainTutorial({ epochs: 10 }).history);
 * svg.includes('Gradient Norm over Epochs'); // true
 */
export async function trainingChartSvg(history: HistoryLike, options: TrainingChartOptions = {}): Promise<string> {
  return chartSvg(trainingChartSpec(history, options));
}

function isAccuracy(column: string): boolean {
  return /acc/i.test(column);
}

function defaultColumns(epochs: readonly EpochLog[]): string[] {
  const metrics = metricNames(epochs);
  const trainMetrics = metrics.filter((m) => !/^val[A-Z]/.test(m));
  // A validation metric whose training counterpart exists is drawn in that panel.
  const shown = new Set(['loss', ...trainMetrics]);
  const own = metrics.filter((m) => !(/^val[A-Z]/.test(m) && [...shown].some((c) => validationName(c) === m)));
  const ordered = [...own.filter(isAccuracy), ...own.filter((m) => !isAccuracy(m))];
  const recorded = (c: string) => epochs.some((e) => Number.isFinite(valueOf(e, c)));
  const lrs = new Set(epochs.map((e) => valueOf(e, 'lr')).filter(Number.isFinite));
  return ['loss', ...ordered, ...(lrs.size > 1 ? ['lr'] : []), ...(recorded('gradNorm') ? ['gradNorm'] : [])];
}

/**
 * The Vega-Lite spec of a History: one panel per column (loss, metrics, learning rate, gradient norm), validation curves beside training ones.
 * @example
 * import { historyChartSpec } from 'chainrule/viz';
 * const h = new History();
 * h.push({ epoch: 0, loss: 0.7, gradNorm: 1, lr: 0.1, time: 0, metrics: { valLoss: 0.8, accuracy: 0.5 } });
 * h.push({ epoch: 1, loss: 0.5, gradNorm: 0.8, lr: 0.1, time: 0, metrics: { valLoss: 0.6, accuracy: 0.7 } });
 * historyChartSpec(h).concat.map((p) => p.title); // ['Loss over Epochs', 'Accuracy over Epochs', 'Gradient Norm over Epochs']
 * @example
 * import { historyChartSpec } from 'chainrule/viz';
 * const h = new History();
 * h.push({ epoch: 0, loss: 0.7, gradNorm: 1, lr: 0.1, time: 0, metrics: {} });
 * historyChartSpec(h, { columns: ['accuracy'] }); // throws ValueError
 */
export function historyChartSpec(history: HistoryLike, options: HistoryChartOptions = {}): ChartSpec {
  const op = 'historyChartSpec';
  const epochs = checkHistory(op, history);
  const metrics = metricNames(epochs);
  const available = [...BUILTIN, ...metrics];
  const columns = options.columns ?? defaultColumns(epochs);
  if (columns.length === 0) throw new ValueError(`${op}: columns is empty; name at least one of ${available.join(', ')}`);
  const logOption = options.log ?? false;
  const panels = columns.map((column): Panel => {
    if (!available.includes(column)) throw new ValueError(`${op}: the history has no column '${column}'; it has ${available.join(', ')}`);
    const val = validationName(column);
    const series = [{ column, name: 'train' }];
    if (!/^val[A-Z]/.test(column) && metrics.includes(val) && !columns.includes(val)) series.push({ column: val, name: 'validation' });
    const log = logOption === true ? !isAccuracy(column) : logOption === false ? false : logOption.includes(column);
    return { column, series, log };
  });
  if (Array.isArray(logOption)) {
    for (const c of logOption) if (!columns.includes(c)) throw new ValueError(`${op}: log names '${c}', which is not a charted column (${columns.join(', ')})`);
  }
  return chartSpec(epochs, panels, options, op);
}

/**
 * Every recorded column of a History (see `historyChartSpec`) as an SVG document.
 * @example
 * import { historyChartSvg } from 'chainrule/viz';
 * const h = new History();
 * h.push({ epoch: 0, loss: 0.7, gradNorm: 1, lr: 0.1, time: 0, metrics: { valLoss: 0.8 } });
 * h.push({ epoch: 1, loss: 0.5, gradNorm: 0.8, lr: 0.05, time: 0, metrics: { valLoss: 0.6 } });
 * const svg = await historyChartSvg(h.toJSON(), { log: true });
 * svg.includes('Learning Rate over Epochs') && svg.includes('validation'); // true
 */
export async function historyChartSvg(history: HistoryLike, options: HistoryChartOptions = {}): Promise<string> {
  return chartSvg(historyChartSpec(history, options));
}

/**
 * Renders a Vega-Lite spec (e.g. one of `trainingChartSpec` / `historyChartSpec`) to an SVG document with vega's headless renderer.
 * @example
 * import { chartSvg, trainingChartSpec } from 'chainrule/viz';
 * const h = new History();
 * h.push({ epoch: 0, loss: 0.5, gradNorm: 1, lr: 0.1, time: 0, metrics: {} });
 * (await chartSvg(trainingChartSpec(h))).startsWith('<svg'); // true
 */
export async function chartSvg(spec: ChartSpec): Promise<string> {
  const { vega, vegaLite } = await loadVega();
  const compiled = vegaLite.compile(spec).spec;
  const view = new vega.View(vega.parse(compiled), { renderer: 'none' });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
