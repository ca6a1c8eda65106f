// Chain-rule explanations generated from a recorded graph.
export { explain, formatFactor, formatValue, latexName } from './explain.js';
export type { Explanation, ExplainOptions, ExplainNode, Factor, ChainPath, ScalarGradient, ForwardStep, TensorGradientStep, UpdateStep } from './explain.js';
export { renderText, renderMarkdown, explanationLines, explanationSections } from './render.js';
export type { ExplanationLine, ExplanationSections } from './render.js';
export { explainSample } from './sample.js';
export type { SampleExplainOptions } from './sample.js';
