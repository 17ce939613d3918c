/**
 * SMS PDUs as exchanged in PDU mode (TS 27.005 §3.1 <pdu>: the SMSC address field, then the TPDU of
 * TS 23.040 §9.2.2) — decoding SMS-DELIVER, SMS-SUBMIT, SMS-STATUS-REPORT and SMS-COMMAND. Encoding
 * SMS-SUBMIT is in submit-encode.ts.
 *
 * Decoding never trusts a length: every field is bounds-checked and malformed input becomes a
 * PduError (decodePdu) or `{ ok: false }` (tryDecodePdu). Tolerated oddities (octets after the user
 * data, an odd UCS2 octet count, unusable optional status-report parameters ...) are reported in
 * `warnings` instead.
 */
import { type Address, readSmscAddress, readTpAddress } from './address.js';
import { type Alphabet, type DcsInfo, type MessageClass, decodeDcs } from './dcs.js';
import { decodeGsm7, packedLength, unpackSeptets } from './gsm7.js';
import { hexToBytes } from './hex.js';
import { decodeLatin1 } from './latin1.js';
import { PduError, type PduErrorCode } from './pdu-error.js';
import { ByteReader } from './reader.js';
import { type Timestamp, decodeScts } from './scts.js';
import { type StatusClass, classifyStatus, describeStatus } from './tp-status.js';
import { type ConcatInfo, type Udh, parseUdh, udhFillBits, udhSeptets } from './udh.js';
import { decodeUcs2 } from './ucs2.js';
import { decodeRelativeValidity } from './validity.js';

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
/** TP-UDL limits, TS 23.040 §9.2.3.16: 140 octets, 160 septets. */
export const MAX_UD_OCTETS = 140;
export const MAX_UD_SEPTETS = 160;

function readTimestamp(r: ByteReader, field: string): Timestamp {
  const pos = r.pos;
  r.bytes(7, field);
  return decodeScts(r.buf, pos, field);
}

/**
 * A status report's time field with a lenient zone: some networks put a non-BCD zone octet (e.g.
 * 0xA0) in TP-SCTS / TP-DT, and the report's outcome matters more than the SC's offset from UTC.
 */
function readReportTimestamp(r: ByteReader, field: string, warnings: string[]): Timestamp {
  const pos = r.pos;
  r.bytes(7, field);
  const ts = decodeScts(r.buf, pos, field, { lenientZone: true });
  if (ts.zoneUnknown) {
    const octet = r.buf[pos + 6]!.toString(16).padStart(2, '0');
    warnings.push(`${field}: time-zone octet 0x${octet} is not BCD; zone unknown, local time taken as UTC`);
  }
  return ts;
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
  const scts = readReportTimestamp(r, 'TP-SCTS', common.warnings);
  const dischargeTime = readReportTimestamp(r, 'TP-DT', common.warnings);
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
