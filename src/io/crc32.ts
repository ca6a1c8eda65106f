const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

/** CRC-32 (IEEE) of bytes[start, end) as an unsigned integer (model files' checksum, PNG chunks). */
export function crc32Bytes(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let c = 0xffffffff;
  for (let i = start; i < end; i++) c = (TABLE[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8)) >>> 0;
  return (c ^ 0xffffffff) >>> 0;
}

/** CRC-32 (IEEE) of a string's UTF-8 bytes, as 8 hex digits: detects truncated or edited files. */
export function crc32(text: string): string {
  return crc32Bytes(new TextEncoder().encode(text)).toString(16).padStart(8, '0');
}
