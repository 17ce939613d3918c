/**
 * GSM 7-bit default alphabet and its extension table (3GPP TS 23.038 §6.2.1, §6.2.1.1), and the
 * packing of septets into octets (TS 23.038 §6.1.2.1.1; fill bits after a user data header,
 * TS 23.040 §9.2.3.24).
 *
 * Septets are plain numbers 0..127. An extension character is two septets: ESC (0x1B) and its code.
 */

export const ESC = 0x1b;

/** TS 23.038 §6.2.1, indexed by septet value. Index 0x1B is the escape to the extension table. */
const BASIC: readonly string[] = [
  '@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
  'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', '\u001b', 'Æ', 'æ', 'ß', 'É',
  ' ', '!', '"', '#', '¤', '%', '&', "'", '(', ')', '*', '+', ',', '-', '.', '/',
  '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
  '¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
  'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
  '¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
  'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
];

/** TS 23.038 §6.2.1.1: the characters reached by ESC + code. */
const EXTENSION: ReadonlyMap<number, string> = new Map([
  [0x0a, '\f'],
  [0x14, '^'],
  [0x28, '{'],
  [0x29, '}'],
  [0x2f, '\\'],
  [0x3c, '['],
  [0x3d, '~'],
  [0x3e, ']'],
  [0x40, '|'],
  [0x65, '€'],
]);

const BASIC_REVERSE = new Map<string, number>();
BASIC.forEach((ch, i) => {
  if (i !== ESC) BASIC_REVERSE.set(ch, i);
});
const EXTENSION_REVERSE = new Map<string, number>();
for (const [code, ch] of EXTENSION) EXTENSION_REVERSE.set(ch, code);

/** Every character of the default alphabet and of the extension table (for tests and generators). */
export const GSM7_BASIC_CHARS: readonly string[] = BASIC.filter((_, i) => i !== ESC);
export const GSM7_EXTENSION_CHARS: readonly string[] = [...EXTENSION.values()];

/** Septets one character takes: 1 (default table), 2 (extension table), undefined (not representable). */
export function gsm7CharSeptets(ch: string): 1 | 2 | undefined {
  if (BASIC_REVERSE.has(ch)) return 1;
  if (EXTENSION_REVERSE.has(ch)) return 2;
  return undefined;
}

export interface UnrepresentableChar {
  /** The whole code point (a surrogate pair stays together). */
  char: string;
  /** Index in UTF-16 code units. */
  index: number;
}

/** The first character that the GSM 7-bit alphabet (with its extension table) cannot carry. */
export function firstNonGsm7(text: string): UnrepresentableChar | undefined {
  let index = 0;
  for (const ch of text) {
    if (gsm7CharSeptets(ch) === undefined) return { char: ch, index };
    index += ch.length;
  }
  return undefined;
}

export function isGsm7(text: string): boolean {
  return firstNonGsm7(text) === undefined;
}

/** Length in septets (extension characters count 2), or undefined when not representable. */
export function gsm7Length(text: string): number | undefined {
  let n = 0;
  for (const ch of text) {
    const s = gsm7CharSeptets(ch);
    if (s === undefined) return undefined;
    n += s;
  }
  return n;
}

/** Text -> septets, or undefined when some character is not representable (see firstNonGsm7). */
export function encodeGsm7(text: string): Uint8Array | undefined {
  const len = gsm7Length(text);
  if (len === undefined) return undefined;
  const out = new Uint8Array(len);
  let i = 0;
  for (const ch of text) {
    const b = BASIC_REVERSE.get(ch);
    if (b !== undefined) {
      out[i++] = b;
    } else {
      out[i++] = ESC;
      out[i++] = EXTENSION_REVERSE.get(ch)!;
    }
  }
  return out;
}

/**
 * Septets -> text. TS 23.038 §6.2.1.1: ESC + a code missing from the extension table shows the
 * default-table character of that code; ESC ESC (reserved for a further extension table) shows a space.
 * A lone ESC as the very last septet is also shown as a space. Values above 127 are masked to 7 bits.
 */
export function decodeGsm7(septets: ArrayLike<number>): string {
  let s = '';
  for (let i = 0; i < septets.length; i++) {
    const c = septets[i]! & 0x7f;
    if (c !== ESC) {
      s += BASIC[c]!;
      continue;
    }
    if (i + 1 >= septets.length) {
      s += ' ';
      break;
    }
    const next = septets[++i]! & 0x7f;
    if (next === ESC) s += ' ';
    else s += EXTENSION.get(next) ?? BASIC[next]!;
  }
  return s;
}

/**
 * Packs septets into octets, least significant bit first (TS 23.038 §6.1.2.1.1), after `fillBits`
 * zero bits (0..6) that align the first septet to a septet boundary following a UDH.
 */
export function packSeptets(septets: ArrayLike<number>, fillBits = 0): Uint8Array {
  const totalBits = fillBits + septets.length * 7;
  const out = new Uint8Array(Math.ceil(totalBits / 8));
  let bit = fillBits;
  for (let i = 0; i < septets.length; i++) {
    const v = septets[i]! & 0x7f;
    const byte = bit >> 3;
    const shift = bit & 7;
    out[byte]! |= (v << shift) & 0xff;
    if (shift > 1) out[byte + 1]! |= v >> (8 - shift);
    bit += 7;
  }
  return out;
}

/**
 * Unpacks `count` septets that start after `fillBits` bits of `octets`. Returns fewer septets when the
 * octets run out (the caller checks lengths; this never reads past the buffer).
 */
export function unpackSeptets(octets: ArrayLike<number>, count: number, fillBits = 0): Uint8Array {
  const available = Math.max(0, Math.floor((octets.length * 8 - fillBits) / 7));
  const n = Math.max(0, Math.min(count, available));
  const out = new Uint8Array(n);
  let bit = fillBits;
  for (let i = 0; i < n; i++) {
    const byte = bit >> 3;
    const shift = bit & 7;
    let v = (octets[byte]! & 0xff) >> shift;
    if (shift > 1) v |= (octets[byte + 1]! & 0xff) << (8 - shift);
    out[i] = v & 0x7f;
    bit += 7;
  }
  return out;
}

/** Octets needed for `septets` septets after `fillBits` fill bits. */
export function packedLength(septets: number, fillBits = 0): number {
  return Math.ceil((fillBits + septets * 7) / 8);
}
