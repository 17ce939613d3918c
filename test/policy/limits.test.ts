import { test } from 'node:test';
import assert from 'node:assert/strict';
import { billedSeconds, canCall, canSendSms, remaining, parseLimit, type LimitSpec } from '../../src/policy/index.js';
import { Driver, T0, cfg } from './harness.js';

function L(text: string): LimitSpec {
  const r = parseLimit(text);
  if (!r.ok) throw new Error(r.error);
  return r.value;
}

test('billing period rounding (§4.8: 68 s at 60 s costs 2 minutes)', () => {
  assert.equal(billedSeconds(68, 60), 120);
  assert.equal(billedSeconds(60, 60), 60);
  assert.equal(billedSeconds(60.001, 60), 120);
  assert.equal(billedSeconds(0, 60), 0);
  assert.equal(billedSeconds(1, 60), 60);
  assert.equal(billedSeconds(7, 6), 12);
  assert.equal(billedSeconds(-3, 60), 0);
  assert.equal(billedSeconds(Number.NaN, 60), 0);
  const d = new Driver(cfg({ limits: { callMinutes: L('10'), callCountIncludesUnanswered: true } }));
  d.start();
  d.call(68);
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').callMinutes, 8);
  d.config = { ...d.config, billingPeriodSec: 6 };
  d.call(7);
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').callMinutes, 7.8);
});

test('total call minutes: hang up when they run out (onMinutesExhausted hangup)', () => {
  const d = new Driver(cfg({ limits: { callMinutes: L('3'), callCountIncludesUnanswered: true } }));
  d.start();
  d.call(61); // 2 billed minutes
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').callMinutes, 1);
  d.feed({ type: 'call-attempt', line: '1' });
  d.feed({ type: 'answered', line: '1' });
  assert.deepEqual(d.advance(59_000), []);
  const out = d.advance(1_000);
  assert.deepEqual(out, [{ type: 'hangup', line: '1', reason: 'call minutes exhausted' }]);
  assert.deepEqual(d.advance(1_000), [], 'hangup is decided once');
  d.feed({ type: 'call-ended', line: '1', durationSec: 61, cause: 'normal' });
  // Overshoot by one billing period at most: 2 + 2 = 4 of 3.
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').callMinutes, 0);
  assert.equal(d.state.lines['1']!.slots.A.usage.callSec.total, 240);
  assert.deepEqual(canCall(d.config, d.state, d.now, '1', 'A'), { ok: false, reason: 'call minutes limit exhausted: no minutes left' });
});

test('onMinutesExhausted finish lets the call run', () => {
  const d = new Driver(cfg({ onMinutesExhausted: 'finish', limits: { callMinutes: L('1'), callCountIncludesUnanswered: true } }));
  d.start();
  d.feed({ type: 'call-attempt', line: '1' });
  d.feed({ type: 'answered', line: '1' });
  assert.deepEqual(d.advance(300_000), []);
});

test('call count with and without unanswered calls', () => {
  const all = new Driver(cfg({ limits: { callCount: L('2'), callCountIncludesUnanswered: true } }));
  all.start();
  all.call(0, { answered: false });
  assert.equal(remaining(all.config, all.state, all.now, '1', 'A').callCount, 1);
  all.call(10);
  assert.deepEqual(canCall(all.config, all.state, all.now, '1', 'A'), { ok: false, reason: 'call count limit exhausted: no calls left' });

  const connected = new Driver(cfg({ limits: { callCount: L('2'), callCountIncludesUnanswered: false } }));
  connected.start();
  connected.call(0, { answered: false });
  connected.call(0, { answered: false, cause: 'failed' });
  assert.equal(remaining(connected.config, connected.state, connected.now, '1', 'A').callCount, 2);
  connected.call(10);
  assert.equal(remaining(connected.config, connected.state, connected.now, '1', 'A').callCount, 1);
});

test('SMS exhausted, block-sms: blocks SMS only, and the error is clear', () => {
  const d = new Driver(cfg({ onSmsExhausted: 'block-sms', limits: { smsCount: L('1'), callCountIncludesUnanswered: true } }));
  d.start();
  assert.deepEqual(canSendSms(d.config, d.state, d.now, '1', 'A'), { ok: true });
  assert.deepEqual(d.sms(), [{ type: 'block-sms', line: '1', slot: 'A', reason: 'SMS limit exhausted' }]);
  assert.deepEqual(canSendSms(d.config, d.state, d.now, '1', 'A'), { ok: false, reason: 'SMS limit exhausted: no SMS left for this SIM' });
  assert.deepEqual(canCall(d.config, d.state, d.now, '1', 'A'), { ok: true });
  // The operator resets the remaining counts: SMS flow again.
  assert.deepEqual(d.feed({ type: 'reset-stats', line: '1', slots: ['A'], what: 'remaining' }), [
    { type: 'unblock-sms', line: '1', slot: 'A', reason: 'SMS limit has room again' },
  ]);
  assert.deepEqual(canSendSms(d.config, d.state, d.now, '1', 'A'), { ok: true });
});

test('SMS exhausted, disable-sim: the SIM is disabled and the line moves on; a new window lifts it', () => {
  const d = new Driver(cfg({ onSmsExhausted: 'disable-sim', limits: { smsCount: L('10:00-14:00,2'), callCountIncludesUnanswered: true } }));
  d.start();
  d.sms();
  const out = d.sms();
  assert.deepEqual(out.slice(0, 2), [
    { type: 'disable', line: '1', slot: 'A', until: null, reason: 'SMS limit exhausted' },
    { type: 'switch', line: '1', from: 'A', to: 'B', reason: 'SIM disabled: SMS limit exhausted' },
  ]);
  assert.equal(d.line.bound, 'B');
  d.advance(2 * 3600_000); // 14:00: outside the window, no limit
  assert.deepEqual(d.log.at(-1), { type: 'enable', line: '1', slot: 'A', reason: 'SMS limit has room again' });
});

test('time windows: each window instance counts separately; outside windows there is no limit', () => {
  const d = new Driver(
    cfg({
      limits: { callCount: L('05:00-12:00,2|12:00-23:00,3'), callCountIncludesUnanswered: true },
      switchRules: { strategy: 'sequential', triggers: {}, duringCall: 'wait', switchWhenExhausted: false },
    }),
    { now: Date.UTC(2025, 0, 6, 11, 0) },
  );
  d.start();
  d.call(5);
  d.call(5);
  assert.equal(canCall(d.config, d.state, d.now, '1', 'A').ok, false);
  d.now = Date.UTC(2025, 0, 6, 12, 0);
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').callCount, 3);
  d.call(5);
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').callCount, 2);
  d.now = Date.UTC(2025, 0, 6, 23, 30);
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').callCount, 'NO LIMIT');
  d.now = Date.UTC(2025, 0, 7, 5, 0);
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').callCount, 2);
});

test('a wrapping window belongs to the day it starts on', () => {
  const d = new Driver(cfg({ limits: { smsCount: L('22:00-06:00,3'), callCountIncludesUnanswered: true } }), { now: Date.UTC(2025, 0, 6, 23, 0) });
  d.start();
  d.sms();
  d.now = Date.UTC(2025, 0, 7, 5, 59);
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').smsCount, 2);
  d.now = Date.UTC(2025, 0, 7, 22, 0);
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').smsCount, 3);
});

test('monthly cycle D5 starts on day 5 at 00:00 local time (time zone from configuration)', () => {
  const tz = 'Asia/Shanghai'; // UTC+8
  const d = new Driver(cfg({ timezone: tz, limits: { smsCount: L('D5,2'), callCountIncludesUnanswered: true } }), {
    now: Date.UTC(2025, 0, 4, 15, 59), // 2025-01-04 23:59 local
  });
  d.start();
  d.sms();
  d.sms();
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').smsCount, 0);
  d.now = Date.UTC(2025, 0, 4, 16, 0); // 2025-01-05 00:00 local: new cycle
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').smsCount, 2);
  d.sms();
  d.now = Date.UTC(2025, 1, 4, 15, 0); // 2025-02-04 23:00 local: same cycle
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').smsCount, 1);
  d.now = Date.UTC(2025, 1, 4, 16, 0); // 2025-02-05 00:00 local
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').smsCount, 2);
});

test('untrusted time: window and monthly limits count as exhausted, totals do not', () => {
  const d = new Driver(cfg({ limits: { callMinutes: L('D1,100'), callCount: L('50'), smsCount: L('00:00-24:00,5'), callCountIncludesUnanswered: true } }), {
    trusted: false,
  });
  d.start();
  assert.deepEqual(remaining(d.config, d.state, d.now, '1', 'A'), {
    callMinutes: { remaining: 0, reason: 'time-untrusted' },
    callCount: 50,
    smsCount: { remaining: 0, reason: 'time-untrusted' },
  });
  assert.deepEqual(canCall(d.config, d.state, d.now, '1', 'A'), {
    ok: false,
    reason: 'call minutes limit unavailable: the time is not trusted, so window and monthly limits count as exhausted',
  });
  assert.equal(canSendSms(d.config, d.state, d.now, '1', 'A').ok, false);
  d.feed({ type: 'time-trust', trusted: true, source: 'nitz' });
  assert.equal(d.state.timeSource, 'nitz');
  assert.equal(canCall(d.config, d.state, d.now, '1', 'A').ok, true);
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').callMinutes, 100);
});

test('per-slot overrides: "<slot>" then "<line>/<slot>", field by field; null removes a limit', () => {
  const d = new Driver(
    cfg({
      limits: { callCount: L('10'), smsCount: L('5'), callCountIncludesUnanswered: true },
      slotLimits: { B: { smsCount: L('1') }, '1/B': { callCount: null }, '2/B': { callCount: L('3') } },
    }),
  );
  assert.deepEqual(remaining(d.config, d.state, T0, '1', 'A'), { callMinutes: 'NO LIMIT', callCount: 10, smsCount: 5 });
  assert.deepEqual(remaining(d.config, d.state, T0, '1', 'B'), { callMinutes: 'NO LIMIT', callCount: 'NO LIMIT', smsCount: 1 });
  assert.deepEqual(remaining(d.config, d.state, T0, '2', 'B'), { callMinutes: 'NO LIMIT', callCount: 3, smsCount: 1 });
});

test('a new card (different ICCID) resets the slot\'s remaining counts; the same card does not', () => {
  const d = new Driver(cfg({ limits: { smsCount: L('3'), callCountIncludesUnanswered: true } }));
  d.start();
  d.sms();
  d.sms();
  d.feed({ type: 'sim-card-changed', line: '1', slot: 'A', iccid: 'ICCID-A' });
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').smsCount, 1);
  d.feed({ type: 'sim-card-changed', line: '1', slot: 'A', iccid: 'ICCID-NEW' });
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').smsCount, 3);
  // Also noticed on binding: the line reads the ICCID of the card it binds.
  d.sms();
  d.feed({ type: 'sim-bound', line: '1', slot: 'A', iccid: 'ICCID-NEWER' });
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').smsCount, 3);
});

test('a call running into a new window counts in the window it was answered in', () => {
  const d = new Driver(cfg({ limits: { callMinutes: L('05:00-12:00,10|12:00-23:00,10'), callCountIncludesUnanswered: true } }), {
    now: Date.UTC(2025, 0, 6, 11, 58),
  });
  d.start();
  d.call(300);
  assert.equal(remaining(d.config, d.state, d.now, '1', 'A').callMinutes, 10);
  d.now = Date.UTC(2025, 0, 6, 11, 59);
  assert.equal(remaining(d.config, d.state, d.now - 60_000, '1', 'A').callMinutes, 5);
});
