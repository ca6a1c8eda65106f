/**
 * The language-model side of the CLI: `train --data names|file.txt --arch bigram|mlp-lm|lstm|transformer`,
 * `sample --model m.json`, and `evaluate` of a language model (test loss in nats per character).
 */
import type { Command } from 'commander';
import { FileError } from '../../errors.js';
import { readUtf8File } from '../../data/utf8.js';
import { lineDataset, names, splitExamples, textDataset, CharVocabulary, MAX_BLOCK_SIZE } from '../../data/text.js';
import type { TensorDataset } from '../../data/dataset.js';
import { load } from '../../io/node.js';
import { modelFileText } from '../../io/model.js';
import { LANGUAGE_MODEL_KINDS, LanguageModel, type LanguageModelKind, type LanguageModelSizes } from '../../nn/languageModels.js';
import { progress } from '../../train/progress.js';
import { LANGUAGE_MODEL_PRESETS, languageModelTestLoss, lineCorpus, sampleLanguageModel, textCorpus, trainLanguageModel, type LanguageModelPreset, type TextCorpus } from '../../train/languageModel.js';
import { atMost, nonNegativeInteger, positiveInteger, positiveNumber } from '../args.js';
import { jsonOption, UsageError, type CliIO } from '../io.js';
import { checkOutputs, writeOutput, type OutputFlag } from '../outputs.js';

/** The `--arch` names that train a language model. */
export const LANGUAGE_MODEL_ARCHS = Object.keys(LANGUAGE_MODEL_PRESETS);

/** Whether `train` runs a language model: the names corpus, or an `--arch` that is one. */
export function isLanguageModelRun(data: string, arch: string | undefined): boolean {
  return data === 'names' || (arch !== undefined && (LANGUAGE_MODEL_ARCHS.includes(arch) || isLanguageModelFile(arch)));
}

function isLanguageModelFile(path: string): boolean {
  if (!/\.json$/i.test(path)) return false;
  try {
    return /"type"\s*:\s*"LanguageModel"/.test(readUtf8File(path, 'chainrule', () => new UsageError(path)));
  } catch {
    return false;
  }
}

export interface LanguageModelTrainFlags {
  readonly data: string;
  readonly arch?: string;
  readonly blockSize?: number;
  readonly epochs?: number;
  readonly lr?: number;
  readonly batchSize?: number;
  readonly weightDecay?: number;
  readonly clipNorm?: number;
  readonly seed: number;
  readonly out?: string;
  readonly history?: string;
  readonly timestamp: boolean;
  readonly quiet?: boolean;
  readonly json?: boolean;
}

/** The preset named by --arch, or the kind and sizes of a `{ "type": "LanguageModel", "kind": …, "sizes": … }` file on the default recipe of its kind. */
function readPreset(arch: string | undefined, data: string): LanguageModelPreset {
  if (arch === undefined) throw new UsageError(`--data ${data} trains a language model: choose --arch ${LANGUAGE_MODEL_ARCHS.join(', ')} (or a LanguageModel description file)`);
  const preset = (LANGUAGE_MODEL_PRESETS as Record<string, LanguageModelPreset>)[arch];
  if (preset !== undefined) return preset;
  const text = readUtf8File(arch, 'chainrule', (line, reason) => new UsageError(`${arch}${line === null ? '' : `:${line}`}: ${reason}`));
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${arch}: not JSON (${(e as Error).message})`);
  }
  const o = typeof parsed === 'object' && parsed !== null ? (parsed as Record<string, unknown>) : {};
  const kind = o['kind'];
  if (o['type'] !== 'LanguageModel' || typeof kind !== 'string' || !(LANGUAGE_MODEL_KINDS as readonly string[]).includes(kind)) {
    throw new UsageError(`${arch}: a language model description is { "type": "LanguageModel", "kind": one of ${LANGUAGE_MODEL_KINDS.join(', ')}, "sizes": { … } }`);
  }
  const base = (LANGUAGE_MODEL_PRESETS as Record<string, LanguageModelPreset>)[kind] ?? LANGUAGE_MODEL_PRESETS.lstm;
  const sizes = typeof o['sizes'] === 'object' && o['sizes'] !== null ? (o['sizes'] as LanguageModelSizes) : {};
  for (const [k, v] of Object.entries(sizes)) {
    if (typeof v !== 'number' || !(v >= 0) || (k !== 'dropout' && (!Number.isInteger(v) || v < 1 || v > 4096))) throw new UsageError(`${arch}: sizes.${k} must be ${k === 'dropout' ? 'a fraction' : 'an integer from 1 to 4096'}, got ${JSON.stringify(v)}`);
  }
  return { ...base, kind: kind as LanguageModelKind, sizes };
}

/** The corpus of --data: names, or a text file (one example a line; a running text with --block-size). */
function readCorpus(data: string, blockSize: number | undefined, seed: number): { corpus: TextCorpus; source: string } {
  if (data === 'names') {
    if (blockSize !== undefined) throw new UsageError('--block-size applies to a running text file; the names corpus has one name a line');
    return { corpus: lineCorpus(names(), seed, 'names'), source: 'names' };
  }
  const text = readUtf8File(data, 'chainrule', (line, reason) => new FileError(data, 'read', `${line === null ? '' : `line ${line}: `}${reason}`));
  if (blockSize !== undefined) return { corpus: textCorpus(text, blockSize, data), source: data };
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const longest = lines.reduce((m, l) => Math.max(m, [...l].length), 0);
  if (longest + 1 > MAX_BLOCK_SIZE) throw new UsageError(`${data}: a line of ${longest} characters is longer than ${MAX_BLOCK_SIZE - 1}; for a running text give --block-size`);
  return { corpus: lineCorpus(lines, seed, data), source: data };
}

/** `train` for a language model. */
export function trainLanguageModelCommand(flags: LanguageModelTrainFlags, io: CliIO): void {
  const preset = readPreset(flags.arch, flags.data);
  const outputs: OutputFlag[] = [
    ...(flags.out === undefined ? [] : [{ flag: '--out', path: flags.out, kind: 'file' as const }]),
    ...(flags.history === undefined ? [] : [{ flag: '--history', path: flags.history, kind: 'file' as const }]),
  ];
  checkOutputs(flags.data === 'names' ? [] : [{ flag: '--data', path: flags.data }], outputs);
  const { corpus, source } = readCorpus(flags.data, flags.blockSize, flags.seed);
  const started = performance.now();
  const quiet = flags.quiet === true || flags.json === true;
  const run = trainLanguageModel(corpus, preset, {
    seed: flags.seed,
    ...(flags.epochs === undefined ? {} : { epochs: flags.epochs }),
    ...(flags.lr === undefined ? {} : { lr: flags.lr }),
    ...(flags.batchSize === undefined ? {} : { batchSize: flags.batchSize }),
    ...(flags.weightDecay === undefined ? {} : { weightDecay: flags.weightDecay }),
    ...(flags.clipNorm === undefined ? {} : { clipNorm: flags.clipNorm }),
    callbacks: quiet ? [] : [progress({ stream: { write: io.err, isTTY: io.interactive }, interactive: io.interactive })],
  });
  const seconds = (performance.now() - started) / 1000;
  const last = run.history.epochs[run.history.epochs.length - 1];
  const unit = corpus.mode === 'lines' ? 'examples' : 'characters';
  const metadata = {
    task: 'language-model',
    data: source,
    arch: flags.arch ?? preset.kind,
    parameters: run.model.parameterCount(),
    seed: flags.seed,
    epochs: run.history.epochs.length,
    lr: flags.lr ?? preset.lr,
    batchSize: flags.batchSize ?? preset.batchSize,
    counts: corpus.counts,
    testLoss: run.testLoss,
    final: last === undefined ? null : { loss: last.loss, ...last.metrics },
  };
  if (flags.out !== undefined) writeOutput({ flag: '--out', path: flags.out }, modelFileText(run.model, { optimizer: run.optimizer, metadata, timestamp: flags.timestamp }), 'the trained model');
  if (flags.history !== undefined) writeOutput({ flag: '--history', path: flags.history }, run.history.toCsv(), 'the history');
  if (flags.json === true) {
    io.out(JSON.stringify({ ...metadata, seconds, model: flags.out ?? null, history: run.history.toJSON() }, null, 2) + '\n');
    return;
  }
  const valLoss = last?.metrics['valLoss'];
  io.out(
    [
      `trained the ${metadata.arch} language model (${metadata.parameters.toLocaleString('en-US')} parameters, ${corpus.vocab.size} tokens, block ${corpus.blockSize}) on ${source} ` +
        `(${corpus.counts.train} / ${corpus.counts.validation} / ${corpus.counts.test} ${unit} train / validation / test) for ${metadata.epochs} epochs in ${seconds.toFixed(1)}s`,
      `final: loss ${last?.loss.toFixed(4)}, valLoss ${valLoss?.toFixed(4)}; test loss ${run.testLoss.toFixed(4)} nats per character`,
      ...(flags.out === undefined ? [] : [`saved the model to ${flags.out}`]),
      ...(flags.history === undefined ? [] : [`wrote the history to ${flags.history}`]),
    ].join('\n') + '\n',
  );
}

/** A model file that holds a language model, with its training metadata. */
function loadLanguageModel(path: string): { model: LanguageModel; metadata: Record<string, unknown> } {
  const loaded = load(path);
  if (!(loaded.model instanceof LanguageModel)) throw new UsageError(`${path}: the model is a ${loaded.model.describe()}, not a language model (train one with --arch ${LANGUAGE_MODEL_ARCHS.join('|')})`);
  return { model: loaded.model, metadata: loaded.metadata };
}

/** Whether a model file holds a language model (for `evaluate`). */
export function holdsLanguageModel(metadata: Record<string, unknown>): boolean {
  return metadata['task'] === 'language-model';
}

/** The test split of --data for a language model, encoded with the model's own vocabulary. */
function testSplit(model: LanguageModel, data: string, seed: number): TensorDataset {
  const vocab = new CharVocabulary([...model.data.vocab]);
  if (data === 'names') return lineDataset(splitExamples(names(), seed).test, vocab, model.data.blockSize, 'names');
  const text = readUtf8File(data, 'chainrule', (line, reason) => new FileError(data, 'read', `${line === null ? '' : `line ${line}: `}${reason}`));
  if (model.data.mode === 'text') {
    const chars = [...text];
    return textDataset(chars.slice(Math.floor(chars.length * 0.9)).join(''), vocab, model.data.blockSize, model.data.blockSize, `${data} (test part)`);
  }
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  return lineDataset(splitExamples(lines, seed).test, vocab, model.data.blockSize, data);
}

/** `evaluate --model lm.json --data names`: the test loss in nats per character. */
export function evaluateLanguageModel(path: string, data: string, seedFlag: number | undefined, json: boolean, io: CliIO): void {
  const { model, metadata } = loadLanguageModel(path);
  const seed = seedFlag ?? (typeof metadata['seed'] === 'number' ? metadata['seed'] : 0);
  const test = testSplit(model, data, seed);
  const loss = languageModelTestLoss(model, test);
  if (json) {
    io.out(JSON.stringify({ data, split: 'test', seed, sequences: test.length, loss }, null, 2) + '\n');
    return;
  }
  io.out(`${path} on ${data} (test split, seed ${seed}), ${test.length} sequences: loss ${loss.toFixed(4)} nats per character\n`);
}

interface SampleFlags {
  model: string;
  n: number;
  temperature: number;
  topK?: number;
  seed: number;
  maxLength?: number;
  prompt?: string;
  json?: boolean;
}

export function registerSample(program: Command, io: CliIO): void {
  program
    .command('sample')
    .description('draw text from a trained language model, one character at a time (seeded)')
    .requiredOption('--model <model.json>', 'a language model written by chainrule train --arch bigram|mlp-lm|lstm|transformer')
    .option('--n <count>', 'number of samples', atMost(positiveInteger, 10_000, 'the number of samples'), 20)
    .option('--temperature <t>', 'divide the logits by t: below 1 more conservative, above 1 more varied', positiveNumber, 1)
    .option('--top-k <k>', 'sample among the k most likely characters only', positiveInteger)
    .option('--seed <n>', 'seed of the sampling: the same seed gives the same samples', nonNegativeInteger, 0)
    .option('--max-length <n>', 'characters per sample at most', atMost(positiveInteger, MAX_BLOCK_SIZE * 16, 'the length'))
    .option('--prompt <text>', 'running-text models: the text to continue')
    .addOption(jsonOption())
    .action((flags: SampleFlags) => {
      const { model } = loadLanguageModel(flags.model);
      if (flags.prompt !== undefined && model.data.mode === 'lines') throw new UsageError('--prompt applies to a model of a running text; a model of lines starts each sample at the boundary');
      const samples = sampleLanguageModel(model, {
        n: flags.n,
        temperature: flags.temperature,
        seed: flags.seed,
        ...(flags.topK === undefined ? {} : { topK: flags.topK }),
        ...(flags.maxLength === undefined ? {} : { maxLength: flags.maxLength }),
        ...(flags.prompt === undefined ? {} : { prompt: flags.prompt }),
      });
      io.out(flags.json === true ? JSON.stringify({ samples }, null, 2) + '\n' : samples.join('\n') + '\n');
    });
}
