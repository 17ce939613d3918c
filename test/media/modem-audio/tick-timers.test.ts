/**
 * The writer clocks' shared timers: coalescing, and wake-up batching (decision 0061) on a host whose
 * clock, timers, check-phase callbacks and sleeps are simulated, so the order of sleeps and ticks is
 * checked exactly.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { tickTimers, type TickTimerHost } from '../../../src/media/modem-audio/tick-timers.js';
import { WriterClock } from '../../../src/media/modem-audio/writer-clock.js';

/** An event loop in miniature: timers (phase 1), then "I/O", then the check phase, then sleeps. */
class FakeLoop implements TickTimerHost {
  t = 0;
  timers: { at: number; fn: () => void }[] = [];
  immediates: (() => void)[] = [];
  sleeps: number[] = [];
  log: string[] = [];
  now = (): number => this.t;
  setTimeout = (fn: () => void, ms: number): void => void this.timers.push({ at: this.t + ms, fn });
  setImmediate = (fn: () => void): void => void this.immediates.push(fn);
  sleep = (ms: number): void => {
    this.sleeps.push(ms);
    this.t += ms;
  };
  /** One turn: due timers, the I/O callback, the check phase. Without immediates, waits for the next timer. */
  turn(io: () => void = () => {}): void {
    const due = this.timers.filter((x) => x.at <= this.t).sort((a, b) => a.at - b.at);
    this.timers = this.timers.filter((x) => !due.includes(x));
    for (const x of due) x.fn();
    io();
    const imm = this.immediates;
    this.immediates = [];
    for (const fn of imm) fn();
    if (this.immediates.length === 0 && this.timers.length > 0) this.t = Math.max(this.t, Math.min(...this.timers.map((x) => x.at)));
  }
}

function clocks(loop: FakeLoop, n: number, pauseMs: number, minClocks = 8) {
  const timers = tickTimers(loop, { pauseMs, minClocks });
  const ticks: number[][] = Array.from({ length: n }, () => []);
  const all = ticks.map((list, k) => new WriterClock({ periodMs: 20, clock: timers, align: true, onTick: () => list.push(loop.t) }));
  for (const c of all) c.begin();
  return { timers, ticks, all };
}

test('below the threshold: one timer per grid point for all clocks, no sleeping, ticks on time', () => {
  const loop = new FakeLoop();
  const { ticks, timers } = clocks(loop, 4, 2);
  for (let i = 0; i < 200 && loop.t < 1000; i++) loop.turn();
  assert.equal(timers.batching, false);
  assert.deepEqual(loop.sleeps, []);
  for (const list of ticks) {
    assert.equal(list.length, 50);
    assert.ok(list.every((t, k) => t === (k + 1) * 20 - 20 || t === k * 20), `ticks at ${list.slice(0, 5)}`);
  }
});

test('from the threshold on: sleeps of at most pauseMs, never past a grid point, and ticks run after the I/O of their turn', () => {
  const loop = new FakeLoop();
  const { ticks, timers } = clocks(loop, 8, 2);
  // Packets "arrive" at odd moments; each turn's I/O takes all that arrived by then.
  const arrived: number[] = [];
  let next = 3;
  const io = () => {
    while (next <= loop.t) {
      arrived.push(next);
      next += 7;
    }
  };
  // Each tick notes how many packets had been taken when it ran: all those that arrived by the grid point.
  const seenAtTick: { t: number; taken: number }[] = [];
  const spy = tickTimers(loop, { pauseMs: 2, minClocks: 1 });
  const probe = new WriterClock({ periodMs: 20, clock: spy, align: true, onTick: () => seenAtTick.push({ t: loop.t, taken: arrived.length }) });
  probe.begin();
  for (let i = 0; i < 5000 && loop.t < 1000; i++) loop.turn(io);
  assert.equal(timers.batching, true);
  assert.ok(loop.sleeps.length > 300, `${loop.sleeps.length} sleeps`);
  assert.ok(loop.sleeps.every((ms) => ms > 0 && ms <= 2));
  for (const list of ticks) {
    assert.ok(list.length >= 49 && list.length <= 50, `${list.length} ticks`);
    // Never early, and at most one pause late.
    list.forEach((t, k) => assert.ok(t >= k * 20 && t <= k * 20 + 2, `tick ${k} at ${t}`));
  }
  for (const s of seenAtTick) {
    const grid = Math.floor(s.t / 20) * 20;
    const due = Array.from({ length: 200 }, (_, k) => 3 + 7 * k).filter((a) => a <= grid).length;
    assert.ok(s.taken >= due, `tick at ${s.t}: ${s.taken} packets taken, ${due} had arrived by ${grid}`);
  }
});

test('batching stops when calls end, and a missed check phase is caught by the fallback timer', () => {
  const loop = new FakeLoop();
  const { all, timers } = clocks(loop, 8, 2);
  for (let i = 0; i < 500 && loop.t < 200; i++) loop.turn();
  assert.equal(timers.batching, true);
  for (const c of all.slice(0, 6)) c.stop();
  const sleepsBefore = loop.sleeps.length;
  for (let i = 0; i < 500 && loop.t < 400; i++) loop.turn();
  assert.equal(timers.batching, false);
  assert.ok(loop.sleeps.length - sleepsBefore <= 20, 'no more batching after the calls ended');
  // A clock whose check-phase turn never comes still ticks, from its fallback timer, pauseMs + 1 late.
  const lonely = new FakeLoop();
  const t2 = tickTimers(lonely, { pauseMs: 2, minClocks: 1 });
  const at: number[] = [];
  new WriterClock({ periodMs: 20, clock: t2, align: true, onTick: () => at.push(lonely.t) }).begin();
  lonely.turn();
  lonely.immediates = []; // the check phase is lost
  for (let i = 0; i < 10 && at.length === 0; i++) {
    lonely.immediates = [];
    lonely.turn();
  }
  assert.ok(at.length >= 1 && at[0]! <= 3, `fallback tick at ${at[0]}`);
});

test('pauseMs 0 turns batching off at any number of clocks; setBatching applies from the next turn', () => {
  const loop = new FakeLoop();
  const { timers } = clocks(loop, 16, 0);
  for (let i = 0; i < 200 && loop.t < 300; i++) loop.turn();
  assert.deepEqual(loop.sleeps, []);
  assert.equal(timers.batching, false);
  timers.setBatching({ pauseMs: 1, minClocks: 8 });
  for (let i = 0; i < 2000 && loop.t < 600; i++) loop.turn();
  assert.equal(timers.batching, true);
  assert.ok(loop.sleeps.length > 0 && loop.sleeps.every((ms) => ms <= 1));
});

test('a timer that fires early (Node counts from the loop\'s cached millisecond) waits the rest: the clocks of a grid point tick together', () => {
  const loop = new FakeLoop();
  // Every timer comes due a little before its time, as Node's may (and waits at least a millisecond, as
  // Node's do); running the clocks takes time, so the point passes while the first of them runs.
  loop.setTimeout = (fn, ms) => void loop.timers.push({ at: loop.t + Math.max(1, ms) - 0.05, fn });
  loop.now = () => (loop.t += 0.02);
  const { ticks } = clocks(loop, 3, 2);
  for (let i = 0; i < 500 && loop.t < 400; i++) loop.turn();
  for (let k = 0; k < ticks[0]!.length; k++) {
    const times = ticks.map((list) => list[k]!);
    assert.ok(times.every((t) => Math.abs(t - times[0]!) < 0.5), `tick ${k} at ${times.join(', ')}`);
    assert.ok(times[0]! >= k * 20, `tick ${k} early: ${times[0]}`);
  }
  assert.ok(ticks[0]!.length >= 19);
});
