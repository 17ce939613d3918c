/**
 * TP-Data-Coding-Scheme for SMS (3GPP TS 23.038 §4).
 *
 *   00xx xxxx  general data coding: bit 5 compressed, bit 4 "bits 1..0 are a message class",
 *              bits 3..2 alphabet (00 GSM 7-bit, 01 8-bit, 10 UCS2, 11 reserved), bits 1..0 class
 *   01xx xxxx  same layout, message marked for automatic deletion
 *   1000..1011 reserved coding groups
 *   1100       message waiting indication, discard message, GSM 7-bit
 *   1101       message waiting indication, store message, GSM 7-bit
 *   1110       message waiting indication, store message, UCS2
 *   1111 xxxx  data coding / message class: bit 2 = 8-bit (else GSM 7-bit), bits 1..0 class
 *
 * Reserved alphabets and reserved coding groups: TS 23.038 says a receiver shall assume the GSM 7-bit
 * alphabet. This codec instead hands such user data over as 8-bit octets with `reservedAlphabet` set,
 * so nothing is lost or mis-rendered and the caller can decide (project decision).
 */
import { PduError } from './pdu-error.js';

export type Alphabet = 'gsm7' | '8bit' | 'ucs2';
export type MessageClass = 0 | 1 | 2 | 3;
export type DcsGroup =
  | 'general'
  | 'auto-delete'
  | 'reserved'
  | 'mwi-discard'
  | 'mwi-store'
  | 'mwi-store-ucs2'
  | 'data-class';

export interface MessageWaiting {
  active: boolean;
  kind: 'voicemail' | 'fax' | 'email' | 'other';
  /** false for the "discard message" group. */
  store: boolean;
}

export interface DcsInfo {
  raw: number;
  group: DcsGroup;
  /** How the user data is decoded (and how TP-UDL counts: septets for gsm7, octets otherwise). */
  encoding: Alphabet;
  /** Class 0 is a flash message (shown, not stored). */
  messageClass?: MessageClass;
  /** TS 23.042 compression; the user data is then octets and is not decompressed by this codec. */
  compressed: boolean;
  /** The alphabet or coding group is reserved: the data is handed over as 8-bit. */
  reservedAlphabet: boolean;
  autoDelete: boolean;
  mwi?: MessageWaiting;
}

const ALPHABETS: readonly (Alphabet | undefined)[] = ['gsm7', '8bit', 'ucs2', undefined];
const MWI_KINDS: readonly MessageWaiting['kind'][] = ['voicemail', 'fax', 'email', 'other'];

export function decodeDcs(dcs: number): DcsInfo {
  const raw = dcs & 0xff;
  const high = raw >> 4;
  if (high <= 0x7) {
    const alphabet = ALPHABETS[(raw >> 2) & 0x03];
    const compressed = (raw & 0x20) !== 0;
    const info: DcsInfo = {
      raw,
      group: high >= 0x4 ? 'auto-delete' : 'general',
      encoding: alphabet ?? '8bit',
      compressed,
      reservedAlphabet: alphabet === undefined,
      autoDelete: high >= 0x4,
    };
    if (raw & 0x10) info.messageClass = (raw & 0x03) as MessageClass;
    return info;
  }
  if (high <= 0xb) {
    return { raw, group: 'reserved', encoding: '8bit', compressed: false, reservedAlphabet: true, autoDelete: false };
  }
  if (high <= 0xe) {
    const group: DcsGroup = high === 0xc ? 'mwi-discard' : high === 0xd ? 'mwi-store' : 'mwi-store-ucs2';
    return {
      raw,
      group,
      encoding: high === 0xe ? 'ucs2' : 'gsm7',
      compressed: false,
      reservedAlphabet: false,
      autoDelete: false,
      mwi: { active: (raw & 0x08) !== 0, kind: MWI_KINDS[raw & 0x03]!, store: high !== 0xc },
    };
  }
  // 1111: bit 3 is reserved (and ignored here), bit 2 the alphabet, bits 1..0 the class.
  return {
    raw,
    group: 'data-class',
    encoding: raw & 0x04 ? '8bit' : 'gsm7',
    messageClass: (raw & 0x03) as MessageClass,
    compressed: false,
    reservedAlphabet: false,
    autoDelete: false,
  };
}

/**
 * DCS for an outgoing message: the general data coding group, with the class bits when a class is
 * given (0x00 / 0x04 / 0x08, or 0x10 | alphabet << 2 | class: flash GSM = 0x10, flash UCS2 = 0x18).
 */
export function encodeDcs(encoding: Alphabet, messageClass?: MessageClass): number {
  const alphabet = encoding === 'gsm7' ? 0 : encoding === '8bit' ? 1 : 2;
  if (messageClass === undefined) return alphabet << 2;
  if (![0, 1, 2, 3].includes(messageClass)) throw new PduError('encode', `DCS: message class ${String(messageClass)} is not 0..3`);
  return 0x10 | (alphabet << 2) | messageClass;
}
