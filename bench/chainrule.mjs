// chainrule's side of every workload, through the public API only (what a user would write).
// Its backends compute synchronously, so an op's work is done when the call returns; a result
// is read back only where a user needs it (inference's output, the losses for the cross-check).
import { CONV, MLP, MLP_LARGE, REPS, TINY, cnnWeights, firstLosses, initialWeights, meanOf, mnistLike, quick, timeBatched, timeIt, tinyData, uniform } from './common.mjs';

export async function chainrule(backend) {
  const cr = await import('../dist/src/index.js');
  cr.setBackend(backend);

  /** An MLP with the shared initial weights, loaded through the state dict (0.weight, 0.bias, 2.weight, …). */
  const mlpWith = (sizes, activation) => {
    const model = cr.mlp(sizes, { activation, seed: 0 });
    const state = {};
    initialWeights(sizes).forEach((w, i) => {
      // Stored [in, out]; Linear's weight is [out, in].
      state[`${2 * i}.weight`] = cr.tensor(w, { shape: [sizes[i], sizes[i + 1]] }).transpose();
      state[`${2 * i}.bias`] = cr.zeros([sizes[i + 1]]);
    });
    model.loadStateDict(state);
    return model;
  };

  /** One SGD step of `model` on (xs, ys) under `loss`, returning the loss: what every training workload times. */
  const sgdStep = (model, lr, loss, xs, ys) => {
    const opt = new cr.SGD(model.parameters(), { lr });
    return () => {
      opt.zeroGrad();
      const l = loss(model.forward(xs), ys);
      l.backward();
      opt.step();
      return l;
    };
  };

  const classifierStep = (sizes, batch, reps) => {
    const model = mlpWith(sizes, 'relu');
    const { x, y } = mnistLike(batch, 1);
    const xs = cr.tensor(x, { shape: [batch, 784] });
    const ys = cr.tensor(y, { shape: [batch] });
    const step = sgdStep(model, 0.01, cr.crossEntropy, xs, ys);
    const check = firstLosses(() => step().item());
    return { ms: timeIt(step, reps), check };
  };

  const lib = {
    facts() {
      const name = cr.getBackend().name;
      if (name !== 'wasm') return { backend: name };
      // Newer builds say which wasm module runs (simd or relaxed-simd) and how large its memory
      // is; where the library does not expose them, the build is the plain SIMD one.
      return {
        backend: name,
        wasmThreads: cr.wasmThreads(),
        wasmBuild: typeof cr.wasmBuild === 'function' ? cr.wasmBuild() : 'simd',
        wasmMemoryBytes: typeof cr.wasmHeapStats === 'function' ? cr.wasmHeapStats().memoryBytes : null,
      };
    },
    matmul1024() {
      const a = cr.tensor(uniform(1024 * 1024, 1), { shape: [1024, 1024] });
      const b = cr.tensor(uniform(1024 * 1024, 2), { shape: [1024, 1024] });
      const check = [meanOf(cr.matmul(a, b).data())];
      // Read back, as tfjs's dataSync is: the product is not done for a user until it can be read.
      return { ms: timeIt(() => cr.matmul(a, b).data(), REPS.matmul1024), check };
    },
    sigmoid1e6() {
      const x = cr.tensor(uniform(1e6, 3, -4, 4), { shape: [1e6] });
      const check = [meanOf(cr.sigmoid(x).data())];
      return { ms: timeIt(() => cr.sigmoid(x), REPS.elementwise), check };
    },
    add1e6() {
      const a = cr.tensor(uniform(1e6, 4), { shape: [1e6] });
      const b = cr.tensor(uniform(1e6, 5), { shape: [1e6] });
      const check = [meanOf(cr.add(a, b).data())];
      return { ms: timeIt(() => cr.add(a, b), REPS.elementwise), check };
    },
    sum1000() {
      const x = cr.tensor(uniform(1e6, 6), { shape: [1000, 1000] });
      const check = [meanOf(cr.sum(x, 1).data())];
      return { ms: timeIt(() => cr.sum(x, 1), REPS.elementwise), check };
    },
    infer1() {
      const model = mlpWith(MLP, 'relu');
      const x = cr.tensor(mnistLike(1, 7).x, { shape: [1, 784] });
      const infer = () => cr.noGrad(() => model.forward(x)).data();
      const check = [meanOf(infer())];
      return { ms: timeBatched(infer, quick ? { warm: 5, batches: 3, per: 10 } : { warm: 500, batches: 9, per: 300 }), check };
    },
    mlp64: () => classifierStep(MLP, 64, REPS.mlp),
    mlp256: () => classifierStep(MLP, 256, REPS.mlp),
    mlp1024: () => classifierStep(MLP_LARGE, 128, REPS.mlpLarge),
    tiny32() {
      const model = mlpWith(TINY, 'tanh');
      const { x, y } = tinyData(32, 8);
      const xs = cr.tensor(x, { shape: [32, 2] });
      const ys = cr.tensor(y, { shape: [32, 1] });
      const step = sgdStep(model, 0.03, cr.mse, xs, ys);
      const check = firstLosses(() => step().item());
      return { ms: timeBatched(step, quick ? { warm: 10, batches: 3, per: 20 } : { warm: 2000, batches: 9, per: 1000 }), check };
    },
    cnn64() {
      const w = cnnWeights();
      const model = new cr.Sequential(
        new cr.Conv2d(1, 8, 3, { padding: 1 }), new cr.ReLU(), new cr.MaxPool2d(2),
        new cr.Conv2d(8, 16, 3, { padding: 1 }), new cr.ReLU(), new cr.MaxPool2d(2),
        new cr.Flatten(), new cr.Linear(784, 10),
      );
      model.loadStateDict({
        '0.weight': cr.tensor(w.conv1, { shape: [8, 1, 3, 3] }), '0.bias': cr.zeros([8]),
        '3.weight': cr.tensor(w.conv2, { shape: [16, 8, 3, 3] }), '3.bias': cr.zeros([16]),
        '7.weight': cr.tensor(w.fc, { shape: [784, 10] }).transpose(), '7.bias': cr.zeros([10]),
      });
      const { x, y } = mnistLike(64, 1);
      const xs = cr.tensor(x, { shape: [64, 1, 28, 28] });
      const ys = cr.tensor(y, { shape: [64] });
      const step = sgdStep(model, 0.01, cr.crossEntropy, xs, ys);
      const check = firstLosses(() => step().item());
      return { ms: timeIt(step, REPS.cnn), check };
    },
    conv16() {
      const { batch, channels, size } = CONV;
      const x = cr.tensor(uniform(batch * channels * size * size, 21, -1, 1), { shape: [batch, channels, size, size], requiresGrad: true });
      const w = cr.tensor(uniform(channels * channels * 9, 22, -0.05, 0.05), { shape: [channels, channels, 3, 3], requiresGrad: true });
      const up = cr.tensor(uniform(batch * channels * size * size, 23, -1, 1), { shape: [batch, channels, size, size] });
      // Forward, then both gradients (input and weight) for a fixed upstream gradient.
      const pass = () => {
        x.grad = null;
        w.grad = null;
        const y = cr.conv2d(x, w, null, { padding: 1 });
        y.backward(up);
        return y;
      };
      const check = [meanOf(pass().data()), meanOf(w.grad.data())];
      return { ms: timeIt(pass, REPS.conv), check };
    },
    tutorial() {
      const model = cr.tutorialNetwork({ dtype: 'float32' });
      const { x, y } = cr.tutorialSample({ dtype: 'float32' });
      const step = sgdStep(model, 0.1, cr.halfSquaredError, x, y);
      const check = firstLosses(() => step().item());
      return { ms: timeBatched(step, quick ? { warm: 10, batches: 3, per: 50 } : { warm: 5000, batches: 9, per: 4000 }), check };
    },
  };
  return lib;
}
