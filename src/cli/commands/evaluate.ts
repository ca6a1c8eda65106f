import type { Command } from 'commander';
import { getLoss } from '../../nn/losses.js';
import { evaluate } from '../../train/fit.js';
import { jsonOption, type CliIO } from '../io.js';
import { isCsvPath, loadBuiltin, loadCsvForEvaluation } from '../data.js';
import { loadTrainedModel } from '../model.js';
import { load } from '../../io/node.js';
import { evaluateLanguageModel, holdsLanguageModel } from './languageModel.js';
import { atMost, nonNegativeInteger, nonNegativeNumber, positiveInteger } from '../args.js';
import { MAX_SAMPLES } from '../../limits.js';
import type { TensorDataset } from '../../data/dataset.js';

interface EvaluateFlags {
  model: string;
  data: string;
  seed?: number;
  n?: number;
  noise?: number;
  limit?: number;
  json?: boolean;
}

export function registerEvaluate(program: Command, io: CliIO): void {
  program
    .command('evaluate')
    .description("a saved model's loss (and accuracy for classifiers) on labelled data")
    .requiredOption('--model <model.json>', 'a model file written by chainrule train (or save)')
    .requiredOption('--data <file.csv|name>', "a CSV with the feature and target columns the model was trained on, or a built-in dataset (a language model: names or its text file, whose test split is used)")
    .option('--seed <n>', "built-in datasets: seed of the sample (default: the training seed + 1, a fresh sample; digits: the test split)", nonNegativeInteger)
    .option('--n <samples>', 'built-in datasets: number of samples (default: as in training)', atMost(positiveInteger, MAX_SAMPLES, 'the number of samples'))
    .option('--noise <level>', 'built-in datasets: noise level (default: as in training)', nonNegativeNumber)
    .option('--limit <n>', 'digits: the first n images of the test split (default: all 2,000)', atMost(positiveInteger, MAX_SAMPLES, 'the number of images'))
    .addOption(jsonOption())
    .action((flags: EvaluateFlags) => {
      if (holdsLanguageModel(load(flags.model).metadata)) {
        evaluateLanguageModel(flags.model, flags.data, flags.seed, flags.json === true, io);
        return;
      }
      const file = loadTrainedModel(flags.model);
      let dataset: TensorDataset;
      let source: string;
      if (isCsvPath(flags.data)) {
        dataset = loadCsvForEvaluation(flags.data, file.data, file.task);
        source = flags.data;
      } else {
        const seed = flags.seed ?? file.seed + 1;
        dataset = loadBuiltin(flags.data, {
          seed,
          split: 'test',
          ...((flags.n ?? file.n) === undefined ? {} : { n: flags.n ?? file.n }),
          ...((flags.noise ?? file.noise) === undefined ? {} : { noise: flags.noise ?? file.noise }),
          ...(flags.limit === undefined ? {} : { limit: flags.limit }),
        }).dataset;
        source = flags.data === 'digits' ? `digits (test split${flags.limit === undefined ? '' : `, first ${dataset.length}`})` : `${flags.data} (seed ${seed})`;
      }
      const result = evaluate(file.model, dataset, { loss: getLoss(file.loss), logits: file.logits, ...(file.task === 'regression' ? {} : { metrics: ['accuracy'] as const }) });
      if (flags.json === true) {
        io.out(JSON.stringify({ data: source, samples: dataset.length, task: file.task, ...result }, null, 2) + '\n');
        return;
      }
      const parts = Object.entries(result).map(([k, v]) => `${k} ${v.toFixed(4)}`);
      io.out(`${flags.model} on ${source}, ${dataset.length} samples: ${parts.join(', ')}\n`);
    });
}
