import type { Command } from 'commander';
import { ACTIVATIONS } from '../../nn/activations.js';
import { trainTutorial, tutorialNetwork, tutorialSample, TUTORIAL_DEFAULTS } from '../../train/tutorial.js';
import { halfSquaredError } from '../../nn/losses.js';
import { atMost, choice, nonNegativeInteger, number, positiveInteger } from '../args.js';
import { MAX_EPOCHS } from '../../limits.js';
import { jsonOption, type CliIO } from '../io.js';
import { checkOutputs, writeOutputDirectory } from '../outputs.js';

/** The values `tutorialNetworkOptions` declares. */
export interface TutorialNetworkFlags {
  x: number;
  target: number;
  w1: number;
  b1: number;
  w2: number;
  b2: number;
  lr: number;
  activation: (typeof ACTIVATIONS)[number];
  dtype: 'float32' | 'float64';
}

interface TutorialFlags extends TutorialNetworkFlags {
  epochs: number;
  printEvery: number;
  report: string | false;
  json?: boolean;
}

/** The tutorial network's flags (its values, learning rate, activation and dtype), shared by tutorial and explain. */
export function tutorialNetworkOptions(command: Command): Command {
  const d = TUTORIAL_DEFAULTS;
  return command
    .option('--x <number>', 'the input', number, d.x)
    .option('--target <number>', 'the target output t', number, d.target)
    .option('--w1 <number>', 'initial hidden weight', number, d.w1)
    .option('--b1 <number>', 'initial hidden bias', number, d.b1)
    .option('--w2 <number>', 'initial output weight', number, d.w2)
    .option('--b2 <number>', 'initial output bias', number, d.b2)
    .option('--lr <number>', 'learning rate', number, d.lr)
    .option('--activation <name>', `hidden activation: ${ACTIVATIONS.join(', ')}`, choice(ACTIVATIONS), d.activation)
    .option('--dtype <dtype>', 'float64 (as the reference) or float32', choice(['float32', 'float64'] as const), d.dtype);
}

export function registerTutorial(program: Command, io: CliIO): void {
  const d = TUTORIAL_DEFAULTS;
  tutorialNetworkOptions(
    program.command('tutorial').description("train the reference tutorial's 1-1-1 network and print its progress, as the reference program does"),
  )
    .option('--epochs <n>', 'training epochs', atMost(nonNegativeInteger, MAX_EPOCHS, 'the number of epochs'), d.epochs)
    .option('--print-every <n>', 'print a line every n epochs', positiveInteger, d.printEvery)
    .option('--report <dir>', 'write the report (index.html, charts, diagrams, history.csv) into this directory', 'chainrule-report')
    .option('--no-report', 'do not write the report')
    .addOption(jsonOption())
    .action(async (flags: TutorialFlags) => {
      const { json, report, ...options } = flags;
      const viz = report === false ? null : await import('../../viz/report.js');
      if (viz !== null && report !== false) checkOutputs([], [{ flag: '--report', path: report, kind: 'directory', replaceable: viz.REPORT_FILE_NAMES }]);
      const run = trainTutorial(options, json === true ? undefined : (line) => io.out(line + '\n'));
      if (viz !== null && report !== false) {
        const o = run.options;
        const files = await viz.buildReport({
          title: 'chainrule tutorial: backpropagation, step by step',
          summary:
            `The reference tutorial's network (x = ${o.x}, t = ${o.target}; w1 = ${o.w1}, b1 = ${o.b1}, w2 = ${o.w2}, b2 = ${o.b2}; ${o.activation} hidden unit, ` +
            `half squared error) trained with SGD (learning rate ${o.lr}) for ${o.epochs} epochs.`,
          log: run.lines,
          history: run.history,
          model: tutorialNetwork(o),
          sample: tutorialSample(o),
          loss: halfSquaredError,
          lr: o.lr,
          when: 'at the first step (the initial weights)',
        });
        writeOutputDirectory({ flag: '--report', path: report }, files, viz.REPORT_FILE_NAMES, 'the report');
        io.err(`wrote the report to ${report.replace(/[/\\]+$/, '')}/index.html\n`);
      }
      if (json === true) {
        io.out(
          JSON.stringify({ options: run.options, lines: run.lines, finalOutput: run.finalOutput, finalParameters: run.finalParameters, history: run.history.toJSON() }, null, 2) + '\n',
        );
      }
    });
}
