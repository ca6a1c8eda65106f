/**
 * Strict UTF-8 decoding of files. `readFileSync(path, 'utf8')` turns every invalid byte into
 * U+FFFD without a word, so a Latin-1 or binary file would load with mangled labels; here such a
 * file is refused, at the byte and line where it stops being UTF-8.
 */
import { fsErrorReason } from '../errors.js';
import { nodeFs } from './node.js';

const STRICT = new TextDecoder('utf-8', { fatal: true });

/** The offset of the first byte that does not begin a valid UTF-8 sequence (the slow path, only after decoding failed). */
function firstInvalid(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const width = b < 0x80 ? 1 : b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
    if (width === 0 || i + width > bytes.length) return i;
    const second = bytes[i + 1] ?? 0;
    // Overlong forms, surrogates and code points past U+10FFFF are invalid in their second byte.
    const lo = b === 0xe0 ? 0xa0 : b === 0xf0 ? 0x90 : 0x80;
    const hi = b === 0xed ? 0x9f : b === 0xf4 ? 0x8f : 0xbf;
    if (width > 1 && (second < lo || second > hi)) return i;
    for (let k = 2; k < width; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) return i;
    i += width;
  }
  return bytes.length;
}

/** The text of UTF-8 `bytes` (a leading BOM dropped), or where it is not UTF-8: the byte offset and its 1-based line. */
export function decodeUtf8(bytes: Uint8Array): string | { readonly offset: number; readonly line: number } {
  try {
    return STRICT.decode(bytes);
  } catch {
    const offset = firstInvalid(bytes);
    return { offset, line: lineAt(STRICT.decode(bytes.subarray(0, offset)), offset) };
  }
}

/** The 1-based physical line of `text[offset]`, counting CRLF, LF and lone CR line ends as CSV does. */
export function lineAt(text: string, offset: number): number {
  let line = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) line++;
  }
  return line;
}

/**
 * The bytes of file `path` as strict UTF-8 text; `fail(line, reason)` makes the error to throw
 * (the reader's own class) when the file cannot be read or is not UTF-8.
 */
export function readUtf8File(path: string, op: string, fail: (line: number | null, reason: string) => Error): string {
  let bytes: Uint8Array;
  try {
    bytes = nodeFs(op).readFileSync(path);
  } catch (e) {
    throw fail(null, `cannot read the file: ${fsErrorReason(e)}`);
  }
  const text = decodeUtf8(bytes);
  if (typeof text !== 'string') throw fail(text.line, `byte ${text.offset} is not UTF-8; save the file as UTF-8 text`);
  return text;
}
