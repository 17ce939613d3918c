/**
 * A call as the JSON API shows it: one shape for a call in progress (from memory) and a recorded one
 * (from the store). Times are ISO 8601 UTC, null when the call did not reach that step.
 */
import type { SlotId } from '../line/types.js';
import type { StoredCall } from '../store/records.js';
import type { Call, CallDirection } from './call.js';
import { recordCause } from './call-record.js';
import type { CallState } from './call-state.js';

export interface CallView {
  id: string;
  direction: CallDirection;
  /** `network` (incoming), `api:<user>`, `sip:<account>`; null in records older than call origins. */
  origin: string | null;
  /** True while the call is in progress. */
  active: boolean;
  /** The call's state while active (call-state.ts); null once it ended. */
  state: CallState | null;
  /** answered | missed | busy | no-answer | failed | refused; null while active. */
  outcome: string | null;
  line: number;
  slot: SlotId | null;
  iccid: string | null;
  /** The remote party; empty when unknown or withheld. */
  number: string;
  setupAt: string;
  alertingAt: string | null;
  answerAt: string | null;
  endAt: string | null;
  /** Talk time so far (active) or in all (ended), in seconds. */
  durationSec: number;
  /** Seconds charged against the SIM's limits; null while active. */
  billedSec: number | null;
  /** The record's cause word (normal, busy, no-answer, no-ringing, failed, missed, refused, interrupted). */
  cause: string | null;
  /** Why it ended, as each side said: the modem, the VoIP peer, the gateway itself. */
  causes: { gsm: string | null; voip: string | null; gateway: string | null };
}

const SLOTS: readonly SlotId[] = ['A', 'B', 'C', 'D'];

function iso(t: number | null): string | null {
  return t === null ? null : new Date(t).toISOString();
}

/** A call in progress (or just ended, before its record is read back). */
export function viewOfCall(call: Call, now: number): CallView {
  return {
    id: call.id,
    direction: call.direction,
    origin: call.origin,
    active: !call.ended,
    state: call.ended ? null : call.state,
    outcome: call.ended ? call.outcome() : null,
    line: call.gsm.line,
    slot: call.gsm.slot,
    iccid: call.gsm.iccid,
    number: call.gsm.number ?? '',
    setupAt: iso(call.times.setup)!,
    alertingAt: iso(call.times.alerting),
    answerAt: iso(call.times.answer),
    endAt: iso(call.times.end),
    durationSec: call.durationSec(now),
    billedSec: null,
    cause: call.ended ? recordCause(call) : null,
    causes: { gsm: call.gsm.cause, voip: call.voip?.cause ?? null, gateway: call.gatewayCause },
  };
}

/** A recorded call. A row still open (the daemon died during the call, not yet closed) shows as active. */
export function viewOfRecord(r: StoredCall): CallView {
  const ended = r.endedAt !== null;
  return {
    id: r.id,
    direction: r.direction,
    origin: r.origin,
    active: !ended,
    state: null,
    outcome: r.outcome,
    line: Number(r.line),
    slot: SLOTS[r.slot] ?? null,
    iccid: r.iccid,
    number: r.number,
    setupAt: iso(r.startedAt)!,
    alertingAt: iso(r.alertedAt),
    answerAt: iso(r.answeredAt),
    endAt: iso(r.endedAt),
    durationSec: r.durationS ?? 0,
    billedSec: r.billedS,
    cause: r.cause,
    causes: { gsm: r.gsmCause, voip: r.voipCause, gateway: r.gatewayCause },
  };
}
