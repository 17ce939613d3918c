import { test } from 'node:test';
import assert from 'node:assert/strict';
import { resolveTransactionTimers } from '../../../src/sip/transaction/transaction-timer-options.js';
import { RealTimerScheduler } from '../../../src/sip/transaction/timer-scheduler.js';

test('defaults: T1 500, T2 4 s, T4 5 s, B/F/H/J/L/M 64·T1, D 32 s, 100 Trying at 200 ms, no-answer off', () => {
  const verdict = resolveTransactionTimers();
  assert.ok(verdict.ok);
  assert.deepEqual(verdict.timers, {
    t1Ms: 500, t2Ms: 4000, t4Ms: 5000, timerBMs: 32000, timerDMs: 32000, timerFMs: 32000,
    timerHMs: 32000, timerJMs: 32000, timerLMs: 32000, timerMMs: 32000, tryingDelayMs: 200, noAnswerTimeoutMs: null,
  });
});

test('T1 scales the 64·T1 timers; ICT/NICT timeouts override B and F only', () => {
  const verdict = resolveTransactionTimers({ t1Ms: 250, inviteClientTimeoutMs: 20_000, nonInviteClientTimeoutMs: 8_000, noAnswerTimeoutMs: 90_000 });
  assert.ok(verdict.ok);
  assert.equal(verdict.timers.timerBMs, 20_000);
  assert.equal(verdict.timers.timerFMs, 8_000);
  assert.equal(verdict.timers.timerHMs, 16_000);
  assert.equal(verdict.timers.timerMMs, 16_000);
  assert.equal(verdict.timers.noAnswerTimeoutMs, 90_000);
});

test('bad values come back as problems, not throws', () => {
  const verdict = resolveTransactionTimers({ t1Ms: -1, t2Ms: 1.5, noAnswerTimeoutMs: 0, tryingDelayMs: Number.NaN });
  assert.equal(verdict.ok, false);
  assert.equal(verdict.ok ? 0 : verdict.problems.length, 4);
  const order = resolveTransactionTimers({ t1Ms: 5000, t2Ms: 4000 });
  assert.deepEqual(order.ok ? [] : order.problems, ['t2Ms must not be below t1Ms (§17.1.2.2 caps intervals at T2)']);
  const shortD = resolveTransactionTimers({ timerDMs: 1000 });
  assert.equal(shortD.ok, false);
  assert.equal(resolveTransactionTimers({ tryingDelayMs: 0 }).ok, true, 'send 100 Trying at once');
});

test('the real scheduler fires on setTimeout and can be cancelled', async () => {
  const scheduler = new RealTimerScheduler();
  const fired: string[] = [];
  scheduler.schedule(5, () => fired.push('a'));
  scheduler.schedule(5, () => fired.push('b')).cancel();
  await new Promise((r) => setTimeout(r, 30));
  assert.deepEqual(fired, ['a']);
});
