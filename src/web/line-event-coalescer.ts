/**
 * Rate limit per key with "newest wins": at most one flush per key every `minIntervalMs`. The first
 * change after a quiet spell goes out at once; changes inside the interval are held and only the
 * newest is flushed when the interval ends. Used for a line's status, which the modem monitor can
 * change many times a second (signal, registration, call polling), while the web UI needs at most a
 * few updates per second per line.
 *
 * The clock and timers are injected so tests can move time without waiting.
 */

export interface CoalescerClock {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemClock: CoalescerClock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const t = setTimeout(fn, ms);
    t.unref();
    return t;
  },
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

interface KeyState<V> {
  lastFlushAt: number;
  pending: { value: V } | null;
  timer: unknown;
}

export class Coalescer<K, V> {
  private readonly keys = new Map<K, KeyState<V>>();
  private readonly clock: CoalescerClock;
  private readonly minIntervalMs: number;

  constructor(
    private readonly flush: (key: K, value: V) => void,
    opts: { minIntervalMs: number; clock?: CoalescerClock },
  ) {
    this.minIntervalMs = opts.minIntervalMs;
    this.clock = opts.clock ?? systemClock;
  }

  /** A new value for `key`: flushed now, or held (replacing any held one) until the interval ends. */
  push(key: K, value: V): void {
    const now = this.clock.now();
    const s = this.keys.get(key);
    if (!s || now - s.lastFlushAt >= this.minIntervalMs) {
      if (s && s.timer !== null) this.clock.clearTimeout(s.timer);
      this.keys.set(key, { lastFlushAt: now, pending: null, timer: null });
      this.flush(key, value);
      return;
    }
    s.pending = { value };
    if (s.timer === null) s.timer = this.clock.setTimeout(() => this.flushHeld(key), s.lastFlushAt + this.minIntervalMs - now);
  }

  /** Keys with a held value (a timer running). */
  get heldCount(): number {
    let n = 0;
    for (const s of this.keys.values()) if (s.timer !== null) n++;
    return n;
  }

  /** Drops every held value and timer (nothing more is flushed until the next push). */
  clear(): void {
    for (const s of this.keys.values()) if (s.timer !== null) this.clock.clearTimeout(s.timer);
    this.keys.clear();
  }

  private flushHeld(key: K): void {
    const s = this.keys.get(key);
    if (!s) return;
    s.timer = null;
    const held = s.pending;
    if (!held) return;
    s.pending = null;
    s.lastFlushAt = this.clock.now();
    this.flush(key, held.value);
  }
}
