import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { explain, type Explanation } from '../../explain/explain.js';
import { explainSample, UnknownElementError } from '../../explain/sample.js';
import { renderMarkdown, renderText, explanationLines } from '../../explain/render.js';
import { getLoss } from '../../nn/losses.js';
import { halfSquaredError } from '../../nn/losses.js';
import { tutorialNetwork, tutorialOptions, tutorialSample } from '../../train/tutorial.js';
import { tutorialNetworkOptions, type TutorialNetworkFlags } from './tutorial.js';
import { nonNegativeInteger } from '../args.js';
import { jsonOption, UsageError, type CliIO } from '../io.js';
import { isCsvPath, loadBuiltin, loadCsvForEvaluation } from '../data.js';
import { loadTrainedModel } from '../model.js';
import type { TensorDataset } from '../../data/dataset.js';

interface ExplainFlags extends TutorialNetworkFlags {
  model?: string;
  data?: string;
  row?: number;
  seed?: number;
  expand?: boolean;
  parameters?: string[];
  format: 'text' | 'markdown' | 'html';
  json?: boolean;
}

/** The explanation of one step of the tutorial network with the given values. */
export function tutorialExplanation(flags: TutorialNetworkFlags): Explanation {
  const o = tutorialOptions(flags);
  const model = tutorialNetwork(o);
  const { x, y } = tutorialSample(o);
  return explain(halfSquaredError(model.forward(x), y), { lr: o.lr });
}

/** The explanation of a saved model's loss on one labelled sample. */
function modelExplanation(flags: ExplainFlags): Explanation {
  const file = loadTrainedModel(flags.model!);
  if (flags.data === undefined) throw new UsageError('explain --model needs --data (a CSV with the feature and target columns, or a built-in dataset) and --row');
  let dataset: TensorDataset;
  if (isCsvPath(flags.data)) dataset = loadCsvForEvaluation(flags.data, file.data, file.task);
  else dataset = loadBuiltin(flags.data, { seed: flags.seed ?? file.seed + 1, split: 'test', n: file.n, noise: file.noise }).dataset;
  const row = flags.row ?? 0;
  if (row >= dataset.length) throw new UsageError(`--row ${row} is out of range: ${flags.data} has ${dataset.length} rows (0 to ${dataset.length - 1})`);
  const { x, y } = dataset.subset([row]);
  const model = file.model;
  model.eval();
  const lossFn = getLoss(file.loss);
  if (flags.expand === true) {
    try {
      return explainSample(model, x, y, lossFn, { lr: flags.lr, ...(flags.parameters === undefined ? {} : { parameters: flags.parameters }) });
    } catch (e) {
      if (e instanceof UnknownElementError) throw new UsageError(`--parameters: ${e.message.replace(/^explainSample: /, '')}`);
      throw e;
    }
  }
  return explain(lossFn(model.forward(x), y), { model, sample: 0, lr: flags.lr });
}

const ELEMENT = /^[A-Za-z_][\w.]*(?:\[\d+(?:,\d+)*\])?$/;

/** 'W1[0,1], b2' → ['W1[0,1]', 'b2']: commas inside brackets belong to the name; anything else is refused, not ignored. */
export function splitNames(value: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let current = '';
  for (const ch of value.replace(/\s+/g, '')) {
    if (ch === '[') depth++;
    if (ch === ']') depth--;
    if (ch === ',' && depth === 0) {
      names.push(current);
      current = '';
    } else {
      current += ch;
    }
  }
  names.push(current);
  const bad = names.find((n) => !ELEMENT.test(n));
  if (bad !== undefined) {
    throw new InvalidArgumentError(`'${value}' is not a comma-separated list of parameter elements such as W1[0,1],b2[0] (${bad === '' ? 'an empty name' : `'${bad}'`})`);
  }
  return names;
}

export function registerExplain(program: Command, io: CliIO): void {
  tutorialNetworkOptions(
    program
      .command('explain')
      .description('write out the chain rule with the numbers: one training step of the tutorial network (same flags as tutorial), or a saved model on one sample'),
  )
    .option('--model <model.json>', 'explain a saved model instead (with --data and --row)')
    .option('--data <file.csv|name>', 'with --model: labelled data (CSV or built-in dataset)')
    .option('--row <n>', 'with --model: the sample (row index, from 0)', nonNegativeInteger)
    .option('--seed <n>', 'with --model and a built-in dataset: seed of the sample', nonNegativeInteger)
    .option('--expand', 'with --model: the sample neuron by neuron (each weight element\'s chain rule, summed over paths) instead of layer by layer')
    .option('--parameters <names>', 'with --expand: the elements to explain, comma-separated, e.g. W1[0,1],b2[0] (default: all, or the largest |gradient| per tensor)', splitNames)
    .addOption(new Option('--format <format>', 'text, markdown (LaTeX) or html (KaTeX, a standalone page)').choices(['text', 'markdown', 'html']).default('text'))
    .addOption(jsonOption())
    .action(async (flags: ExplainFlags) => {
      if (flags.model === undefined && (flags.data !== undefined || flags.row !== undefined)) throw new UsageError('--data and --row explain a saved model: add --model');
      if (flags.model === undefined && (flags.expand === true || flags.parameters !== undefined)) throw new UsageError('--expand and --parameters expand a saved model\'s sample: add --model (the tutorial network is already one neuron per layer)');
      if (flags.parameters !== undefined && flags.expand !== true) throw new UsageError('--parameters names weight elements of the expanded view: add --expand');
      const e = flags.model === undefined ? tutorialExplanation(flags) : modelExplanation(flags);
      if (flags.json === true) {
        io.out(JSON.stringify({ mode: e.mode, loss: e.loss, lines: explanationLines(e), gradients: e.gradients.map((g) => ({ name: g.name, value: g.value, paths: g.paths.map((p) => ({ value: p.value, factors: p.factors })) })) }, null, 2) + '\n');
        return;
      }
      if (flags.format === 'text') io.out(renderText(e));
      else if (flags.format === 'markdown') io.out(renderMarkdown(e));
      else {
        const { explanationPage } = await import('../../viz/report.js');
        io.out(explanationPage(e));
      }
    });
}
