/**
 * ASR and ACD per SIM as the calls page computes them from call records (manual §3.2.3: outgoing
 * calls only; ASR = answered / placed, ACD = average talk time of answered calls).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { callStatsBySim, simKey } from '../../web/src/charts/call-stats.js';
import type { CallRecord } from '../../web/src/charts/records.js';

let seq = 0;
function call(p: Partial<CallRecord>): CallRecord {
  seq += 1;
  return {
    id: `1:${seq}`, direction: 'out', origin: 'api:admin', active: false, state: null, outcome: 'answered', line: 1, slot: 'A', iccid: null, number: '10086',
    setupAt: '2026-01-01T10:00:00.000Z', alertingAt: null, answerAt: null, endAt: '2026-01-01T10:01:00.000Z', durationSec: 60, billedSec: 60, cause: 'normal',
    ...p,
  };
}

test('ASR counts answered among placed outgoing calls; ACD averages the answered calls only', () => {
  const stats = callStatsBySim([
    call({ durationSec: 30 }),
    call({ durationSec: 90 }),
    call({ outcome: 'no-answer', durationSec: 0 }),
    call({ outcome: 'busy', durationSec: 0 }),
  ]);
  assert.equal(stats.length, 1);
  const s = stats[0]!;
  assert.equal(s.sim, '1A');
  assert.equal(s.attempts, 4);
  assert.equal(s.answered, 2);
  assert.equal(s.asr, 0.5);
  assert.equal(s.acdSec, 60);
});

test('incoming, refused and in-progress calls are not attempts', () => {
  const stats = callStatsBySim([
    call({ direction: 'in', outcome: 'missed' }),
    call({ outcome: 'refused', durationSec: 0 }),
    call({ active: true, outcome: null, state: 'ACTIVE', durationSec: null }),
    call({ slot: 'B', outcome: 'failed', durationSec: 0 }),
  ]);
  assert.deepEqual(
    stats.map((s) => [s.sim, s.attempts, s.answered, s.asr, s.acdSec]),
    [['1B', 1, 0, 0, null]],
  );
});

test('one entry per line and slot, ordered by line then slot; a record without a slot is its own SIM', () => {
  const stats = callStatsBySim([call({ line: 2, slot: 'A' }), call({ line: 1, slot: 'C' }), call({ line: 1, slot: 'A' }), call({ line: 1, slot: null })]);
  assert.deepEqual(stats.map((s) => s.sim), ['1?', '1A', '1C', '2A']);
  assert.equal(simKey(3, null), '3?');
});

test('no records: no statistics', () => {
  assert.deepEqual(callStatsBySim([]), []);
});
