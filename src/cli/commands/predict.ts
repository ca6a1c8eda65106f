import type { Command } from 'commander';
import { interpretOutputs } from '../../train/experiment.js';
import { predict } from '../../train/fit.js';
import type { Tensor } from '../../tensor/tensor.js';
import { jsonOption, type CliIO } from '../io.js';
import { checkOutputs, writeOutput } from '../outputs.js';
import { isCsvPath, loadBuiltin, loadCsvInputs } from '../data.js';
import { loadTrainedModel } from '../model.js';
import { nonNegativeInteger } from '../args.js';

interface PredictFlags {
  model: string;
  data: string;
  seed?: number;
  out?: string;
  json?: boolean;
}

function csvField(s: string): string {
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function registerPredict(program: Command, io: CliIO): void {
  program
    .command('predict')
    .description("predict with a saved model: one row per input row (class and probabilities for classifiers)")
    .requiredOption('--model <model.json>', 'a model file written by chainrule train (or save)')
    .requiredOption('--data <file.csv|name>', "a CSV with the model's feature columns (others are ignored), or a built-in dataset")
    .option('--seed <n>', 'built-in datasets: seed of the sample', nonNegativeInteger)
    .option('--out <predictions.csv>', 'write the predictions to a file instead of stdout')
    .addOption(jsonOption())
    .action((flags: PredictFlags) => {
      const csv = isCsvPath(flags.data);
      if (flags.out !== undefined) {
        checkOutputs([{ flag: '--model', path: flags.model }, ...(csv ? [{ flag: '--data', path: flags.data }] : [])], [{ flag: '--out', path: flags.out, kind: 'file' }]);
      }
      const file = loadTrainedModel(flags.model);
      let x: Tensor;
      if (csv) {
        x = loadCsvInputs(flags.data, file.data).x;
      } else {
        x = loadBuiltin(flags.data, { seed: flags.seed ?? file.seed + 1, split: 'test' }).dataset.x;
      }
      const output = predict(file.model, x);
      const { values, probabilities } = interpretOutputs(output, file.task, file.logits);
      const classes = file.data.classes;
      const label = (v: number) => (file.task === 'multiclass' && classes !== undefined ? (classes[v] ?? String(v)) : String(v));
      if (flags.json === true && flags.out === undefined) {
        io.out(JSON.stringify({ task: file.task, predictions: values.map((r) => (r.length === 1 ? (file.task === 'multiclass' ? label(r[0]!) : r[0]) : r)), probabilities }, null, 2) + '\n');
        return;
      }
      const probColumns = probabilities === null ? [] : file.task === 'binary' ? ['probability'] : (probabilities[0] ?? []).map((_, k) => `p_${classes?.[k] ?? k}`);
      const outWidth = values[0]?.length ?? 1;
      const header = [...(outWidth === 1 ? ['prediction'] : values[0]!.map((_, k) => `prediction_${k}`)), ...probColumns];
      const lines = [header.map(csvField).join(',')];
      values.forEach((row, i) => {
        const cells = row.map((v) => (file.task === 'multiclass' ? label(v) : String(v)));
        if (probabilities !== null) cells.push(...probabilities[i]!.map(String));
        lines.push(cells.map(csvField).join(','));
      });
      const text = lines.join('\n') + '\n';
      if (flags.out !== undefined) {
        writeOutput({ flag: '--out', path: flags.out }, text, 'the predictions');
        io.out(flags.json === true ? JSON.stringify({ task: file.task, rows: values.length, out: flags.out }) + '\n' : `wrote ${values.length} predictions to ${flags.out}\n`);
      } else {
        io.out(text);
      }
    });
}
