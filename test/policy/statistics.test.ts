import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statistics, parseLimit } from '../../src/policy/index.js';
import { Driver, cfg } from './harness.js';

test('total CDR: ASR, ACD in seconds, talk and billed minutes, connected/total calls', () => {
  const d = new Driver(cfg());
  d.start();
  d.call(68);
  d.call(0, { answered: false });
  d.call(32);
  d.call(0, { answered: false, cause: 'failed' });
  const s = statistics(d.config, d.state, d.now, '1', 'A');
  assert.deepEqual(s.total, { calls: 4, connected: 2, asr: 0.5, acdSec: 50, talkMinutes: 1.67, billedMinutes: 3 });
  assert.deepEqual(s.remaining, { callMinutes: 'NO LIMIT', callCount: 'NO LIMIT', smsCount: 'NO LIMIT' });
  assert.equal(s.iccid, 'ICCID-A');
  assert.equal(s.colour, 'blue');
  assert.deepEqual(s.bind, { minutes: 2, callMinutes: 3, calls: 4, connected: 2, sms: 0 });
  const b = statistics(d.config, d.state, d.now, '1', 'B');
  assert.equal(b.bind, null);
  assert.equal(b.total.asr, null);
  assert.equal(b.total.acdSec, null);
  assert.equal(b.idleMinutes, null);
});

test('idle minutes since the last connected call, 0 during one', () => {
  const d = new Driver(cfg());
  d.start();
  d.call(30);
  d.now += 5 * 60_000 + 1000;
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').idleMinutes, 5);
  d.feed({ type: 'call-attempt', line: '1' });
  d.feed({ type: 'answered', line: '1' });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').idleMinutes, 0);
});

test("today's statistics reset at 04:10 local time", () => {
  const d = new Driver(cfg({ timezone: 'Europe/Berlin' }), { now: Date.UTC(2025, 0, 6, 3, 0) }); // 04:00 local
  d.start();
  d.call(30);
  d.sms();
  d.feed({ type: 'sms-failed', line: '1' });
  let s = statistics(d.config, d.state, d.now, '1', 'A');
  assert.deepEqual(s.today, { day: '2025-01-05', calls: 1, connected: 1, talkMinutes: 0.5, billedMinutes: 1, sms: 1, smsFailed: 1 });
  d.now = Date.UTC(2025, 0, 6, 3, 9, 59); // 04:09:59 local
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').today.calls, 1);
  d.now = Date.UTC(2025, 0, 6, 3, 10); // 04:10 local
  s = statistics(d.config, d.state, d.now, '1', 'A');
  assert.deepEqual(s.today, { day: '2025-01-06', calls: 0, connected: 0, talkMinutes: 0, billedMinutes: 0, sms: 0, smsFailed: 0 });
  assert.equal(s.total.calls, 1, 'the total CDR does not reset');
  d.call(10);
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').today.calls, 1);
});

test('operator resets: total CDR or remaining counts of chosen SIMs only', () => {
  const L = (t: string) => { const x = parseLimit(t); if (!x.ok) throw new Error(x.error); return x.value; };
  const d = new Driver(cfg({ limits: { callMinutes: L('100'), callCountIncludesUnanswered: true } }));
  d.start();
  d.call(120);
  d.feed({ type: 'operator-switch', line: '1', slot: 'B' });
  d.call(60);
  d.feed({ type: 'reset-stats', line: '1', slots: ['A'], what: 'cdr' });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').total.calls, 0);
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').remaining.callMinutes, 98, 'remaining is kept');
  assert.equal(statistics(d.config, d.state, d.now, '1', 'B').total.calls, 1);
  d.feed({ type: 'reset-stats', line: '1', slots: ['A', 'B'], what: 'remaining' });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').remaining.callMinutes, 100);
  assert.equal(statistics(d.config, d.state, d.now, '1', 'B').remaining.callMinutes, 100);
  assert.equal(statistics(d.config, d.state, d.now, '1', 'B').total.calls, 1);
});

test('the state is plain JSON: it survives a JSON round trip and decide does not change its input', async () => {
  const { decide } = await import('../../src/policy/index.js');
  const d = new Driver(cfg({ disableRules: [{ trigger: 'calls', threshold: 3, disableMinutes: 'manual' }] }));
  d.start();
  d.call(30);
  d.sms();
  const frozen = JSON.stringify(d.state);
  const copy = JSON.parse(frozen);
  assert.deepEqual(copy, d.state);
  decide(d.config, d.state, d.now, { type: 'call-attempt', line: '1' });
  decide(d.config, d.state, d.now, { type: 'sms-sent', line: '1' });
  assert.equal(JSON.stringify(d.state), frozen);
});
