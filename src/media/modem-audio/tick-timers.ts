/**
 * The timers behind every call's 20 ms writer clock (the TickClock of writer-clock.ts), with two ways of
 * saving event-loop wake-ups when many calls are bridged.
 *
 * Coalescing: timers that fall due in the same millisecond share one setTimeout. The writer clocks of
 * all calls tick on one grid (`align`), so with 32 calls the loop wakes once per 20 ms for all their
 * writes instead of once per call.
 *
 * Wake-up batching (the idea of a network card's interrupt moderation): the reads and datagrams of independent
 * calls arrive at unrelated moments, and the loop otherwise wakes for each one on its own: 32 calls are
 * about 3,000 wake-ups a second, each a return from epoll and a context switch, the largest single cost
 * per call the call-audio bench found. While at least `minClocks` clocks tick on the next grid point,
 * the main thread sleeps up to `pauseMs` after each turn of the loop (never past the next grid point),
 * so what arrives meanwhile is taken in one turn. The ticks then run from the loop's check phase, after
 * that turn's I/O, so a packet that arrived before its tick is in the jitter buffer when it plays; each
 * grid point keeps its timer, which steps in only when the check phase has not come round pauseMs after it.
 * The price: the modem's audio waits up to `pauseMs` longer before it is sent (docs/decisions/0061).
 *
 * The system calls are injected (`TickTimerHost`), so tests check the order of sleeps and ticks.
 */
import type { TickClock } from './writer-clock.js';

export interface TickTimerHost {
  now(): number;
  setTimeout(fn: () => void, ms: number): void;
  /** Runs `fn` in the loop's check phase, after the I/O of the current turn. */
  setImmediate(fn: () => void): void;
  /** Blocks the thread for `ms` (the I/O that arrives meanwhile waits in the kernel). */
  sleep(ms: number): void;
}

export interface WakeBatching {
  /** Longest sleep after a turn of the loop, ms; 0 turns batching off. */
  pauseMs: number;
  /** Clocks due on the next grid point from which batching is worth its own wake-ups. */
  minClocks: number;
}

export interface TickTimers extends TickClock {
  /** Changes batching from the next turn on (a configuration reload). */
  setBatching(b: WakeBatching): void;
  /** Whether the loop is batching now (tests, stats). */
  readonly batching: boolean;
}

interface Due {
  fn: (() => void) | null;
}

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

export const systemTickHost: TickTimerHost = {
  now: () => performance.now(),
  setTimeout: (fn, ms) => void setTimeout(fn, ms),
  setImmediate: (fn) => void setImmediate(fn),
  // Atomics.wait on a cell nobody notifies: a plain timed sleep of the main thread (Node allows it there).
  sleep: (ms) => void Atomics.wait(sleepCell, 0, 0, ms),
};

export function tickTimers(host: TickTimerHost, initial: WakeBatching): TickTimers {
  const slots = new Map<number, Due[]>();
  let settings = initial;
  /** A check-phase turn is scheduled. */
  let armed = false;
  /** The last turn decided to batch: grid points' timers leave their ticks to the turns. */
  let batching = false;

  const fire = (key: number): void => {
    const due = slots.get(key);
    slots.delete(key);
    if (due === undefined) return;
    for (let i = 0; i < due.length; i++) {
      const fn = due[i]!.fn;
      if (fn === null) continue;
      due[i]!.fn = null;
      try {
        fn();
      } catch {
        // the owner of the timer handles its own errors; the others still run
      }
    }
  };

  const nextKey = (): number | undefined => {
    let next: number | undefined;
    for (const key of slots.keys()) if (next === undefined || key < next) next = key;
    return next;
  };

  const live = (due: Due[]): number => {
    let n = 0;
    for (const d of due) if (d.fn !== null) n++;
    return n;
  };

  const turn = (): void => {
    armed = false;
    const now = host.now();
    // Grid points already due, oldest first (those the ticks add now wait for the next turn).
    const due: number[] = [];
    for (const key of slots.keys()) if (key <= now) due.push(key);
    due.sort((a, b) => a - b);
    for (const key of due) fire(key);
    const next = nextKey();
    batching = settings.pauseMs > 0 && next !== undefined && live(slots.get(next)!) >= settings.minClocks;
    if (!batching) return;
    const pause = Math.min(settings.pauseMs, next! - host.now());
    if (pause > 0) host.sleep(pause);
    arm();
  };

  /**
   * A grid point's timer. While batching with a turn to come, the turn runs it (after the I/O); the
   * timer only steps in once the point is pauseMs + 1 late, a turn that did not come.
   */
  const fallback = (key: number) => (): void => {
    const late = host.now() - key;
    // Node counts a timer from the loop's cached whole-millisecond time, so it may fire up to a
    // millisecond early: waiting the rest keeps the point's clocks together (run early, each would find
    // its tick not yet due and ask again, and the first to ask after the point would tick alone).
    if (late < 0) return host.setTimeout(fallback(key), -late);
    if (batching && armed && late < settings.pauseMs + 1) return host.setTimeout(fallback(key), settings.pauseMs + 1 - late);
    fire(key);
  };

  const arm = (): void => {
    if (armed) return;
    armed = true;
    host.setImmediate(turn);
  };

  return {
    now: () => host.now(),
    at: (deadline, fn) => {
      const now = host.now();
      const key = Math.ceil(Math.max(now, deadline));
      let due = slots.get(key);
      if (due === undefined) {
        due = [];
        slots.set(key, due);
        host.setTimeout(fallback(key), Math.max(0, key - now));
      }
      const entry: Due = { fn };
      due.push(entry);
      // Enough clocks for batching: start the turns (each turn decides again whether to go on).
      if (!armed && settings.pauseMs > 0 && due.length >= settings.minClocks) arm();
      return () => void (entry.fn = null);
    },
    setBatching: (b) => {
      settings = b;
    },
    get batching() {
      return batching;
    },
  };
}

/** Batching's defaults: 2 ms pauses from 8 bridged calls on (decision 0061). */
export const DEFAULT_WAKE_BATCHING: WakeBatching = { pauseMs: 2, minClocks: 8 };
