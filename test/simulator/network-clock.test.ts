import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MANUAL_CLOCK_START, ManualClock, realClock } from '../../modem-drivers/simulator/network/clock.js';
import { TimerBag } from '../../modem-drivers/simulator/network/timer-bag.js';

test('ManualClock runs due timers in due order, ties in the order set', () => {
  const c = new ManualClock();
  assert.equal(c.now(), MANUAL_CLOCK_START);
  const seen: string[] = [];
  c.setTimeout(() => seen.push('b30'), 30);
  c.setTimeout(() => seen.push('a10'), 10);
  c.setTimeout(() => seen.push('c10'), 10);
  c.setTimeout(() => seen.push('z0'), 0);
  assert.equal(c.pendingTimers, 4);
  assert.equal(c.advance(10), 3);
  assert.deepEqual(seen, ['z0', 'a10', 'c10']);
  assert.equal(c.now(), MANUAL_CLOCK_START + 10);
  c.advance(100);
  assert.deepEqual(seen, ['z0', 'a10', 'c10', 'b30']);
  assert.equal(c.now(), MANUAL_CLOCK_START + 110);
  assert.equal(c.pendingTimers, 0);
});

test('ManualClock: timers see their own due time, timers set by timers run within the window', () => {
  const c = new ManualClock(0);
  const times: number[] = [];
  c.setTimeout(() => {
    times.push(c.now());
    c.setTimeout(() => times.push(c.now()), 5);
    c.setTimeout(() => times.push(c.now()), 500);
  }, 10);
  c.advance(100);
  assert.deepEqual(times, [10, 15]);
  assert.equal(c.pendingTimers, 1);
  assert.equal(c.nextDue(), 510);
});

test('ManualClock: cancel, negative and NaN delays, runAll and its limit', () => {
  const c = new ManualClock(0);
  let ran = 0;
  const h = c.setTimeout(() => ran++, 10);
  h.cancel();
  h.cancel();
  assert.equal(c.pendingTimers, 0);
  c.setTimeout(() => ran++, -5);
  c.setTimeout(() => ran++, Number.NaN);
  assert.equal(c.runDue(), 2);
  assert.equal(ran, 2);
  assert.equal(c.nextDue(), undefined);
  c.setTimeout(() => ran++, 1000);
  assert.equal(c.runAll(), 1);
  assert.equal(c.now(), 1000);
  const again = (): void => void c.setTimeout(again, 20);
  again();
  assert.throws(() => c.runAll(50), /still busy after 50/);
});

test('ManualClock.advanceAsync lets promise continuations set timers inside the window', async () => {
  const c = new ManualClock(0);
  const seen: number[] = [];
  const wait = (ms: number): Promise<void> => new Promise((r) => c.setTimeout(r, ms));
  void (async () => {
    await wait(10);
    seen.push(c.now());
    await wait(10);
    seen.push(c.now());
  })();
  await c.advanceAsync(25);
  assert.deepEqual(seen, [10, 20]);
  assert.equal(c.pendingTimers, 0);
  void wait(7).then(() => seen.push(c.now()));
  await c.runAllAsync();
  assert.deepEqual(seen, [10, 20, 32]);
});

test('realClock: wall time, cancellable timers', async () => {
  const c = realClock();
  const t0 = c.now();
  assert.ok(Math.abs(t0 - Date.now()) < 50);
  let cancelled = false;
  c.setTimeout(() => (cancelled = true), 5).cancel();
  await new Promise<void>((r) => c.setTimeout(r, 15));
  assert.equal(cancelled, false);
  assert.ok(c.now() - t0 >= 10);
});

test('TimerBag cancels everything it owns', () => {
  const c = new ManualClock(0);
  const bag = new TimerBag(c);
  let ran = 0;
  bag.schedule(() => ran++, 10);
  const one = bag.schedule(() => ran++, 20);
  bag.schedule(() => ran++, 30);
  assert.equal(bag.size, 3);
  one.cancel();
  assert.equal(bag.size, 2);
  c.advance(10);
  assert.equal(ran, 1);
  assert.equal(bag.size, 1);
  bag.cancelAll();
  assert.equal(c.pendingTimers, 0);
  c.advance(100);
  assert.equal(ran, 1);
});
