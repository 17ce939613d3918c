/**
 * The endpoint's own timer scheduler on real time. SIP timers come in a handful of fixed lengths
 * (T1 multiples: Timer J is 64·T1 for every non-INVITE server transaction on UDP), and timers of one
 * length fire in the order they were set. So each length gets one queue and one Node timer for its
 * head, and a timer is a small entry instead of a `setTimeout` of its own with the closures around
 * it: a busy registrar keeps tens of thousands of Timer J waiting at once (RFC 3261 §17.2.2).
 * Cancelling clears the entry's callback; the entry leaves its queue when it comes due. A queue that
 * runs empty is dropped: the entries it passed and the length itself (a one-off length, such as a
 * registration refresh, would otherwise stay for good) are not kept while idle.
 * Closing cancels everything and later timers are never scheduled, like TrackedScheduler.
 */
import type { ScheduledTimer, TimerScheduler } from '../transaction/timer-scheduler.js';

class Entry implements ScheduledTimer {
  constructor(
    readonly due: number,
    public fire: (() => void) | undefined,
    private readonly owner: BatchedTimerScheduler,
  ) {}

  cancel(): void {
    if (this.fire === undefined) return;
    this.fire = undefined;
    this.owner.cancelled();
  }
}

/** Timers of one length, due in the order they were set; `head` is the next to look at. */
interface Queue {
  readonly delayMs: number;
  entries: Entry[];
  head: number;
  timer: ReturnType<typeof setTimeout> | undefined;
}

const NOT_SCHEDULED: ScheduledTimer = { cancel: () => undefined };

export interface BatchedTimerSchedulerOptions {
  /** A timer's callback threw: told here, and the other timers still fire. */
  readonly onError?: (error: unknown) => void;
  /** The clock and Node's timer functions, replaced by tests. */
  readonly now?: () => number;
  readonly setTimer?: (fire: () => void, ms: number) => ReturnType<typeof setTimeout>;
  readonly clearTimer?: (timer: ReturnType<typeof setTimeout>) => void;
}

export class BatchedTimerScheduler implements TimerScheduler {
  private readonly queues = new Map<number, Queue>();
  private pending = 0;
  private closed = false;
  private readonly now: () => number;
  private readonly setTimer: (fire: () => void, ms: number) => ReturnType<typeof setTimeout>;
  private readonly clearTimer: (timer: ReturnType<typeof setTimeout>) => void;

  constructor(private readonly options: BatchedTimerSchedulerOptions = {}) {
    this.now = options.now ?? Date.now;
    this.setTimer = options.setTimer ?? ((fire, ms) => setTimeout(fire, ms));
    this.clearTimer = options.clearTimer ?? ((timer) => clearTimeout(timer));
  }

  /** Timers set and neither fired nor cancelled. */
  get pendingCount(): number {
    return this.pending;
  }

  /** Entries the queues hold: pending, cancelled and not yet due, or passed and not yet dropped. */
  get heldCount(): number {
    let held = 0;
    for (const queue of this.queues.values()) held += queue.entries.length;
    return held;
  }

  schedule(delayMs: number, fire: () => void): ScheduledTimer {
    if (this.closed) return NOT_SCHEDULED;
    let queue = this.queues.get(delayMs);
    if (queue === undefined) {
      queue = { delayMs, entries: [], head: 0, timer: undefined };
      this.queues.set(delayMs, queue);
    }
    const entry = new Entry(this.now() + delayMs, fire, this);
    queue.entries.push(entry);
    this.pending++;
    if (queue.timer === undefined) this.arm(queue);
    return entry;
  }

  /** An entry was cancelled (called by the entry). */
  cancelled(): void {
    this.pending--;
  }

  /** Cancels everything pending; later schedules do nothing. */
  close(): void {
    this.closed = true;
    for (const queue of this.queues.values()) {
      if (queue.timer !== undefined) this.clearTimer(queue.timer);
      for (let i = queue.head; i < queue.entries.length; i++) queue.entries[i]!.fire = undefined;
    }
    this.queues.clear();
    this.pending = 0;
  }

  private arm(queue: Queue): void {
    const next = queue.entries[queue.head];
    if (next === undefined) {
      queue.timer = undefined;
      return;
    }
    queue.timer = this.setTimer(() => this.run(queue), Math.max(0, next.due - this.now()));
  }

  private run(queue: Queue): void {
    queue.timer = undefined;
    const now = this.now();
    while (queue.head < queue.entries.length && queue.entries[queue.head]!.due <= now) {
      const entry = queue.entries[queue.head++]!;
      const fire = entry.fire;
      if (fire === undefined) continue;
      entry.fire = undefined;
      this.pending--;
      try {
        fire();
      } catch (error) {
        // One timer's failure must not stop the others due with it.
        this.options.onError?.(error);
      }
      if (this.closed) return;
    }
    if (queue.head === queue.entries.length) {
      // Drained: a timer of this length set from here on starts a queue of its own again.
      if (this.queues.get(queue.delayMs) === queue) this.queues.delete(queue.delayMs);
      return;
    }
    // Drop what has been passed once it is most of the array, so the queue does not only grow.
    if (queue.head > 1024 && queue.head * 2 > queue.entries.length) {
      queue.entries = queue.entries.slice(queue.head);
      queue.head = 0;
    }
    this.arm(queue);
  }
}
