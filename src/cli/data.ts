/**
 * How the CLI reads `--data`: a built-in dataset by name, or a CSV file. Shared by `train`,
 * `evaluate` and `predict`, so all three read a file the same way.
 */
import { existsSync, statSync } from 'node:fs';
import { isDatasetName, loadDataset, DATASET_NAMES, type LoadDatasetOptions } from '../data/datasets.js';
import { TensorDataset } from '../data/dataset.js';
import { DIGIT_PIXELS } from '../data/digits.js';
import { parseCsv, parseCsvFeatures, parseCsvTable, type CsvStats } from '../data/csv.js';
import { readUtf8File } from '../data/utf8.js';
import { CsvError, ValueError, fsErrorCode, fsErrorReason } from '../errors.js';
import { tensor } from '../tensor/create.js';
import { UsageError } from './io.js';

/** What a model file's metadata records about its data, for predict and evaluate. */
export interface DataMetadata {
  readonly data: string;
  readonly featureNames?: readonly string[];
  readonly targetName?: string;
  readonly classes?: readonly string[];
  readonly stats?: CsvStats;
}

export interface LoadedData {
  readonly dataset: TensorDataset;
  readonly source: 'builtin' | 'csv';
  readonly metadata: DataMetadata;
}

export interface BuiltinFlags {
  readonly n?: number | undefined;
  readonly noise?: number | undefined;
  readonly seed?: number | undefined;
  readonly split?: 'train' | 'test' | undefined;
  /** digits: only the first `limit` images of the split. */
  readonly limit?: number | undefined;
}

/** Whether `data` names a CSV file (by extension or because it exists) rather than a built-in dataset. */
export function isCsvPath(data: string): boolean {
  return /\.(csv|tsv|txt)$/i.test(data) || (!isDatasetName(data) && existsSync(data));
}

/**
 * The data file's text, read once (a pipe such as `<(cat d.csv)` or /dev/stdin can be read only
 * once), as strict UTF-8; a missing file, a directory or an unreadable file is a CsvError naming it.
 */
export function readDataFile(path: string): string {
  try {
    if (statSync(path).isDirectory()) throw new CsvError(path, null, 'it is a directory, not a CSV file');
  } catch (e) {
    if (e instanceof CsvError) throw e;
    if (fsErrorCode(e) === 'ENOENT') throw new CsvError(path, null, 'no such file');
    throw new CsvError(path, null, `cannot read the file: ${fsErrorReason(e)}`);
  }
  return readUtf8File(path, 'chainrule', (line, reason) => new CsvError(path, line, reason));
}

function builtinOptions(name: string, flags: BuiltinFlags): LoadDatasetOptions {
  if (name === 'digits') {
    if (flags.n !== undefined || flags.noise !== undefined) throw new UsageError("the digits dataset takes no --n or --noise; use --limit to train on fewer images");
    return { split: flags.split ?? 'train', ...(flags.limit === undefined ? {} : { limit: flags.limit }) };
  }
  if (flags.limit !== undefined) throw new UsageError(`--limit applies to the digits dataset; '${name}' takes --n, the number of samples`);
  if (name === 'tutorial') return {};
  return { n: flags.n, noise: flags.noise, seed: flags.seed };
}

/**
 * A digits model also reads CSV files of images: one row per image, the 784 grey levels in [0, 1]
 * row by row in columns pixel0…pixel783 and the digit in 'label' (Kaggle's digit-recognizer
 * column names; its 0–255 levels divided by 255).
 */
const DIGITS_CSV = { featureNames: Array.from({ length: DIGIT_PIXELS }, (_, i) => `pixel${i}`), targetName: 'label' } as const;

/** A built-in dataset by name, with the flags that apply to it. */
export function loadBuiltin(name: string, flags: BuiltinFlags): LoadedData {
  if (!isDatasetName(name)) {
    throw new UsageError(`--data '${name}' is neither a CSV file nor a built-in dataset (${DATASET_NAMES.join(', ')})`);
  }
  const dataset = loadDataset(name, builtinOptions(name, flags));
  return { dataset, source: 'builtin', metadata: { data: name, ...(dataset.classes === undefined ? {} : { classes: dataset.classes }), ...(name === 'digits' ? DIGITS_CSV : {}) } };
}

export interface CsvFlags {
  readonly target?: string;
  readonly features?: readonly string[];
  readonly targetType?: 'numeric' | 'categorical' | 'auto';
  readonly standardize?: boolean;
  /** The dtype to read the numbers in (float64 keeps values float32 cannot hold). */
  readonly dtype?: 'float32' | 'float64';
}

/** A CSV's target type when not given: categorical when any target value is not a number. */
function detectTargetType(path: string, text: string, target: string): 'numeric' | 'categorical' {
  const table = parseCsvTable(text, { file: path });
  const column = table.header.indexOf(target);
  if (column < 0) return 'numeric'; // loadCsv names the missing column
  return table.rows.every((row) => row[column] !== undefined && row[column]!.trim() !== '' && Number.isFinite(Number(row[column])))
    ? 'numeric'
    : 'categorical';
}

/** A CSV file as a training set: categorical targets become int32 labels; features standardised by default. */
export function loadCsvForTraining(path: string, flags: CsvFlags): LoadedData {
  if (flags.target === undefined) throw new UsageError(`--data ${path} is a CSV file: name its target column with --target`);
  const text = readDataFile(path);
  const targetType = flags.targetType === undefined || flags.targetType === 'auto' ? detectTargetType(path, text, flags.target) : flags.targetType;
  const csv = parseCsv(text, {
    file: path,
    target: flags.target,
    targetType,
    encoding: 'index',
    standardize: flags.standardize ?? true,
    ...(flags.dtype === undefined ? {} : { dtype: flags.dtype }),
    ...(flags.features === undefined ? {} : { features: flags.features }),
  });
  return {
    dataset: csv.dataset,
    source: 'csv',
    metadata: {
      data: path,
      featureNames: csv.featureNames,
      targetName: csv.targetName,
      ...(csv.classes === undefined ? {} : { classes: csv.classes }),
      ...(csv.stats === undefined ? {} : { stats: csv.stats }),
    },
  };
}

/** The feature matrix of a CSV for a trained model: its feature columns, standardised as in training. */
export function loadCsvInputs(path: string, meta: DataMetadata, text: string = readDataFile(path)): ReturnType<typeof parseCsvFeatures> {
  if (meta.featureNames === undefined) {
    throw new UsageError(`the model was trained on the built-in dataset '${meta.data}', so it has no CSV feature names; pass --data ${meta.data}`);
  }
  return parseCsvFeatures(text, { file: path, features: meta.featureNames, ...(meta.stats === undefined ? {} : { stats: meta.stats }) });
}

/** A labelled CSV for evaluating a trained model: its features as in training, its targets mapped to the model's classes. */
export function loadCsvForEvaluation(path: string, meta: DataMetadata, task: string): TensorDataset {
  const text = readDataFile(path);
  const { x } = loadCsvInputs(path, meta, text);
  const target = meta.targetName;
  if (target === undefined) throw new ValueError('the model file does not name its target column');
  if (task === 'multiclass' && meta.classes !== undefined) {
    const csv = parseCsv(text, { file: path, target, targetType: 'categorical', encoding: 'index', features: meta.featureNames });
    const known = new Map(meta.classes.map((c, k) => [c, k] as const));
    const fileClasses = csv.classes ?? [];
    const labels = Array.from(csv.labels!._data, (k) => {
      const name = fileClasses[k]!;
      const mapped = known.get(name);
      if (mapped === undefined) throw new CsvError(path, null, `class '${name}' in column '${target}' is not one the model knows (${meta.classes!.join(', ')})`);
      return mapped;
    });
    return new TensorDataset(x, tensor(Int32Array.from(labels), { shape: [labels.length] }), meta.classes);
  }
  const csv = parseCsv(text, { file: path, target, targetType: 'numeric', features: meta.featureNames });
  return new TensorDataset(x, csv.dataset.y);
}
