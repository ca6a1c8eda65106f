/**
 * What a command writes, checked before the work starts and kept when a late write fails:
 * no output is one of the command's inputs or another of its outputs (compared as real paths),
 * every output's directory exists and takes a file (probed, not guessed from mode bits, which
 * root ignores), and a write that fails after training puts the work in a rescue file instead.
 */
import { closeSync, existsSync, fstatSync, openSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { FileError, fileError, fsErrorCode } from '../errors.js';
import { foreignEntries, writeDirectoryAtomic } from '../io/directory.js';
import { writeFileAtomic } from '../io/node.js';
import { UsageError } from './io.js';

export interface PathFlag {
  /** The flag as the user typed it, e.g. `--out`. */
  readonly flag: string;
  readonly path: string;
}

export interface OutputFlag extends PathFlag {
  /** 'file', or 'directory' for a report (written as a whole; may hold only `replaceable` names). */
  readonly kind: 'file' | 'directory';
  readonly replaceable?: readonly string[];
}

/** The path as the file system will resolve it: the real path where it exists, else its real parent joined with its name. */
export function realTarget(path: string): string {
  const full = resolve(path);
  try {
    return realpathSync(full);
  } catch {
    try {
      return join(realpathSync(dirname(full)), basename(full));
    } catch {
      return full;
    }
  }
}

/** A character device or FIFO (`/dev/stdout`, `/dev/full`, a named pipe): written in place, there is no file to replace atomically. */
function isStream(path: string): boolean {
  try {
    const st = statSync(path);
    return st.isCharacterDevice() || st.isFIFO() || st.isSocket();
  } catch {
    return false;
  }
}

/** Creates and removes a file in `dir`, the only sure test that a file can be written there. */
function probeDirectory(dir: string, target: string, action: string): void {
  let st;
  try {
    st = statSync(dir);
  } catch (e) {
    if (fsErrorCode(e) === 'ENOENT') throw new FileError(target, action, `the directory ${dir} does not exist`, 'ENOENT');
    throw fileError(target, action, e);
  }
  if (!st.isDirectory()) throw new FileError(target, action, `${dir} is not a directory`, 'ENOTDIR');
  const probe = join(dir, `.chainrule-probe.${process.pid}.${Date.now()}.tmp`);
  try {
    closeSync(openSync(probe, 'wx'));
  } catch (e) {
    throw fileError(target, action, e);
  } finally {
    rmSync(probe, { force: true });
  }
}

/** Linux's NAME_MAX (most file systems elsewhere agree): a longer name fails only when written. */
const NAME_MAX_BYTES = 255;

/** Whether `path` is the very file or pipe this process's stdout writes to (`--out /dev/stdout`). */
function isStdout(path: string): boolean {
  try {
    const a = statSync(path);
    const b = fstatSync(1);
    // A terminal or /dev/null takes both harmlessly; a pipe or file would hold the output and the summary mixed.
    return (b.isFIFO() || b.isFile() || b.isSocket()) && a.dev === b.dev && a.ino === b.ino;
  } catch {
    return false;
  }
}

/** Refusals that need no file system: an empty path, a file path ending in a slash, a name too long to create. */
function checkSpelling(output: OutputFlag): void {
  const { flag, path, kind } = output;
  if (path.trim() === '') throw new UsageError(`${flag} is empty; give a ${kind === 'file' ? 'file' : 'directory'} name`);
  if (kind === 'file' && /[/\\]$/.test(path)) throw new UsageError(`${flag} ${path} ends with a slash, so it names a directory; give a file name`);
  const name = basename(resolve(path));
  if (Buffer.byteLength(name) > NAME_MAX_BYTES) {
    throw new FileError(path, `cannot write ${flag}`, `the name is ${Buffer.byteLength(name)} bytes long; file names are at most ${NAME_MAX_BYTES}`, 'ENAMETOOLONG');
  }
  if (kind === 'file' && isStdout(path)) {
    throw new UsageError(`${flag} ${path} is this command's standard output, where its summary goes; leave out ${flag}${flag === '--out' ? ' (predict prints to stdout without it)' : ''} or redirect elsewhere`);
  }
  if (kind === 'directory') {
    const real = realTarget(path);
    const cwd = realTarget(process.cwd());
    if (cwd === real || cwd.startsWith(real.endsWith('/') ? real : `${real}/`)) {
      throw new UsageError(`${flag} ${path} is the working directory or holds it; the report replaces its directory as a whole — choose a new one`);
    }
  }
}

function checkWritable(output: OutputFlag): void {
  const { path, kind } = output;
  const exists = existsSync(path);
  if (kind === 'file') {
    if (exists && statSync(path).isDirectory()) throw new FileError(path, `cannot write ${output.flag}`, 'it is a directory; give a file name', 'EISDIR');
    if (exists && isStream(path)) return;
    probeDirectory(dirname(resolve(path)), path, `cannot write ${output.flag}`);
    return;
  }
  if (exists && !statSync(path).isDirectory()) throw new FileError(path, `cannot write ${output.flag}`, 'it is a file, not a directory', 'ENOTDIR');
  const foreign = foreignEntries(path, output.replaceable ?? []);
  if (foreign.length > 0) {
    throw new UsageError(`${output.flag} ${path}: the directory holds files that are not a report's (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}); the report replaces the whole directory — choose a new or empty one`);
  }
  // A report's missing parent directories are created (as mkdir -p): probe the nearest one that exists.
  let parent = dirname(realTarget(path));
  while (!existsSync(parent) && dirname(parent) !== parent) parent = dirname(parent);
  probeDirectory(parent, path, `cannot write ${output.flag}`);
}

/**
 * Refuses, before any work, an output that is one of `inputs` or another output (or lies inside
 * a report directory that will be replaced), and an output that cannot be written.
 */
export function checkOutputs(inputs: readonly PathFlag[], outputs: readonly OutputFlag[]): void {
  for (const i of inputs) if (i.path.trim() === '') throw new UsageError(`${i.flag} is empty; give a file name`);
  for (const o of outputs) checkSpelling(o);
  const seen: { flag: string; real: string; input: boolean; directory: boolean }[] = inputs
    .filter((i) => existsSync(i.path))
    .map((i) => ({ flag: i.flag, real: realTarget(i.path), input: true, directory: false }));
  for (const o of outputs) {
    const real = realTarget(o.path);
    const directory = o.kind === 'directory';
    const clash = seen.find((s) => s.real === real || (directory && dirname(s.real) === real) || (s.directory && dirname(real) === s.real));
    if (clash !== undefined) {
      const what = clash.input ? `one of the command's inputs (${clash.flag})` : `another output (${clash.flag})`;
      throw new UsageError(`${o.flag} ${o.path} would write over ${what}; chainrule never writes over its inputs or one output with another — choose another path`);
    }
    seen.push({ flag: o.flag, real, input: false, directory });
  }
  for (const o of outputs) checkWritable(o);
}

/**
 * Writes an output file (atomically, or in place for a device or pipe). When `rescue` names the
 * work (e.g. 'the trained model') and the write fails, the content goes to a rescue file and the
 * FileError thrown says where.
 */
export function writeOutput(output: PathFlag, content: string | Uint8Array, rescue?: string): void {
  keepOnFailure(output, rescue, 'output', (path) => writeFileAtomic(path, content), () => {
    if (!isStream(output.path)) {
      // Through a symlink to its target: replacing the link itself would leave the file it names stale.
      writeFileAtomic(realTarget(output.path), content);
      return;
    }
    try {
      writeFileSync(output.path, content);
    } catch (e) {
      throw fileError(output.path, `cannot write ${output.flag}`, e);
    }
  });
}

/** Writes a report directory; on failure, into a rescue directory, saying where. */
export function writeOutputDirectory(output: PathFlag, files: ReadonlyMap<string, string | Uint8Array>, replaceable: readonly string[], rescue?: string): void {
  const write = (path: string) => writeDirectoryAtomic(path, files, replaceable);
  keepOnFailure(output, rescue, 'report', write, () => write(realTarget(output.path)));
}

/**
 * Runs `write`; when it fails with a FileError and `what` names the work, writes it again with
 * `writeAt` to a rescue path — in the system's temporary directory, else the working directory —
 * and throws the error with a note saying where the work is.
 */
function keepOnFailure(output: PathFlag, what: string | undefined, fallbackName: string, writeAt: (path: string) => void, write: () => void): void {
  try {
    write();
  } catch (e) {
    if (!(e instanceof FileError) || what === undefined) throw e;
    const name = `chainrule-rescued-${process.pid}-${Date.now()}-${(basename(output.path) || fallbackName).slice(-100)}`;
    const places = [tmpdir(), process.cwd()];
    let note = `${what} could not be kept anywhere (writing to ${places.join(' and ')} failed too)`;
    for (const place of places) {
      try {
        writeAt(join(place, name));
        note = `kept ${what} in ${join(place, name)} instead`;
        break;
      } catch {
        // try the next place
      }
    }
    throw new FileError(e.path, e.action, `${e.reason}; ${note}`, e.code);
  }
}
