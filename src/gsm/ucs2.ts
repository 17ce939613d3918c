/**
 * UCS2 user data (TS 23.038 §6.2.3 / ISO 10646), carried as UTF-16 big-endian as every current
 * handset does: a character outside the BMP is a surrogate pair, 2 code units = 4 octets.
 * JavaScript strings are UTF-16 already, so code units map one to one.
 */

export function encodeUcs2(text: string): Uint8Array {
  const out = new Uint8Array(text.length * 2);
  for (let i = 0; i < text.length; i++) {
    const u = text.charCodeAt(i);
    out[i * 2] = u >> 8;
    out[i * 2 + 1] = u & 0xff;
  }
  return out;
}

/**
 * UTF-16BE octets -> text. An odd trailing octet cannot form a code unit and is dropped (the caller can
 * tell from `bytes.length % 2`). Unpaired surrogates are kept as they are, so nothing is lost.
 */
export function decodeUcs2(bytes: ArrayLike<number>): string {
  const n = bytes.length >> 1;
  const units: number[] = new Array<number>(n);
  for (let i = 0; i < n; i++) units[i] = ((bytes[i * 2]! & 0xff) << 8) | (bytes[i * 2 + 1]! & 0xff);
  // Chunked to stay far from the engine's argument-count limit.
  let s = '';
  for (let i = 0; i < n; i += 4096) s += String.fromCharCode(...units.slice(i, i + 4096));
  return s;
}

/** Length in UCS2 code units (what the 70 / 67 limits count). */
export function ucs2Length(text: string): number {
  return text.length;
}
