/**
 * Network diagrams as SVG text, dependency-free: the neurons of a Sequential MLP in columns,
 * edges coloured by sign and thickened by magnitude, in three views — the weights, a forward
 * pass of one sample, and the backward pass of its loss (the reference tutorial's two
 * illustrations). The job runs model (networkPass, networkModel) → layout (networkLayout) →
 * render (networkRender).
 *
 * Numbers are printed with toFixed(4) and the minus sign U+2212 ('−0.0083'), as the chain-rule
 * explanations and the graph picture print them; a negative zero prints as '0.0000'.
 */
import { ValueError } from '../errors.js';
import { stagesOf } from '../nn/stages.js';
import type { Module } from '../nn/module.js';
import { networkLayout } from './networkLayout.js';
import { networkModel } from './networkModel.js';
import { evaluate, inputValues, targetTensor, type Grads, type Pass } from './networkPass.js';
import { renderNetworkSvg } from './networkRender.js';
import type { NetworkColorBy, NetworkSvgOptions, NetworkView } from './networkTypes.js';

export type { NetworkColorBy, NetworkLoss, NetworkSample, NetworkSvgOptions, NetworkView } from './networkTypes.js';

const DEFAULT_TITLES: Readonly<Record<NetworkView, string>> = {
  weights: 'Network: weights and biases',
  forward: 'Forward pass: values flow from the input to the loss',
  backward: 'Backward pass: ∂L/∂· flows from the loss back to the input (chain rule)',
};

function checkOptions(options: NetworkSvgOptions): void {
  const view = options.view ?? 'weights';
  if (view !== 'weights' && view !== 'forward' && view !== 'backward') {
    throw new ValueError(`networkSvg: view must be 'weights', 'forward' or 'backward', got '${String(view)}'`);
  }
  const colorBy = options.colorBy;
  if (colorBy !== undefined && colorBy !== 'weight' && colorBy !== 'gradient') {
    throw new ValueError(`networkSvg: colorBy must be 'weight' or 'gradient', got '${String(colorBy)}'`);
  }
  const maxUnits = options.maxUnits ?? 10;
  if (!Number.isInteger(maxUnits) || maxUnits < 2) throw new ValueError(`networkSvg: maxUnits must be an integer of at least 2, got ${maxUnits}`);
  for (const key of ['width', 'height'] as const) {
    const v = options[key];
    if (v !== undefined && !(typeof v === 'number' && v > 0 && Number.isFinite(v))) {
      throw new ValueError(`networkSvg: ${key} must be a positive number of pixels, got ${String(v)}`);
    }
  }
  if (options.loss !== undefined && typeof options.loss !== 'function') throw new ValueError('networkSvg: loss must be a function (prediction, target) → scalar tensor, e.g. halfSquaredError');
}

/**
 * Draws a Sequential MLP (Linear layers and activations) as an SVG document: its weights, a forward pass of one sample, or the backward pass of that sample's loss.
 * @example
 * const model = tutorialNetwork();
 * const svg = networkSvg(model, { view: 'backward', input: [0.5], target: [0.6], loss: halfSquaredError });
 * svg.includes('∂L/∂w1 = −0.0083'); // true
 */
export function networkSvg(model: Module, options: NetworkSvgOptions = {}): string {
  checkOptions(options);
  const stages = stagesOf(model);
  const view = options.view ?? 'weights';
  const colorBy: NetworkColorBy = options.colorBy ?? (view === 'backward' ? 'gradient' : 'weight');
  const maxUnits = options.maxUnits ?? 10;
  const first = stages[0];
  const last = stages[stages.length - 1];
  if (first === undefined || last === undefined) throw new ValueError('networkSvg: the Sequential has no Linear layer to draw');
  const inSize = first.linear.inFeatures;
  const outSize = last.linear.outFeatures;

  const needsGrads = view === 'backward' || colorBy === 'gradient';
  const needsInput = view !== 'weights' || needsGrads;
  const why = view === 'weights' ? "colorBy: 'gradient'" : `view '${view}'`;
  if (needsInput && options.input === undefined) {
    throw new ValueError(`networkSvg: ${why} needs options.input, one sample of shape [${inSize}] or [1, ${inSize}]`);
  }
  if (needsGrads && (options.target === undefined || options.loss === undefined)) {
    const missing = [options.target === undefined ? 'target' : null, options.loss === undefined ? 'loss' : null].filter((m) => m !== null);
    throw new ValueError(`networkSvg: ${why} needs options.${missing.join(' and options.')} (e.g. loss: halfSquaredError) to differentiate the loss`);
  }
  if ((options.target === undefined) !== (options.loss === undefined)) {
    throw new ValueError(`networkSvg: options.target and options.loss go together (the loss node L needs both); got only ${options.target === undefined ? 'loss' : 'target'}`);
  }

  let pass: Pass | null = null;
  let grads: Grads | null = null;
  if (needsInput && options.input !== undefined) {
    const input = inputValues(options.input, inSize);
    const target = options.target === undefined ? null : targetTensor(options.target, outSize, last.linear.dtype);
    ({ pass, grads } = evaluate(stages, input, target, options.loss ?? null, needsGrads));
  }
  const drawn = networkModel(stages, { view, colorBy, maxUnits, pass, grads, labels: options.labels, edgeLabels: options.edgeLabels });
  const title = options.title ?? DEFAULT_TITLES[view];
  return renderNetworkSvg(drawn, networkLayout(drawn, title), { title, width: options.width, height: options.height });
}
