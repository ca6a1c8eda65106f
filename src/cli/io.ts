/** What every command shares: where it writes, and the `--json` flag. (Commands import this, never main.ts: imports run one way.) */
import { Option } from 'commander';

/** Where a command writes: stdout for results, stderr for progress and errors. */
export interface CliIO {
  out(text: string): void;
  err(text: string): void;
  /** Whether stderr is an interactive terminal (progress bars). */
  readonly interactive: boolean;
}

export const defaultIO: CliIO = {
  out: (s) => process.stdout.write(s),
  err: (s) => process.stderr.write(s),
  interactive: process.stderr.isTTY === true,
};

/** Adds the `--json` flag shared by every command. */
export function jsonOption(): Option {
  return new Option('--json', 'print machine-readable JSON on stdout');
}

