import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import {
  Adam,
  ModelFileError,
  SGD,
  Sequential,
  Linear,
  Tanh,
  Dropout,
  MODEL_FORMAT_VERSION,
  fit,
  load,
  loadFromText,
  mlp,
  modelFileText,
  mse,
  predict,
  save,
  tensor,
  xor,
} from '../../src/index.js';

const tmp = () => mkdtempSync(join(tmpdir(), 'chainrule-io-'));
const values = (ps: { data(): ArrayLike<number> }[]) => ps.map((p) => Array.from(p.data()));

test('save then load gives the same architecture, weights (bit for bit), optimizer state and metadata', () => {
  const dir = tmp();
  const model = mlp([2, 5, 3, 1], { activation: 'tanh', outputActivation: 'sigmoid', seed: 4, dtype: 'float64' });
  const optimizer = new Adam(model.parameters(), { lr: 0.01 });
  fit(model, xor({ n: 32, seed: 0, dtype: 'float64' }), { loss: mse, optimizer, epochs: 3 });
  const path = join(dir, 'm.json');
  save(model, path, { optimizer, metadata: { note: 'xor', epochs: 3 } });
  const loaded = load(path);
  assert.deepEqual(loaded.model.config(), model.config());
  assert.deepEqual(values(loaded.model.parameters()), values(model.parameters()));
  assert.deepEqual(loaded.model.parameters().map((p) => p.dtype), model.parameters().map((p) => p.dtype));
  assert.deepEqual(loaded.optimizerState, JSON.parse(JSON.stringify(optimizer.stateDict())));
  assert.equal(loaded.metadata['note'], 'xor');
  assert.equal(typeof loaded.metadata['chainrule'], 'string');
  const x = tensor([[0.1, -0.3], [0.7, 0.2]], { dtype: 'float64' });
  assert.deepEqual(predict(loaded.model, x).toArray(), predict(model, x).toArray());
  // Only the model file is in the directory: no temporary file left behind.
  assert.deepEqual(readdirSync(dir), ['m.json']);
});

test('float32 weights round-trip exactly, as do hand-built Sequential models with Dropout', () => {
  const model = new Sequential(new Linear(3, 4, { seed: 1 }), new Tanh(), new Dropout(0.25, { seed: 2 }), new Linear(4, 2, { seed: 3 }));
  const back = loadFromText('<text>', modelFileText(model)).model;
  assert.deepEqual(back.config(), model.config());
  assert.deepEqual(values(back.parameters()), values(model.parameters()));
});

test('a truncated file is a ModelFileError that names the file', () => {
  const dir = tmp();
  const path = join(dir, 'm.json');
  save(mlp([2, 3, 1], { seed: 0 }), path);
  const text = readFileSync(path, 'utf8');
  for (const cut of [0, 10, Math.floor(text.length / 2), text.length - 3]) {
    writeFileSync(path, text.slice(0, cut));
    assert.throws(() => load(path), (e: unknown) => e instanceof ModelFileError && e.message.startsWith(path + ': ') && /truncated|not a/.test(e.message), `cut at ${cut}`);
  }
});

test('an edited file fails its checksum; a mismatched one names what does not fit', () => {
  const text = modelFileText(mlp([2, 3, 1], { seed: 0 }));
  const outer = JSON.parse(text) as { payload: string; checksum: string; version: number };
  // A weight edited by hand.
  const payload = JSON.parse(outer.payload) as { parameters: Record<string, { data: string; shape: number[] }>; model: unknown };
  const edited = { ...outer, payload: outer.payload.replace(payload.parameters['0.bias']!.data, 'AAAAAAAAAAAAAAAA') };
  assert.throws(() => loadFromText('m.json', JSON.stringify(edited)), /^ModelFileError: m\.json: checksum mismatch: the file was modified or damaged after it was saved$/);
  // A future version.
  assert.throws(() => loadFromText('m.json', JSON.stringify({ ...outer, version: MODEL_FORMAT_VERSION + 1 })), /model file version 2 is not supported \(this chainrule reads version 1\)/);
  // Not a model file at all.
  assert.throws(() => loadFromText('data.json', '{"x": 1}'), /data\.json: not a chainrule model file/);
  // Weights that do not fit the architecture (a consistent file whose shapes disagree).
  payload.parameters['0.weight']!.shape = [4, 2];
  const rewrap = (p: unknown) => {
    const s = JSON.stringify(p);
    const other = JSON.parse(modelFileText(mlp([2, 3, 1], { seed: 0 }))) as { checksum: string };
    void other;
    return JSON.stringify({ format: 'chainrule-model', version: 1, checksum: crc(s), payload: s });
  };
  assert.throws(() => loadFromText('m.json', rewrap(payload)), /m\.json: parameter '0\.weight' of shape \[4, ?2\] needs 32 bytes, the file has 24/);
});

// The format's CRC-32, written independently here (bitwise, no table) to forge consistent files.
function crc(text: string): string {
  let c = 0xffffffff;
  for (const b of new TextEncoder().encode(text)) {
    c ^= b;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
  }
  return ((c ^ 0xffffffff) >>> 0).toString(16).padStart(8, '0');
}

test('a missing file and a wrong architecture are clear errors; nothing is half-loaded', () => {
  assert.throws(() => load('/nonexistent/m.json'), /^ModelFileError: \/nonexistent\/m\.json: cannot read the model file \(no such file\)$/);
  const text = modelFileText(mlp([2, 3, 1], { seed: 0 }));
  const outer = JSON.parse(text) as { payload: string };
  const payload = JSON.parse(outer.payload) as { parameters: Record<string, unknown> };
  delete payload.parameters['2.bias'];
  const s = JSON.stringify(payload);
  assert.throws(
    () => loadFromText('m.json', JSON.stringify({ format: 'chainrule-model', version: 1, checksum: crc(s), payload: s })),
    /m\.json: the weights do not fit the model described in the file: loadStateDict: missing '2\.bias'/,
  );
});

test('a save killed mid-write never damages the previous file', async () => {
  const dir = tmp();
  const path = join(dir, 'm.json');
  const index = pathToFileURL(join(process.cwd(), 'dist/src/index.js')).href;
  // The child saves a model once, then saves a second one but is killed (SIGKILL, no clean-up)
  // in the middle of writing it: fs.writeSync writes half its bytes, then the process dies.
  const script = `
    import { mlp, save } from ${JSON.stringify(index)};
    save(mlp([64, 128, 10], { seed: 1 }), ${JSON.stringify(path)}, { metadata: { version: 'first' } });
    const fs = process.getBuiltinModule('node:fs');
    const write = fs.writeSync;
    fs.writeSync = (fd, data, ...rest) => {
      write(fd, typeof data === 'string' ? data.slice(0, data.length >> 1) : data.subarray(0, data.length >> 1));
      process.kill(process.pid, 'SIGKILL');
    };
    fs.writeFileSync = (file, data) => { const fd = fs.openSync(file, 'w'); fs.writeSync(fd, data); };
    save(mlp([64, 128, 10], { seed: 2 }), ${JSON.stringify(path)}, { metadata: { version: 'second' } });
    process.stdout.write('not reached\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout.on('data', (d: Buffer) => (out += d));
  child.stderr.on('data', (d: Buffer) => (err += d));
  const signal = await new Promise((r) => child.once('exit', (_code, sig) => r(sig)));
  assert.equal(signal, 'SIGKILL', err);
  assert.equal(out, '');
  // The previous file is whole and loads; it is the first model, not half of the second.
  const loaded = load(path);
  assert.equal(loaded.metadata['version'], 'first');
  assert.deepEqual(values(loaded.model.parameters()), values(mlp([64, 128, 10], { seed: 1 }).parameters()));
  // The half-written temporary file may remain beside it, never in its place.
  for (const f of readdirSync(dir)) assert.ok(f === 'm.json' || /^\.m\.json\.\d+\.\d+\.tmp$/.test(f), f);
  assert.ok(existsSync(path));
});

test('save into a missing directory fails with the path and leaves nothing behind', () => {
  assert.throws(() => save(mlp([1, 1], { seed: 0 }), '/nonexistent-dir/m.json'), /ENOENT|no such file/);
  void SGD;
});
