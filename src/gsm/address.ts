/**
 * Address fields.
 *  - TP addresses (TP-OA / TP-DA / TP-RA, TS 23.040 §9.1.2.5): length = number of useful semi-octets,
 *    then Type-of-Address, then the value (BCD digits low nibble first with an F filler, or GSM 7-bit
 *    packed text when the type of number is alphanumeric).
 *  - The SMSC address that precedes the TPDU in PDU mode (TS 27.005 §3.1 <pdu>, coded as the RP
 *    address of TS 24.011 §8.2.5.1): length = number of octets including the Type-of-Address; 0 means
 *    "no SMSC here, use the one stored on the SIM".
 */
import { decodeGsm7, encodeGsm7, firstNonGsm7, packSeptets, unpackSeptets } from './gsm7.js';
import { PduError } from './pdu-error.js';
import { ByteReader } from './reader.js';

/** TS 23.040 §9.1.2.5, bits 6..4 of the Type-of-Address octet. */
export type TypeOfNumber =
  | 'unknown'
  | 'international'
  | 'national'
  | 'network-specific'
  | 'subscriber'
  | 'alphanumeric'
  | 'abbreviated'
  | 'reserved';

const TON: readonly TypeOfNumber[] = [
  'unknown',
  'international',
  'national',
  'network-specific',
  'subscriber',
  'alphanumeric',
  'abbreviated',
  'reserved',
];

export interface Address {
  /** '+' and digits when international; the text when alphanumeric; otherwise the digits (0-9 * # a b c). */
  number: string;
  ton: TypeOfNumber;
  /** Numbering plan identification, bits 3..0 (1 = ISDN/E.164). */
  npi: number;
  /** The Type-of-Address octet as received. */
  toa: number;
}

/** How to encode a number: 'auto' = '+...' international, letters alphanumeric, otherwise unknown. */
export type AddressType = 'auto' | 'international' | 'national' | 'unknown' | 'alphanumeric';

const TOA_UNKNOWN = 0x81; // ext bit, TON 000, NPI 0001 (ISDN)
const TOA_INTERNATIONAL = 0x91; // TON 001
const TOA_NATIONAL = 0xa1; // TON 010
const TOA_ALPHANUMERIC = 0xd0; // TON 101, NPI 0000

/** TS 23.040 §9.1.2.5: an address value is at most 10 octets, i.e. 20 digits. */
export const MAX_ADDRESS_DIGITS = 20;
/** TS 23.040 §9.1.2.5: an alphanumeric address holds up to 11 characters (77 bits in 10 octets). */
export const MAX_ALPHANUMERIC_SEPTETS = 11;

/** Semi-octet digit values 0xA..0xE per TS 24.008 §10.5.4.7 (called party BCD number); 0xF is filler. */
const BCD_DIGITS = '0123456789*#abc';

function tonOf(toa: number): TypeOfNumber {
  return TON[(toa >> 4) & 0x07]!;
}

function decodeBcd(value: Uint8Array, digits: number): string {
  let s = '';
  for (let i = 0; i < digits; i++) {
    const octet = value[i >> 1]!;
    const nibble = i % 2 === 0 ? octet & 0x0f : octet >> 4;
    if (nibble === 0x0f) continue; // filler where a digit was expected: skip it rather than invent one
    s += BCD_DIGITS[nibble]!;
  }
  return s;
}

function encodeBcd(digits: string): Uint8Array {
  const out = new Uint8Array(Math.ceil(digits.length / 2)).fill(0xff);
  for (let i = 0; i < digits.length; i++) {
    const v = BCD_DIGITS.indexOf(digits[i]!);
    const o = i >> 1;
    out[o] = i % 2 === 0 ? (out[o]! & 0xf0) | v : (out[o]! & 0x0f) | (v << 4);
  }
  return out;
}

function decodeValue(toa: number, value: Uint8Array, semiOctets: number): Address {
  const ton = tonOf(toa);
  const npi = toa & 0x0f;
  if (ton === 'alphanumeric') {
    // TS 23.040 §9.1.2.5: GSM 7-bit default alphabet, packed; the length counts semi-octets used.
    const septets = Math.floor((semiOctets * 4) / 7);
    return { number: decodeGsm7(unpackSeptets(value, septets)), ton, npi, toa };
  }
  const digits = decodeBcd(value, semiOctets);
  return { number: ton === 'international' ? `+${digits}` : digits, ton, npi, toa };
}

/** Reads a TP address field (TP-OA, TP-DA, TP-RA). */
export function readTpAddress(r: ByteReader, field: string): Address {
  const semiOctets = r.u8(`${field} length`);
  const toa = r.u8(`${field} type-of-address`);
  const value = r.bytes(Math.ceil(semiOctets / 2), `${field} value`);
  return decodeValue(toa, value, semiOctets);
}

/** Reads the SMSC field that starts a PDU-mode PDU. Undefined when its length is 0 (SIM's SMSC). */
export function readSmscAddress(r: ByteReader): Address | undefined {
  const octets = r.u8('SMSC length');
  if (octets === 0) return undefined;
  const toa = r.u8('SMSC type-of-address');
  const value = r.bytes(octets - 1, 'SMSC address');
  // The length counts octets, so every semi-octet is taken: an odd digit count ends with an F
  // filler, which decodeBcd skips.
  return decodeValue(toa, value, value.length * 2);
}

/** Decodes a TP address field at `offset`; `length` is the number of octets it used. */
export function decodeTpAddress(bytes: Uint8Array, offset = 0): { address: Address; length: number } {
  const r = new ByteReader(bytes);
  r.pos = offset;
  const address = readTpAddress(r, 'address');
  return { address, length: r.pos - offset };
}

/** Decodes an SMSC field at `offset`; `address` is undefined for the `00` "use the SIM's SMSC" field. */
export function decodeSmscAddress(bytes: Uint8Array, offset = 0): { address: Address | undefined; length: number } {
  const r = new ByteReader(bytes);
  r.pos = offset;
  const address = readSmscAddress(r);
  return { address, length: r.pos - offset };
}

interface PreparedNumber {
  toa: number;
  alphanumeric: boolean;
  /** Digits without '+', or the alphanumeric text. */
  value: string;
}

function prepare(number: string, type: AddressType, field: string): PreparedNumber {
  if (type === 'alphanumeric') {
    if (number.length === 0) throw new PduError('encode', `${field}: empty alphanumeric address`);
    return { toa: TOA_ALPHANUMERIC, alphanumeric: true, value: number };
  }
  const compact = number.replace(/[\s\-.()]/g, '');
  const international = compact.startsWith('+');
  const digits = international ? compact.slice(1) : compact;
  if (type === 'auto' && !/^[0-9*#]*$/.test(digits)) {
    return prepare(number, 'alphanumeric', field);
  }
  if (!/^[0-9*#abc]+$/.test(digits)) {
    throw new PduError('encode', `${field}: ${JSON.stringify(number)} is not a dialable number`);
  }
  if (digits.length > MAX_ADDRESS_DIGITS) {
    throw new PduError('encode', `${field}: ${digits.length} digits, at most ${MAX_ADDRESS_DIGITS} fit`);
  }
  const toa =
    type === 'international' || (type === 'auto' && international)
      ? TOA_INTERNATIONAL
      : type === 'national'
        ? TOA_NATIONAL
        : TOA_UNKNOWN;
  return { toa, alphanumeric: false, value: digits };
}

function encodeAlphanumeric(text: string, field: string): { semiOctets: number; value: Uint8Array } {
  const septets = encodeGsm7(text);
  if (septets === undefined) {
    const bad = firstNonGsm7(text)!;
    throw new PduError('encode', `${field}: ${JSON.stringify(bad.char)} is not in the GSM 7-bit alphabet`);
  }
  if (septets.length > MAX_ALPHANUMERIC_SEPTETS) {
    throw new PduError('encode', `${field}: alphanumeric address longer than ${MAX_ALPHANUMERIC_SEPTETS} septets`);
  }
  return { semiOctets: Math.ceil((septets.length * 7) / 4), value: packSeptets(septets) };
}

/** Encodes a TP address field (TS 23.040 §9.1.2.5). Throws PduError('encode') for unusable input. */
export function encodeTpAddress(number: string, type: AddressType = 'auto', field = 'address'): Uint8Array {
  const p = prepare(number, type, field);
  if (p.alphanumeric) {
    const { semiOctets, value } = encodeAlphanumeric(p.value, field);
    return Uint8Array.from([semiOctets, p.toa, ...value]);
  }
  return Uint8Array.from([p.value.length, p.toa, ...encodeBcd(p.value)]);
}

/**
 * Encodes the SMSC field of a PDU-mode PDU: `00` when `number` is undefined or empty (use the SMSC on
 * the SIM), otherwise length-in-octets, Type-of-Address, BCD digits.
 */
export function encodeSmscAddress(number: string | undefined, type: AddressType = 'auto'): Uint8Array {
  if (number === undefined || number.trim() === '') return Uint8Array.of(0);
  const p = prepare(number, type, 'SMSC');
  if (p.alphanumeric) throw new PduError('encode', 'SMSC: an SMSC address must be a number');
  const value = encodeBcd(p.value);
  return Uint8Array.from([value.length + 1, p.toa, ...value]);
}
