/**
 * Encoding SMS-SUBMIT PDUs (TS 23.040 §9.2.2.2) for PDU mode (TS 27.005 §3.1 <pdu>: SMSC address, then
 * the TPDU): one part, or a text split into concatenated parts (§9.2.3.24.1) with their UDH.
 */
import { type AddressType, encodeSmscAddress, encodeTpAddress } from './address.js';
import { type Alphabet, type MessageClass, encodeDcs } from './dcs.js';
import { encodeGsm7, firstNonGsm7, packSeptets } from './gsm7.js';
import { bytesToHex } from './hex.js';
import { encodeLatin1 } from './latin1.js';
import { PduError } from './pdu-error.js';
import { planText, splitData } from './split.js';
import { type InformationElement, buildUdh, concatElement, udhFillBits, udhSeptets } from './udh.js';
import { encodeUcs2 } from './ucs2.js';
import { encodeRelativeValidity } from './validity.js';
import { MAX_UD_OCTETS, MAX_UD_SEPTETS } from './sms-pdu.js';


export interface ConcatOption {
  ref: number;
  total: number;
  seq: number;
  /** 8 (IEI 0x00) or 16 (IEI 0x08); default 8, or 16 when ref > 255. */
  refBits?: 8 | 16;
}

export interface SubmitOptions {
  /** Destination: '+' for international, digits, or letters for an alphanumeric address. */
  to: string;
  /** Overrides how `to` is encoded (default 'auto'). */
  toType?: AddressType;
  /** The message text (exclusive with `data`). */
  text?: string;
  /** 8-bit payload (exclusive with `text`). */
  data?: Uint8Array;
  /** 'auto' (default): GSM 7-bit when possible, else UCS2; `data` is always 8-bit. */
  encoding?: 'auto' | Alphabet;
  /** TP-MR, 0..255 (default 0; modems usually assign their own). */
  messageRef?: number;
  /** TP-SRR. */
  requestStatusReport?: boolean;
  /** Relative validity in minutes (TP-VP, §9.2.3.12.1; rounded up to the next representable period). */
  validity?: number;
  /** User data header: a concatenation element and/or other raw elements. */
  udh?: { concat?: ConcatOption; elements?: InformationElement[] };
  /** SMSC to put in front of the TPDU; absent = `00`, the SMSC stored on the SIM. */
  smsc?: string;
  smscType?: AddressType;
  /** TP-RD. */
  rejectDuplicates?: boolean;
  /** Message class; 'flash' = class 0. */
  class?: MessageClass | 'flash';
  /** TP-PID (default 0). */
  pid?: number;
  /** TP-RP. */
  replyPath?: boolean;
}

export interface EncodedPdu {
  /** SMSC field + TPDU, uppercase hex, as written after the `> ` prompt of AT+CMGS / AT+CMGW. */
  hex: string;
  /** TPDU length in octets without the SMSC field: the <length> of AT+CMGS (TS 27.005 §3.5.1). */
  tpduLength: number;
}

export interface SubmitPart extends EncodedPdu {
  /** 1-based part number and count. */
  seq: number;
  total: number;
  /** The text this part carries (undefined for data). */
  text?: string;
}

function checkOctet(name: string, v: number | undefined, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new PduError('encode', `${name}: ${String(v)} is not 0..255`);
  return n;
}

function resolveClass(c: SubmitOptions['class']): MessageClass | undefined {
  if (c === undefined) return undefined;
  if (c === 'flash') return 0;
  if (c === 0 || c === 1 || c === 2 || c === 3) return c;
  throw new PduError('encode', `class: ${String(c)} is not 0..3 or 'flash'`);
}

/** The alphabet a submit will use, and the payload it encodes. */
function resolvePayload(opts: SubmitOptions): { encoding: Alphabet; text?: string; data?: Uint8Array } {
  if (opts.text !== undefined && opts.data !== undefined) throw new PduError('encode', 'give either text or data, not both');
  if (opts.data !== undefined) {
    if (!(opts.data instanceof Uint8Array)) throw new PduError('encode', 'data must be a Uint8Array');
    if (opts.encoding !== undefined && opts.encoding !== 'auto' && opts.encoding !== '8bit') {
      throw new PduError('encode', `data can only be sent as 8-bit, not ${opts.encoding}`);
    }
    return { encoding: '8bit', data: opts.data };
  }
  const text = opts.text;
  if (typeof text !== 'string') throw new PduError('encode', 'text or data is required');
  const encoding = opts.encoding ?? 'auto';
  if (encoding === 'auto') return { encoding: firstNonGsm7(text) ? 'ucs2' : 'gsm7', text };
  if (encoding === 'gsm7' || encoding === 'ucs2' || encoding === '8bit') return { encoding, text };
  throw new PduError('encode', `encoding: ${String(encoding)} is not auto, gsm7, ucs2 or 8bit`);
}

/**
 * Encodes one SMS-SUBMIT. Throws PduError('encode') when an option cannot be encoded or the user data
 * does not fit in one message (use buildSubmitPdus for long texts).
 */
export function encodeSubmit(opts: SubmitOptions): EncodedPdu {
  const messageRef = checkOctet('messageRef', opts.messageRef, 0);
  const pid = checkOctet('pid', opts.pid, 0);
  const payload = resolvePayload(opts);
  const dcs = encodeDcs(payload.encoding, resolveClass(opts.class));

  const elements: InformationElement[] = [...(opts.udh?.elements ?? [])];
  if (opts.udh?.concat) elements.push(concatElement(opts.udh.concat));
  const header = elements.length > 0 ? buildUdh(elements) : undefined;

  let udl: number;
  let body: Uint8Array;
  if (payload.encoding === 'gsm7') {
    const text = payload.text!;
    const septets = encodeGsm7(text);
    if (!septets) {
      const bad = firstNonGsm7(text)!;
      throw new PduError('encode', `text: ${JSON.stringify(bad.char)} at index ${bad.index} is not in the GSM 7-bit alphabet`);
    }
    const h = header?.length ?? 0;
    udl = (h ? udhSeptets(h) : 0) + septets.length;
    if (udl > MAX_UD_SEPTETS) {
      throw new PduError('encode', `text: ${udl} septets do not fit in one message (max ${MAX_UD_SEPTETS}); use buildSubmitPdus`);
    }
    body = packSeptets(septets, h ? udhFillBits(h) : 0);
  } else {
    body = payload.encoding === 'ucs2' ? encodeUcs2(payload.text!) : (payload.data ?? encodeLatin1(payload.text!));
    udl = (header?.length ?? 0) + body.length;
    if (udl > MAX_UD_OCTETS) {
      throw new PduError('encode', `user data: ${udl} octets do not fit in one message (max ${MAX_UD_OCTETS}); use buildSubmitPdus`);
    }
  }
  const ud = new Uint8Array((header?.length ?? 0) + body.length);
  if (header) ud.set(header, 0);
  // For GSM 7-bit with a header the first packed octet starts with the fill bits, right after it.
  ud.set(body, header?.length ?? 0);

  const vp = opts.validity === undefined ? undefined : encodeRelativeValidity(opts.validity);
  // §9.2.3.1-§9.2.3.5 first octet: MTI 01, RD bit 2, VPF bits 4..3 (10 = relative), SRR bit 5,
  // UDHI bit 6, RP bit 7.
  const fo =
    0x01 |
    (opts.rejectDuplicates ? 0x04 : 0) |
    (vp !== undefined ? 0x10 : 0) |
    (opts.requestStatusReport ? 0x20 : 0) |
    (header ? 0x40 : 0) |
    (opts.replyPath ? 0x80 : 0);

  const da = encodeTpAddress(opts.to, opts.toType ?? 'auto', 'to');
  const tpdu = [fo, messageRef, ...da, pid, dcs, ...(vp !== undefined ? [vp] : []), udl, ...ud];
  const smsc = encodeSmscAddress(opts.smsc, opts.smscType ?? 'auto');
  return { hex: bytesToHex(smsc) + bytesToHex(tpdu), tpduLength: tpdu.length };
}

/** FNV-1a over the message: a deterministic default concatenation reference. */
function defaultRef(opts: SubmitOptions, bits: 8 | 16): number {
  let h = 0x811c9dc5;
  const feed = (s: string) => {
    for (let i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193) >>> 0;
    }
  };
  feed(opts.to);
  feed(opts.text ?? '');
  if (opts.data) feed(bytesToHex(opts.data));
  return bits === 16 ? (h ^ (h >>> 16)) & 0xffff : (h ^ (h >>> 8) ^ (h >>> 16) ^ (h >>> 24)) & 0xff;
}

export interface BuildOptions extends SubmitOptions {
  /**
   * Concatenation reference shared by all parts. Pass a per-destination counter; the default is a
   * hash of destination and text (deterministic, so two identical long messages would share it).
   */
  concatRef?: number;
  /** 8 (default, 6-octet UDH: 153 septets / 67 UCS2 units per part) or 16 (7 octets: 152 / 66). */
  concatRefBits?: 8 | 16;
}

/**
 * Splits a long text (or 8-bit data) into SMS-SUBMITs carrying a concatenation UDH (TS 23.040
 * §9.2.3.24.1 / .8); a message that fits in one SMS gives one PDU without a concatenation header.
 * All parts carry the same TP-MR (`messageRef`); modems normally replace it with their own counter.
 */
export function buildSubmitPdus(opts: BuildOptions): SubmitPart[] {
  const payload = resolvePayload(opts);
  const refBits: 8 | 16 = opts.concatRefBits ?? ((opts.concatRef ?? 0) > 0xff ? 16 : 8);
  if (opts.udh?.concat) throw new PduError('encode', 'buildSubmitPdus adds the concatenation header itself; do not pass udh.concat');

  let texts: string[] | undefined;
  let datas: Uint8Array[];
  if (payload.encoding === '8bit') {
    datas = splitData(payload.data ?? encodeLatin1(payload.text!), refBits);
  } else {
    const plan = planText(payload.text!, { encoding: payload.encoding, refBits });
    texts = plan.parts;
    datas = [];
  }
  const total = texts ? texts.length : datas.length;
  if (total === 1) {
    const one = encodeSubmit(opts);
    return [{ ...one, seq: 1, total: 1, ...(texts ? { text: texts[0]! } : {}) }];
  }
  if (total > 255) throw new PduError('encode', `message needs ${total} parts, at most 255 can be concatenated`);
  if (opts.udh?.elements?.length) {
    throw new PduError('encode', 'extra UDH elements are only supported for messages that fit in one SMS');
  }
  const ref = opts.concatRef ?? defaultRef(opts, refBits);
  const parts: SubmitPart[] = [];
  for (let i = 0; i < total; i++) {
    const concat: ConcatOption = { ref, total, seq: i + 1, refBits };
    const base: SubmitOptions = { ...opts, udh: { concat } };
    delete base.text;
    delete base.data;
    if (texts) {
      const enc = encodeSubmit({ ...base, text: texts[i]!, encoding: payload.encoding });
      parts.push({ ...enc, seq: i + 1, total, text: texts[i]! });
    } else {
      const enc = encodeSubmit({ ...base, data: datas[i]!, encoding: '8bit' });
      parts.push({ ...enc, seq: i + 1, total });
    }
  }
  return parts;
}
