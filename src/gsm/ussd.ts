/**
 * USSD strings (+CUSD, TS 27.007 §7.15) and their data coding scheme, which is the Cell Broadcast
 * DCS of TS 23.038 §5:
 *
 *   0000 xxxx  GSM 7-bit, language given by the low nibble (1111 = unspecified)
 *   0001 0000  GSM 7-bit, text preceded by a language indication (2 characters + CR)
 *   0001 0001  UCS2, preceded by a language indication (2 GSM 7-bit characters packed in 2 octets)
 *   0010 xxxx  GSM 7-bit, more languages (0000..0100 defined)
 *   01xx xxxx  general data coding: bits 3..2 alphabet (00 GSM 7-bit, 01 8-bit, 10 UCS2), e.g. 0x48 UCS2
 *   1001 xxxx  message with user data header, bits 3..2 alphabet
 *   1111 xxxx  bit 2: 8-bit, else GSM 7-bit
 *   anything else is reserved and taken as GSM 7-bit (TS 23.038 §5: reserved codings shall be assumed
 *   to be the GSM 7-bit default alphabet).
 *
 * How <str> arrives depends on the modem: TS 27.007 says GSM 7-bit text is converted to the TE
 * character set (+CSCS), 8-bit and UCS2 as hex. In practice some modems hand over GSM 7-bit as the
 * hex of the packed septets whatever +CSCS says, others as plain text. `decodeUssd` trusts the
 * character set when it is given (GSM / IRA ...: text, HEX: unpacked septets, UCS2: UCS2 hex), guesses
 * when it is not (valid hex that unpacks to plausible text is packed 7-bit), and a driver that knows
 * its modem sends packed hex anyway passes `format: 'packed-hex'`.
 */
import { decodeGsm7, encodeGsm7, packSeptets, unpackSeptets } from './gsm7.js';
import { bytesToHex, hexToBytes, isHex } from './hex.js';
import { decodeLatin1 } from './latin1.js';
import { decodeUcs2 } from './ucs2.js';

export type UssdEncoding = 'gsm7' | 'ucs2' | '8bit';

export interface UssdDcsInfo {
  encoding: UssdEncoding;
  /** ISO 639 language from the DCS, when it names one. */
  language?: string;
  /** The text starts with a language indication that decodeUssd strips. */
  languagePrefix: boolean;
  /** The coding is reserved and was taken as GSM 7-bit. */
  reserved: boolean;
}

/** TS 23.038 §5 language groups 0000 and 0010 (ISO 639 codes). */
const LANG_0 = ['de', 'en', 'it', 'fr', 'es', 'nl', 'sv', 'da', 'pt', 'fi', 'no', 'el', 'tr', 'hu', 'pl'];
const LANG_2 = ['cs', 'he', 'ar', 'ru', 'is'];

const ALPHABET: readonly (UssdEncoding | undefined)[] = ['gsm7', '8bit', 'ucs2', undefined];

export function decodeUssdDcs(dcs: number): UssdDcsInfo {
  const v = dcs & 0xff;
  const high = v >> 4;
  const base = { languagePrefix: false, reserved: false };
  if (high === 0x0) {
    const language = LANG_0[v & 0x0f];
    return language ? { ...base, encoding: 'gsm7', language } : { ...base, encoding: 'gsm7' };
  }
  if (v === 0x10) return { ...base, encoding: 'gsm7', languagePrefix: true };
  if (v === 0x11) return { ...base, encoding: 'ucs2', languagePrefix: true };
  if (high === 0x2 && (v & 0x0f) < LANG_2.length) return { ...base, encoding: 'gsm7', language: LANG_2[v & 0x0f]! };
  if (high >= 0x4 && high <= 0x7) {
    const a = ALPHABET[(v >> 2) & 0x03];
    return a ? { ...base, encoding: a } : { ...base, encoding: 'gsm7', reserved: true };
  }
  if (high === 0x9) {
    const a = ALPHABET[(v >> 2) & 0x03];
    return a ? { ...base, encoding: a } : { ...base, encoding: 'gsm7', reserved: true };
  }
  if (high === 0xf) return { ...base, encoding: v & 0x04 ? '8bit' : 'gsm7' };
  return { ...base, encoding: 'gsm7', reserved: true };
}

export interface UssdDecodeOptions {
  /**
   * The TE character set in force (+CSCS). 'GSM' means the text arrives as GSM 7-bit codes, one
   * character per septet (converted here); 'IRA' / '8859-1' / 'UTF-8' mean plain text; 'UCS2' means
   * GSM 7-bit text arrives as UCS2 hex; 'HEX' means unpacked septets as hex. Unknown: guess.
   */
  charset?: string;
  /**
   * Overrides the guess for GSM 7-bit data: 'packed-hex' (hex of packed septets), 'unpacked-hex'
   * (one septet per hex pair), 'text'.
   */
  format?: 'auto' | 'packed-hex' | 'unpacked-hex' | 'text';
}

export interface UssdDecoded {
  text: string;
  /** Alphabet from the DCS; 'text' when <str> was already plain text. */
  encoding: UssdEncoding | 'text';
  language?: string;
}

/**
 * Unpacks a CBS/USSD 7-bit payload (no length field): as many septets as the octets hold, minus a
 * trailing CR padding septet (TS 23.038 §6.1.2.3.1: with 7 spare bits at the end the sender pads with CR).
 */
function unpackUssd(bytes: Uint8Array): Uint8Array {
  let septets = unpackSeptets(bytes, Math.floor((bytes.length * 8) / 7));
  if ((bytes.length * 8) % 7 === 0 && septets.length > 0 && septets[septets.length - 1] === 0x0d) {
    septets = septets.subarray(0, septets.length - 1);
  }
  return septets;
}

/** GSM characters that ordinary message text is made of (Greek capitals and controls are not). */
const PLAIN = /[\x20-\x7e\n\r\u00a1\u00a3\u00a4\u00a5\u00a7\u00bf\u00c4-\u00c7\u00c9\u00d1\u00d6\u00d8\u00dc\u00df\u00e0\u00e4-\u00e6\u00e8\u00e9\u00ec\u00f1\u00f2\u00f6\u00f8\u00f9\u00fc\u20ac]/;

/** Share of characters that look like ordinary message text (used to tell packed hex from text). */
function plausibility(text: string): number {
  const chars = [...text];
  if (chars.length === 0) return 0;
  return chars.filter((c) => PLAIN.test(c)).length / chars.length;
}

/**
 * Text received with +CSCS="GSM": each character code below 0x80 is a GSM 7-bit septet (so '@' is
 * U+0000 and ESC sequences reach the extension table); anything else is kept as it is.
 */
export function gsmCharsetToText(str: string): string {
  let out = '';
  let run: number[] = [];
  for (const ch of str) {
    const c = ch.codePointAt(0)!;
    if (c < 0x80) {
      run.push(c);
      continue;
    }
    if (run.length) out += decodeGsm7(run);
    run = [];
    out += ch;
  }
  if (run.length) out += decodeGsm7(run);
  return out;
}

function stripLanguage(text: string): { text: string; language?: string } {
  // TS 23.038 §5, DCS 0x10: two characters of language, then CR, then the message.
  if (text.length >= 3 && text[2] === '\r') return { text: text.slice(3), language: text.slice(0, 2).toLowerCase() };
  return { text };
}

function withLanguage(out: UssdDecoded, language: string | undefined): UssdDecoded {
  return language ? { ...out, language } : out;
}

function decodeGsm7Str(str: string, info: UssdDcsInfo, opts: UssdDecodeOptions): UssdDecoded {
  const charset = opts.charset?.toUpperCase();
  let format = opts.format ?? 'auto';
  let ucs2Hex = false;
  if (format !== 'text' && !isHex(str)) format = 'text'; // whatever was asked, it cannot be hex
  if (format === 'auto') {
    if (!isHex(str)) format = 'text';
    else if (charset === 'HEX') format = 'unpacked-hex';
    else if (charset === 'UCS2') {
      // TS 27.007 §7.15: GSM 7-bit text is converted to the TE character set, here UCS2 hex.
      format = 'packed-hex';
      ucs2Hex = str.length % 4 === 0;
    } else if (charset !== undefined) format = 'text'; // GSM, IRA, 8859-1, UTF-8 ...: plain text
    else format = 'packed-hex';
  }
  let text: string;
  let encoding: UssdDecoded['encoding'] = 'gsm7';
  if (format === 'text') {
    // +CSCS="GSM": one character per septet code (TS 27.007 §5.5); other charsets: already text.
    text = charset === 'GSM' ? gsmCharsetToText(str) : str;
    encoding = 'text';
  } else if (format === 'unpacked-hex') {
    text = decodeGsm7(hexToBytes(str));
  } else if (ucs2Hex) {
    text = decodeUcs2(hexToBytes(str));
    encoding = 'ucs2';
  } else {
    text = decodeGsm7(unpackUssd(hexToBytes(str)));
    // Guessing (no format given, charset unknown): keep the raw string if the "hex" was really text
    // such as a balance "1234" that happens to consist of hex digits.
    if ((opts.format ?? 'auto') === 'auto' && charset === undefined && plausibility(text) < 0.8 && plausibility(str) >= 0.8) {
      text = str;
      encoding = 'text';
    }
  }
  if (info.languagePrefix) {
    const s = stripLanguage(text);
    return withLanguage({ text: s.text, encoding }, s.language ?? info.language);
  }
  return withLanguage({ text, encoding }, info.language);
}

/**
 * Decodes the <str> of a +CUSD: result code given its <dcs>. Never throws: a string that is not
 * what the DCS announces is returned as text.
 */
export function decodeUssd(str: string, dcs: number, opts: UssdDecodeOptions = {}): UssdDecoded {
  const info = decodeUssdDcs(dcs);
  const s = str.trim();
  if (info.encoding === 'gsm7') return decodeGsm7Str(s, info, opts);
  if (!isHex(s) || opts.format === 'text') return withLanguage({ text: str, encoding: 'text' }, info.language);
  const bytes = hexToBytes(s);
  if (info.encoding === '8bit') return withLanguage({ text: decodeLatin1(bytes), encoding: '8bit' }, info.language);
  if (info.languagePrefix && bytes.length >= 2) {
    // DCS 0x11: two GSM 7-bit characters packed into the first two octets, then UCS2.
    const language = decodeGsm7(unpackSeptets(bytes.subarray(0, 2), 2)).toLowerCase();
    return { text: decodeUcs2(bytes.subarray(2)), encoding: 'ucs2', language };
  }
  return withLanguage({ text: decodeUcs2(bytes), encoding: 'ucs2' }, info.language);
}

/**
 * Packs a USSD string as GSM 7-bit hex for modems that want it packed (AT+CUSD=1,"<hex>",15).
 * Applies the CR padding of TS 23.038 §6.1.2.3.1. Undefined when the text is not GSM 7-bit.
 */
export function encodeUssd(text: string): string | undefined {
  const septets = encodeGsm7(text);
  if (!septets) return undefined;
  let s: number[] = Array.from(septets);
  // 8n-1 septets leave 7 spare bits that a receiver would read as '@': pad with CR. A message that
  // ends with CR exactly on an octet boundary gets one more CR, so the receiver strips only that one.
  if (s.length % 8 === 7) s.push(0x0d);
  else if (s.length % 8 === 0 && s.length > 0 && s[s.length - 1] === 0x0d) s = [...s, 0x0d];
  return bytesToHex(packSeptets(s));
}
