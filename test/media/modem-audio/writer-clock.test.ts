import { test } from 'node:test';
import assert from 'node:assert/strict';
import { WriterClock } from '../../../src/media/modem-audio/writer-clock.js';
import { prng } from '../../helpers/prng.js';
import { ManualClock } from './fake-audio.js';

test('ten simulated minutes with timer callbacks 0–15 ms late: exactly one tick per 20 ms, no drift, never more than 2 at once', () => {
  const clock = new ManualClock();
  const r = prng(42);
  clock.lateness = () => r() * 15;
  let inThisWake = 0;
  let maxAtOnce = 0;
  let lastT = -1;
  const c = new WriterClock({
    periodMs: 20,
    clock,
    onTick: () => {
      inThisWake = clock.t === lastT ? inThisWake + 1 : 1;
      lastT = clock.t;
      maxAtOnce = Math.max(maxAtOnce, inThisWake);
    },
  });
  c.begin();
  for (let s = 0; s < 600; s++) {
    clock.advance(1000);
    // deadlines 0, 20, …, up to now; the last may be pending by at most its lateness
    const due = Math.floor(clock.t / 20) + 1;
    assert.ok(c.ticks <= due && c.ticks >= due - 1, `at ${clock.t} ms: ${c.ticks} ticks, ${due} due`);
  }
  clock.lateness = () => 0;
  clock.advance(20);
  assert.equal(c.ticks, 600_020 / 20 + 1, 'drift: ticks ≠ elapsed / period');
  assert.equal(c.skipped, 0);
  assert.ok(maxAtOnce <= 2, `${maxAtOnce} ticks in one wake-up`);
  c.stop();
  assert.equal(clock.pending, 0);
});

test('a 400 ms stall: the backlog beyond 5 ticks is skipped and counted, then one tick per period again', () => {
  const clock = new ManualClock();
  const c = new WriterClock({ periodMs: 20, clock, onTick: () => {} });
  c.begin();
  clock.advance(100);
  assert.equal(c.ticks, 6);
  // the event loop is blocked: the next timer fires 400 ms late
  const before = c.ticks;
  (clock as unknown as { timers: { at: number }[] }).timers[0]!.at += 400;
  clock.advance(420);
  const burst = c.ticks - before;
  assert.equal(burst, 1, 'one tick after the stall, not a burst');
  assert.equal(c.skipped, 20);
  const t = c.ticks;
  clock.advance(1000);
  assert.equal(c.ticks - t, 50);
  c.stop();
});

test('stop() cancels the pending timer; a tick that throws does not stop the clock', () => {
  const clock = new ManualClock();
  let n = 0;
  const c = new WriterClock({
    periodMs: 20,
    clock,
    onTick: () => {
      n++;
      throw new Error('boom');
    },
  });
  c.begin();
  clock.advance(200);
  assert.equal(n, 11);
  c.stop();
  assert.equal(clock.pending, 0);
  clock.advance(200);
  assert.equal(n, 11);
});

test('aligned clocks tick on one grid: started apart, they tick at the same instants', () => {
  const clock = new ManualClock();
  const at: number[][] = [[], [], []];
  const clocks = at.map((ticks) => new WriterClock({ periodMs: 20, clock, align: true, onTick: () => ticks.push(clock.t) }));
  clock.advance(3);
  clocks[0]!.begin();
  clock.advance(9);
  clocks[1]!.begin();
  clock.advance(27);
  clocks[2]!.begin();
  clock.advance(100);
  assert.deepEqual(at[0], [20, 40, 60, 80, 100, 120]);
  assert.deepEqual(at[1], [20, 40, 60, 80, 100, 120]);
  assert.deepEqual(at[2], [40, 60, 80, 100, 120], 'the first tick waits for the next grid point');
});

test('the system clock: timers due in the same millisecond share one wake-up, and a cancelled one does not run', async () => {
  const at: Record<string, number[]> = { a: [], b: [], c: [] };
  const clocks = (['a', 'b', 'c'] as const).map((k) => new WriterClock({ periodMs: 20, align: true, onTick: () => at[k]!.push(performance.now()) }));
  for (const c of clocks) c.begin();
  clocks[2]!.stop();
  await new Promise((r) => setTimeout(r, 70));
  clocks[0]!.stop();
  clocks[1]!.stop();
  assert.ok(at.a!.length >= 2, `ticks ran: ${at.a!.length}`);
  assert.equal(at.a!.length, at.b!.length);
  assert.equal(at.c!.length, 0, 'the stopped clock never ticked');
  // Every tick of one ran in the same wake-up as the same tick of the other.
  at.a!.forEach((t, i) => assert.ok(Math.abs(t - at.b![i]!) < 1, `tick ${i}: ${t.toFixed(2)} and ${at.b![i]!.toFixed(2)} ms`));
});
