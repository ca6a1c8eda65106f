/**
 * `chainrule train --arch`: the `cnn` preset, or any model description in the model file's
 * config format (`{ "type": "Sequential", "layers": [ … ] }`), so a CNN needs no code. The preset
 * is itself such a description: what `--arch cnn` trains is what a file would hold.
 */
import { statSync } from 'node:fs';
import { ChainruleError, fsErrorCode, fsErrorReason } from '../errors.js';
import { readUtf8File } from '../data/utf8.js';
import { MAX_PARAMETERS } from '../limits.js';
import { noGrad } from '../autograd/mode.js';
import type { Module, ModuleConfig } from '../nn/module.js';
import { moduleFromConfig } from '../nn/registry.js';
import type { TensorDataset } from '../data/dataset.js';
import { formatShape } from '../tensor/shape.js';
import { UsageError } from './io.js';

/** Training settings an architecture comes with, used for the flags not given. */
export interface ArchDefaults {
  readonly lr: number;
  readonly epochs: number;
  readonly batchSize: number;
  readonly valSplit: number;
  /** Cosine annealing of the learning rate over the epochs. */
  readonly cosine: boolean;
}

export interface Arch {
  /** 'cnn', or the file's path: named in the summary, the metadata and errors. */
  readonly name: string;
  /** The description (the preset's seeded with the run's seed, for its random shifts). */
  readonly config: ModuleConfig;
  /** The preset's settings; a file comes with none (the MLP's defaults apply). */
  readonly defaults: ArchDefaults | undefined;
}

const conv = (inChannels: number, outChannels: number): ModuleConfig => ({ type: 'Conv2d', inChannels, outChannels, kernelSize: 5, padding: 2 });

/**
 * LeNet-like, for the digits' 28×28 images. The 784 pixels of a row are unflattened to
 * [1, 28, 28] in the model itself, so a model file takes the same flat rows as an MLP's (a CSV
 * of 784 columns, or --data digits) and predict/evaluate need nothing more. RandomShift moves
 * each training image by up to 2 pixels (the identity in evaluation). Measured with PyTorch on
 * the same split (scripts/oracles/digits_cnn.py and its exploration, 10 epochs): without the
 * shifts this network stops near 97.3% on the test split, wide (16 and 32 filters) or not;
 * with them 97.6%; with batch norm after each convolution as well, 98%+. Eight and sixteen 5×5
 * filters, as 16 and 32 reach the same accuracy with 3.5× the work; 3×3 filters stop near 96.8%.
 */
export function cnnPreset(seed: number): ModuleConfig {
  return {
    type: 'Sequential',
    layers: [
      { type: 'Unflatten', dim: 1, unflattenedSize: [1, 28, 28] },
      { type: 'RandomShift', maxShift: 2, seed },
      conv(1, 8),
      { type: 'BatchNorm2d', numFeatures: 8 },
      { type: 'ReLU' },
      { type: 'MaxPool2d', kernelSize: 2 },
      conv(8, 16),
      { type: 'BatchNorm2d', numFeatures: 16 },
      { type: 'ReLU' },
      { type: 'MaxPool2d', kernelSize: 2 },
      { type: 'Flatten' },
      { type: 'Linear', inFeatures: 16 * 7 * 7, outFeatures: 10 },
    ],
  };
}

/** Adam at 0.003 annealed to 0 over 10 epochs on a cosine, batches of 32, all 8,000 images trained on (digits has its test split). */
export const CNN_DEFAULTS: ArchDefaults = { lr: 0.003, epochs: 10, batchSize: 32, valSplit: 0, cosine: true };

export const ARCH_PRESETS = ['cnn'] as const;

/** The flag's value: a preset by name, or a JSON file read and parsed here (errors name the file, exit code 2). */
export function readArch(value: string, seed: number): Arch {
  if (value.toLowerCase() === 'cnn') return { name: 'cnn', config: cnnPreset(seed), defaults: CNN_DEFAULTS };
  if (!/\.json$/i.test(value)) {
    let exists = true;
    try {
      statSync(value);
    } catch {
      exists = false;
    }
    if (!exists) throw new UsageError(`--arch '${value}' is neither a preset (${ARCH_PRESETS.join(', ')}) nor a JSON file`);
  }
  let text: string;
  try {
    if (statSync(value).isDirectory()) throw new UsageError(`${value}: it is a directory, not an architecture file`);
    text = readUtf8File(value, 'chainrule', (line, reason) => new UsageError(`${value}${line === null ? '' : `:${line}`}: ${reason}`));
  } catch (e) {
    if (e instanceof ChainruleError) throw e;
    throw new UsageError(`${value}: ${fsErrorCode(e) === 'ENOENT' ? 'no such file' : `cannot read the architecture file: ${fsErrorReason(e)}`}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (e) {
    throw new UsageError(`${value}: not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new UsageError(`${value}: an architecture file holds one module description such as { "type": "Sequential", "layers": [ … ] }, got ${Array.isArray(parsed) ? 'an array' : JSON.stringify(parsed)}`);
  }
  // A whole model file (what `train --out` writes) is accepted too: its description is under "model".
  const o = parsed as Record<string, unknown>;
  const config = typeof o['format'] === 'string' && typeof o['model'] === 'object' && o['model'] !== null ? o['model'] : parsed;
  if (typeof (config as Record<string, unknown>)['type'] !== 'string') {
    throw new UsageError(`${value}: the description has no string "type" field (e.g. { "type": "Sequential", "layers": [ … ] })`);
  }
  return { name: value, config: config as ModuleConfig, defaults: undefined };
}

/**
 * Builds the architecture with seeded initial weights and checks it against the data with one
 * sample: a layer that does not fit (a convolution fed flat rows, a Linear of the wrong width)
 * or an output that is not one value per class is a one-line error naming the file.
 */
export function buildArch(arch: Arch, seed: number, dataset: TensorDataset, outputs: number, task: string): Module {
  let model: Module;
  try {
    model = moduleFromConfig(arch.config, { maxParameters: MAX_PARAMETERS, seed });
  } catch (e) {
    if (!(e instanceof ChainruleError)) throw e;
    throw new UsageError(`${arch.name}: ${e.message.replace(/^moduleFromConfig: /, '').replace(/^(model\S*): the description asks/, '$1: the architecture asks').replace(/its stored weights can hold/, `a model trained here may have (MAX_PARAMETERS)`)}`);
  }
  const sample = dataset.subset([0]).x;
  const parameter = model.parameters()[0];
  const x = parameter !== undefined && parameter.dtype !== sample.dtype ? sample.cast(parameter.dtype) : sample;
  let shape: readonly number[];
  try {
    model.eval();
    shape = noGrad(() => model.forward(x)).shape;
  } catch (e) {
    if (!(e instanceof ChainruleError)) throw e;
    const side = Math.round(Math.sqrt(x.shape[1] ?? 0));
    const image = side * side === x.shape[1] ? `[1, ${side}, ${side}]` : '[channels, height, width]';
    const flat = x.ndim === 2 ? ` (the data's rows are flat, ${x.shape[1]} values: start with an Unflatten layer, e.g. { "type": "Unflatten", "dim": 1, "unflattenedSize": ${image} })` : '';
    const first = firstLayerType(arch.config);
    throw new UsageError(`${arch.name}: the model does not fit the data: ${e.message}${first !== undefined && /^Conv/.test(first) ? flat : ''}`);
  } finally {
    model.train();
  }
  if (shape.length !== 2 || shape[1] !== outputs) {
    throw new UsageError(`${arch.name}: the model's output for one sample has shape ${formatShape(shape)}; the ${task} task needs ${outputs} output${outputs === 1 ? '' : 's'} per sample ([1, ${outputs}])`);
  }
  return model;
}

function firstLayerType(config: ModuleConfig): string | undefined {
  const layers = config['layers'];
  const first: unknown = config.type === 'Sequential' && Array.isArray(layers) ? layers[0] : config;
  const type = typeof first === 'object' && first !== null ? (first as Record<string, unknown>)['type'] : undefined;
  return typeof type === 'string' ? type : undefined;
}
