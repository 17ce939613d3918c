/**
 * A timer scheduler that remembers what is pending, so closing the endpoint stops every transaction
 * and dialog timer at once instead of leaving them to fire into closed transports.
 */
import type { ScheduledTimer, TimerScheduler } from '../transaction/timer-scheduler.js';

/** A timer the scheduler remembers until it fires or is cancelled. */
class TrackedTimer implements ScheduledTimer {
  inner: ScheduledTimer | undefined;

  constructor(
    private readonly pending: Set<TrackedTimer>,
    private readonly action: () => void,
  ) {}

  cancel(): void {
    this.pending.delete(this);
    this.inner?.cancel();
  }

  fire(): void {
    this.pending.delete(this);
    this.action();
  }
}

const NOT_SCHEDULED: ScheduledTimer = { cancel: () => undefined };

export class TrackedScheduler implements TimerScheduler {
  private readonly pending = new Set<TrackedTimer>();
  private closed = false;

  constructor(private readonly inner: TimerScheduler) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  schedule(delayMs: number, fire: () => void): ScheduledTimer {
    if (this.closed) return NOT_SCHEDULED;
    const timer = new TrackedTimer(this.pending, fire);
    this.pending.add(timer);
    timer.inner = this.inner.schedule(delayMs, () => timer.fire());
    return timer;
  }

  /** Cancels everything pending; later schedules do nothing. */
  close(): void {
    this.closed = true;
    for (const timer of [...this.pending]) timer.cancel();
  }
}
