// The names corpus as chainrule splits it (src/data/text.ts: lineCorpus), for scripts/oracles/char_lm.py:
// prints { vocab, blockSize, train, validation, test } as JSON. Needs a build (npm run build).
// Run: node scripts/oracles/names_split.mjs [seed]
import { names, splitExamples, CharVocabulary, lineBlockSize } from '../../dist/src/data/text.js';

const seed = Number(process.argv[2] ?? 0);
const all = names();
const split = splitExamples(all, seed);
process.stdout.write(JSON.stringify({ seed, vocab: CharVocabulary.fromTexts(all).chars.join(''), blockSize: lineBlockSize(all), ...split }) + '\n');
