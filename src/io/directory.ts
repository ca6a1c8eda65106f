/**
 * Writing a directory of files as one unit (the report): every file goes into a temporary
 * directory beside the target, which is then renamed into place, so a reader — or eight runs
 * writing the same `--report` at once — always sees one run's files, never a mix; a killed run
 * leaves the old directory whole. Node only; node:fs is fetched when first needed.
 */
import { nodeFs } from '../data/node.js';
import { FileError, ValueError, fileError, fsErrorCode } from '../errors.js';


/** Whether a process with this pid is running (signal 0 only asks). */
export function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return fsErrorCode(e) === 'EPERM';
  }
}

/**
 * The stem of a temporary's name for target `base`: at most 100 bytes of it, cut at a character
 * boundary, so that a target name near the file system's 255-byte limit (CJK, emoji) still has
 * a temporary beside it, and the same target always gives the same stem (for the stale cleanup).
 */
export function tempStem(base: string): string {
  let bytes = 0;
  let end = 0;
  for (const ch of base) {
    const n = Buffer.byteLength(ch);
    if (bytes + n > 100) break;
    bytes += n;
    end += ch.length;
  }
  return base.slice(0, end);
}

function split(path: string): { parent: string; base: string } {
  const trimmed = path.replace(/[/\\]+$/, '') || path;
  const slash = Math.max(trimmed.lastIndexOf('/'), trimmed.lastIndexOf('\\'));
  return { parent: slash < 0 ? '.' : trimmed.slice(0, slash) || '/', base: trimmed.slice(slash + 1) };
}

/** The names in `dir` that `writeDirectoryAtomic` would replace although they are not among `names`; [] when `dir` does not exist. */
export function foreignEntries(dir: string, names: Iterable<string>): string[] {
  const fs = nodeFs('foreignEntries');
  const known = new Set(names);
  let entries: string[];
  try {
    if (!fs.statSync(dir).isDirectory()) throw new FileError(dir, 'cannot write the directory', 'it is a file, not a directory', 'ENOTDIR');
    entries = fs.readdirSync(dir);
  } catch (e) {
    if (fsErrorCode(e) === 'ENOENT') return [];
    throw fileError(dir, 'cannot read the directory', e);
  }
  // A known name counts only as a regular file: a directory or link under a report's name may hold the user's files.
  return entries.filter((n) => !known.has(n) || !fs.lstatSync(`${dir}/${n}`).isFile()).sort();
}

/**
 * Removes the temporaries of earlier writes of `base` in `dir` whose writer was killed (its
 * process is gone) — each as large as what it held: `.tmp` files beside a file, `.tmp` and
 * set-aside `.old` directories beside a directory. A live writer's are never touched, whoever owns them.
 */
export function removeStaleTemporaries(dir: string, base: string, kind: 'file' | 'directory'): void {
  const fs = nodeFs('removeStaleTemporaries');
  const folder = dir === '' ? '.' : dir.replace(/[/\\]+$/, '') || '/';
  let names: string[];
  try {
    names = fs.readdirSync(folder);
  } catch {
    return; // The write itself reports a missing or unreadable directory.
  }
  const prefix = `.${tempStem(base)}.`;
  const pattern = kind === 'file' ? /^(\d+)\.\d+\.tmp$/ : /^(\d+)\.\d+\.(?:tmp|old)$/;
  for (const name of names) {
    const match = name.startsWith(prefix) ? pattern.exec(name.slice(prefix.length)) : null;
    const pid = match === null ? NaN : Number(match[1]);
    if (!Number.isSafeInteger(pid) || pid <= 0 || pid === process.pid || processAlive(pid)) continue;
    try {
      // Not recursive for a file's temporaries: a directory of that name is not one of ours.
      fs.rmSync(`${folder}/${name}`, { recursive: kind === 'directory', force: true });
    } catch {
      // Best effort: a temporary that cannot be removed harms nothing but space.
    }
  }
}

let serial = 0;

/**
 * Writes `files` (name → text or bytes) as the whole content of `dir`, atomically: the directory
 * afterwards holds exactly these files. An existing `dir` may hold only names in `replaceable`
 * (default: the new files' names, as regular files) — anything else is a FileError naming it, so a user's own
 * files are never deleted. Missing parent directories are created. A failure is a FileError naming the path; nothing is half-written.
 */
export function writeDirectoryAtomic(dir: string, files: ReadonlyMap<string, string | Uint8Array>, replaceable: Iterable<string> = files.keys()): void {
  const fs = nodeFs('writeDirectoryAtomic');
  for (const name of files.keys()) {
    if (name === '' || name.includes('/') || name.includes('\\') || name === '.' || name === '..') throw new ValueError(`writeDirectoryAtomic: '${name}' is not a file name`);
  }
  const foreign = foreignEntries(dir, [...replaceable, ...files.keys()]);
  if (foreign.length > 0) {
    throw new FileError(dir, 'cannot write the directory', `it holds files that are not a report's (${foreign.slice(0, 3).join(', ')}${foreign.length > 3 ? ', …' : ''}), which writing it would replace — choose a new or empty directory`);
  }
  const { parent, base } = split(dir);
  removeStaleTemporaries(parent, base, 'directory');
  const stamp = () => `${parent}/.${tempStem(base)}.${process.pid}.${Date.now()}${String(serial++).padStart(4, '0')}`;
  const tmp = `${stamp()}.tmp`;
  const setAside: string[] = [];
  try {
    try {
      fs.mkdirSync(parent, { recursive: true });
      fs.mkdirSync(tmp);
    } catch (e) {
      if (fsErrorCode(e) === 'ENOENT') throw new FileError(dir, 'cannot create the directory', `the directory ${parent} does not exist`, 'ENOENT');
      throw fileError(dir, 'cannot create the directory', e);
    }
    for (const [name, content] of files) {
      const path = `${tmp}/${name}`;
      try {
        const fd = fs.openSync(path, 'w');
        try {
          if (typeof content === 'string') fs.writeSync(fd, content);
          else fs.writeSync(fd, content, 0, content.length);
          fs.fsyncSync(fd);
        } finally {
          fs.closeSync(fd);
        }
      } catch (e) {
        throw fileError(`${dir}/${name}`, 'cannot write the file', e);
      }
    }
    // Another run may put its directory in place between our two renames: set it aside and retry.
    for (let attempt = 0; ; attempt++) {
      try {
        fs.renameSync(tmp, dir);
        break;
      } catch (e) {
        const code = fsErrorCode(e);
        if ((code !== 'ENOTEMPTY' && code !== 'EEXIST') || attempt >= 100) throw fileError(dir, 'cannot put the directory in place', e);
      }
      const old = `${stamp()}.old`;
      try {
        fs.renameSync(dir, old);
        setAside.push(old);
      } catch (e) {
        if (fsErrorCode(e) !== 'ENOENT') throw fileError(dir, 'cannot replace the directory', e);
      }
    }
  } finally {
    for (const leftover of [tmp, ...setAside]) {
      try {
        fs.rmSync(leftover, { recursive: true, force: true });
      } catch {
        // a name that could not be created (ENAMETOOLONG…) cannot be removed either
      }
    }
  }
}
