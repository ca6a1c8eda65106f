/**
 * The CLI's standard output, written synchronously so that a closed pipe or a full disk is known
 * at the write that meets it, not after the work is done: `chainrule tutorial --epochs 100000
 * | head -1` stops at the first line `head` refuses, and `> /dev/full` fails at once.
 */
import { writeSync } from 'node:fs';
import { fileError, fsErrorCode } from '../errors.js';

/** Thrown by a write when the reader of a pipe has gone: the command ends quietly (as a Unix tool does on SIGPIPE). */
export class BrokenPipe extends Error {
  override name = 'BrokenPipe';
}

/** The exit status of a process killed by SIGPIPE (128 + 13), which is what a shell reports for `yes | head -1`. */
export const BROKEN_PIPE_STATUS = 141;

const pause = new Int32Array(new SharedArrayBuffer(4));

/**
 * Writes all of `text` to `fd`, retrying partial writes and EAGAIN (a non-blocking pipe whose
 * reader is slow). EPIPE throws BrokenPipe; any other failure a FileError naming `name`.
 */
export function writeAll(fd: number, text: string, name: string): void {
  let bytes = Buffer.from(text, 'utf8');
  while (bytes.length > 0) {
    let n: number;
    try {
      n = writeSync(fd, bytes);
    } catch (e) {
      const code = fsErrorCode(e);
      if (code === 'EAGAIN') {
        Atomics.wait(pause, 0, 0, 2);
        continue;
      }
      if (code === 'EPIPE') throw new BrokenPipe(`${name}: the reader has closed the pipe`);
      throw fileError(name, 'cannot write', e);
    }
    bytes = bytes.subarray(n);
  }
}

/**
 * stdout for the CLI, synchronous. (A stdout closed with `>&-` cannot be refused: Node reopens a
 * closed descriptor on /dev/null before any script runs, exactly as a parent's `stdio: 'ignore'`
 * does — same flags, same file — so output to it is discarded, as with `> /dev/null`.)
 */
export function stdoutWriter(): (text: string) => void {
  return (text: string) => {
    if (text !== '') writeAll(1, text, 'stdout');
  };
}

/** stderr for the CLI: errors writing progress or messages to it are dropped (there is nowhere left to report them). */
export function stderrWriter(): (text: string) => void {
  return (text: string) => {
    try {
      writeAll(2, text, 'stderr');
    } catch {
      // a closed or full stderr must not turn a finished run into a crash
    }
  };
}
