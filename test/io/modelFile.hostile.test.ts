// Hostile model files and saves (issue 14): payloads that are not an object, stored dtypes that
// do not match the model, metadata JSON cannot hold, a directory as the path, stale temporaries,
// and deterministic saves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FileError, ModelFileError, SGD, ValueError, load, loadFromText, mlp, modelFileText, save } from '../../src/index.js';
import { crc32 } from '../../src/io/crc32.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'chainrule-io-hostile-'));

/** A model file whose payload is `payload` verbatim, with a correct checksum (as a hand-editor who recomputes it writes). */
function wrap(payload: string): string {
  return JSON.stringify({ format: 'chainrule-model', version: 1, checksum: crc32(payload), payload }) + '\n';
}

interface Payload {
  model: unknown;
  parameters: Record<string, { shape: unknown; dtype: unknown; data: unknown } | unknown>;
  optimizer: unknown;
  metadata: unknown;
}

function payloadOf(text: string): Payload {
  return JSON.parse((JSON.parse(text) as { payload: string }).payload) as Payload;
}

function throwsModelFile(fn: () => unknown, pattern: RegExp, label: string): void {
  assert.throws(fn, (e: unknown) => e instanceof ModelFileError && pattern.test(e.message), label);
}

test('a payload that is not a JSON object (truncated, null, an array, a number, a string) is a ModelFileError naming the file', () => {
  const good = (JSON.parse(modelFileText(mlp([2, 3, 1], { seed: 0 }))) as { payload: string }).payload;
  const cases: [string, RegExp][] = [
    [good.slice(0, good.length >> 1), /^m\.json: the payload is not valid JSON \(/],
    ['', /^m\.json: the payload is not valid JSON/],
    ['null', /^m\.json: the payload is null, not an object with the model, its parameters and metadata$/],
    ['[1,2]', /^m\.json: the payload is an array, not an object/],
    ['42', /^m\.json: the payload is the number 42, not an object/],
    ['"x"', /^m\.json: the payload is the string "x", not an object/],
    ['{}', /^m\.json: the payload's model description is missing, not an object with a type$/],
    ['{"model":null,"parameters":{}}', /the payload's model description is null/],
    ['{"model":{"type":"Linear"},"parameters":[]}', /^m\.json: the payload's parameters are an array, not an object of named tensors$/],
    ['{"model":{"type":"Linear"},"parameters":{},"metadata":7}', /^m\.json: the payload's metadata is the number 7, not an object$/],
    ['{"model":{"type":"Linear"},"parameters":{},"optimizer":"adam"}', /^m\.json: the payload's optimizer state is the string "adam", not an object$/],
  ];
  for (const [payload, pattern] of cases) throwsModelFile(() => loadFromText('m.json', wrap(payload)), pattern, payload.slice(0, 40));
  // The same through load(): the file's path is named.
  const dir = tmp();
  const path = join(dir, 'm.json');
  writeFileSync(path, wrap('null'));
  throwsModelFile(() => load(path), new RegExp(`^${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: the payload is null`), 'load');
});

test('malformed stored parameters (null, a bad shape, a huge shape, an unknown layer type) are ModelFileErrors', () => {
  const text = modelFileText(mlp([2, 3, 1], { seed: 0 }));
  const edit = (f: (p: Payload) => void): string => {
    const p = payloadOf(text);
    f(p);
    return wrap(JSON.stringify(p));
  };
  const param = (p: Payload) => p.parameters['0.weight'] as { shape: unknown; dtype: unknown; data: unknown };
  throwsModelFile(() => loadFromText('m.json', edit((p) => (p.parameters['0.weight'] = null))), /^m\.json: parameter '0\.weight' is malformed \(needs shape, dtype and data\)$/, 'null');
  for (const shape of [[3, -2], [3, 1.5], ['3', 2], [1e300, 1e300], [2 ** 40, 2 ** 40]]) {
    throwsModelFile(() => loadFromText('m.json', edit((p) => (param(p).shape = shape))), /^m\.json: parameter '0\.weight' has an invalid shape \[.*\] \(needs non-negative integers\)$/, JSON.stringify(shape));
  }
  throwsModelFile(() => loadFromText('m.json', edit((p) => (param(p).shape = [3000, 2000]))), /parameter '0\.weight' of shape \[3000, ?2000\] needs 24000000 bytes, the file has 24$/, 'big shape');
  throwsModelFile(
    () => loadFromText('m.json', edit((p) => ((p.model as { type: string }).type = 'Transformer'))),
    /^m\.json: the model description cannot be rebuilt: .*Transformer/,
    'unknown type',
  );
});

test('a parameter stored as int32 (checksum recomputed) is refused, naming the parameter, the stored and the expected dtype', () => {
  const model = mlp([2, 3, 1], { seed: 0 });
  const p = payloadOf(modelFileText(model));
  // Same byte length (4 bytes per element): before, the bytes were read as integers and loaded.
  (p.parameters['0.weight'] as { dtype: string }).dtype = 'int32';
  throwsModelFile(
    () => loadFromText('m.json', wrap(JSON.stringify(p))),
    /^m\.json: parameter '0\.weight' is stored as int32 but the model's '0\.weight' is float32 as rebuilt from the file's description; the file was edited, does not belong to this model, or a custom module's config\(\) does not record its dtype$/,
    'int32',
  );
});

test('a float64 parameter in a float32 model is refused; a float64 model with float64 parameters loads', () => {
  const model64 = mlp([2, 3, 1], { seed: 0, dtype: 'float64' });
  const model32 = mlp([2, 3, 1], { seed: 0 });
  const p = payloadOf(modelFileText(model32));
  const p64 = payloadOf(modelFileText(model64));
  p.parameters['2.bias'] = p64.parameters['2.bias'];
  throwsModelFile(() => loadFromText('m.json', wrap(JSON.stringify(p))), /parameter '2\.bias' is stored as float64 but the model's '2\.bias' is float32/, 'float64');
  const back = loadFromText('m.json', modelFileText(model64)).model;
  assert.deepEqual(back.parameters().map((t) => t.dtype), ['float64', 'float64', 'float64', 'float64']);
});

test('metadata JSON cannot store is a ValueError naming the key path, and nothing is written', () => {
  const model = mlp([2, 3, 1], { seed: 0 });
  const cyclic: Record<string, unknown> = { a: { b: 1 } };
  (cyclic['a'] as Record<string, unknown>)['self'] = cyclic['a'];
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ final: { loss: NaN } }, /^metadata\.final\.loss is NaN; JSON has no NaN, so it cannot be saved in a model file$/],
    [{ history: [1, Infinity] }, /^metadata\.history\[1\] is Infinity; JSON has no infinities/],
    [{ 'odd key': -Infinity }, /^metadata\["odd key"\] is -Infinity/],
    [cyclic, /^metadata\.a\.self is metadata\.a itself \(a cycle\)/],
    [{ n: 10n }, /^metadata\.n is the BigInt 10n/],
    [{ f: () => 1 }, /^metadata\.f is a function/],
    [{ list: [1, undefined] }, /^metadata\.list\[1\] is undefined/],
    // eslint-disable-next-line no-sparse-arrays
    [{ holes: [1, , 3] }, /^metadata\.holes\[1\] is a hole in the array/],
    [{ boxed: new Number(NaN) }, /^metadata\.boxed is NaN/],
    [{ typed: new Float32Array([1, 2]) }, /^metadata\.typed is a Float32Array/],
    [{ when: new Date(NaN) }, /^metadata\.when is an invalid Date/],
    [{ self: { toJSON() { return this; }, x: NaN } }, /^metadata\.self is an object whose toJSON\(\) returns itself/],
    [{ m: new Map([[1, 2]]) }, /^metadata\.m is a Map/],
  ];
  const dir = tmp();
  const path = join(dir, 'm.json');
  for (const [metadata, pattern] of cases) {
    assert.throws(() => modelFileText(model, { metadata }), (e: unknown) => e instanceof ValueError && pattern.test(e.message), pattern.source);
    assert.throws(() => save(model, path, { metadata }), ValueError);
  }
  for (const metadata of [null, [1], 5]) {
    // Deliberately not a Record: what a JavaScript caller may pass.
    const options = JSON.parse(JSON.stringify({ metadata })) as { metadata: Record<string, unknown> };
    assert.throws(() => modelFileText(model, options), (e: unknown) => e instanceof ValueError && /^modelFileText: metadata must be an object of named values/.test(e.message), String(metadata));
  }
  assert.deepEqual(readdirSync(dir), []);
  // What JSON does hold is kept: dates as their ISO text, an object shared by two keys (no cycle).
  const shared = { k: 1 };
  // An undefined property is left out, as JSON does (optional fields such as a CSV's stats), and reads back undefined.
  const loaded = loadFromText('m.json', modelFileText(model, { metadata: { when: new Date(0), a: shared, b: shared, stats: undefined } })).metadata;
  assert.equal(loaded['when'], '1970-01-01T00:00:00.000Z');
  assert.equal('stats' in loaded, false);
  assert.deepEqual(loaded['b'], { k: 1 });
});

test('an optimizer state holding NaN (a diverged run) is a ValueError, not nulls in the file', () => {
  const model = mlp([1, 1], { seed: 0 });
  const optimizer = new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
  const state = optimizer.stateDict();
  optimizer.stateDict = () => ({ ...state, buffers: { '0': { momentum: [0.5, NaN] } } });
  assert.throws(() => modelFileText(model, { optimizer }), (e: unknown) => e instanceof ValueError && /^optimizer\.buffers\["0"\]\.momentum\[1\] is NaN; JSON has no NaN/.test(e.message));
});

test('save(model, dir) with a directory as the path is a FileError, and no temporary file is left', () => {
  const dir = tmp();
  const target = join(dir, 'models');
  mkdirSync(target);
  assert.throws(
    () => save(mlp([2, 3, 1], { seed: 0 }), target),
    (e: unknown) => e instanceof FileError && e.code === 'EISDIR' && e.message === `${target}: cannot write the file: it is a directory`,
  );
  assert.deepEqual(readdirSync(dir), ['models']);
  assert.deepEqual(readdirSync(target), []);
});

test('a save removes the temporaries that killed writers left for the same file, never a live writer\'s', () => {
  const dir = tmp();
  const path = join(dir, 'm.json');
  // A pid that is certainly not running: a child that has exited (and been reaped).
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  const deadPid = Number(child.stdout);
  assert.ok(Number.isInteger(deadPid) && deadPid > 0);
  assert.throws(() => process.kill(deadPid, 0), /ESRCH/);
  const stale = `.m.json.${deadPid}.1700000000000.tmp`;
  const live = `.m.json.${process.pid}.1700000000001.tmp`;
  const parentLive = `.m.json.${process.ppid}.1700000000002.tmp`;
  const otherTarget = `.other.json.${deadPid}.1700000000003.tmp`;
  const lookalike = `.m.json.${deadPid}.x.tmp`;
  for (const name of [stale, live, parentLive, otherTarget, lookalike]) writeFileSync(join(dir, name), 'half a model');
  save(mlp([2, 3, 1], { seed: 0 }), path);
  assert.deepEqual(readdirSync(dir).sort(), [live, parentLive, lookalike, otherTarget, 'm.json'].sort());
  assert.ok(!existsSync(join(dir, stale)));
  load(path);
});

test('with timestamp: false two saves of the same model are byte-identical, and load as before', () => {
  const dir = tmp();
  const a = join(dir, 'a.json');
  const b = join(dir, 'b.json');
  const make = () => mlp([2, 4, 1], { seed: 3 });
  save(make(), a, { timestamp: false, metadata: { run: 1 } });
  // A different millisecond would change savedAt: wait for the clock to move.
  const t = Date.now();
  while (Date.now() === t) {
    /* spin one millisecond */
  }
  save(make(), b, { timestamp: false, metadata: { run: 1 } });
  assert.ok(readFileSync(a).equals(readFileSync(b)));
  const loaded = load(a);
  assert.equal(loaded.metadata['savedAt'], undefined);
  assert.equal(loaded.metadata['run'], 1);
  // The default still stamps the time.
  assert.match(String(load((save(make(), b), b)).metadata['savedAt']), /^\d{4}-\d\d-\d\dT/);
});

test('load() of a file that is not UTF-8 is a ModelFileError naming the byte', () => {
  const dir = tmp();
  const path = join(dir, 'm.json');
  const text = Buffer.from(modelFileText(mlp([2, 3, 1], { seed: 0 })));
  text[40] = 0xff;
  writeFileSync(path, text);
  throwsModelFile(() => load(path), /: not a chainrule model file: byte 40 is not UTF-8 text$/, 'utf8');
});
