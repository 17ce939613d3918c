/** Hex <-> octets, the form in which PDUs travel over AT commands (TS 27.005 §3.1 <pdu>). */
import { PduError } from './pdu-error.js';

const HEX = '0123456789ABCDEF';

export function bytesToHex(bytes: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]! & 0xff;
    s += HEX[b >> 4]! + HEX[b & 0x0f]!;
  }
  return s;
}

/** True when `s` is a non-empty, even-length string of hex digits (either case). */
export function isHex(s: string): boolean {
  return s.length > 0 && s.length % 2 === 0 && /^[0-9A-Fa-f]+$/.test(s);
}

/**
 * Parses hex (either case; surrounding whitespace is ignored). Throws PduError('bad-hex') for an odd
 * length, an empty string or any non-hex character.
 */
export function hexToBytes(hex: string): Uint8Array {
  const s = hex.trim();
  if (s.length === 0) throw new PduError('bad-hex', 'empty hex string');
  if (s.length % 2 !== 0) throw new PduError('bad-hex', `odd-length hex string (${s.length} characters)`);
  const m = /[^0-9A-Fa-f]/.exec(s);
  if (m) throw new PduError('bad-hex', `non-hex character ${JSON.stringify(m[0])} at position ${m.index}`);
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.substr(i * 2, 2), 16);
  return out;
}
