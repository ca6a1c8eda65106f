import type { Command } from 'commander';
import { ACTIVATIONS } from '../../nn/activations.js';
import { trainTutorial, TUTORIAL_DEFAULTS } from '../../train/tutorial.js';
import { choice, nonNegativeInteger, number, positiveInteger } from '../args.js';
import { jsonOption, type CliIO } from '../main.js';

interface TutorialFlags {
  x: number;
  target: number;
  w1: number;
  b1: number;
  w2: number;
  b2: number;
  lr: number;
  epochs: number;
  printEvery: number;
  activation: (typeof ACTIVATIONS)[number];
  dtype: 'float32' | 'float64';
  json?: boolean;
}

export function registerTutorial(program: Command, io: CliIO): void {
  const d = TUTORIAL_DEFAULTS;
  program
    .command('tutorial')
    .description("train the reference tutorial's 1-1-1 network and print its progress, as the reference program does")
    .option('--x <number>', 'the input', number, d.x)
    .option('--target <number>', 'the target output t', number, d.target)
    .option('--w1 <number>', 'initial hidden weight', number, d.w1)
    .option('--b1 <number>', 'initial hidden bias', number, d.b1)
    .option('--w2 <number>', 'initial output weight', number, d.w2)
    .option('--b2 <number>', 'initial output bias', number, d.b2)
    .option('--lr <number>', 'learning rate', number, d.lr)
    .option('--epochs <n>', 'training epochs', nonNegativeInteger, d.epochs)
    .option('--print-every <n>', 'print a line every n epochs', positiveInteger, d.printEvery)
    .option('--activation <name>', `hidden activation: ${ACTIVATIONS.join(', ')}`, choice(ACTIVATIONS), d.activation)
    .option('--dtype <dtype>', 'float64 (as the reference) or float32', choice(['float32', 'float64'] as const), d.dtype)
    .addOption(jsonOption())
    .action((flags: TutorialFlags) => {
      const { json, ...options } = flags;
      const run = trainTutorial(options, json === true ? undefined : (line) => io.out(line + '\n'));
      if (json === true) {
        io.out(
          JSON.stringify({ options: run.options, lines: run.lines, finalOutput: run.finalOutput, finalParameters: run.finalParameters, history: run.history.toJSON() }, null, 2) + '\n',
        );
      }
    });
}
