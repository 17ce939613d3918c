/**
 * A call record as the JSON document a CDR receiver gets: the field names of the PBX "CDR URL" push
 * (one POST per ended call, times in Unix seconds UTC, talk time in seconds), so receivers written for
 * such PBXs read it as is. What has no meaning on a GSM gateway (cost, rate, prefix, recording,
 * tenant) is sent empty or zero; what the gateway knows beyond it is under `cellgate`. Pure.
 */
import type { StoredCall } from '../../store/records.js';

export interface CdrTarget {
  target_add_time: number;
  target_answered_time: number;
  target_end_reason: string;
  target_number: string;
  target_domain: string;
  target_ended_time: number;
  target_fail_code: number;
  target_status: string;
  target_ring_duration: number;
  target_talk_time: number;
}

export interface CdrDocument {
  call_id: string;
  call_direction: 'inbound' | 'outbound';
  call_start_time: number;
  call_answered_time: number;
  call_ended_time: number;
  call_talk_time: number;
  call_status: string;
  call_ended_reason: string;
  call_fail_code: number;
  call_final_destination: string;
  call_prefix: string;
  call_cost: string;
  call_rate: string;
  cost_duration_unit: number;
  call_targets: CdrTarget[];
  call_trunk_name: string;
  caller: string;
  callee: string;
  caller_display_name: string;
  recording_file_name: string;
  tenant_id: string;
  cellgate: {
    line: string;
    /** SIM slot letter A–D. */
    slot: string;
    iccid: string | null;
    origin: string | null;
    outcome: string | null;
    cause: string | null;
    gsm_cause: string | null;
    voip_cause: string | null;
    gateway_cause: string | null;
    alerted_time: number;
    billed_time: number;
  };
}

const seconds = (ms: number | null | undefined): number => (ms === null || ms === undefined ? 0 : Math.floor(ms / 1000));

/** The call's status word: ANSWERED, NO_ANSWER, BUSY, REFUSED or FAILED. */
export function callStatus(c: StoredCall): string {
  if (c.answeredAt !== null) return 'ANSWERED';
  switch (c.outcome ?? c.cause) {
    case 'missed':
    case 'no-answer':
    case 'no-ringing':
      return 'NO_ANSWER';
    case 'busy':
      return 'BUSY';
    case 'refused':
      return 'REFUSED';
    default:
      return 'FAILED';
  }
}

/** A SIP status the VoIP side ended with (voip cause "486 Busy Here" → 486); 0 when answered or none. */
export function failCode(c: StoredCall): number {
  if (c.answeredAt !== null) return 0;
  const m = /^([3-6]\d\d)\b/.exec(c.voipCause ?? '');
  return m ? Number(m[1]) : 0;
}

/** The end reason word: the record's cause, upper case with underscores (normal → NORMAL). */
function reasonWord(text: string | null): string {
  return (text ?? 'unknown').toUpperCase().replace(/[^A-Z0-9]+/g, '_').replace(/^_|_$/g, '');
}

/** The document for one ended call (`endedAt` set). */
export function cdrDocumentOf(c: StoredCall): CdrDocument {
  const outbound = c.direction === 'out';
  const ended = seconds(c.endedAt);
  const ring = c.alertedAt !== null ? Math.max(0, seconds(c.answeredAt ?? c.endedAt) - seconds(c.alertedAt)) : 0;
  const slot = 'ABCD'[c.slot] ?? String(c.slot);
  const status = callStatus(c);
  const talk = c.durationS ?? 0;
  // GSM numbers as tel: URIs; the SIP side is named by who asked (origin `sip:<account>`).
  const gsmParty = c.number ? `tel:${c.number}` : '';
  const sipParty = c.origin ?? '';
  return {
    call_id: c.id,
    call_direction: outbound ? 'outbound' : 'inbound',
    call_start_time: seconds(c.startedAt),
    call_answered_time: seconds(c.answeredAt),
    call_ended_time: ended,
    call_talk_time: talk,
    call_status: status,
    call_ended_reason: reasonWord(c.cause),
    call_fail_code: failCode(c),
    call_final_destination: outbound ? gsmParty : sipParty,
    call_prefix: '',
    call_cost: '0',
    call_rate: '0',
    cost_duration_unit: 60,
    call_targets: [
      {
        target_add_time: seconds(c.startedAt),
        target_answered_time: seconds(c.answeredAt),
        target_end_reason: reasonWord(c.gsmCause ?? c.gatewayCause ?? c.cause),
        target_number: c.number,
        target_domain: `line${c.line}`,
        target_ended_time: ended,
        target_fail_code: failCode(c),
        target_status: status,
        target_ring_duration: ring,
        target_talk_time: talk,
      },
    ],
    call_trunk_name: `line${c.line}-${slot}`,
    caller: outbound ? sipParty : gsmParty,
    callee: outbound ? gsmParty : sipParty,
    caller_display_name: '',
    recording_file_name: '',
    tenant_id: '',
    cellgate: {
      line: c.line,
      slot,
      iccid: c.iccid,
      origin: c.origin,
      outcome: c.outcome,
      cause: c.cause,
      gsm_cause: c.gsmCause,
      voip_cause: c.voipCause,
      gateway_cause: c.gatewayCause,
      alerted_time: seconds(c.alertedAt),
      billed_time: c.billedS ?? 0,
    },
  };
}
