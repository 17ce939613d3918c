/**
 * User Data Header (TS 23.040 §9.2.3.24): UDHL, then information elements (IEI, IEDL, data).
 * The concatenation elements are interpreted (IEI 0x00, 8-bit reference, §9.2.3.24.1; IEI 0x08,
 * 16-bit reference, §9.2.3.24.8); every element, interpreted or not, is also kept raw.
 */
import { PduError } from './pdu-error.js';

export const IEI_CONCAT_8BIT = 0x00;
export const IEI_CONCAT_16BIT = 0x08;

export interface InformationElement {
  iei: number;
  data: Uint8Array;
}

export interface ConcatInfo {
  /** Concatenated short message reference number. */
  ref: number;
  /** Maximum number of short messages in the concatenated message (1..255). */
  total: number;
  /** Sequence number of this part (1..total). */
  seq: number;
  /** Whether `ref` came from IEI 0x00 (8) or IEI 0x08 (16). */
  refBits: 8 | 16;
}

export interface Udh {
  elements: InformationElement[];
  concat?: ConcatInfo;
}

function concatFrom(ie: InformationElement): ConcatInfo | undefined {
  const d = ie.data;
  let info: ConcatInfo | undefined;
  if (ie.iei === IEI_CONCAT_8BIT && d.length === 3) {
    info = { ref: d[0]!, total: d[1]!, seq: d[2]!, refBits: 8 };
  } else if (ie.iei === IEI_CONCAT_16BIT && d.length === 4) {
    info = { ref: (d[0]! << 8) | d[1]!, total: d[2]!, seq: d[3]!, refBits: 16 };
  }
  // §9.2.3.24.1: a zero maximum, or a sequence number of zero or above the maximum, means the whole
  // element shall be ignored.
  if (!info || info.total === 0 || info.seq === 0 || info.seq > info.total) return undefined;
  return info;
}

/**
 * Parses a UDH from the start of the TP-UD (`ud[0]` is UDHL). Returns the header and the number of
 * octets it takes (UDHL + 1). Throws PduError when UDHL or an element length runs past the data.
 */
export function parseUdh(ud: Uint8Array): { udh: Udh; length: number } {
  if (ud.length === 0) throw new PduError('truncated', 'UDH: user data is empty but TP-UDHI is set');
  const udhl = ud[0]!;
  if (udhl + 1 > ud.length) {
    throw new PduError('length', `UDH: UDHL ${udhl} exceeds the ${ud.length - 1} octets of user data`, 0);
  }
  const elements: InformationElement[] = [];
  let concat: ConcatInfo | undefined;
  let pos = 1;
  const end = udhl + 1;
  while (pos < end) {
    if (pos + 2 > end) throw new PduError('length', 'UDH: information element header runs past UDHL', pos);
    const iei = ud[pos]!;
    const iedl = ud[pos + 1]!;
    if (pos + 2 + iedl > end) {
      throw new PduError('length', `UDH: element 0x${iei.toString(16)} length ${iedl} runs past UDHL`, pos);
    }
    const ie = { iei, data: ud.slice(pos + 2, pos + 2 + iedl) };
    elements.push(ie);
    if (iei === IEI_CONCAT_8BIT || iei === IEI_CONCAT_16BIT) {
      // §9.2.3.24: when an element is repeated, the last occurrence is the one used.
      concat = concatFrom(ie);
    }
    pos += 2 + iedl;
  }
  return { udh: concat ? { elements, concat } : { elements }, length: end };
}

/** The concatenation element for `info` (16-bit reference when refBits is 16 or ref > 255). */
export function concatElement(info: { ref: number; total: number; seq: number; refBits?: 8 | 16 }): InformationElement {
  const bits = info.refBits ?? (info.ref > 0xff ? 16 : 8);
  for (const [name, v, max] of [
    ['ref', info.ref, bits === 16 ? 0xffff : 0xff],
    ['total', info.total, 0xff],
    ['seq', info.seq, 0xff],
  ] as const) {
    if (!Number.isInteger(v) || v < 0 || v > max) throw new PduError('encode', `UDH: concat ${name} ${v} out of range 0..${max}`);
  }
  if (info.total < 1 || info.seq < 1 || info.seq > info.total) {
    throw new PduError('encode', `UDH: concat part ${info.seq} of ${info.total} is not valid`);
  }
  return bits === 16
    ? { iei: IEI_CONCAT_16BIT, data: Uint8Array.of(info.ref >> 8, info.ref & 0xff, info.total, info.seq) }
    : { iei: IEI_CONCAT_8BIT, data: Uint8Array.of(info.ref, info.total, info.seq) };
}

/** Builds a UDH, UDHL included. Throws PduError('encode') when it would not fit in 140 octets. */
export function buildUdh(elements: readonly InformationElement[]): Uint8Array {
  let body = 0;
  for (const ie of elements) {
    if (!Number.isInteger(ie.iei) || ie.iei < 0 || ie.iei > 0xff) throw new PduError('encode', `UDH: IEI ${ie.iei} is not an octet`);
    if (ie.data.length > 0xff) throw new PduError('encode', `UDH: element 0x${ie.iei.toString(16)} longer than 255 octets`);
    body += 2 + ie.data.length;
  }
  if (body + 1 > 140) throw new PduError('encode', `UDH: ${body + 1} octets do not fit in the 140-octet user data`);
  const out = new Uint8Array(body + 1);
  out[0] = body;
  let pos = 1;
  for (const ie of elements) {
    out[pos] = ie.iei;
    out[pos + 1] = ie.data.length;
    out.set(ie.data, pos + 2);
    pos += 2 + ie.data.length;
  }
  return out;
}

/** Septets a UDH of `udhOctets` octets (UDHL included) takes in 7-bit user data, fill bits included. */
export function udhSeptets(udhOctets: number): number {
  return Math.ceil((udhOctets * 8) / 7);
}

/** Fill bits between a UDH of `udhOctets` octets and the first septet of text (§9.2.3.24). */
export function udhFillBits(udhOctets: number): number {
  return (7 - ((udhOctets * 8) % 7)) % 7;
}
