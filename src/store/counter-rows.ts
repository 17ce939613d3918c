/**
 * Rows of the counter store's `calls` and `sms` tables as SQLite returns them, and the records the
 * store hands out built from them (column names in snake case, record fields in camel case).
 */
import type { StoredCall, StoredSms } from './records.js';

export interface CallRow {
  seq: number;
  id: string;
  line: string;
  slot: number;
  iccid: string | null;
  direction: 'out' | 'in';
  number: string;
  started_at: number;
  alerted_at: number | null;
  answered_at: number | null;
  ended_at: number | null;
  duration_s: number | null;
  billed_s: number | null;
  cause: string | null;
  origin: string | null;
  outcome: string | null;
  gsm_cause: string | null;
  voip_cause: string | null;
  gateway_cause: string | null;
  recorded_at: number;
}

export interface SmsRow {
  seq: number;
  id: string;
  line: string;
  slot: number;
  iccid: string | null;
  direction: 'out' | 'in';
  number: string;
  at: number;
  parts: number;
  ok: number;
  error: string | null;
  recorded_at: number;
}

export function callFromRow(r: CallRow): StoredCall {
  return {
    seq: r.seq,
    id: r.id,
    line: r.line,
    slot: r.slot,
    iccid: r.iccid,
    direction: r.direction,
    number: r.number,
    startedAt: r.started_at,
    alertedAt: r.alerted_at,
    answeredAt: r.answered_at,
    endedAt: r.ended_at,
    durationS: r.duration_s,
    billedS: r.billed_s,
    cause: r.cause,
    origin: r.origin,
    outcome: r.outcome,
    gsmCause: r.gsm_cause,
    voipCause: r.voip_cause,
    gatewayCause: r.gateway_cause,
    recordedAt: r.recorded_at,
  };
}

export function smsFromRow(r: SmsRow): StoredSms {
  return {
    seq: r.seq,
    id: r.id,
    line: r.line,
    slot: r.slot,
    iccid: r.iccid,
    direction: r.direction,
    number: r.number,
    at: r.at,
    parts: r.parts,
    ok: r.ok === 1,
    error: r.error,
    recordedAt: r.recorded_at,
  };
}
