#!/usr/bin/env node
import { VERSION } from '../version.js';

const HELP = `chainrule ${VERSION}: backpropagation you can run, read and watch

Usage: chainrule <command> [options]

Options:
  -h, --help      show this help
  -v, --version   print the version

Commands arrive with the training issue (tutorial, train, predict, evaluate).
`;

/** Runs the CLI with `argv` (without node and script); returns the exit code. */
export function main(argv: readonly string[], out: (s: string) => void = (s) => process.stdout.write(s), err: (s: string) => void = (s) => process.stderr.write(s)): number {
  const [first] = argv;
  if (first === undefined || first === '-h' || first === '--help' || first === 'help') {
    out(HELP);
    return 0;
  }
  if (first === '-v' || first === '--version') {
    out(`${VERSION}\n`);
    return 0;
  }
  err(`chainrule: unknown command or option '${first}' (see chainrule --help)\n`);
  return 2;
}

const invokedDirectly = process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/\\/g, '/').split('/').pop() ?? '\0');
if (invokedDirectly) process.exitCode = main(process.argv.slice(2));
