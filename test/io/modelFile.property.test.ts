// Property: random edits of a valid model file — bytes flipped, deleted, inserted, the file cut
// short, JSON values of the payload replaced — with and without the checksum recomputed, fed to
// loadFromText and load: each either loads, and the model then runs a forward pass, or throws a
// ModelFileError. Never another exception.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { Adam, Dropout, Linear, ModelFileError, Sequential, Tanh, load, loadFromText, modelFileText, zeros, type LoadedModel } from '../../src/index.js';
import { crc32 } from '../../src/io/crc32.js';

const dir = mkdtempSync(join(tmpdir(), 'chainrule-model-prop-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const model = new Sequential(new Linear(2, 3, { seed: 1 }), new Tanh(), new Dropout(0.25, { seed: 2 }), new Linear(3, 1, { seed: 3 }));
const FILE = modelFileText(model, { optimizer: new Adam(model.parameters(), { lr: 0.01 }), metadata: { task: 'binary', classes: ['a', 'é'] }, timestamp: false });
const PAYLOAD = (JSON.parse(FILE) as { payload: string }).payload;

type Edit = { kind: 'flip' | 'insert' | 'delete' | 'truncate'; at: number; byte: number };

const edit: fc.Arbitrary<Edit> = fc.record({ kind: fc.constantFrom('flip', 'insert', 'delete', 'truncate'), at: fc.nat(), byte: fc.integer({ min: 1, max: 255 }) });

function applyEdits(bytes: Uint8Array, edits: readonly Edit[]): Uint8Array {
  let b = bytes;
  for (const e of edits) {
    const at = b.length === 0 ? 0 : e.at % b.length;
    if (e.kind === 'flip' && b.length > 0) {
      b = b.slice();
      b[at] = b[at]! ^ e.byte;
    } else if (e.kind === 'insert') b = Uint8Array.of(...b.subarray(0, at), e.byte, ...b.subarray(at));
    else if (e.kind === 'delete') b = Uint8Array.of(...b.subarray(0, at), ...b.subarray(at + 1));
    else if (e.kind === 'truncate') b = b.subarray(0, at);
  }
  return b;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const wrap = (payload: string) => JSON.stringify({ format: 'chainrule-model', version: 1, checksum: crc32(payload), payload }) + '\n';

// Sizes stay small: a config that asks for a huge layer is allocated before the weights are
// compared (see the report of issue 14), and would only make the test slow.
const REPLACEMENTS: unknown[] = [null, true, false, 0, -1, 1, 2, 3, 1.5, 1e4, -0, '', 'int32', 'float64', 'bool', 'Linear', 'Tanh', 'Softmax', [], [3], [3, 2], [2, 3], [-3, 2], {}, { type: 'Tanh' }, 'AAAA', 'AAAAAAAAAAAAAAAA', '=', '__proto__'];

/** Every path to a value of `v` (object keys and array indices), for JSON-level edits. */
function paths(v: unknown, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) v.forEach((x, i) => paths(x, [...at, i], out));
  else if (typeof v === 'object' && v !== null) for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}
const PATHS = paths(JSON.parse(PAYLOAD)).filter((p) => p.length > 0);

function replaced(path: readonly (string | number)[], value: unknown, remove: boolean): string {
  const root = JSON.parse(PAYLOAD) as Record<string, unknown>;
  let node: Record<string | number, unknown> = root;
  for (const k of path.slice(0, -1)) node = node[k] as Record<string | number, unknown>;
  const last = path[path.length - 1]!;
  if (remove) delete node[last];
  else node[last] = value;
  return JSON.stringify(root);
}

function check(loaded: () => LoadedModel): void {
  let result: LoadedModel;
  try {
    result = loaded();
  } catch (e) {
    if (e instanceof ModelFileError) return;
    throw e;
  }
  // It loaded: it must be a model that runs.
  const first = result.model.parameters()[0];
  const features = first !== undefined && first.shape.length === 2 ? first.shape[1]! : 2;
  const y = result.model.eval().forward(zeros([2, features], { dtype: first?.dtype ?? 'float32' }));
  assert.equal(y.shape[0], 2);
  assert.equal(typeof result.metadata, 'object');
}

test('random byte edits of a model file, checksum kept or recomputed: loads and runs, or is a ModelFileError', { timeout: 60_000 }, () => {
  const path = join(dir, 'm.json');
  fc.assert(
    fc.property(fc.array(edit, { minLength: 1, maxLength: 3 }), fc.constantFrom('file', 'payload', 'payload'), fc.boolean(), (edits, target, viaDisk) => {
      let bytes: Uint8Array;
      if (target === 'file') bytes = applyEdits(encoder.encode(FILE), edits);
      else bytes = encoder.encode(wrap(decoder.decode(applyEdits(encoder.encode(PAYLOAD), edits))));
      if (viaDisk) {
        writeFileSync(path, bytes);
        check(() => load(path));
      } else check(() => loadFromText('m.json', decoder.decode(bytes)));
    }),
    { numRuns: 600, seed: 14 },
  );
});

test('random JSON edits of a model payload (values replaced or removed, checksum recomputed): loads and runs, or is a ModelFileError', { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(fc.constantFrom(...PATHS), fc.constantFrom(...REPLACEMENTS), fc.boolean(), (path, value, remove) => {
      check(() => loadFromText('m.json', wrap(replaced(path, value, remove))));
    }),
    { numRuns: 600, seed: 15 },
  );
});

test('the unedited file loads (the property tests start from a valid file)', () => {
  const loaded = loadFromText('m.json', FILE);
  assert.deepEqual(loaded.model.config(), model.config());
});
