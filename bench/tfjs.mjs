// TensorFlow.js's side of every workload, written as its documentation recommends for speed:
// outputs disposed as soon as they are read (no tidy around a large returned value: tidy walks
// what it returns looking for tensors, ~1.4 s for a 1M-element typed array), fused matMul + bias
// + activation for inference, minimize under tidy for training. Its cpu and wasm backends compute
// synchronously; dataSync only copies out, and is kept where a user reads the result.
import { CONV, MLP, MLP_LARGE, REPS, TINY, cnnWeights, firstLosses, initialWeights, meanOf, mnistLike, quick, timeBatched, timeIt, tinyData, uniform } from './common.mjs';
import { enableThreadedTfjsWasm } from './tfjsThreads.mjs';

/** backend: 'cpu', 'wasm' (the build tfjs picks in Node: SIMD, one thread) or 'wasm-threaded'. */
export async function tfjs(backend) {
  // tfjs prints a banner about tfjs-node; keep stdout for the JSON line.
  const log = console.log;
  console.log = () => {};
  const tf = await import('@tensorflow/tfjs');
  let wasm = null;
  let restore = () => {};
  if (backend.startsWith('wasm')) {
    wasm = await import('@tensorflow/tfjs-backend-wasm');
    if (backend === 'wasm-threaded') restore = enableThreadedTfjsWasm(tf);
  }
  const ok = await tf.setBackend(backend.startsWith('wasm') ? 'wasm' : backend);
  await tf.ready();
  restore();
  console.log = log;
  if (!ok) throw new Error(`tfjs backend ${backend} did not initialise`);

  const variables = (sizes) => {
    const ws = initialWeights(sizes).map((w, i) => tf.variable(tf.tensor2d(w, [sizes[i], sizes[i + 1]])));
    const bs = sizes.slice(1).map((n) => tf.variable(tf.zeros([n])));
    return { ws, bs };
  };
  const forward = ({ ws, bs }, x, activation) => {
    let h = x;
    for (let i = 0; i < ws.length; i++) {
      h = tf.add(tf.matMul(h, ws[i]), bs[i]);
      if (i + 1 < ws.length) h = activation(h);
    }
    return h;
  };

  /** Times a training step; the step reads one value so the update has landed, as a user's loop would. */
  const trainStep = (params, loss, lr, timer) => {
    const opt = tf.train.sgd(lr);
    const check = firstLosses(() => tf.tidy(() => opt.minimize(loss, true).dataSync()[0]));
    const step = () =>
      tf.tidy(() => {
        opt.minimize(loss);
        params.bs[0].dataSync();
      });
    return { ms: timer(step), check };
  };

  const classifierStep = (sizes, batch, reps) => {
    const params = variables(sizes);
    const { x, y } = mnistLike(batch, 1);
    const xs = tf.tensor2d(x, [batch, 784]);
    const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
    return trainStep(params, () => tf.losses.softmaxCrossEntropy(ys, forward(params, xs, tf.relu)), 0.01, (step) => timeIt(step, reps));
  };

  /** A workload this backend cannot run (tfjs wasm registers no kernel for some convolution gradients): its error, instead of a figure. */
  const unsupportedAs = (run) => {
    try {
      return run();
    } catch (e) {
      if (/not registered|not yet implemented|not supported/i.test(String(e?.message))) return { unsupported: String(e.message).split('\n')[0] };
      throw e;
    }
  };

  /** An op's output, read once for the cross-check; timed as the op and its dispose. */
  const unary = (make, reps) => {
    const first = make();
    const check = [meanOf(first.dataSync())];
    first.dispose();
    return { ms: timeIt(() => make().dispose(), reps), check };
  };

  return {
    facts() {
      const facts = { backend: tf.getBackend() };
      if (wasm === null) return facts;
      const memory = tf.backend().wasm?.HEAPU8?.buffer?.byteLength;
      return {
        ...facts,
        simd: tf.env().getBool('WASM_HAS_SIMD_SUPPORT'),
        multithread: tf.env().getBool('WASM_HAS_MULTITHREAD_SUPPORT'),
        threads: wasm.getThreadsCount(),
        build: backend === 'wasm-threaded' ? 'tfjs-backend-wasm-threaded-simd.wasm' : tf.env().getBool('WASM_HAS_SIMD_SUPPORT') ? 'tfjs-backend-wasm-simd.wasm' : 'tfjs-backend-wasm.wasm',
        wasmMemoryBytes: memory ?? null,
      };
    },
    matmul1024() {
      const a = tf.tensor2d(uniform(1024 * 1024, 1), [1024, 1024]);
      const b = tf.tensor2d(uniform(1024 * 1024, 2), [1024, 1024]);
      const product = () => {
        const c = tf.matMul(a, b);
        const data = c.dataSync();
        c.dispose();
        return data;
      };
      const check = [meanOf(product())];
      return { ms: timeIt(product, REPS.matmul1024), check };
    },
    sigmoid1e6() {
      const x = tf.tensor1d(uniform(1e6, 3, -4, 4));
      return unary(() => tf.sigmoid(x), REPS.elementwise);
    },
    add1e6() {
      const a = tf.tensor1d(uniform(1e6, 4));
      const b = tf.tensor1d(uniform(1e6, 5));
      return unary(() => tf.add(a, b), REPS.elementwise);
    },
    sum1000() {
      const x = tf.tensor2d(uniform(1e6, 6), [1000, 1000]);
      return unary(() => tf.sum(x, 1), REPS.elementwise);
    },
    infer1() {
      const { ws, bs } = variables(MLP);
      const x = tf.tensor2d(mnistLike(1, 7).x, [1, 784]);
      const infer = () => {
        const out = tf.tidy(() => {
          let h = x;
          for (let i = 0; i < ws.length; i++) h = tf.fused.matMul({ a: h, b: ws[i], bias: bs[i], activation: i + 1 < ws.length ? 'relu' : 'linear' });
          return h;
        });
        const data = out.dataSync();
        out.dispose();
        return data;
      };
      const check = [meanOf(infer())];
      return { ms: timeBatched(infer, quick ? { warm: 5, batches: 3, per: 10 } : { warm: 200, batches: 7, per: 200 }), check };
    },
    mlp64: () => classifierStep(MLP, 64, REPS.mlp),
    mlp256: () => classifierStep(MLP, 256, REPS.mlp),
    mlp1024: () => classifierStep(MLP_LARGE, 128, REPS.mlpLarge),
    tiny32() {
      const params = variables(TINY);
      const { x, y } = tinyData(32, 8);
      const xs = tf.tensor2d(x, [32, 2]);
      const ys = tf.tensor2d(y, [32, 1]);
      const loss = () => tf.losses.meanSquaredError(ys, forward(params, xs, tf.tanh));
      return trainStep(params, loss, 0.03, (step) => timeBatched(step, quick ? { warm: 10, batches: 3, per: 20 } : { warm: 300, batches: 7, per: 300 }));
    },
    cnn64() {
      // Its convolution gradients are plain loops: ~10 s a step on the 2-core machine, measured in a full run only.
      if (backend === 'cpu' && quick) return { unsupported: 'not run in --quick: tfjs cpu takes about 10 s a step' };
      const w = cnnWeights();
      // tfjs convolves NHWC with filters [kH, kW, in, out]: the same weights, permuted; the linear
      // layer's inputs reordered from (channel, row, column) to tfjs's flatten order (row, column, channel).
      const hwio = (oihw, o, i) => {
        const out = new Float32Array(9 * i * o);
        for (let a = 0; a < o; a++) for (let b = 0; b < i; b++) for (let k = 0; k < 9; k++) out[(k * i + b) * o + a] = oihw[(a * i + b) * 9 + k];
        return out;
      };
      const fc = new Float32Array(7840);
      for (let c = 0; c < 16; c++) for (let p = 0; p < 49; p++) for (let o = 0; o < 10; o++) fc[(p * 16 + c) * 10 + o] = w.fc[(c * 49 + p) * 10 + o];
      const f1 = tf.variable(tf.tensor4d(hwio(w.conv1, 8, 1), [3, 3, 1, 8]));
      const b1 = tf.variable(tf.zeros([8]));
      const f2 = tf.variable(tf.tensor4d(hwio(w.conv2, 16, 8), [3, 3, 8, 16]));
      const b2 = tf.variable(tf.zeros([16]));
      const fw = tf.variable(tf.tensor2d(fc, [784, 10]));
      const fb = tf.variable(tf.zeros([10]));
      const { x, y } = mnistLike(64, 1);
      const xs = tf.tensor4d(x, [64, 28, 28, 1]);
      const ys = tf.oneHot(tf.tensor1d(y, 'int32'), 10);
      const loss = () => {
        const h1 = tf.maxPool(tf.relu(tf.add(tf.conv2d(xs, f1, 1, 'same'), b1)), 2, 2, 'valid');
        const h2 = tf.maxPool(tf.relu(tf.add(tf.conv2d(h1, f2, 1, 'same'), b2)), 2, 2, 'valid');
        return tf.losses.softmaxCrossEntropy(ys, tf.add(tf.matMul(tf.reshape(h2, [64, 784]), fw), fb));
      };
      return unsupportedAs(() => trainStep({ bs: [b1] }, loss, 0.01, (step) => timeIt(step, REPS.cnn)));
    },
    conv16() {
      // tfjs cpu's convolution gradients are plain loops: one pass here ran for minutes (a --quick
      // case did not finish in 10 minutes on the 2-core machine), too long to time in this run.
      if (backend === 'cpu') return { unsupported: 'not timed: tfjs cpu needs minutes per pass at this size' };
      const { batch, channels, size } = CONV;
      // The same values as chainrule's NCHW tensors, transposed to NHWC and [kH, kW, in, out].
      const nchw = (data) => tf.tidy(() => tf.transpose(tf.tensor4d(data, [batch, channels, size, size]), [0, 2, 3, 1]));
      const x = nchw(uniform(batch * channels * size * size, 21, -1, 1));
      const f = tf.tidy(() => tf.transpose(tf.tensor4d(uniform(channels * channels * 9, 22, -0.05, 0.05), [channels, channels, 3, 3]), [2, 3, 1, 0]));
      const up = nchw(uniform(batch * channels * size * size, 23, -1, 1));
      const grads = tf.grads((a, b) => tf.conv2d(a, b, 1, 'same'));
      const pass = () => {
        const y = tf.conv2d(x, f, 1, 'same');
        const [dx, df] = grads([x, f], up);
        dx.dataSync();
        return { y, dx, df };
      };
      return unsupportedAs(() => {
        const first = pass();
        const check = [meanOf(first.y.dataSync()), meanOf(first.df.dataSync())];
        tf.dispose([first.y, first.dx, first.df]);
        return { ms: timeIt(() => tf.dispose(Object.values(pass())), REPS.conv), check };
      });
    },
    tutorial() {
      const w1 = tf.variable(tf.scalar(0.4));
      const b1 = tf.variable(tf.scalar(0.1));
      const w2 = tf.variable(tf.scalar(0.3));
      const b2 = tf.variable(tf.scalar(0.2));
      const x = tf.scalar(0.5);
      const t = tf.scalar(0.6);
      const opt = tf.train.sgd(0.1);
      const loss = () => {
        const h = tf.sigmoid(tf.add(tf.mul(w1, x), b1));
        const y = tf.add(tf.mul(w2, h), b2);
        return tf.mul(0.5, tf.square(tf.sub(y, t)));
      };
      const step = () => tf.tidy(() => opt.minimize(loss));
      const check = firstLosses(() => tf.tidy(() => opt.minimize(loss, true).dataSync()[0]));
      return { ms: timeBatched(step, quick ? { warm: 10, batches: 3, per: 20 } : { warm: 500, batches: 7, per: 500 }), check };
    },
  };
}
