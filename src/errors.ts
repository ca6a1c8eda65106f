/**
 * Typed errors. Every message names the op, the shapes or dtypes involved and the problem,
 * so a user can fix the call without reading chainrule's source.
 */

/** Base class of every error chainrule throws on purpose. */
export class ChainruleError extends Error {
  override name = 'ChainruleError';
}

/** Shapes that cannot be combined, reshaped or indexed as asked. */
export class ShapeError extends ChainruleError {
  override name = 'ShapeError';
}

/** An axis out of range or repeated. */
export class AxisError extends ShapeError {
  override name = 'AxisError';
}

/** A dtype an op cannot take, e.g. a gradient asked of an int32 tensor. */
export class DTypeError extends ChainruleError {
  override name = 'DTypeError';
}

/** A value that is not valid input: ragged nested arrays, a bad range, a bad option. */
export class ValueError extends ChainruleError {
  override name = 'ValueError';
}

/** Misuse of automatic differentiation: backward() without a seed on a non-scalar, etc. */
export class AutogradError extends ChainruleError {
  override name = 'AutogradError';
}

/** A NaN or infinity found by anomaly mode, with the op and where user code created it. */
export class AnomalyError extends ChainruleError {
  override name = 'AnomalyError';
}

/** Analytic and numerical gradients disagree. */
export class GradcheckError extends ChainruleError {
  override name = 'GradcheckError';
}

/** A model file that cannot be read: truncated, edited, of another version, or not matching its model. */
export class ModelFileError extends ChainruleError {
  override name = 'ModelFileError';
}

/**
 * A CSV file that cannot be read as asked; the message is `<file>:<line>: <reason>` with the
 * 1-based physical line (the header is line 1), or `<file>: <reason>` when no line is to blame.
 */
export class CsvError extends ChainruleError {
  override name = 'CsvError';
  readonly file: string;
  readonly line: number | null;
  readonly reason: string;

  constructor(file: string, line: number | null, reason: string) {
    super(line === null ? `${file}: ${reason}` : `${file}:${line}: ${reason}`);
    this.file = file;
    this.line = line;
    this.reason = reason;
  }
}

/**
 * A file or directory that cannot be read or written (missing, a directory, no permission, disk
 * full…); the message is `<path>: <what was attempted>: <reason>`, with the system's code kept.
 */
export class FileError extends ChainruleError {
  override name = 'FileError';
  readonly path: string;
  /** What was attempted, e.g. `cannot write --out`. */
  readonly action: string;
  /** Why it failed, in words. */
  readonly reason: string;
  /** The system error code (ENOENT, EISDIR, EACCES, ENOSPC…), or null when the check was chainrule's own. */
  readonly code: string | null;

  constructor(path: string, action: string, reason: string, code: string | null = null) {
    super(`${path}: ${action}: ${reason}`);
    this.path = path;
    this.action = action;
    this.reason = reason;
    this.code = code;
  }
}

const FS_REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or directory',
  ENOTDIR: 'a part of the path is not a directory',
  EISDIR: 'it is a directory',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOSPC: 'no space left on device',
  EDQUOT: 'disk quota exceeded',
  EEXIST: 'it already exists',
  ENAMETOOLONG: 'the name is too long',
  EMFILE: 'too many open files',
  EIO: 'input/output error',
  EBUSY: 'it is busy',
  ENOTEMPTY: 'the directory is not empty',
};

/** The system code of a Node fs error (`ENOENT`…), or null. */
export function fsErrorCode(e: unknown): string | null {
  const code = typeof e === 'object' && e !== null ? (e as { code?: unknown }).code : undefined;
  return typeof code === 'string' ? code : null;
}

/** What a Node fs error means, in words (`it is a directory`, `permission denied`…). */
export function fsErrorReason(e: unknown): string {
  const code = fsErrorCode(e);
  return code === null ? (e instanceof Error ? e.message : String(e)) : (FS_REASONS[code] ?? code);
}

/** A Node fs error as a FileError naming `path` and the action, in words rather than a stack trace. */
export function fileError(path: string, action: string, e: unknown): FileError {
  if (e instanceof FileError) return e;
  return new FileError(path, action, fsErrorReason(e), fsErrorCode(e));
}
