/**
 * The 20 ms clock that writes to the modem. Deadlines are absolute, start + n·period on a monotonic clock,
 * so late timer callbacks (event-loop load, timer granularity) never accumulate into drift: over any span
 * the number of ticks equals the elapsed time divided by the period. A late wake-up catches up by at most
 * `maxCatchUp` ticks at once (never a burst the modem would have to absorb); when it is more than
 * `maxLag` ticks behind (the process stalled), the missed ticks are skipped and counted instead.
 *
 * The clock and timer are injected, so tests drive ten simulated minutes in milliseconds. Pure apart from
 * what is injected.
 */
import { DEFAULT_WAKE_BATCHING, systemTickHost, tickTimers, type TickTimers } from './tick-timers.js';

export interface TickClock {
  /** Milliseconds on a monotonic clock (performance.now()). */
  now(): number;
  /**
   * Calls `fn` at about `deadline` (on `now()`'s clock; at once when it has passed); returns a cancel
   * function. Absolute, so two clocks asking for the same grid point get the same one: a relative wait
   * measured against a second reading of the clock would land a microsecond later, in the next slot.
   */
  at(deadline: number, fn: () => void): () => void;
}

/**
 * The daemon's clock for all writer clocks: coalesced timers on one grid, with wake-up batching when
 * many calls are bridged (tick-timers.ts; `sip.media.wakeBatchMs` sets it).
 */
export const systemTickClock: TickTimers = tickTimers(systemTickHost, DEFAULT_WAKE_BATCHING);

export interface WriterClockOptions {
  periodMs: number;
  /** Ticks run back to back after a late wake-up, at most. Default 2. */
  maxCatchUp?: number;
  /** Further behind than this many ticks, the backlog is skipped. Default 5 (100 ms at 20 ms). */
  maxLag?: number;
  clock?: TickClock;
  /**
   * Deadlines on the shared grid (multiples of the period on the clock), so every aligned clock ticks
   * together; the first tick is then at the next grid point (within one period) rather than at once.
   */
  align?: boolean;
  onTick: () => void;
}

export class WriterClock {
  private readonly clock: TickClock;
  private readonly maxCatchUp: number;
  private readonly maxLag: number;
  private start = 0;
  /** Index of the next deadline: start + next·period. */
  private next = 0;
  private cancel: (() => void) | null = null;
  private running = false;
  /** Ticks run. */
  ticks = 0;
  /** Deadlines skipped after a stall. */
  skipped = 0;

  constructor(private readonly o: WriterClockOptions) {
    this.clock = o.clock ?? systemTickClock;
    this.maxCatchUp = o.maxCatchUp ?? 2;
    this.maxLag = o.maxLag ?? 5;
  }

  get isRunning(): boolean {
    return this.running;
  }

  /** Runs the first tick now (or at the next grid point with `align`), then one per period. */
  begin(): void {
    if (this.running) return;
    this.running = true;
    const now = this.clock.now();
    this.next = 0;
    if (this.o.align !== true) {
      this.start = now;
      return this.wake();
    }
    this.start = Math.ceil(now / this.o.periodMs) * this.o.periodMs;
    this.cancel = this.clock.at(this.start, () => this.wake());
  }

  stop(): void {
    this.running = false;
    this.cancel?.();
    this.cancel = null;
  }

  private wake(): void {
    this.cancel = null;
    if (!this.running) return;
    const now = this.clock.now();
    // Deadlines at or before now: 0..due-1.
    const due = Math.floor((now - this.start) / this.o.periodMs) + 1;
    if (due - this.next > this.maxLag) {
      const skip = due - this.next - 1;
      this.skipped += skip;
      this.next += skip;
    }
    for (let k = 0; k < this.maxCatchUp && this.next < due && this.running; k++) {
      this.next++;
      this.ticks++;
      try {
        this.o.onTick();
      } catch {
        // A tick's failure must not stop the clock; the owner counts and logs its own errors.
      }
    }
    if (!this.running) return;
    this.cancel = this.clock.at(this.start + this.next * this.o.periodMs, () => this.wake());
  }
}
