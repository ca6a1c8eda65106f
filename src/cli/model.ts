/** Reading what `chainrule train` stored in a model file's metadata, for predict and evaluate. */
import { ModelFileError } from '../errors.js';
import { load } from '../io/node.js';
import type { LoadedModel } from '../io/model.js';
import type { CsvStats } from '../data/csv.js';
import { canonicalLossName, type LossName } from '../nn/losses.js';
import type { Task } from '../train/experiment.js';
import type { DataMetadata } from './data.js';

export interface TrainedModelFile extends LoadedModel {
  readonly task: Task;
  readonly loss: LossName;
  readonly logits: boolean;
  readonly seed: number;
  /** Built-in datasets: the sample size and noise trained with, when not the defaults. */
  readonly n: number | undefined;
  readonly noise: number | undefined;
  readonly data: DataMetadata;
}

function strings(v: unknown): readonly string[] | undefined {
  return Array.isArray(v) && v.every((s) => typeof s === 'string') ? (v as string[]) : undefined;
}

function stats(v: unknown): CsvStats | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const o = v as Record<string, unknown>;
  const nums = (a: unknown) => (Array.isArray(a) && a.every((x) => typeof x === 'number') ? (a as number[]) : undefined);
  const features = strings(o['features']);
  const means = nums(o['means']);
  const stds = nums(o['stds']);
  return features && means && stds ? { features, means, stds } : undefined;
}

/** Loads a model file and the training metadata predict/evaluate need; a file without it is an error naming what is missing. */
export function loadTrainedModel(path: string): TrainedModelFile {
  const loaded = load(path);
  const m = loaded.metadata;
  const task = m['task'];
  if (task !== 'regression' && task !== 'binary' && task !== 'multiclass') {
    throw new ModelFileError(`${path}: the metadata has no task (regression, binary or multiclass); was it saved by 'chainrule train' or with save(model, path, { metadata: { task, loss, data } })?`);
  }
  const loss = typeof m['loss'] === 'string' ? canonicalLossName(m['loss']) : undefined;
  if (loss === undefined) throw new ModelFileError(`${path}: the metadata does not name a known loss (got ${JSON.stringify(m['loss'])})`);
  const featureNames = strings(m['featureNames']);
  const classes = strings(m['classes']);
  const st = stats(m['stats']);
  const data: DataMetadata = {
    data: typeof m['data'] === 'string' ? m['data'] : '<unknown>',
    ...(featureNames === undefined ? {} : { featureNames }),
    ...(typeof m['targetName'] === 'string' ? { targetName: m['targetName'] } : {}),
    ...(classes === undefined ? {} : { classes }),
    ...(st === undefined ? {} : { stats: st }),
  };
  return { ...loaded, task, loss, logits: m['logits'] === true, seed: typeof m['seed'] === 'number' ? m['seed'] : 0,
    n: typeof m['n'] === 'number' ? m['n'] : undefined,
    noise: typeof m['noise'] === 'number' ? m['noise'] : undefined,
    data,
  };
}
