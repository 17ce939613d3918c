/**
 * Splitting a text (or binary data) into SMS parts.
 *
 * TP-UD holds at most 140 octets (TS 23.040 §9.2.3.24): 160 GSM 7-bit septets, 70 UCS2 code units or
 * 140 octets of 8-bit data. A concatenated part carries a UDH: 6 octets with an 8-bit reference
 * (IEI 0x00, §9.2.3.24.1), 7 with a 16-bit reference (IEI 0x08, §9.2.3.24.8). That leaves
 * 153 / 152 septets (the header takes 7 / 8 septets, fill bits included), 67 / 66 UCS2 code units and
 * 134 / 133 octets.
 *
 * Parts never end between ESC and its extension character (an extension character counts 2 septets
 * and is kept whole) and never between the two halves of a surrogate pair (2 code units, kept whole).
 */
import { gsm7CharSeptets, isGsm7, firstNonGsm7 } from './gsm7.js';
import { PduError } from './pdu-error.js';
import { udhSeptets } from './udh.js';

export type TextEncoding = 'gsm7' | 'ucs2';

export interface TextPlan {
  encoding: TextEncoding;
  parts: string[];
  /** Septets (gsm7) or UTF-16 code units (ucs2) of each part. */
  septetsOrUnits: number[];
  /** More than one part: each part needs a concatenation UDH. */
  concatenated: boolean;
}

export interface PlanOptions {
  /** 'auto' (default): GSM 7-bit when every character fits, else UCS2. */
  encoding?: 'auto' | TextEncoding;
  /** Reference size of the concatenation UDH the parts will carry (default 8). */
  refBits?: 8 | 16;
}

const UD_OCTETS = 140;

/** Concatenation UDH size in octets, UDHL included. */
export function concatUdhOctets(refBits: 8 | 16): number {
  return refBits === 16 ? 7 : 6;
}

/** Capacity of one part: `single` without a UDH, `multi` with a concatenation UDH. */
export function partLimits(encoding: TextEncoding | '8bit', refBits: 8 | 16 = 8): { single: number; multi: number } {
  const udh = concatUdhOctets(refBits);
  if (encoding === 'gsm7') return { single: (UD_OCTETS * 8) / 7, multi: Math.floor((UD_OCTETS * 8) / 7) - udhSeptets(udh) };
  if (encoding === 'ucs2') return { single: UD_OCTETS / 2, multi: Math.floor((UD_OCTETS - udh) / 2) };
  return { single: UD_OCTETS, multi: UD_OCTETS - udh };
}

function cost(ch: string, encoding: TextEncoding): number {
  return encoding === 'gsm7' ? gsm7CharSeptets(ch)! : ch.length;
}

export function planText(text: string, opts: PlanOptions = {}): TextPlan {
  const refBits = opts.refBits ?? 8;
  let encoding: TextEncoding;
  if (opts.encoding === 'gsm7') {
    const bad = firstNonGsm7(text);
    if (bad) throw new PduError('encode', `text: ${JSON.stringify(bad.char)} at index ${bad.index} is not in the GSM 7-bit alphabet`);
    encoding = 'gsm7';
  } else if (opts.encoding === 'ucs2') {
    encoding = 'ucs2';
  } else {
    encoding = isGsm7(text) ? 'gsm7' : 'ucs2';
  }
  const limits = partLimits(encoding, refBits);
  const chars = Array.from(text); // code points: surrogate pairs stay together
  let total = 0;
  for (const ch of chars) total += cost(ch, encoding);
  if (total <= limits.single) {
    return { encoding, parts: [text], septetsOrUnits: [total], concatenated: false };
  }
  const parts: string[] = [];
  const sizes: number[] = [];
  let cur = '';
  let size = 0;
  for (const ch of chars) {
    const c = cost(ch, encoding);
    if (size + c > limits.multi) {
      parts.push(cur);
      sizes.push(size);
      cur = '';
      size = 0;
    }
    cur += ch;
    size += c;
  }
  parts.push(cur);
  sizes.push(size);
  return { encoding, parts, septetsOrUnits: sizes, concatenated: true };
}

/** Splits 8-bit data: one part up to 140 octets, else 134 (8-bit ref) or 133 (16-bit ref) per part. */
export function splitData(data: Uint8Array, refBits: 8 | 16 = 8): Uint8Array[] {
  const limits = partLimits('8bit', refBits);
  if (data.length <= limits.single) return [data];
  const parts: Uint8Array[] = [];
  for (let i = 0; i < data.length; i += limits.multi) parts.push(data.subarray(i, i + limits.multi));
  return parts;
}
