// chainrule/viz: pictures and pages. Kept out of the core entry point (it has dependencies:
// vega-lite and vega for charts, Graphviz in WebAssembly for graph layout, resvg in WebAssembly
// for PNG, KaTeX for maths).
export { trainingChartSpec, trainingChartSvg, historyChartSpec, historyChartSvg } from './charts.js';
export * from './charts.js';
export * from './png.js';
export { networkSvg } from './network.js';
export type { NetworkView, NetworkColorBy, NetworkSample, NetworkLoss, NetworkSvgOptions } from './network.js';
export { graphDot, graphSvg } from './graph.js';
export type { GraphDotOptions, GraphSvgOptions } from './graph.js';
export { explainHtml, katexCss, typeset, escapeHtml } from './explainHtml.js';
export type { ExplanationHtmlOptions } from './explainHtml.js';
export { buildReport, writeReport, explanationPage, REPORT_FILE_NAMES } from './report.js';
export type { ReportInput, ReportFiles } from './report.js';
