import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cdrDocumentOf } from '../../../src/call/cdr-push/cdr-document.js';
import type { StoredCall } from '../../../src/store/records.js';

const T0 = Date.UTC(2026, 0, 1, 12, 0, 0);
const base: StoredCall = {
  seq: 1,
  id: '2:abc',
  line: '2',
  slot: 1,
  iccid: '8986',
  direction: 'out',
  number: '+4915112345678',
  startedAt: T0,
  alertedAt: T0 + 3000,
  answeredAt: T0 + 13_000,
  endedAt: T0 + 28_000,
  durationS: 15,
  billedS: 60,
  cause: 'normal',
  origin: 'sip:1001',
  outcome: 'answered',
  gsmCause: 'NO CARRIER',
  voipCause: null,
  gatewayCause: null,
  recordedAt: T0 + 28_000,
};

test('an answered SIP → GSM call in the PBX CDR shape: Unix seconds, talk and ring time, one target', () => {
  const d = cdrDocumentOf(base);
  assert.equal(d.call_id, '2:abc');
  assert.equal(d.call_direction, 'outbound');
  assert.equal(d.call_start_time, T0 / 1000);
  assert.equal(d.call_answered_time, T0 / 1000 + 13);
  assert.equal(d.call_ended_time, T0 / 1000 + 28);
  assert.equal(d.call_talk_time, 15);
  assert.equal(d.call_status, 'ANSWERED');
  assert.equal(d.call_ended_reason, 'NORMAL');
  assert.equal(d.call_fail_code, 0);
  assert.equal(d.caller, 'sip:1001');
  assert.equal(d.callee, 'tel:+4915112345678');
  assert.equal(d.call_trunk_name, 'line2-B');
  assert.equal(d.call_targets.length, 1);
  assert.equal(d.call_targets[0]!.target_ring_duration, 10);
  assert.equal(d.call_targets[0]!.target_end_reason, 'NO_CARRIER');
  assert.equal(d.cellgate.billed_time, 60);
});

test('a missed GSM → SIP call and a busy SIP-side failure', () => {
  const missed = cdrDocumentOf({ ...base, direction: 'in', answeredAt: null, durationS: 0, cause: 'missed', outcome: 'missed', origin: 'network' });
  assert.equal(missed.call_direction, 'inbound');
  assert.equal(missed.call_status, 'NO_ANSWER');
  assert.equal(missed.caller, 'tel:+4915112345678');
  assert.equal(missed.call_answered_time, 0);
  const busy = cdrDocumentOf({ ...base, answeredAt: null, durationS: 0, cause: 'busy', outcome: 'busy', voipCause: '486 Busy Here' });
  assert.equal(busy.call_status, 'BUSY');
  assert.equal(busy.call_fail_code, 486);
});
