import { test } from 'node:test';
import assert from 'node:assert/strict';
import { Coalescer, type CoalescerClock } from '../../src/web/line-event-coalescer.js';

/** A fake clock whose timers fire only when the test advances time. */
class FakeClock implements CoalescerClock {
  t = 0;
  private timers = new Map<number, { at: number; fn: () => void }>();
  private nextId = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.set(id, { at: this.t + ms, fn });
    return id;
  };
  clearTimeout = (h: unknown) => {
    this.timers.delete(h as number);
  };
  get pending(): number {
    return this.timers.size;
  }
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      const due = [...this.timers.entries()].filter(([, x]) => x.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.timers.delete(due[0]);
      this.t = due[1].at;
      due[1].fn();
    }
    this.t = end;
  }
}

function setup() {
  const clock = new FakeClock();
  const out: Array<[number, string, number]> = [];
  const c = new Coalescer<number, string>((k, v) => out.push([k, v, clock.t]), { minIntervalMs: 250, clock });
  return { clock, out, c };
}

test('the first change goes out at once; changes within 250 ms are held, the newest flushed at the interval end', () => {
  const { clock, out, c } = setup();
  c.push(1, 'a');
  assert.deepEqual(out, [[1, 'a', 0]]);
  clock.advance(10);
  c.push(1, 'b');
  clock.advance(10);
  c.push(1, 'c');
  assert.equal(out.length, 1, 'held, not sent');
  clock.advance(229);
  assert.equal(out.length, 1);
  clock.advance(1);
  assert.deepEqual(out[1], [1, 'c', 250], 'newest wins, at 250 ms');
  assert.equal(clock.pending, 0);
});

test('at most 4 per second per line under a flood of changes; lines are independent', () => {
  const { clock, out, c } = setup();
  for (let ms = 0; ms < 1000; ms += 5) {
    c.push(1, `one@${ms}`);
    c.push(2, `two@${ms}`);
    clock.advance(5);
  }
  clock.advance(1000);
  const one = out.filter(([k]) => k === 1);
  const two = out.filter(([k]) => k === 2);
  assert.ok(one.length <= 5 && one.length >= 4, `line 1 sent ${one.length}`);
  assert.equal(two.length, one.length);
  for (let i = 1; i < one.length; i++) assert.ok(one[i]![2] - one[i - 1]![2] >= 250, 'spacing at least 250 ms');
  // in any 1 s window, at most 4
  for (const [, , t] of one) assert.ok(one.filter(([, , u]) => u >= t && u < t + 1000).length <= 4);
  assert.equal(one.at(-1)![1], 'one@995', 'the last change is never lost');
});

test('a change after a quiet spell goes out immediately; clear() drops held values and timers', () => {
  const { clock, out, c } = setup();
  c.push(1, 'a');
  clock.advance(600);
  c.push(1, 'b');
  assert.deepEqual(out.map(([, v]) => v), ['a', 'b']);
  c.push(1, 'held');
  assert.equal(c.heldCount, 1);
  c.clear();
  assert.equal(c.heldCount, 0);
  assert.equal(clock.pending, 0, 'no timer left');
  clock.advance(1000);
  assert.deepEqual(out.map(([, v]) => v), ['a', 'b'], 'the held value was dropped');
});
