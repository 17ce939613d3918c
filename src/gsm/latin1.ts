/**
 * 8-bit user data as text: each octet becomes the code point of the same value (ISO 8859-1). The
 * octets themselves are what 8-bit data means (TS 23.038 §4: "8 bit data"); this is only a readable view.
 */
import { PduError } from './pdu-error.js';

export function decodeLatin1(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) s += String.fromCharCode(bytes[i]! & 0xff);
  return s;
}

/** Throws PduError('encode') for a character above U+00FF. */
export function encodeLatin1(text: string): Uint8Array {
  const out = new Uint8Array(text.length);
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c > 0xff) throw new PduError('encode', `text: ${JSON.stringify(text[i])} at index ${i} does not fit in 8-bit data`);
    out[i] = c;
  }
  return out;
}
