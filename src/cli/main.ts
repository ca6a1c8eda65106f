/** The `chainrule` command line: argument parsing and output only; the work is the library's. */
import { Command, CommanderError } from 'commander';
import { ChainruleError } from '../errors.js';
import { VERSION } from '../version.js';
import { registerTutorial } from './commands/tutorial.js';
import { registerTrain } from './commands/train.js';
import { registerPredict } from './commands/predict.js';
import { registerEvaluate } from './commands/evaluate.js';
import { registerExplain } from './commands/explain.js';
import { registerSample } from './commands/languageModel.js';
import { processIO, UsageError, type CliIO } from './io.js';
import { BrokenPipe, BROKEN_PIPE_STATUS } from './stdio.js';

export type { CliIO } from './io.js';

/** Builds the program; every command's action runs library calls and writes through `io`. */
export function buildProgram(io: CliIO): Command {
  const program = new Command('chainrule')
    .description('backpropagation you can run, read and watch')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => undefined });
  registerTutorial(program, io);
  registerTrain(program, io);
  registerPredict(program, io);
  registerEvaluate(program, io);
  registerExplain(program, io);
  registerSample(program, io);
  for (const command of program.commands) {
    command.exitOverride().configureOutput({ writeOut: io.out, writeErr: io.err, outputError: () => undefined });
  }
  return program;
}

/** Runs the CLI with `argv` (without node and the script); resolves to the exit code. */
export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  const program = buildProgram(io);
  try {
    if (argv.length === 0) io.out(program.helpInformation());
    else await program.parseAsync([...argv], { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof BrokenPipe) return BROKEN_PIPE_STATUS;
    if (e instanceof CommanderError) {
      if (e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.code === 'commander.help') return 0;
      io.err(`chainrule: ${e.message.replace(/^error: /, '').split('\n')[0]}\n`);
      return 2;
    }
    if (e instanceof ChainruleError) {
      // One line whatever the message holds: a newline in a path is shown as \n, not cut there.
      io.err(`chainrule: ${e.message.replace(/\r?\n/g, '\\n')}\n`);
      return e instanceof UsageError ? 2 : 1;
    }
    throw e;
  }
}
