/**
 * The text of a submit_sm / data_sm user data by its data_coding (SMPP 3.4 §5.2.19). Pure, never throws.
 *
 * Accepted:
 * - 0 (SMSC default alphabet): GSM 03.38 with one septet per octet (unpacked, as Kannel sends it);
 *   an octet above 0x7F is not a septet and is refused.
 * - 1 (IA5, ITU-T T.50, i.e. ASCII): seven-bit characters; an octet above 0x7F is refused. Several
 *   clients (the node `smpp` library's default among them) label GSM 03.38 septets as data_coding 1:
 *   the two agree on letters, digits and most punctuation but GSM puts `@ £ $ ¥ è é … _ Δ Φ …` and the
 *   escape to `{ } [ ] ~ \ ^ | €` at 0x00-0x1F, where IA5 has control characters that are not text.
 *   So a text with such an octet (0x00-0x1F other than LF and CR, which both alphabets share, or
 *   0x7F DEL) is read as GSM 03.38; any other is read as ASCII.
 * - 3 (Latin 1, ISO 8859-1): every octet is the code point of the same value.
 * - 8 (UCS2): UTF-16BE (surrogate pairs kept); an odd number of octets is refused.
 *
 * The decoded text then goes out like any other: GSM 7-bit when every character is in the GSM
 * alphabet, else UCS2 (the sender's own choice, TS 23.038 §4), so `é` from Latin 1 is sent as GSM
 * 7-bit and `` ` `` (not in GSM 03.38) as UCS2.
 *
 * Anything else (binary 2/4, JIS, Cyrillic, …) is refused: SMPP 3.4 has no status for "unsupported
 * data_coding" (ESME_RINVDCS 0x104 is SMPP 5.0), so the caller answers ESME_RSUBMITFAIL (0x45).
 */
import { decodeGsm7, decodeUcs2 } from '../gsm/index.js';
import { decodeLatin1 } from '../gsm/latin1.js';

export type SupportedDataCoding = 0 | 1 | 3 | 8;
export const SUPPORTED_DATA_CODINGS: readonly SupportedDataCoding[] = [0, 1, 3, 8];

const DATA_CODING_NAMES: Record<number, string> = {
  0: 'GSM 03.38, one septet per octet',
  1: 'IA5/ASCII',
  2: 'octet unspecified (8-bit binary)',
  3: 'Latin 1',
  4: 'octet unspecified (8-bit binary)',
  5: 'JIS',
  6: 'Cyrillic',
  7: 'Latin/Hebrew',
  8: 'UCS2',
  9: 'pictogram',
  10: 'ISO-2022-JP',
  13: 'extended Kanji JIS',
  14: 'KS C 5601',
};

export function dataCodingName(dc: number): string {
  return DATA_CODING_NAMES[dc] ?? 'reserved or not supported';
}

export type DecodedText = { ok: true; text: string; dataCoding: SupportedDataCoding } | { ok: false; reason: string };

const LF = 0x0a;
const CR = 0x0d;
const DEL = 0x7f;

/** An IA5 octet that is a control character there but a GSM 03.38 character (see the file comment). */
function gsmOnlyOctet(b: number): boolean {
  return (b < 0x20 && b !== LF && b !== CR) || b === DEL;
}

function hex(b: number): string {
  return `0x${b.toString(16).padStart(2, '0')}`;
}

/** The text of `body` (the user data after any UDH) under data_coding `dc`. */
export function decodeSubmitText(dc: number, body: Uint8Array): DecodedText {
  const dcHex = hex(dc);
  switch (dc) {
    case 0: {
      const bad = body.findIndex((b) => b > 0x7f);
      if (bad >= 0) return { ok: false, reason: `data_coding 0 (GSM 03.38, one septet per octet) but octet ${bad} is ${hex(body[bad]!)}: not a septet (packed 7-bit or 8-bit text?)` };
      return { ok: true, text: decodeGsm7(body), dataCoding: 0 };
    }
    case 1: {
      const bad = body.findIndex((b) => b > 0x7f);
      if (bad >= 0) return { ok: false, reason: `data_coding 1 (IA5/ASCII) but octet ${bad} is ${hex(body[bad]!)}: IA5 has 7-bit characters only (Latin 1 text is data_coding 3)` };
      // Below 0x80 ISO 8859-1 and ASCII are the same code points.
      const text = body.some(gsmOnlyOctet) ? decodeGsm7(body) : decodeLatin1(body);
      return { ok: true, text, dataCoding: 1 };
    }
    case 3:
      return { ok: true, text: decodeLatin1(body), dataCoding: 3 };
    case 8:
      if (body.length % 2 !== 0) return { ok: false, reason: `data_coding 8 (UCS2) with an odd number of octets (${body.length})` };
      return { ok: true, text: decodeUcs2(body), dataCoding: 8 };
    default:
      return { ok: false, reason: `data_coding ${dcHex} (${dataCodingName(dc)}) is not supported: use 0 (GSM 03.38, one septet per octet), 1 (IA5/ASCII), 3 (Latin 1) or 8 (UCS2)` };
  }
}
