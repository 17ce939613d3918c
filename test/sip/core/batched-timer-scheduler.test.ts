/** The endpoint's real-time scheduler: one queue and one Node timer per length, on a fake clock here. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { BatchedTimerScheduler } from '../../../src/sip/core/batched-timer-scheduler.js';

function rig() {
  let now = 0;
  let nextId = 0;
  const armed = new Map<number, { at: number; fire: () => void }>();
  const errors: unknown[] = [];
  const scheduler = new BatchedTimerScheduler({
    now: () => now,
    setTimer: (fire, ms) => {
      armed.set(++nextId, { at: now + ms, fire });
      return nextId as unknown as ReturnType<typeof setTimeout>;
    },
    clearTimer: (timer) => void armed.delete(timer as unknown as number),
    onError: (error) => errors.push(error),
  });
  /** Moves the clock to `to`, firing Node timers in time order. */
  const advance = (to: number) => {
    for (;;) {
      const due = [...armed.entries()].filter(([, t]) => t.at <= to).sort((a, b) => a[1].at - b[1].at)[0];
      if (due === undefined) break;
      armed.delete(due[0]);
      now = due[1].at;
      due[1].fire();
    }
    now = to;
  };
  return { scheduler, advance, armed, errors };
}

test('timers of one length fire in order, at their time, with one Node timer at a time for the length', () => {
  const { scheduler, advance, armed } = rig();
  const fired: string[] = [];
  scheduler.schedule(100, () => fired.push('a'));
  advance(10);
  scheduler.schedule(100, () => fired.push('b'));
  scheduler.schedule(500, () => fired.push('long'));
  assert.equal(armed.size, 2, 'one Node timer per length');
  assert.equal(scheduler.pendingCount, 3);
  advance(99);
  assert.deepEqual(fired, []);
  advance(100);
  assert.deepEqual(fired, ['a']);
  advance(110);
  assert.deepEqual(fired, ['a', 'b']);
  advance(1000);
  assert.deepEqual(fired, ['a', 'b', 'long']);
  assert.equal(scheduler.pendingCount, 0);
  assert.equal(armed.size, 0, 'nothing armed when nothing waits');
});

test('a cancelled timer never fires and stops counting; a timer that throws is reported and the next still fires', () => {
  const { scheduler, advance, errors } = rig();
  const fired: string[] = [];
  const a = scheduler.schedule(50, () => fired.push('a'));
  scheduler.schedule(50, () => {
    throw new Error('boom');
  });
  scheduler.schedule(50, () => fired.push('c'));
  a.cancel();
  a.cancel();
  assert.equal(scheduler.pendingCount, 2);
  advance(50);
  assert.deepEqual(fired, ['c']);
  assert.equal((errors[0] as Error).message, 'boom');
  assert.equal(scheduler.pendingCount, 0);
});

test('close cancels everything and later timers are never scheduled', () => {
  const { scheduler, advance, armed } = rig();
  const fired: string[] = [];
  scheduler.schedule(10, () => fired.push('a'));
  scheduler.schedule(20, () => fired.push('b'));
  scheduler.close();
  assert.equal(armed.size, 0);
  scheduler.schedule(5, () => fired.push('late')).cancel();
  advance(100);
  assert.deepEqual(fired, []);
  assert.equal(scheduler.pendingCount, 0);
});

test('a long queue is compacted as it drains and keeps its order', () => {
  const { scheduler, advance } = rig();
  const fired: number[] = [];
  for (let i = 0; i < 5000; i++) {
    advance(i);
    scheduler.schedule(1000, () => fired.push(i));
  }
  advance(7000);
  assert.equal(fired.length, 5000);
  assert.ok(fired.every((v, i) => v === i));
});

test('a queue that runs empty is dropped: nothing is held once every timer has fired, whatever the lengths', () => {
  const { scheduler, advance, armed } = rig();
  let fired = 0;
  // A few calls' worth of fixed lengths, and lengths used once (refresh intervals).
  for (let i = 0; i < 300; i++) {
    scheduler.schedule(500, () => fired++);
    scheduler.schedule(32_000, () => fired++).cancel();
    scheduler.schedule(1000 + i, () => fired++);
  }
  assert.equal(scheduler.heldCount, 900);
  advance(100_000);
  assert.equal(fired, 600);
  assert.equal(scheduler.heldCount, 0);
  assert.equal(armed.size, 0);
  // A length used again after its queue was dropped still fires, in order.
  const order: string[] = [];
  scheduler.schedule(500, () => order.push('a'));
  scheduler.schedule(500, () => order.push('b'));
  advance(100_500);
  assert.deepEqual(order, ['a', 'b']);
  assert.equal(scheduler.heldCount, 0);
});
