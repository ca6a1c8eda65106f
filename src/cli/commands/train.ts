import type { Command } from 'commander';
import { InvalidArgumentError, Option } from 'commander';
import { ACTIVATIONS } from '../../nn/activations.js';
import { LOSS_NAMES, getLoss } from '../../nn/losses.js';
import { OPTIMIZER_NAMES } from '../../optim/create.js';
import { modelFileText } from '../../io/model.js';
import { progress } from '../../train/progress.js';
import { inferTask, mlpParameterCount, outputsFor, trainMlp, trainModel, type TrainedModel } from '../../train/experiment.js';
import { ARCH_PRESETS, buildArch, readArch, type Arch } from '../arch.js';
import { atMost, choice, fraction, integerList, nonNegativeInteger, nonNegativeNumber, positiveInteger, positiveNumber } from '../args.js';
import { MAX_EPOCHS, MAX_PARAMETERS, MAX_SAMPLES } from '../../limits.js';
import { jsonOption, UsageError, type CliIO } from '../io.js';
import { checkOutputs, writeOutput, writeOutputDirectory, type OutputFlag } from '../outputs.js';
import { isCsvPath, loadBuiltin, loadCsvForTraining, type LoadedData } from '../data.js';
import { FileError } from '../../errors.js';
import { TensorDataset, splitSize } from '../../data/dataset.js';
import { isLanguageModelRun, LANGUAGE_MODEL_ARCHS, trainLanguageModelCommand } from './languageModel.js';
import { MAX_BLOCK_SIZE } from '../../data/text.js';

interface TrainFlags {
  data: string;
  target?: string;
  features?: string;
  targetType: 'auto' | 'numeric' | 'categorical';
  standardize: boolean;
  n?: number;
  noise?: number;
  limit?: number;
  layers?: number[];
  arch?: string;
  activation: (typeof ACTIVATIONS)[number];
  loss?: (typeof LOSS_NAMES)[number];
  optimizer: (typeof OPTIMIZER_NAMES)[number];
  lr: number;
  epochs: number;
  batchSize: number;
  seed: number;
  valSplit?: number;
  clipNorm?: number;
  dropout?: number;
  weightDecay?: number;
  momentum?: number;
  dtype: 'float32' | 'float64';
  out?: string;
  history?: string;
  report?: string;
  timestamp: boolean;
  quiet?: boolean;
  json?: boolean;
  blockSize?: number;
}

function fmt(v: number | undefined): string {
  return v === undefined || !Number.isFinite(v) ? String(v) : v.toFixed(4);
}

/** --layers: positive sizes whose weights and biases stay within MAX_PARAMETERS (known before any data is read). */
function layerSizes(value: string): number[] {
  const layers = integerList(value);
  if (layers.length < 2) throw new InvalidArgumentError(`'${value}' needs at least two sizes (inputs and outputs)`);
  const parameters = mlpParameterCount(layers);
  if (parameters > MAX_PARAMETERS) {
    throw new InvalidArgumentError(`'${value}' makes ${parameters.toLocaleString('en-US')} parameters; a model trained here has at most ${MAX_PARAMETERS.toLocaleString('en-US')}`);
  }
  return layers;
}

export function registerTrain(program: Command, io: CliIO): void {
  program
    .command('train')
    .description('train an MLP on a built-in dataset or a CSV file, with progress and a closing summary')
    .requiredOption('--data <name|file.csv>', 'a built-in dataset (tutorial, xor, circles, moons, spirals, blobs, digits; names for a language model) or a CSV file with a header row (a text file for a language model)')
    .option('--target <column>', 'CSV: the target column')
    .option('--features <columns>', 'CSV: comma-separated feature columns (default: every other column)')
    .addOption(new Option('--target-type <type>', 'CSV: numeric (regression, or 0/1 classes) or categorical; auto: categorical when a value is not a number').choices(['auto', 'numeric', 'categorical']).default('auto'))
    .option('--no-standardize', 'CSV: do not z-score the features')
    .option('--n <samples>', 'built-in datasets: number of samples', atMost(positiveInteger, MAX_SAMPLES, 'the number of samples'))
    .option('--noise <level>', 'built-in datasets: noise level', nonNegativeNumber)
    .option('--limit <n>', 'digits: train on the first n images of the training split (every digit equally often)', atMost(positiveInteger, MAX_SAMPLES, 'the number of images'))
    .option('--layers <sizes>', 'layer sizes including input and output, e.g. 2,8,8,1 (default: inputs,8,8,outputs)', layerSizes)
    .option('--arch <cnn|file.json>', `instead of an MLP: a preset (${ARCH_PRESETS.join(', ')}: LeNet-like, for digits; language models: ${LANGUAGE_MODEL_ARCHS.join(', ')}) or a model description in the model file's format ({ "type": "Sequential", "layers": [ … ] })`)
    .option('--block-size <n>', 'language models on a text file: treat it as a running text cut into windows of n characters (default: one example a line)', atMost(positiveInteger, MAX_BLOCK_SIZE, 'the block size'))
    .option('--activation <name>', `hidden activation: ${ACTIVATIONS.join(', ')}`, choice(ACTIVATIONS), 'relu')
    .option('--loss <name>', `loss: ${LOSS_NAMES.join(', ')} (default: crossEntropy, bceWithLogits or mse for the task)`, choice(LOSS_NAMES))
    .option('--optimizer <name>', `optimizer: ${OPTIMIZER_NAMES.join(', ')}`, choice(OPTIMIZER_NAMES), 'adam')
    .option('--lr <rate>', 'learning rate (--arch cnn: 0.003, annealed to 0 on a cosine)', positiveNumber, 0.01)
    .option('--epochs <n>', 'training epochs (--arch cnn: 10)', atMost(positiveInteger, MAX_EPOCHS, 'the number of epochs'), 100)
    .option('--batch-size <n>', 'samples per batch', atMost(positiveInteger, MAX_SAMPLES, 'the batch size'), 32)
    .option('--seed <n>', 'seed of the data, the initial weights and the shuffling', nonNegativeInteger, 0)
    .option('--val-split <fraction>', 'fraction held out for validation (default 0.2; none on data too small to split; --arch cnn: 0, digits has a test split)', fraction)
    .option('--dropout <p>', 'dropout probability after each hidden layer', fraction)
    .option('--weight-decay <λ>', 'weight decay (L2 regularisation; decoupled for adamw)', nonNegativeNumber)
    .option('--momentum <m>', 'momentum (sgd, rmsprop)', fraction)
    .option('--clip-norm <max>', 'clip the global gradient norm of each batch', positiveNumber)
    .option('--dtype <dtype>', 'float32 or float64', choice(['float32', 'float64'] as const), 'float32')
    .option('--out <model.json>', 'save the trained model (with optimizer state and metadata)')
    .option('--no-timestamp', 'leave the save time out of the model file, so identical runs write identical bytes')
    .option('--history <history.csv>', 'write the per-epoch history as CSV')
    .option('--report <dir>', 'write a report (charts, network diagram, the derivation for one sample, graph) into this directory')
    .option('-q, --quiet', 'no progress output')
    .addOption(jsonOption())
    .action(async (flags: TrainFlags, command: Command) => {
      const given = (option: string) => command.getOptionValueSource(option) === 'cli';
      if (isLanguageModelRun(flags.data, flags.arch)) {
        const refused = [['layers', '--layers'], ['activation', '--activation'], ['dropout', '--dropout'], ['target', '--target'], ['features', '--features'], ['n', '--n'], ['noise', '--noise'], ['limit', '--limit'], ['loss', '--loss'], ['optimizer', '--optimizer'], ['valSplit', '--val-split'], ['dtype', '--dtype'], ['report', '--report'], ['momentum', '--momentum']] as const;
        for (const [option, flag] of refused) {
          if (given(option)) throw new UsageError(`${flag} does not apply to a language model (--arch ${LANGUAGE_MODEL_ARCHS.join('|')}: AdamW, cross-entropy per character, an 80/10/10 split by --seed)`);
        }
        trainLanguageModelCommand(
          {
            data: flags.data,
            seed: flags.seed,
            timestamp: flags.timestamp,
            ...(flags.arch === undefined ? {} : { arch: flags.arch }),
            ...(flags.blockSize === undefined ? {} : { blockSize: flags.blockSize }),
            ...(given('epochs') ? { epochs: flags.epochs } : {}),
            ...(given('lr') ? { lr: flags.lr } : {}),
            ...(given('batchSize') ? { batchSize: flags.batchSize } : {}),
            ...(flags.weightDecay === undefined ? {} : { weightDecay: flags.weightDecay }),
            ...(flags.clipNorm === undefined ? {} : { clipNorm: flags.clipNorm }),
            ...(flags.out === undefined ? {} : { out: flags.out }),
            ...(flags.history === undefined ? {} : { history: flags.history }),
            ...(flags.quiet === undefined ? {} : { quiet: flags.quiet }),
            ...(flags.json === undefined ? {} : { json: flags.json }),
          },
          io,
        );
        return;
      }
      if (flags.blockSize !== undefined) throw new UsageError('--block-size applies to a language model on a text file (--arch bigram|mlp-lm|lstm|transformer)');
      const arch = flags.arch === undefined ? undefined : checkArchFlags(flags, given);
      const csv = isCsvPath(flags.data);
      if (!csv) {
        for (const [flag, value] of [['--target', flags.target], ['--features', flags.features]] as const) {
          if (value !== undefined) throw new UsageError(`${flag} applies to CSV data, not to the built-in dataset '${flags.data}'`);
        }
      }
      const REPORT_FILE_NAMES = flags.report === undefined ? [] : (await import('../../viz/report.js')).REPORT_FILE_NAMES;
      const outputs: OutputFlag[] = [
        ...(flags.out === undefined ? [] : [{ flag: '--out', path: flags.out, kind: 'file' as const }]),
        ...(flags.history === undefined ? [] : [{ flag: '--history', path: flags.history, kind: 'file' as const }]),
        ...(flags.report === undefined ? [] : [{ flag: '--report', path: flags.report, kind: 'directory' as const, replaceable: REPORT_FILE_NAMES }]),
      ];
      checkOutputs(csv ? [{ flag: '--data', path: flags.data }] : [], outputs);
      const loaded: LoadedData = csv
        ? loadCsvForTraining(flags.data, {
            ...(flags.target === undefined ? {} : { target: flags.target }),
            ...(flags.features === undefined ? {} : { features: flags.features.split(',').map((s) => s.trim()) }),
            targetType: flags.targetType,
            standardize: flags.standardize,
            dtype: flags.dtype,
          })
        : loadBuiltin(flags.data, {
            seed: flags.seed,
            ...(flags.n === undefined ? {} : { n: flags.n }),
            ...(flags.noise === undefined ? {} : { noise: flags.noise }),
            ...(flags.limit === undefined ? {} : { limit: flags.limit }),
          });
      const ds = loaded.dataset;

      const dataset = flags.dtype === 'float64' ? new TensorDataset(ds.x.cast('float64'), ds.y.dtype === 'int32' ? ds.y : ds.y.cast('float64'), ds.classes) : ds;
      // The preset's settings stand in for the flags not given.
      const preset = arch?.defaults;
      if (preset !== undefined) {
        if (!given('lr')) flags.lr = preset.lr;
        if (!given('epochs')) flags.epochs = preset.epochs;
        if (!given('batchSize')) flags.batchSize = preset.batchSize;
        flags.valSplit ??= preset.valSplit;
      }
      const common = {
        ...(flags.loss === undefined ? {} : { loss: flags.loss }),
        optimizer: flags.optimizer,
        lr: flags.lr,
        epochs: flags.epochs,
        batchSize: flags.batchSize,
        seed: flags.seed,
        ...(flags.valSplit === undefined ? {} : { valSplit: flags.valSplit }),
        ...(flags.clipNorm === undefined ? {} : { clipNorm: flags.clipNorm }),
        ...(flags.weightDecay === undefined ? {} : { weightDecay: flags.weightDecay }),
        ...(flags.momentum === undefined ? {} : { momentum: flags.momentum }),
        callbacks: flags.quiet === true || flags.json === true ? [] : [progress({ stream: { write: io.err, isTTY: io.interactive }, interactive: io.interactive })],
      };
      const started = performance.now();
      const run: TrainedModel & { layers?: readonly number[] } =
        arch === undefined
          ? trainMlp(dataset, {
              ...common,
              ...(flags.layers === undefined ? {} : { layers: flags.layers }),
              activation: flags.activation,
              dtype: flags.dtype,
              ...(flags.dropout === undefined ? {} : { dropout: flags.dropout }),
            })
          : trainArch(arch, dataset, { ...common, cosine: preset?.cosine ?? false });
      const seconds = (performance.now() - started) / 1000;
      const last = run.history.epochs[run.history.epochs.length - 1];
      const metadata = {
        ...loaded.metadata,
        task: run.task,
        loss: run.loss,
        logits: run.logits,
        ...(arch === undefined ? { layers: run.layers, activation: flags.activation } : { arch: arch.name, parameters: run.model.parameterCount() }),
        optimizer: flags.optimizer,
        lr: flags.lr,
        ...(flags.dropout === undefined ? {} : { dropout: flags.dropout }),
        ...(flags.weightDecay === undefined ? {} : { weightDecay: flags.weightDecay }),
        epochs: run.history.epochs.length,
        batchSize: flags.batchSize,
        seed: flags.seed,
        ...(flags.n === undefined ? {} : { n: flags.n }),
        ...(flags.noise === undefined ? {} : { noise: flags.noise }),
        ...(flags.limit === undefined ? {} : { limit: flags.limit }),
        valSplit: run.valSplit,
        final: last === undefined ? null : { loss: last.loss, gradNorm: last.gradNorm, ...last.metrics },
      };
      // Every output is attempted even when one fails (each failed one is rescued); the first failure is reported.
      const failures: FileError[] = [];
      const failed = new Set<string>();
      const attempt = (flag: string, write: () => void) => {
        try {
          write();
        } catch (e) {
          if (!(e instanceof FileError)) throw e;
          failures.push(e);
          failed.add(flag);
        }
      };
      if (flags.out !== undefined) {
        const text = modelFileText(run.model, { optimizer: run.optimizer, metadata, timestamp: flags.timestamp });
        attempt('--out', () => writeOutput({ flag: '--out', path: flags.out! }, text, 'the trained model'));
      }
      if (flags.history !== undefined) attempt('--history', () => writeOutput({ flag: '--history', path: flags.history! }, run.history.toCsv(), 'the history'));
      const nVal = splitSize(dataset.length, run.valSplit);
      const metrics = last === undefined ? '' : Object.entries(last.metrics).map(([k, v]) => `, ${k} ${fmt(v)}`).join('');
      const lines = [
        `trained ${arch === undefined ? `a ${run.layers?.join('-')} MLP (${flags.activation}, ` : `${arch.defaults === undefined ? `the model in ${arch.name}` : `the ${arch.name} preset`} (${run.model.parameterCount().toLocaleString('en-US')} parameters, `}` +
          `${run.loss}, ${flags.optimizer} lr ${flags.lr}${preset?.cosine === true ? ' cosine' : ''}) on ${loaded.metadata.data}` +
          ` (${run.task}; ${dataset.length - nVal} train / ${nVal} validation samples) for ${run.history.epochs.length} epochs in ${seconds.toFixed(1)}s`,
        `final: loss ${fmt(last?.loss)}, gradNorm ${fmt(last?.gradNorm)}${metrics}`,
        ...(run.history.stoppedEarly === null ? [] : [`stopped early: ${run.history.stoppedEarly}`]),
        ...(flags.out === undefined || failed.has('--out') ? [] : [`saved the model to ${flags.out}`]),
        ...(flags.history === undefined || failed.has('--history') ? [] : [`wrote the history to ${flags.history}`]),
      ];
      if (flags.report !== undefined) {
        const { buildReport } = await import('../../viz/report.js');
        run.model.eval();
        const files = await buildReport({
          title: `chainrule train: ${loaded.metadata.data}`,
          summary: `${lines[0]}. The derivation, the network diagrams and the graph show the trained model on the first sample of the data.`,
          log: lines,
          history: run.history,
          chart: 'history',
          model: run.model,
          sample: dataset.subset([0]),
          loss: getLoss(run.loss),
          lr: flags.lr,
          when: 'on the first sample, after training',
        });
        attempt('--report', () => writeOutputDirectory({ flag: '--report', path: flags.report! }, files, REPORT_FILE_NAMES, 'the report'));
        lines.push(`wrote the report to ${flags.report.replace(/[/\\]+$/, '')}/index.html`);
      }
      const [first, ...more] = failures;
      if (first !== undefined) {
        if (more.length === 0) throw first;
        throw new FileError(first.path, first.action, `${first.reason} (and ${more.length} more output${more.length > 1 ? 's' : ''} failed: ${more.map((f) => f.message).join('; ')})`, first.code);
      }
      if (flags.json === true) {
        io.out(JSON.stringify({ ...metadata, samples: { train: dataset.length - nVal, validation: nVal }, seconds, model: flags.out ?? null, historyFile: flags.history ?? null, report: flags.report ?? null, history: run.history.toJSON() }, null, 2) + '\n');
        return;
      }
      io.out(lines.join('\n') + '\n');
    });
}

/** --arch chooses the model: the MLP's own flags are refused with it, not ignored; the preset or file is read before any data. */
function checkArchFlags(flags: TrainFlags, given: (option: string) => boolean): Arch {
  if (flags.layers !== undefined) throw new UsageError('--arch and --layers both choose the model: give one (--layers sizes an MLP, --arch names a preset or a model description file)');
  for (const [option, flag] of [['activation', '--activation'], ['dropout', '--dropout'], ['dtype', '--dtype']] as const) {
    if (given(option)) throw new UsageError(`${flag} applies to the MLP that --layers sizes, not to an --arch model: set it in the architecture's layers`);
  }
  return readArch(flags.arch!, flags.seed);
}

/** Builds the architecture for the data (checked on one sample) and trains it; the data take the model's dtype. */
function trainArch(arch: Arch, data: TensorDataset, options: Parameters<typeof trainModel>[2] & { seed: number }): TrainedModel {
  const task = inferTask(data);
  const model = buildArch(arch, options.seed, data, outputsFor(task, data), task);
  const dtype = model.parameters()[0]?.dtype ?? 'float32';
  const dataset = data.x.dtype === dtype ? data : new TensorDataset(data.x.cast(dtype), data.y.dtype === 'int32' ? data.y : data.y.cast(dtype), data.classes);
  return trainModel(dataset, model, options);
}
