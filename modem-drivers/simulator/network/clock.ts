/**
 * Clocks for the simulation (the `Clock` of ../types.ts).
 *
 *  - realClock(): wall time and Node timers. Timers stay ref'd (a pending delivery keeps the process
 *    alive, as a real network would) and every one can be cancelled; nothing repeats on its own.
 *  - ManualClock: virtual time for tests. Nothing runs until the test advances time; timers then run
 *    in due order (ties in the order they were set), including timers set by the timers themselves
 *    when they fall inside the advanced window.
 */
import type { Clock } from '../types.js';

export type TimerHandle = { cancel(): void };

export function realClock(): Clock {
  return {
    now: () => Date.now(),
    setTimeout(fn: () => void, ms: number): TimerHandle {
      const h = setTimeout(fn, ms > 0 ? ms : 0);
      return { cancel: () => clearTimeout(h) };
    },
  };
}

interface Entry {
  due: number;
  seq: number;
  fn: () => void;
  /** 0 pending, 1 cancelled, 2 ran. */
  done: 0 | 1 | 2;
}

function before(a: Entry, b: Entry): boolean {
  return a.due < b.due || (a.due === b.due && a.seq < b.seq);
}

/** 2026-01-15 12:00:00 UTC: a fixed, SCTS-encodable start so tests are reproducible. */
export const MANUAL_CLOCK_START = Date.UTC(2026, 0, 15, 12, 0, 0);

const yieldToEventLoop = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

export class ManualClock implements Clock {
  private t: number;
  private seq = 0;
  private live = 0;
  /** Binary min-heap on (due, seq); cancelled entries are dropped lazily when they reach the top. */
  private readonly heap: Entry[] = [];

  constructor(startMs: number = MANUAL_CLOCK_START) {
    this.t = startMs;
  }

  now(): number {
    return this.t;
  }

  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const e: Entry = { due: this.t + delay, seq: this.seq++, fn, done: 0 };
    this.push(e);
    this.live++;
    return {
      cancel: () => {
        if (e.done !== 0) return;
        e.done = 1;
        this.live--;
      },
    };
  }

  /** Timers set and neither run nor cancelled. */
  get pendingTimers(): number {
    return this.live;
  }

  /** When the next pending timer is due, or undefined. */
  nextDue(): number | undefined {
    return this.peek()?.due;
  }

  /** Moves time forward by `ms`, running every timer that falls due on the way. Returns how many ran. */
  advance(ms: number): number {
    const target = this.t + (Number.isFinite(ms) && ms > 0 ? ms : 0);
    let ran = 0;
    for (let e = this.peek(); e && e.due <= target; e = this.peek()) {
      this.runTop(e);
      ran++;
    }
    this.t = target;
    return ran;
  }

  /** Runs the timers that are due now (advance(0)). */
  runDue(): number {
    return this.advance(0);
  }

  /**
   * Runs timers until none is left, moving time to each one's due time. Throws after `limit` timers
   * (something keeps rescheduling itself, e.g. a tone on an active call).
   */
  runAll(limit = 1_000_000): number {
    let ran = 0;
    for (let e = this.peek(); e; e = this.peek()) {
      if (ran >= limit) throw new Error(`ManualClock.runAll: still busy after ${limit} timers`);
      this.runTop(e);
      ran++;
    }
    return ran;
  }

  /**
   * Like advance(), but lets pending promise callbacks run after every timer, so that work chained
   * on a promise a timer resolved (and the timers that work sets) happens inside the same window.
   */
  async advanceAsync(ms: number): Promise<number> {
    const target = this.t + (Number.isFinite(ms) && ms > 0 ? ms : 0);
    let ran = 0;
    await yieldToEventLoop();
    for (let e = this.peek(); e && e.due <= target; e = this.peek()) {
      this.runTop(e);
      ran++;
      await yieldToEventLoop();
    }
    this.t = target;
    return ran;
  }

  /** runAll() with promise callbacks running after every timer. */
  async runAllAsync(limit = 1_000_000): Promise<number> {
    let ran = 0;
    await yieldToEventLoop();
    for (let e = this.peek(); e; e = this.peek()) {
      if (ran >= limit) throw new Error(`ManualClock.runAllAsync: still busy after ${limit} timers`);
      this.runTop(e);
      ran++;
      await yieldToEventLoop();
    }
    return ran;
  }

  private runTop(e: Entry): void {
    this.pop();
    if (e.due > this.t) this.t = e.due;
    e.done = 2;
    this.live--;
    e.fn();
  }

  /** The earliest pending entry (cancelled ones on top are discarded). */
  private peek(): Entry | undefined {
    while (this.heap.length > 0 && this.heap[0]!.done !== 0) this.pop();
    return this.heap[0];
  }

  private push(e: Entry): void {
    const h = this.heap;
    let i = h.length;
    h.push(e);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!before(e, h[parent]!)) break;
      h[i] = h[parent]!;
      i = parent;
    }
    h[i] = e;
  }

  private pop(): void {
    const h = this.heap;
    const last = h.pop()!;
    if (h.length === 0) return;
    let i = 0;
    const n = h.length;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= n) break;
      const r = l + 1;
      const c = r < n && before(h[r]!, h[l]!) ? r : l;
      if (!before(h[c]!, last)) break;
      h[i] = h[c]!;
      i = c;
    }
    h[i] = last;
  }
}
