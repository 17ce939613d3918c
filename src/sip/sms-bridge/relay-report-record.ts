/**
 * What a relay report (the vendor manual's appendix F) needs, kept durably in the message store as a
 * delivery job's payload, and how a stored SMS's status becomes the report's outcome. Pure.
 *
 * Two job kinds: a `sip-relay-pending` job is written with the SMS and never run by a worker; once the
 * SMS is sent or final it is completed and a `sip-relay-report` job (the same record plus the
 * outcome) is added, which the report worker sends and retries (decision record "SIP MESSAGE → SMS
 * bridge").
 */
import type { SipTransportKind } from '../transport/index.js';
import type { SmsRelayFailure, SmsRelayOutcome } from '../message-sms/index.js';

/** Parked until the SMS has an outcome; no worker runs this kind. */
export const PENDING_REPORT_KIND = 'sip-relay-pending';
/** A report ready to send. */
export const REPORT_KIND = 'sip-relay-report';
/** next_at of a parked job: never due (far beyond any clock this gateway will see). */
export const PARKED_AT = 8_640_000_000_000_000;

export interface RelayReportRecord {
  /** The Call-ID of the MESSAGE that asked for the SMS (the report names the part before `@`). */
  readonly callId: string;
  /** The sender's From URI: the report's Request-URI and To. */
  readonly senderUri: string;
  /** The MESSAGE's To URI (tag-less): the report's From, so it comes from whom the sender wrote to. */
  readonly gatewayUri: string;
  /** Where the MESSAGE came from: the report goes back here, not to a Contact/From host. */
  readonly source: { readonly ip: string; readonly port: number; readonly kind: SipTransportKind };
}

export interface ReadyReport extends RelayReportRecord {
  readonly outcome: SmsRelayOutcome;
}

const KINDS: readonly SipTransportKind[] = ['udp', 'tcp', 'tls'];

function isRecord(value: unknown): value is RelayReportRecord {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const s = v['source'] as Record<string, unknown> | undefined;
  return (
    typeof v['callId'] === 'string' &&
    typeof v['senderUri'] === 'string' &&
    typeof v['gatewayUri'] === 'string' &&
    typeof s === 'object' &&
    s !== null &&
    typeof s['ip'] === 'string' &&
    Number.isInteger(s['port']) &&
    KINDS.includes(s['kind'] as SipTransportKind)
  );
}

function isOutcome(value: unknown): value is SmsRelayOutcome {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  if (v['ok'] === true) return true;
  const f = v['failure'] as Record<string, unknown> | undefined;
  return v['ok'] === false && typeof f === 'object' && f !== null && typeof f['kind'] === 'string';
}

/** A stored payload read back; undefined when it is not a record (a damaged or foreign row). */
export function readRecord(payload: unknown): RelayReportRecord | undefined {
  if (!isRecord(payload)) return undefined;
  return { callId: payload.callId, senderUri: payload.senderUri, gatewayUri: payload.gatewayUri, source: { ip: payload.source.ip, port: payload.source.port, kind: payload.source.kind } };
}

export function readReadyReport(payload: unknown): ReadyReport | undefined {
  const record = readRecord(payload);
  const outcome = (payload as { outcome?: unknown } | null)?.outcome;
  return record === undefined || !isOutcome(outcome) ? undefined : { ...record, outcome };
}

/** The part of a stored SMS the outcome is read from. */
export interface StoredSmsStatus {
  readonly status: string;
  readonly reason: string | null;
}

/** A +CMS ERROR code in the scheduler's failure text (`line 1: +CMS ERROR: 500`). */
const CMS_ERROR = /CMS ERROR:\s*(\d{1,3})\b/i;

function failureOf(reason: string): SmsRelayFailure {
  const cms = CMS_ERROR.exec(reason);
  if (cms !== null) return { kind: 'modem-refused', cmsError: Number(cms[1]) };
  if (/\blimit\b/i.test(reason)) return { kind: 'limit-reached' };
  if (/encod|alphabet|PDU/i.test(reason)) return { kind: 'cannot-encode' };
  return { kind: 'modem-refused' };
}

/**
 * The report outcome of an SMS, or undefined while it has none. `sent` is enough for RELAY OK: the
 * gateway does not ask for a status report for these SMS, so `sent` is usually the last status.
 * `expired` means no line could take it before its validity ran out; `unknown` that the modem may
 * have sent it (an operator may still resend it; the first outcome is the one reported).
 */
export function outcomeOf(sms: StoredSmsStatus): SmsRelayOutcome | undefined {
  switch (sms.status) {
    case 'sent':
    case 'delivered':
      return { ok: true };
    case 'failed':
      return { ok: false, failure: failureOf(sms.reason ?? '') };
    case 'expired':
      return { ok: false, failure: { kind: 'no-line' } };
    case 'unknown':
      return { ok: false, failure: { kind: 'outcome-unknown' } };
    default:
      return undefined;
  }
}
