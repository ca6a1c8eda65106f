/** A snapshot of a training session, as the worker posts it to the page. */
import { Linear, getBackend, noGrad, type Module, type Tensor } from 'chainrule';
import type { Snapshot } from './protocol.js';
import { GRID, accuracy, lossOf, type Session } from './session.js';

/** What the page draws of a session: losses, accuracies, weights and gradients, the output and every neuron over the grid. */
export function snapshot(s: Session, running: boolean): Snapshot {
  return noGrad(() => {
    const trainOut = s.model.forward(s.trainX);
    const testOut = s.model.forward(s.testX);
    // Every neuron over the grid: walk the layers, keeping each layer's output.
    const neurons: Float32Array[] = [];
    const columns = (t: Tensor) => {
      const [rows, cols] = [t.shape[0]!, t.shape[1]!];
      const d = t.data();
      for (let c = 0; c < cols; c++) {
        const out = new Float32Array(rows);
        for (let r = 0; r < rows; r++) out[r] = d[r * cols + c]!;
        neurons.push(out);
      }
    };
    let h = s.gridX;
    const layers = [...s.model];
    layers.forEach((m: Module, i) => {
      h = m.forward(h);
      if (i === layers.length - 1) return;
      // Inputs are the features' output; a hidden layer's output is read after its activation.
      if (i === 0 || !(m instanceof Linear) || layers[i + 1] instanceof Linear) columns(h);
    });
    const logits = h.data();
    const output = new Float32Array(GRID * GRID);
    if (s.classes === 2) {
      for (let i = 0; i < output.length; i++) output[i] = 1 / (1 + Math.exp(-logits[i]!));
    } else {
      const k = s.classes;
      for (let i = 0; i < output.length; i++) {
        let best = 0;
        let max = -Infinity;
        let sum = 0;
        for (let c = 0; c < k; c++) max = Math.max(max, logits[i * k + c]!);
        for (let c = 0; c < k; c++) {
          const e = Math.exp(logits[i * k + c]! - max);
          sum += e;
          if (logits[i * k + c]! === max) best = c;
        }
        output[i] = best + Math.min(0.999, 1 / sum);
      }
    }
    const copy = (t: Tensor | null): Float32Array => {
      if (t === null) return new Float32Array(0);
      // data() is already a copy: only another dtype needs converting.
      const d = t.data();
      return d instanceof Float32Array ? d : Float32Array.from(d);
    };
    return {
      backend: getBackend().name,
      epoch: s.epoch,
      steps: s.steps,
      running,
      trainLoss: lossOf(s, trainOut, s.trainY).item(),
      testLoss: s.testY.shape[0] === 0 ? NaN : lossOf(s, testOut, s.testY).item(),
      trainAccuracy: accuracy(s, trainOut, s.trainY),
      testAccuracy: accuracy(s, testOut, s.testY),
      gradNorm: s.lastGradNorm,
      weights: s.linears.map((l) => copy(l.weight)),
      biases: s.linears.map((l) => copy(l.bias)),
      weightGrads: s.linears.map((l) => copy(l.weight.grad)),
      biasGrads: s.linears.map((l) => copy(l.bias?.grad ?? null)),
      grid: GRID,
      output,
      neurons,
    };
  });
}
