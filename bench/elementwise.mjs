// node bench/elementwise.mjs [case]: chainrule's wasm elementwise kernels against tfjs wasm (one
// thread, SIMD) on 1e6 float32 elements, interleaved in one process: the chainrule op (output
// allocation included), the chainrule kernel alone on preallocated blocks, and tfjs's op with its
// dispose (no tidy). Not part of npm run bench (see docs/performance.md).
const cr = await import('../dist/src/index.js');
const { kernelsOrThrow } = await import('../dist/src/backend/wasm/module.js');
const { wasmBackend } = await import('../dist/src/backend/wasm/index.js');
const log = console.log; console.log = () => {};
const tf = await import('@tensorflow/tfjs'); await import('@tensorflow/tfjs-backend-wasm');
await tf.setBackend('wasm'); await tf.ready(); console.log = log;
cr.setBackend('wasm');
// CPU time of the calling thread's process (this VM is shared: wall time counts others' work), best of 7 batches.
const med = (f, reps = 10) => { for (let i = 0; i < 5; i++) f(); let best = Infinity; for (let b = 0; b < 7; b++) { const s = process.cpuUsage(); for (let i = 0; i < reps; i++) f(); const e = process.cpuUsage(s); best = Math.min(best, (e.user + e.system) / 1000 / reps); } return best; };
const N = 1e6;
const xs = Float32Array.from({ length: N }, () => Math.random() * 8 - 4);
const ys = Float32Array.from({ length: N }, () => Math.random() * 8 - 4);
const x = cr.tensor(xs, { shape: [N] }), y = cr.tensor(ys, { shape: [N] });
const X = cr.tensor(xs, { shape: [1000, 1000] }), R = cr.tensor(ys.subarray(0, 1000), { shape: [1000] });
const tx = tf.tensor1d(xs), ty = tf.tensor1d(ys), tX = tf.tensor2d(xs, [1000, 1000]), tR = tf.tensor1d(ys.subarray(0, 1000));
const w = kernelsOrThrow(); const od = wasmBackend.allocate('float32', N).array();
const xo = x._data.byteOffset, yo = y._data.byteOffset;
const cases = {
  sigmoid: [() => cr.sigmoid(x), () => w.unaryF32(6, xo, od.byteOffset, N), () => tf.sigmoid(tx).dispose()],
  tanh: [() => cr.tanh(x), () => w.unaryF32(7, xo, od.byteOffset, N), () => tf.tanh(tx).dispose()],
  exp: [() => cr.exp(x), () => w.unaryF32(3, xo, od.byteOffset, N), () => tf.exp(tx).dispose()],
  add: [() => cr.add(x, y), () => w.binaryF32(0, xo, yo, od.byteOffset, 1, N, 0, 4, 0, 4), () => tf.add(tx, ty).dispose()],
  mul: [() => cr.mul(x, y), () => w.binaryF32(2, xo, yo, od.byteOffset, 1, N, 0, 4, 0, 4), () => tf.mul(tx, ty).dispose()],
  addRow: [() => cr.add(X, R), () => w.binaryF32(0, X._data.byteOffset, R._data.byteOffset, od.byteOffset, 1000, 1000, 4000, 4, 0, 4), () => tf.add(tX, tR).dispose()],
};
const only = process.argv[2];
for (const [name, [op, kern, tfop]] of Object.entries(cases)) {
  if (only && only !== name) continue;
  const r = [0, 1].map(() => [med(op), med(kern), med(tfop)]);
  const b = [0, 1, 2].map((k) => Math.min(r[0][k], r[1][k]));
  log(`${name.padEnd(8)} chainrule op ${b[0].toFixed(3)} ms  kernel ${b[1].toFixed(3)} ms  tfjs-wasm ${b[2].toFixed(3)} ms  ratio op ${(b[2] / b[0]).toFixed(2)}x kernel ${(b[2] / b[1]).toFixed(2)}x`);
}
log(cr.wasmHeapStats().movedOut, 'moved out');
