/** The export of a training session: the model file and the test split it can be evaluated on. */
import { modelFileText } from 'chainrule';
import type { Session } from './session.js';

/** A CSV field, quoted when it has to be. */
function csvField(v: string): string {
  return /[",\r\n]/.test(v) || v !== v.trim() ? `"${v.replaceAll('"', '""')}"` : v;
}

/** The session's model as a model file, its test split as CSV, and a file name for both. */
export function exportRun(s: Session): { model: string; testCsv: string; fileName: string } {
  const multiclass = s.classes > 2;
  const { names } = s;
  // makeData names every class (label k is names.classes[k]), so there are s.classes of them.
  const classes = names.classes;
  // A file the CLI would read as NaN predictions (or reject, for the CSV) helps no one.
  for (const [name, p] of s.model.namedParameters()) {
    if (!p.data().every(Number.isFinite)) throw new Error(`Nothing exported: the network has diverged (parameter ${name} holds a value that is not a finite number). Lower the learning rate and press Reset.`);
  }
  const text = modelFileText(s.model, {
    optimizer: s.optimizer,
    metadata: {
      task: multiclass ? 'multiclass' : 'binary',
      loss: multiclass ? 'crossEntropy' : 'bceWithLogits',
      logits: true,
      data: `playground:${s.source}`,
      // An uploaded CSV's own column and class names, so `chainrule predict` reads that file as it is.
      featureNames: [...names.features],
      targetName: names.target,
      classes,
      seed: s.state.seed,
      epochs: s.epoch,
      playground: s.state,
    },
  });
  // The test split as CSV, so the library's own evaluation can be run on exactly these points.
  const xy = s.testX.data();
  const labels = s.testY.data();
  // Binary targets are read as numbers (0, 1), multiclass ones as class names.
  const label = (k: number) => csvField(multiclass ? (classes[k] ?? String(k)) : String(k));
  const lines = [[...names.features, names.target].map(csvField).join(',')];
  if (!xy.every(Number.isFinite)) throw new Error('Nothing exported: the test data holds a value that is not a finite number.');
  for (let i = 0; i < s.testY.shape[0]!; i++) lines.push(`${xy[2 * i]},${xy[2 * i + 1]},${label(Math.round(labels[i]!))}`);
  return { model: text, testCsv: lines.join('\n') + '\n', fileName: `chainrule-${s.source.replace(/[^\w.-]+/g, '_')}-epoch${s.epoch}` };
}
