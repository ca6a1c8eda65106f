// Chain-rule explanations generated from a recorded graph.
export { explain } from './explain.js';
export type { Explanation, ExplainOptions, ExplainNode, Factor, ChainPath, ScalarGradient, ForwardStep, TensorGradientStep, UpdateStep, LayerRule, ExpandedSum } from './types.js';
// The formats explanations write numbers and names in (the web app writes its own lines with them).
export { formatFactor, formatValue } from '../math/format.js';
export { latexName } from './names.js';
export { renderText, renderMarkdown, explanationLines, explanationSections } from './render.js';
export type { ExplanationLine, ExplanationSections } from './render.js';
export { explainSample } from './sample.js';
export type { SampleExplainOptions } from './sample.js';
