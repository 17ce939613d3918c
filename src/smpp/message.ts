/**
 * Messages in and out of the SMSC (pure, no I/O):
 * - submit_sm / data_sm (decoded by codec.ts) -> SubmitRequest for the core, or the status to refuse it;
 * - the delivery receipt text of SMPP 3.4 Appendix B;
 * - the deliver_sm field sets for a DeliverItem (MO text or receipt).
 *
 * Text: data_coding 0 (GSM 03.38 unpacked), 1 (IA5/ASCII), 3 (Latin 1) or 8 (UCS2), see data-coding.ts;
 * other values get ESME_RSUBMITFAIL (0x45) with the reason logged.
 */
import { encodeGsm7, encodeUcs2, isGsm7, parseUdh, planText, PduError } from '../gsm/index.js';
import type { SmppPdu } from './codec.js';
import { dataCodingName, decodeSubmitText, SUPPORTED_DATA_CODINGS, type SupportedDataCoding } from './data-coding.js';
import { MessageState, Status } from './status.js';
import { formatReceiptDate, parseSmppTime } from './time.js';
import type { DeliverItem, ReceiptStat, SessionInfo, SubmitRequest } from './types.js';

export type SubmitConversion = { ok: true; request: SubmitRequest } | { ok: false; status: number; reason: string };

/** §5.2.12 esm_class bits. */
export const ESM_UDHI = 0x40;
export const ESM_MESSAGE_TYPE_MASK = 0x3c;
export const ESM_DELIVERY_RECEIPT = 0x04;

/** One short_message holds at most 254 octets (§5.2.21 sm_length 0..254). */
export const MAX_SHORT_MESSAGE = 254;

const asBuffer = (v: unknown): Buffer | null => (Buffer.isBuffer(v) ? v : null);
const asNumber = (v: unknown): number => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
const asString = (v: unknown): string => (typeof v === 'string' ? v : '');

function refuse(status: number, reason: string): SubmitConversion {
  return { ok: false, status, reason };
}

/**
 * submit_sm (§4.4.1) or data_sm (§4.7.1) -> SubmitRequest. `now` is the SMSC clock (relative validity).
 */
export function submitToRequest(pdu: SmppPdu, session: SessionInfo, now: number): SubmitConversion {
  const command = pdu.command === 'data_sm' ? 'data_sm' : 'submit_sm';
  const destAddr = asString(pdu.destination_addr);
  if (destAddr === '') return refuse(Status.ESME_RINVDSTADR, `${command}: destination_addr is empty`);

  // §5.2.12: bits 2-5 are the message type. Only a normal message (0) can be submitted here; ESME
  // delivery / manual acknowledgements are not supported.
  const esmClass = asNumber(pdu.esm_class);
  if (esmClass & ESM_MESSAGE_TYPE_MASK) {
    return refuse(Status.ESME_RINVESMCLASS, `${command}: esm_class 0x${esmClass.toString(16)} has message type bits 0x${(esmClass & ESM_MESSAGE_TYPE_MASK).toString(16)} (only normal messages are accepted)`);
  }
  // §5.2.20: there are no canned messages on this SMSC.
  if (command === 'submit_sm' && asNumber(pdu.sm_default_msg_id) !== 0) {
    return refuse(Status.ESME_RINVDFTMSGID, `submit_sm: sm_default_msg_id ${asNumber(pdu.sm_default_msg_id)} (no predefined messages)`);
  }

  // §5.2.19 data_coding (the text is decoded once the UDH is off, below).
  const dc = asNumber(pdu.data_coding);
  if (!SUPPORTED_DATA_CODINGS.includes(dc as SupportedDataCoding)) {
    return refuse(
      Status.ESME_RSUBMITFAIL,
      `${command}: data_coding 0x${dc.toString(16).padStart(2, '0')} (${dataCodingName(dc)}) is not supported: use 0 (GSM 03.38, one septet per octet), 1 (IA5/ASCII), 3 (Latin 1) or 8 (UCS2)`,
    );
  }

  // §5.3.2 message_payload: the TLV carries the whole user data; short_message must then be empty.
  const shortMessage = asBuffer(pdu.short_message) ?? Buffer.alloc(0);
  const payload = asBuffer(pdu.message_payload);
  let ud: Buffer;
  if (payload) {
    if (shortMessage.length > 0) {
      return refuse(Status.ESME_ROPTPARNOTALLWD, `${command}: message_payload given with a non-empty short_message (${shortMessage.length} octets)`);
    }
    ud = payload;
  } else {
    ud = shortMessage;
  }

  // §5.2.12 bit 6 (UDHI): the user data starts with a TS 23.040 §9.2.3.24 user data header.
  let concat: SubmitRequest['concat'] = null;
  let concatSource: SubmitRequest['concatSource'] = null;
  let body: Uint8Array = ud;
  if (esmClass & ESM_UDHI) {
    try {
      const { udh, length } = parseUdh(ud);
      if (udh.concat) {
        concat = { ref: udh.concat.ref, total: udh.concat.total, seq: udh.concat.seq };
        concatSource = 'udh';
      }
      body = ud.subarray(length);
    } catch (e) {
      const why = e instanceof PduError ? e.message : String(e);
      return refuse(Status.ESME_RINVESMCLASS, `${command}: esm_class has UDHI set but the user data holds no valid UDH: ${why}`);
    }
  }

  // §5.3.2.21-23 SAR TLVs: all three together, or none.
  const sar = [pdu.sar_msg_ref_num, pdu.sar_total_segments, pdu.sar_segment_seqnum];
  const sarCount = sar.filter((v) => typeof v === 'number').length;
  if (sarCount > 0 && sarCount < 3) {
    return refuse(Status.ESME_RMISSINGOPTPARAM, `${command}: sar_msg_ref_num, sar_total_segments and sar_segment_seqnum must be given together`);
  }
  if (sarCount === 3 && !concat) {
    const [ref, total, seq] = sar as [number, number, number];
    if (total < 1 || seq < 1 || seq > total) {
      return refuse(Status.ESME_RINVOPTPARAMVAL, `${command}: SAR segment ${seq} of ${total} is not valid`);
    }
    concat = { ref, total, seq };
    concatSource = 'sar';
  }

  const decoded = decodeSubmitText(dc, body);
  if (!decoded.ok) return refuse(Status.ESME_RSUBMITFAIL, `${command}: ${decoded.reason}`);
  const text = decoded.text;

  // §7.1.1 times. data_sm has no validity_period: its qos_time_to_live TLV (§5.3.2, seconds) stands in.
  let expiresAt: number | null = null;
  let notBefore: number | null = null;
  if (command === 'submit_sm') {
    const v = parseSmppTime(asString(pdu.validity_period), now);
    if (!v.ok) return refuse(Status.ESME_RINVEXPIRY, `submit_sm: validity_period: ${v.reason}`);
    expiresAt = v.ms;
    const s = parseSmppTime(asString(pdu.schedule_delivery_time), now);
    if (!s.ok) return refuse(Status.ESME_RINVSCHED, `submit_sm: schedule_delivery_time: ${s.reason}`);
    notBefore = s.ms;
  } else if (typeof pdu.qos_time_to_live === 'number') {
    expiresAt = now + pdu.qos_time_to_live * 1000;
  }
  if (expiresAt !== null && expiresAt <= now) {
    return refuse(Status.ESME_RINVEXPIRY, `${command}: validity period ends ${new Date(expiresAt).toISOString()}, which is not in the future`);
  }
  if (expiresAt !== null && notBefore !== null && notBefore >= expiresAt) {
    return refuse(Status.ESME_RINVSCHED, `${command}: scheduled delivery ${new Date(notBefore).toISOString()} is not before the end of validity ${new Date(expiresAt).toISOString()}`);
  }

  return {
    ok: true,
    request: {
      session,
      sequence: pdu.sequence_number,
      source: { ton: asNumber(pdu.source_addr_ton), npi: asNumber(pdu.source_addr_npi), addr: asString(pdu.source_addr) },
      dest: { ton: asNumber(pdu.dest_addr_ton), npi: asNumber(pdu.dest_addr_npi), addr: destAddr },
      text,
      dataCoding: decoded.dataCoding,
      concat,
      registeredDelivery: asNumber(pdu.registered_delivery),
      expiresAt,
      notBefore,
      serviceType: asString(pdu.service_type),
      command,
      esmClass,
      protocolId: asNumber(pdu.protocol_id),
      priority: asNumber(pdu.priority_flag),
      concatSource,
    },
  };
}

/** §5.2.28 message_state for an Appendix B stat word. */
export const RECEIPT_STATE: Record<ReceiptStat, number> = {
  DELIVRD: MessageState.DELIVERED,
  EXPIRED: MessageState.EXPIRED,
  DELETED: MessageState.DELETED,
  UNDELIV: MessageState.UNDELIVERABLE,
  ACCEPTD: MessageState.ACCEPTED,
  UNKNOWN: MessageState.UNKNOWN,
  REJECTD: MessageState.REJECTED,
};

/** GSM 03.38 text with every character outside the alphabet replaced by '?'. */
function gsmSafe(text: string): string {
  let s = '';
  for (const ch of text) s += isGsm7(ch) ? ch : '?';
  return s;
}

/**
 * SMPP 3.4 Appendix B delivery receipt text:
 * `id:<id> sub:001 dlvrd:001 submit date:YYMMDDhhmm done date:YYMMDDhhmm stat:DELIVRD err:000 text:<20 chars>`.
 * dlvrd is 001 only for DELIVRD. Characters outside the GSM alphabet in the text are shown as '?'.
 */
export function receiptText(r: NonNullable<DeliverItem['receipt']>, zone: 'utc' | 'local' = 'utc'): string {
  const err = String(Math.max(0, Math.min(999, Math.trunc(r.err)))).padStart(3, '0');
  const head =
    `id:${r.messageId} sub:001 dlvrd:${r.stat === 'DELIVRD' ? '001' : '000'} ` +
    `submit date:${formatReceiptDate(r.submitDate, zone)} done date:${formatReceiptDate(r.doneDate, zone)} ` +
    `stat:${r.stat} err:${err} text:`;
  return head + gsmSafe(Array.from(r.text).slice(0, 20).join(''));
}

/** The body fields of one deliver_sm (names as in §4.6.1 and §5.3.2), for codec.encodePdu. */
export interface DeliverSmFields {
  service_type: string;
  source_addr_ton: number;
  source_addr_npi: number;
  source_addr: string;
  dest_addr_ton: number;
  dest_addr_npi: number;
  destination_addr: string;
  esm_class: number;
  protocol_id: number;
  priority_flag: number;
  schedule_delivery_time: string;
  validity_period: string;
  registered_delivery: number;
  replace_if_present_flag: number;
  data_coding: number;
  sm_default_msg_id: number;
  short_message: Buffer;
  message_payload?: Buffer;
  receipted_message_id?: string;
  message_state?: number;
}

export interface DeliverBuildOptions {
  /** The ESME takes TLVs (bound with interface_version 0x34 or later; sc_interface_version, §5.3.2). */
  tlvs: boolean;
  /** A fresh 8-bit concatenation reference, for MO texts sent as several deliver_sm with a UDH. */
  nextRef: () => number;
  /** Time zone of the receipt dates (Appendix B leaves it to the SMSC). */
  receiptZone?: 'utc' | 'local';
}

export type DeliverBuild = { ok: true; parts: DeliverSmFields[] } | { ok: false; reason: string };

function baseFields(item: DeliverItem): DeliverSmFields {
  return {
    service_type: '',
    source_addr_ton: item.source.ton,
    source_addr_npi: item.source.npi,
    source_addr: item.source.addr,
    dest_addr_ton: item.dest.ton,
    dest_addr_npi: item.dest.npi,
    destination_addr: item.dest.addr,
    esm_class: 0,
    protocol_id: 0,
    priority_flag: 0,
    schedule_delivery_time: '',
    validity_period: '',
    registered_delivery: 0,
    replace_if_present_flag: 0,
    data_coding: 0,
    sm_default_msg_id: 0,
    short_message: Buffer.alloc(0),
  };
}

/**
 * The deliver_sm PDUs for one item:
 * - receipt: one deliver_sm, esm_class 0x04 (§5.2.12 SMSC delivery receipt), Appendix B text in GSM 03.38,
 *   with the receipted_message_id and message_state TLVs (§5.3.2) when the ESME takes TLVs;
 * - MO: GSM 03.38 unpacked (data_coding 0) when every character is in the GSM alphabet, else UCS2 (8).
 *   A text that does not fit one SMS (160 septets / 70 UCS2 units) goes in the message_payload TLV (§5.3.2),
 *   or, with `split: 'udh'` or for an ESME without TLVs, as several deliver_sm with a concatenation UDH
 *   (TS 23.040 §9.2.3.24.1, IEI 00, esm_class UDHI 0x40).
 */
export function buildDeliverSms(item: DeliverItem, opts: DeliverBuildOptions): DeliverBuild {
  for (const a of [item.source, item.dest]) {
    if (!a || typeof a.addr !== 'string' || !Number.isInteger(a.ton) || !Number.isInteger(a.npi) || a.ton < 0 || a.ton > 255 || a.npi < 0 || a.npi > 255) {
      return { ok: false, reason: `item ${item.id}: source/dest address is not {ton, npi, addr}` };
    }
    if (a.addr.length > 20) return { ok: false, reason: `item ${item.id}: address ${a.addr} is longer than 20 characters (§5.2.8)` };
  }
  if (item.kind === 'receipt') {
    const r = item.receipt;
    if (!r) return { ok: false, reason: `item ${item.id}: kind receipt without receipt data` };
    if (!(r.stat in RECEIPT_STATE)) return { ok: false, reason: `item ${item.id}: unknown receipt stat ${String(r.stat)}` };
    let septets = encodeGsm7(receiptText(r, opts.receiptZone))!;
    if (septets.length > MAX_SHORT_MESSAGE) septets = septets.subarray(0, MAX_SHORT_MESSAGE);
    const f = baseFields(item);
    f.esm_class = ESM_DELIVERY_RECEIPT;
    f.short_message = Buffer.from(septets);
    if (opts.tlvs) {
      f.receipted_message_id = r.messageId;
      f.message_state = RECEIPT_STATE[r.stat];
    }
    return { ok: true, parts: [f] };
  }
  if (item.kind !== 'mo') return { ok: false, reason: `item ${item.id}: unknown kind ${String(item.kind)}` };
  const text = typeof item.text === 'string' ? item.text : '';
  const gsm = isGsm7(text);
  const encode = (s: string): Buffer => Buffer.from(gsm ? encodeGsm7(s)! : encodeUcs2(s));
  const dataCoding = gsm ? 0 : 8;
  const plan = planText(text, { encoding: gsm ? 'gsm7' : 'ucs2' });
  const useUdh = plan.concatenated && (item.split === 'udh' || !opts.tlvs) && plan.parts.length <= 255;
  if (!plan.concatenated) {
    const f = baseFields(item);
    f.data_coding = dataCoding;
    f.short_message = encode(text);
    return { ok: true, parts: [f] };
  }
  if (!useUdh) {
    if (!opts.tlvs) return { ok: false, reason: `item ${item.id}: text of ${plan.parts.length} parts cannot be sent to an ESME without TLVs` };
    const f = baseFields(item);
    f.data_coding = dataCoding;
    f.message_payload = encode(text);
    if (f.message_payload.length > 0xffff) return { ok: false, reason: `item ${item.id}: text of ${f.message_payload.length} octets is larger than a TLV` };
    return { ok: true, parts: [f] };
  }
  const ref = opts.nextRef() & 0xff;
  const total = plan.parts.length;
  const parts = plan.parts.map((p, i) => {
    const f = baseFields(item);
    f.data_coding = dataCoding;
    f.esm_class = ESM_UDHI;
    f.short_message = Buffer.concat([Buffer.from([5, 0, 3, ref, total, i + 1]), encode(p)]);
    return f;
  });
  return { ok: true, parts };
}
