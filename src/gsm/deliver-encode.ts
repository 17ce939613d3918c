/**
 * Encoding the network-side TPDUs (TS 23.040 §9.2.2): SMS-DELIVER (§9.2.2.1) and SMS-STATUS-REPORT
 * (§9.2.2.3), as a service centre sends them to a mobile. The results are TPDUs without the SMSC
 * field in front (TS 27.005 §3.1 puts that field there only on the TE-ME interface).
 *
 * Used by the simulated mobile network; the decoders in sms-pdu.ts read these back.
 * Like encodeSubmit, the encoders throw PduError('encode') for input they cannot encode.
 */
import { type AddressType, encodeTpAddress } from './address.js';
import { type Alphabet, type MessageClass, decodeDcs, encodeDcs } from './dcs.js';
import { encodeGsm7, firstNonGsm7, packSeptets, packedLength } from './gsm7.js';
import { encodeLatin1 } from './latin1.js';
import { PduError } from './pdu-error.js';
import { encodeScts } from './scts.js';
import type { ConcatOption } from './submit-encode.js';
import { planText, splitData } from './split.js';
import { type InformationElement, buildUdh, concatElement, udhFillBits, udhSeptets } from './udh.js';
import { encodeUcs2 } from './ucs2.js';

const MAX_UD_OCTETS = 140;
const MAX_UD_SEPTETS = 160;

/** User data passed through unchanged, e.g. relayed from an SMS-SUBMIT to the SMS-DELIVER. */
export interface RawUserData {
  /** TP-DCS as submitted. */
  dcs: number;
  /** TP-UDL as submitted (septets for uncompressed GSM 7-bit, octets otherwise). */
  udl: number;
  /** TP-UD as submitted, header included. */
  userData: Uint8Array;
  /** TP-UDHI: `userData` starts with a user data header. */
  udhi: boolean;
}

export interface DeliverOptions {
  /** TP-OA: '+' international, digits, or letters for an alphanumeric sender ("BANK"). */
  from: string;
  /** Overrides how `from` is encoded (default 'auto'). */
  fromType?: AddressType;
  /** Message text (exclusive with `data` and `raw`). */
  text?: string;
  /** 8-bit payload (exclusive with `text` and `raw`). */
  data?: Uint8Array;
  /** Pre-encoded user data, sent as is with its own DCS (exclusive with `text` and `data`). */
  raw?: RawUserData;
  /** 'auto' (default): GSM 7-bit when possible, else UCS2. Ignored for `raw`. */
  encoding?: 'auto' | Alphabet;
  /** User data header elements (not with `raw`, which carries its own header). */
  udh?: { concat?: ConcatOption; elements?: InformationElement[] };
  /** TP-SCTS: when the service centre received the message. */
  scts: Date;
  /** Service centre's zone, minutes from UTC (multiple of 15; default 0). */
  tzMinutes?: number;
  /** TP-PID (default 0). */
  pid?: number;
  /** Message class; 'flash' = class 0 (not with `raw`). */
  class?: MessageClass | 'flash';
  /** TP-MMS inverted: true when the SC has more messages waiting for this mobile. */
  moreMessagesToSend?: boolean;
  /** TP-SRI: the originator asked for a status report. */
  statusReportIndication?: boolean;
  /** TP-RP. */
  replyPath?: boolean;
}

export interface BuildDeliverOptions extends DeliverOptions {
  /** Concatenation reference shared by all parts (default 0). */
  concatRef?: number;
  /** 8 (default) or 16-bit reference. */
  concatRefBits?: 8 | 16;
}

export interface StatusReportOptions {
  /** TP-MR of the SMS-SUBMIT the report is about. */
  mr: number;
  /** TP-RA: the recipient as the SMS-SUBMIT gave it. */
  recipient: string;
  recipientType?: AddressType;
  /** Type-of-Address octet to write for a numeric recipient (to echo the submitted one exactly). */
  recipientToa?: number;
  /** TP-SCTS: when the SC received the SMS-SUBMIT. */
  scts: Date;
  /** TP-DT: when the outcome in `status` happened. */
  dischargeTime: Date;
  tzMinutes?: number;
  /** TP-ST, TS 23.040 §9.2.3.15 (0 = received by the SME). */
  status: number;
  /** TP-SRQ: report about an SMS-SUBMIT (default) or an SMS-COMMAND. */
  qualifier?: 'submit' | 'command';
  moreMessagesToSend?: boolean;
}

function octet(name: string, v: number | undefined, dflt: number): number {
  const n = v ?? dflt;
  if (!Number.isInteger(n) || n < 0 || n > 0xff) throw new PduError('encode', `${name}: ${String(v)} is not 0..255`);
  return n;
}

function resolveClass(c: DeliverOptions['class']): MessageClass | undefined {
  if (c === undefined) return undefined;
  if (c === 'flash') return 0;
  if (c === 0 || c === 1 || c === 2 || c === 3) return c;
  throw new PduError('encode', `class: ${String(c)} is not 0..3 or 'flash'`);
}

interface UserDataOut {
  dcs: number;
  udl: number;
  ud: Uint8Array;
  udhi: boolean;
}

function checkRaw(raw: RawUserData): UserDataOut {
  const dcs = octet('raw.dcs', raw.dcs, 0);
  const udl = octet('raw.udl', raw.udl, 0);
  if (!(raw.userData instanceof Uint8Array)) throw new PduError('encode', 'raw.userData must be a Uint8Array');
  const info = decodeDcs(dcs);
  // §9.2.3.16: TP-UDL counts septets for uncompressed GSM 7-bit, octets otherwise.
  const octets = info.encoding === 'gsm7' && !info.compressed ? packedLength(udl) : udl;
  if (octets !== raw.userData.length) {
    throw new PduError('encode', `raw: TP-UDL ${udl} means ${octets} octets of user data, ${raw.userData.length} given`);
  }
  return { dcs, udl, ud: raw.userData, udhi: raw.udhi };
}

function userDataFor(opts: DeliverOptions): UserDataOut {
  const given = [opts.text !== undefined, opts.data !== undefined, opts.raw !== undefined].filter(Boolean).length;
  if (given !== 1) throw new PduError('encode', 'give exactly one of text, data or raw');
  if (opts.raw) {
    if (opts.udh || opts.class !== undefined) throw new PduError('encode', 'raw user data carries its own header and DCS');
    return checkRaw(opts.raw);
  }
  let encoding: Alphabet;
  if (opts.data !== undefined) {
    if (!(opts.data instanceof Uint8Array)) throw new PduError('encode', 'data must be a Uint8Array');
    if (opts.encoding !== undefined && opts.encoding !== 'auto' && opts.encoding !== '8bit') {
      throw new PduError('encode', `data can only be sent as 8-bit, not ${opts.encoding}`);
    }
    encoding = '8bit';
  } else {
    if (typeof opts.text !== 'string') throw new PduError('encode', 'text must be a string');
    const e = opts.encoding ?? 'auto';
    if (e === 'auto') encoding = firstNonGsm7(opts.text) ? 'ucs2' : 'gsm7';
    else if (e === 'gsm7' || e === 'ucs2' || e === '8bit') encoding = e;
    else throw new PduError('encode', `encoding: ${String(e)} is not auto, gsm7, ucs2 or 8bit`);
  }
  const dcs = encodeDcs(encoding, resolveClass(opts.class));
  const elements: InformationElement[] = [...(opts.udh?.elements ?? [])];
  if (opts.udh?.concat) elements.push(concatElement(opts.udh.concat));
  const header = elements.length > 0 ? buildUdh(elements) : undefined;
  const h = header?.length ?? 0;
  let udl: number;
  let body: Uint8Array;
  if (encoding === 'gsm7') {
    const text = opts.text!;
    const septets = encodeGsm7(text);
    if (!septets) {
      const bad = firstNonGsm7(text)!;
      throw new PduError('encode', `text: ${JSON.stringify(bad.char)} at index ${bad.index} is not in the GSM 7-bit alphabet`);
    }
    udl = (h ? udhSeptets(h) : 0) + septets.length;
    if (udl > MAX_UD_SEPTETS) throw new PduError('encode', `text: ${udl} septets do not fit in one message (max ${MAX_UD_SEPTETS})`);
    // §9.2.3.24: after a header, fill bits align the first septet on a septet boundary.
    body = packSeptets(septets, h ? udhFillBits(h) : 0);
  } else {
    body = opts.data ?? (encoding === 'ucs2' ? encodeUcs2(opts.text!) : encodeLatin1(opts.text!));
    udl = h + body.length;
    if (udl > MAX_UD_OCTETS) throw new PduError('encode', `user data: ${udl} octets do not fit in one message (max ${MAX_UD_OCTETS})`);
  }
  const ud = new Uint8Array(h + body.length);
  if (header) ud.set(header, 0);
  ud.set(body, h);
  return { dcs, udl, ud, udhi: h > 0 };
}

/** Encodes one SMS-DELIVER TPDU (TS 23.040 §9.2.2.1). */
export function encodeDeliver(opts: DeliverOptions): Uint8Array {
  const pid = octet('pid', opts.pid, 0);
  const u = userDataFor(opts);
  const oa = encodeTpAddress(opts.from, opts.fromType ?? 'auto', 'from');
  const scts = encodeScts(opts.scts, opts.tzMinutes ?? 0);
  // §9.2.3.1-§9.2.3.5 first octet: TP-MTI 00, TP-MMS bit 2 (1 = no more messages), TP-SRI bit 5,
  // TP-UDHI bit 6, TP-RP bit 7.
  const fo =
    (opts.moreMessagesToSend ? 0 : 0x04) |
    (opts.statusReportIndication ? 0x20 : 0) |
    (u.udhi ? 0x40 : 0) |
    (opts.replyPath ? 0x80 : 0);
  const out = new Uint8Array(1 + oa.length + 2 + 7 + 1 + u.ud.length);
  let p = 0;
  out[p++] = fo;
  out.set(oa, p);
  p += oa.length;
  out[p++] = pid;
  out[p++] = u.dcs;
  out.set(scts, p);
  p += 7;
  out[p++] = u.udl;
  out.set(u.ud, p);
  return out;
}

/**
 * Splits a long text or 8-bit payload into SMS-DELIVERs with a concatenation UDH (TS 23.040
 * §9.2.3.24.1 / .8); a message that fits in one SMS gives one TPDU without that header.
 */
export function buildDeliverTpdus(opts: BuildDeliverOptions): Uint8Array[] {
  if (opts.raw !== undefined) return [encodeDeliver(opts)];
  if (opts.udh?.concat) throw new PduError('encode', 'buildDeliverTpdus adds the concatenation header itself');
  const refBits: 8 | 16 = opts.concatRefBits ?? ((opts.concatRef ?? 0) > 0xff ? 16 : 8);
  let texts: string[] | undefined;
  let datas: Uint8Array[] = [];
  let encoding: Alphabet;
  if (opts.data !== undefined) {
    if (!(opts.data instanceof Uint8Array)) throw new PduError('encode', 'data must be a Uint8Array');
    datas = splitData(opts.data, refBits);
    encoding = '8bit';
  } else {
    if (typeof opts.text !== 'string') throw new PduError('encode', 'text or data is required');
    const e = opts.encoding ?? 'auto';
    if (e === '8bit') {
      datas = splitData(encodeLatin1(opts.text), refBits);
      encoding = '8bit';
    } else {
      if (e !== 'auto' && e !== 'gsm7' && e !== 'ucs2') throw new PduError('encode', `encoding: ${String(e)} is not auto, gsm7, ucs2 or 8bit`);
      const plan = planText(opts.text, { encoding: e, refBits });
      texts = plan.parts;
      encoding = plan.encoding;
    }
  }
  const total = texts ? texts.length : datas.length;
  if (total === 1) return [encodeDeliver(texts ? { ...opts, encoding } : { ...opts, data: datas[0]!, text: undefined, encoding: '8bit' })];
  if (total > 255) throw new PduError('encode', `message needs ${total} parts, at most 255 can be concatenated`);
  if (opts.udh?.elements?.length) throw new PduError('encode', 'extra UDH elements are only supported for messages that fit in one SMS');
  const ref = opts.concatRef ?? 0;
  const out: Uint8Array[] = [];
  for (let i = 0; i < total; i++) {
    const part: DeliverOptions = { ...opts, udh: { concat: { ref, total, seq: i + 1, refBits } }, encoding };
    delete part.text;
    delete part.data;
    if (texts) part.text = texts[i]!;
    else part.data = datas[i]!;
    out.push(encodeDeliver(part));
  }
  return out;
}

/** Encodes an SMS-STATUS-REPORT TPDU (TS 23.040 §9.2.2.3) without the optional TP-PI parameters. */
export function encodeStatusReport(opts: StatusReportOptions): Uint8Array {
  const mr = octet('mr', opts.mr, 0);
  const st = octet('status', opts.status, 0);
  const ra = encodeTpAddress(opts.recipient, opts.recipientType ?? 'auto', 'recipient');
  if (opts.recipientToa !== undefined) {
    const toa = octet('recipientToa', opts.recipientToa, 0);
    if ((toa & 0x70) === 0x50 || (ra[1]! & 0x70) === 0x50) {
      throw new PduError('encode', 'recipientToa: only numeric recipients can take another type of address');
    }
    ra[1] = toa | 0x80; // bit 7 of the Type-of-Address is always 1 (TS 23.040 §9.1.2.5)
  }
  const scts = encodeScts(opts.scts, opts.tzMinutes ?? 0);
  const dt = encodeScts(opts.dischargeTime, opts.tzMinutes ?? 0);
  // First octet: TP-MTI 10, TP-MMS bit 2 (1 = no more messages), TP-SRQ bit 5 (1 = about a command).
  const fo = 0x02 | (opts.moreMessagesToSend ? 0 : 0x04) | (opts.qualifier === 'command' ? 0x20 : 0);
  const out = new Uint8Array(2 + ra.length + 14 + 1);
  let p = 0;
  out[p++] = fo;
  out[p++] = mr;
  out.set(ra, p);
  p += ra.length;
  out.set(scts, p);
  p += 7;
  out.set(dt, p);
  p += 7;
  out[p] = st;
  return out;
}
