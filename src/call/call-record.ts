/**
 * What a call's record (CDR) holds, built from the Call: the row opened when a GSM call starts and
 * the row written when it ends. Pure; the call service writes them.
 */
import type { CallEndCause } from '../policy/index.js';
import type { CallRecord, OpenCallRecord } from '../store/records.js';
import type { Call } from './call.js';

/** SIM slot index as the store keeps it (0 = A); a call on a line without a known slot counts as A. */
function slotIndex(call: Call): number {
  return call.gsm.slot ? 'ABCD'.indexOf(call.gsm.slot) : 0;
}

/**
 * How an outgoing GSM call ended, in the SIM policy's words, from the modem's final result code
 * (ITU-T V.250 result codes, as TS 27.007 §6.2 and §7.18 report them) and whether it rang: an answered
 * call is `normal` however it ended; NO CARRIER or our own hang-up is `no-answer` when it rang,
 * `no-ringing` when it never did; anything else (ERROR, NO DIALTONE, +CME ERROR) is `failed`.
 */
export function gsmEndCause(call: Call): CallEndCause {
  if (call.times.answer !== null) return 'normal';
  switch (call.gsm.cause) {
    case 'BUSY':
      return 'busy';
    case 'NO ANSWER':
      return 'no-answer';
    case 'NO CARRIER':
    case 'HANGUP':
    case null:
      return call.times.alerting !== null ? 'no-answer' : 'no-ringing';
    default:
      return 'failed';
  }
}

/**
 * The record's `cause` word: for outgoing calls the policy's end cause (as records always had it),
 * `normal` or `missed` for incoming calls, `refused` for a request refused before it reached a modem.
 */
export function recordCause(call: Call): string {
  const outcome = call.outcome();
  if (outcome === 'refused') return 'refused';
  if (call.direction === 'in') return outcome === 'answered' ? 'normal' : 'missed';
  return gsmEndCause(call);
}

/** The row opened when a call starts (found again after a crash as an open call). */
export function openRecordOf(call: Call): OpenCallRecord {
  return {
    id: call.id,
    line: String(call.gsm.line),
    slot: slotIndex(call),
    iccid: call.gsm.iccid,
    direction: call.direction,
    number: call.gsm.number ?? '',
    startedAt: call.times.setup,
    origin: call.origin,
  };
}

/** The complete record of a call that ended; `billedSec` is what the SIM policy charged for it. */
export function callRecordOf(call: Call, billedSec: number): CallRecord {
  const end = call.times.end ?? call.times.setup;
  return {
    ...openRecordOf(call),
    alertedAt: call.times.alerting,
    answeredAt: call.times.answer,
    endedAt: end,
    durationS: call.durationSec(end),
    billedS: billedSec,
    cause: recordCause(call),
    outcome: call.outcome(),
    gsmCause: call.gsm.cause,
    voipCause: call.voip?.cause ?? null,
    gatewayCause: call.gatewayCause,
  };
}
