/**
 * SMS PDUs as exchanged in PDU mode (TS 27.005 §3.1 <pdu>: the SMSC address field, then the TPDU of
 * TS 23.040 §9.2.2) — decoding SMS-DELIVER, SMS-SUBMIT, SMS-STATUS-REPORT and SMS-COMMAND, encoding
 * SMS-SUBMIT (single or concatenated).
 *
 * Decoding never trusts a length: every field is bounds-checked and malformed input becomes a
 * PduError (decodePdu) or `{ ok: false }` (tryDecodePdu). Tolerated oddities (octets after the user
 * data, an odd UCS2 octet count, unusable optional status-report parameters ...) are reported in
 * `warnings` instead.
 */
import { type Address, type AddressType, encodeSmscAddress, encodeTpAddress, readSmscAddress, readTpAddress } from './address.js';
import { type Alphabet, type DcsInfo, type MessageClass, decodeDcs, encodeDcs } from './dcs.js';
import { decodeGsm7, encodeGsm7, firstNonGsm7, packedLength, packSeptets, unpackSeptets } from './gsm7.js';
import { bytesToHex, hexToBytes } from './hex.js';
import { decodeLatin1, encodeLatin1 } from './latin1.js';
import { PduError, type PduErrorCode } from './pdu-error.js';
import { ByteReader } from './reader.js';
import { type Timestamp, decodeScts } from './scts.js';
import { planText, splitData } from './split.js';
import { type StatusClass, classifyStatus, describeStatus } from './tp-status.js';
import { type ConcatInfo, type InformationElement, type Udh, buildUdh, concatElement, parseUdh, udhFillBits, udhSeptets } from './udh.js';
import { decodeUcs2, encodeUcs2 } from './ucs2.js';
import { decodeRelativeValidity, encodeRelativeValidity } from './validity.js';

// ---------------------------------------------------------------------------------------------
// Decoded shapes

export interface UserDataFields {
  dcs: DcsInfo;
  /** How the user data was decoded ('8bit' also for reserved alphabets and compressed data). */
  encoding: Alphabet;
  /** From the DCS; class 0 is a flash message. */
  messageClass?: MessageClass;
  /**
   * The message text. For 8-bit data a latin-1 view of `data` (the octets are authoritative);
   * empty for compressed user data, which is not decompressed.
   */
  text: string;
  udh?: Udh;
  concat?: ConcatInfo;
  /** TP-UDL as received (septets for GSM 7-bit, octets otherwise). */
  udl: number;
  /** TP-UD as received, header included. */
  userData: Uint8Array;
  /** TP-UD after the header (for GSM 7-bit: the packed septets, fill bits included). */
  data: Uint8Array;
}

interface Common {
  /** The SMSC field in front of the TPDU; absent for `00` or when decoding without it. */
  smsc?: Address;
  firstOctet: number;
  warnings: string[];
}

export interface SmsDeliver extends Common, UserDataFields {
  type: 'deliver';
  originator: Address;
  pid: number;
  scts: Timestamp;
  /** TP-MMS inverted: true when the SC has more messages waiting for this MS. */
  moreMessages: boolean;
  /** TP-SRI: a status report will be returned to the originator. */
  statusReportIndication: boolean;
  replyPath: boolean;
}

export type Validity =
  | { format: 'relative'; raw: number; minutes: number }
  | ({ format: 'absolute' } & Timestamp)
  | { format: 'enhanced'; raw: Uint8Array };

export interface SmsSubmit extends Common, UserDataFields {
  type: 'submit';
  messageRef: number;
  destination: Address;
  pid: number;
  validity?: Validity;
  rejectDuplicates: boolean;
  statusReportRequest: boolean;
  replyPath: boolean;
}

export interface SmsStatusReport extends Common {
  type: 'status-report';
  messageRef: number;
  recipient: Address;
  /** When the SC received the SMS-SUBMIT. */
  scts: Timestamp;
  /** TP-DT: when the outcome in `status` happened. */
  dischargeTime: Timestamp;
  /** TP-ST, TS 23.040 §9.2.3.15. */
  status: number;
  statusClass: StatusClass;
  statusText: string;
  /** TP-SRQ: the report is about an SMS-SUBMIT or an SMS-COMMAND. */
  qualifier: 'submit' | 'command';
  moreMessages: boolean;
  /** Optional parameters announced by TP-PI (§9.2.3.27). */
  pid?: number;
  dcs?: DcsInfo;
  text?: string;
  udh?: Udh;
  userData?: Uint8Array;
}

export interface SmsCommand extends Common {
  type: 'command';
  messageRef: number;
  statusReportRequest: boolean;
  pid: number;
  /** TP-CT, TS 23.040 §9.2.3.19 (0 enquiry, 1 cancel status report request, 2 delete, 3 enable SRR). */
  commandType: number;
  /** TP-MN: the TP-MR of the message the command is about. */
  messageNumber: number;
  destination: Address;
  commandData: Uint8Array;
}

export type DecodedPdu = SmsDeliver | SmsSubmit | SmsStatusReport | SmsCommand;

export type DecodeResult = { ok: true; pdu: DecodedPdu } | { ok: false; error: string; code: PduErrorCode };

export interface DecodeOptions {
  /** The hex starts with the SMSC field, as +CMGR, +CMGL, +CMT and +CDS deliver it (default true). */
  withSmsc?: boolean;
  /** Decides what TP-MTI 0 and 2 mean: 'mt' (default, SC -> MS) or 'mo' (MS -> SC). */
  direction?: 'mt' | 'mo';
}

// ---------------------------------------------------------------------------------------------
// Decoding

/** TS 23.040 §9.2.3.16: at most 160 septets / 140 octets of user data. */
const MAX_UD_OCTETS = 140;
const MAX_UD_SEPTETS = 160;

function readTimestamp(r: ByteReader, field: string): Timestamp {
  const pos = r.pos;
  r.bytes(7, field);
  return decodeScts(r.buf, pos, field);
}

function readUserData(r: ByteReader, dcs: DcsInfo, udhi: boolean, warnings: string[]): UserDataFields {
  const udlPos = r.pos;
  const udl = r.u8('TP-UDL');
  // §9.2.3.16: TP-UDL counts septets for uncompressed GSM 7-bit data, octets otherwise.
  const septetMode = dcs.encoding === 'gsm7' && !dcs.compressed;
  const octets = septetMode ? packedLength(udl) : udl;
  if (octets > r.remaining) {
    throw new PduError(
      'length',
      `TP-UDL ${udl} needs ${octets} octets of user data, only ${r.remaining} left`,
      udlPos,
    );
  }
  if (septetMode ? udl > MAX_UD_SEPTETS : udl > MAX_UD_OCTETS) {
    warnings.push(`TP-UDL ${udl} exceeds the ${septetMode ? MAX_UD_SEPTETS + ' septets' : MAX_UD_OCTETS + ' octets'} of TS 23.040`);
  }
  const userData = r.bytes(octets, 'TP-UD');
  let udh: Udh | undefined;
  let headerOctets = 0;
  if (udhi) {
    if (udl === 0) {
      warnings.push('TP-UDHI is set but TP-UDL is 0: no header');
    } else {
      const parsed = parseUdh(userData);
      udh = parsed.udh;
      headerOctets = parsed.length;
      if (septetMode && udhSeptets(headerOctets) > udl) {
        throw new PduError('length', `UDH of ${headerOctets} octets is longer than TP-UDL ${udl} septets`, udlPos);
      }
    }
  }
  const data = userData.subarray(headerOctets);
  const encoding: Alphabet = dcs.compressed ? '8bit' : dcs.encoding;
  let text: string;
  if (dcs.compressed) {
    warnings.push('user data is compressed (TS 23.042) and was not decompressed');
    text = '';
  } else if (encoding === 'gsm7') {
    const count = udl - (headerOctets ? udhSeptets(headerOctets) : 0);
    text = decodeGsm7(unpackSeptets(data, count, headerOctets ? udhFillBits(headerOctets) : 0));
  } else if (encoding === 'ucs2') {
    if (data.length % 2 !== 0) warnings.push('UCS2 user data has an odd number of octets; the last one was dropped');
    text = decodeUcs2(data);
  } else {
    if (dcs.reservedAlphabet) warnings.push(`DCS 0x${dcs.raw.toString(16).padStart(2, '0')} is reserved: user data handed over as 8-bit`);
    text = decodeLatin1(data);
  }
  const out: UserDataFields = { dcs, encoding, text, udl, userData, data };
  if (dcs.messageClass !== undefined) out.messageClass = dcs.messageClass;
  if (udh) {
    out.udh = udh;
    if (udh.concat) out.concat = udh.concat;
  }
  return out;
}

function noteTrailing(r: ByteReader, warnings: string[]): void {
  if (r.remaining > 0) warnings.push(`${r.remaining} octets after the end of the TPDU were ignored`);
}

function decodeDeliver(r: ByteReader, fo: number, common: Common): SmsDeliver {
  const originator = readTpAddress(r, 'TP-OA');
  const pid = r.u8('TP-PID');
  const dcs = decodeDcs(r.u8('TP-DCS'));
  const scts = readTimestamp(r, 'TP-SCTS');
  const ud = readUserData(r, dcs, (fo & 0x40) !== 0, common.warnings);
  noteTrailing(r, common.warnings);
  return {
    type: 'deliver',
    ...common,
    originator,
    pid,
    scts,
    // §9.2.3.2 TP-MMS: 0 = more messages are waiting in the SC.
    moreMessages: (fo & 0x04) === 0,
    statusReportIndication: (fo & 0x20) !== 0,
    replyPath: (fo & 0x80) !== 0,
    ...ud,
  };
}

function decodeSubmit(r: ByteReader, fo: number, common: Common): SmsSubmit {
  const messageRef = r.u8('TP-MR');
  const destination = readTpAddress(r, 'TP-DA');
  const pid = r.u8('TP-PID');
  const dcs = decodeDcs(r.u8('TP-DCS'));
  // §9.2.3.3 TP-VPF, bits 4..3: 00 absent, 10 relative, 01 enhanced, 11 absolute.
  let validity: Validity | undefined;
  switch ((fo >> 3) & 0x03) {
    case 2: {
      const raw = r.u8('TP-VP');
      validity = { format: 'relative', raw, minutes: decodeRelativeValidity(raw) };
      break;
    }
    case 3:
      validity = { format: 'absolute', ...readTimestamp(r, 'TP-VP') };
      break;
    case 1:
      validity = { format: 'enhanced', raw: r.bytes(7, 'TP-VP').slice() };
      break;
    default:
      break;
  }
  const ud = readUserData(r, dcs, (fo & 0x40) !== 0, common.warnings);
  noteTrailing(r, common.warnings);
  const out: SmsSubmit = {
    type: 'submit',
    ...common,
    messageRef,
    destination,
    pid,
    rejectDuplicates: (fo & 0x04) !== 0,
    statusReportRequest: (fo & 0x20) !== 0,
    replyPath: (fo & 0x80) !== 0,
    ...ud,
  };
  if (validity) out.validity = validity;
  return out;
}

function decodeStatusReport(r: ByteReader, fo: number, common: Common): SmsStatusReport {
  const messageRef = r.u8('TP-MR');
  const recipient = readTpAddress(r, 'TP-RA');
  const scts = readTimestamp(r, 'TP-SCTS');
  const dischargeTime = readTimestamp(r, 'TP-DT');
  const status = r.u8('TP-ST');
  const out: SmsStatusReport = {
    type: 'status-report',
    ...common,
    messageRef,
    recipient,
    scts,
    dischargeTime,
    status,
    statusClass: classifyStatus(status),
    statusText: describeStatus(status),
    qualifier: fo & 0x20 ? 'command' : 'submit',
    moreMessages: (fo & 0x04) === 0,
  };
  if (r.remaining === 0) return out;
  // §9.2.3.27 TP-PI: bit 0 TP-PID, bit 1 TP-DCS, bit 2 TP-UDL present; bit 7 = another TP-PI octet
  // follows. The parameters are optional: when they do not parse (SIM records padded with FF are
  // common), the mandatory part is kept and the rest is reported as a warning.
  const start = r.pos;
  try {
    const pi = r.u8('TP-PI');
    let ext = pi;
    while (ext & 0x80 && r.remaining > 0) ext = r.u8('TP-PI extension');
    const opt: Pick<SmsStatusReport, 'pid' | 'dcs' | 'text' | 'udh' | 'userData'> = {};
    if (pi & 0x01) opt.pid = r.u8('TP-PID');
    const dcs = decodeDcs(pi & 0x02 ? r.u8('TP-DCS') : 0);
    if (pi & 0x02) opt.dcs = dcs;
    const warnings: string[] = [];
    if (pi & 0x04) {
      const ud = readUserData(r, dcs, (fo & 0x40) !== 0, warnings);
      opt.text = ud.text;
      opt.userData = ud.userData;
      if (ud.udh) opt.udh = ud.udh;
    }
    noteTrailing(r, warnings);
    Object.assign(out, opt);
    out.warnings.push(...warnings);
  } catch (e) {
    if (!(e instanceof PduError)) throw e;
    r.pos = r.buf.length;
    out.warnings.push(`optional parameters after TP-ST ignored (${r.buf.length - start} octets): ${e.message}`);
  }
  return out;
}

function decodeCommand(r: ByteReader, fo: number, common: Common): SmsCommand {
  const messageRef = r.u8('TP-MR');
  const pid = r.u8('TP-PID');
  const commandType = r.u8('TP-CT');
  const messageNumber = r.u8('TP-MN');
  const destination = readTpAddress(r, 'TP-DA');
  const cdl = r.u8('TP-CDL');
  const commandData = r.bytes(cdl, 'TP-CD').slice();
  noteTrailing(r, common.warnings);
  return {
    type: 'command',
    ...common,
    messageRef,
    statusReportRequest: (fo & 0x20) !== 0,
    pid,
    commandType,
    messageNumber,
    destination,
    commandData,
  };
}

/**
 * Decodes a PDU given as hex. Throws PduError for malformed input (never any other error).
 *
 * TP-MTI (§9.2.3.1), bits 1..0 of the first octet:
 *   0  MT: SMS-DELIVER              MO: SMS-DELIVER-REPORT (not decoded: PduError 'unsupported')
 *   1  SMS-SUBMIT. Strictly, MT value 1 is SMS-SUBMIT-REPORT; but PDUs read back from modem
 *      storage (+CMGR/+CMGL of sent or unsent messages) are SMS-SUBMITs carrying 1, and a
 *      SUBMIT-REPORT never reaches the TE that way, so 1 is decoded as SMS-SUBMIT in both directions.
 *   2  MT: SMS-STATUS-REPORT        MO: SMS-COMMAND
 *   3  reserved: MT is processed as SMS-DELIVER (§9.2.3.1), with a warning; MO is an error.
 */
export function decodePdu(hex: string, opts: DecodeOptions = {}): DecodedPdu {
  if (typeof hex !== 'string') throw new PduError('bad-hex', 'PDU is not a string');
  const r = new ByteReader(hexToBytes(hex));
  const common: Common = { firstOctet: 0, warnings: [] };
  if (opts.withSmsc ?? true) {
    const smsc = readSmscAddress(r);
    if (smsc) common.smsc = smsc;
  }
  const fo = r.u8('first octet');
  common.firstOctet = fo;
  const direction = opts.direction ?? 'mt';
  const mti = fo & 0x03;
  switch (mti) {
    case 0:
      if (direction === 'mo') throw new PduError('unsupported', 'SMS-DELIVER-REPORT (MO, TP-MTI 0) is not decoded', r.pos - 1);
      return decodeDeliver(r, fo, common);
    case 1:
      return decodeSubmit(r, fo, common);
    case 2:
      return direction === 'mo' ? decodeCommand(r, fo, common) : decodeStatusReport(r, fo, common);
    default:
      if (direction === 'mo') throw new PduError('invalid', 'reserved TP-MTI 3 in an MO PDU', r.pos - 1);
      common.warnings.push('reserved TP-MTI 3 processed as SMS-DELIVER (TS 23.040 §9.2.3.1)');
      return decodeDeliver(r, fo, common);
  }
}

/** decodePdu that never throws. */
export function tryDecodePdu(hex: string, opts: DecodeOptions = {}): DecodeResult {
  try {
    return { ok: true, pdu: decodePdu(hex, opts) };
  } catch (e) {
    if (e instanceof PduError) return { ok: false, error: e.message, code: e.code };
    return { ok: false, error: `internal decoder error: ${e instanceof Error ? e.message : String(e)}`, code: 'invalid' };
  }
}

// ---------------------------------------------------------------------------------------------
// Encoding

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
