/** The model-file factory of LanguageModel: its config checked field by field, its parameters reserved before they are allocated. */
import { ValueError } from '../errors.js';
import { LANGUAGE_MODEL_KINDS, LanguageModel, languageModelParameterCount, type LanguageModelKind, type LanguageModelSizes } from './languageModels.js';
import type { ModuleFactory } from './registry.js';

const SIZE_FIELDS = ['embed', 'hidden', 'context', 'layers', 'heads', 'feedforward'] as const;

export const LANGUAGE_MODEL_FACTORY: ModuleFactory = (c, ctx, path) => {
  const bad = (field: string, expected: string, value: unknown) => new ValueError(`moduleFromConfig: ${path}: LanguageModel.${field} must be ${expected}, got ${JSON.stringify(value) ?? String(value)}`);
  const kind = c['kind'];
  if (typeof kind !== 'string' || !(LANGUAGE_MODEL_KINDS as readonly string[]).includes(kind)) throw bad('kind', `one of ${LANGUAGE_MODEL_KINDS.join(', ')}`, kind);
  const vocab = c['vocab'];
  if (typeof vocab !== 'string' || vocab.length === 0 || [...vocab].length > 65_536) throw bad('vocab', 'a non-empty string of the vocabulary characters', vocab);
  const blockSize = c['blockSize'];
  if (typeof blockSize !== 'number' || !Number.isInteger(blockSize) || blockSize < 1 || blockSize > 1024) throw bad('blockSize', 'an integer from 1 to 1024', blockSize);
  const mode = c['mode'];
  if (mode !== 'lines' && mode !== 'text') throw bad('mode', "'lines' or 'text'", mode);
  const raw = c['sizes'] ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw bad('sizes', 'an object', raw);
  const given = raw as Record<string, unknown>;
  const sizes: Record<string, number> = {};
  for (const field of SIZE_FIELDS) {
    const v = given[field];
    if (v === undefined) continue;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1 || v > 4096) throw bad(`sizes.${field}`, 'an integer from 1 to 4096', v);
    sizes[field] = v;
  }
  const dropout = given['dropout'];
  if (dropout !== undefined && (typeof dropout !== 'number' || !(dropout >= 0 && dropout < 1))) throw bad('sizes.dropout', 'a number in [0, 1)', dropout);
  const all: LanguageModelSizes = { ...sizes, ...(dropout === undefined ? {} : { dropout }) };
  ctx.reserve(languageModelParameterCount(kind as LanguageModelKind, [...vocab].length + 1, blockSize, all), path);
  const dtype = c['dtype'] ?? 'float32';
  if (dtype !== 'float32' && dtype !== 'float64') throw bad('dtype', "'float32' or 'float64'", dtype);
  return new LanguageModel(kind as LanguageModelKind, { vocab, blockSize, mode }, all, { generator: ctx.generator, dtype });
};
