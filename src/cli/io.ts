/** What every command shares: where it writes, and the `--json` flag. (Commands import this, never main.ts: imports run one way.) */
import { Option } from 'commander';
import { ChainruleError } from '../errors.js';
import { stderrWriter, stdoutWriter } from './stdio.js';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is an interactive terminal (progress bars). */
  readonly interactive: boolean;
}

/** The process's stdout and stderr, written synchronously (see stdio.ts). */
export function processIO(): CliIO {
  return { out: stdoutWriter(), err: stderrWriter(), interactive: process.stderr.isTTY === true };
}

/**
 * A bad flag, value or combination of flags: printed as one `chainrule:` line with exit code 2,
 * as commander's own usage errors are (a data or file problem is exit code 1).
 */
export class UsageError extends ChainruleError {
  override name = 'UsageError';
}

/** Adds the `--json` flag shared by every command. */
export function jsonOption(): Option {
  return new Option('--json', 'print machine-readable JSON on stdout');
}

