/**
 * TE character sets of AT+CSCS (3GPP TS 27.007 §5.5): how string parameters and string answers (+CSCA,
 * +CNUM, +COPS names, +CUSD text) travel between host and modem. Pure.
 *  - "GSM": the GSM 7-bit default alphabet (TS 23.038 §6.2.1), one septet per byte.
 *  - "IRA": ITU-T T.50 (ASCII); "8859-1": Latin-1.
 *  - "UCS2": 16-bit code units as 4 hex digits each ("0041" = "A").
 *  - "HEX": the ME's own (GSM 7-bit) codes as hex pairs, no conversion ("2B" = "+").
 */
import { bytesToHex, decodeGsm7, decodeUcs2, encodeGsm7, encodeUcs2, hexToBytes, isHex } from '../../../src/gsm/index.js';

export const CHARSETS = ['GSM', 'IRA', '8859-1', 'UCS2', 'HEX'] as const;
export type Charset = (typeof CHARSETS)[number];

export function isCharset(s: string): s is Charset {
  return (CHARSETS as readonly string[]).includes(s);
}

/** GSM 7-bit codes of `text`, with `?` for characters outside the alphabet. */
function gsmCodes(text: string): number[] {
  const out: number[] = [];
  for (const ch of text) {
    const s = encodeGsm7(ch);
    if (s) out.push(...s);
    else out.push(0x3f);
  }
  return out;
}

/** Text → the form it takes on the wire in `cs`. */
export function encodeString(text: string, cs: Charset): string {
  switch (cs) {
    case 'GSM':
      return String.fromCharCode(...gsmCodes(text));
    case 'IRA':
      return text.replace(/[^\x00-\x7f]/gu, '?');
    case '8859-1':
      return text.replace(/[^\x00-\xff]/gu, '?');
    case 'UCS2':
      return bytesToHex(encodeUcs2(text));
    case 'HEX':
      return bytesToHex(gsmCodes(text));
  }
}

/** The wire form in `cs` → text; undefined when it is not valid in that character set. */
export function decodeString(wire: string, cs: Charset): string | undefined {
  switch (cs) {
    case 'GSM': {
      const codes: number[] = [];
      for (let i = 0; i < wire.length; i++) {
        const c = wire.charCodeAt(i);
        if (c > 0x7f) return undefined;
        codes.push(c);
      }
      return decodeGsm7(codes);
    }
    case 'IRA':
      return /^[\x00-\x7f]*$/.test(wire) ? wire : undefined;
    case '8859-1':
      return /^[\x00-\xff]*$/.test(wire) ? wire : undefined;
    case 'UCS2':
      return wire.length % 4 === 0 && (wire === '' || isHex(wire)) ? decodeUcs2(hexToBytes(wire)) : undefined;
    case 'HEX':
      if (wire === '') return '';
      if (!isHex(wire)) return undefined;
      return decodeGsm7(Array.from(hexToBytes(wire), (b) => b & 0x7f));
  }
}
