/**
 * A timer scheduler that remembers what is pending, so closing the endpoint stops every transaction
 * and dialog timer at once instead of leaving them to fire into closed transports.
 */
import type { ScheduledTimer, TimerScheduler } from '../transaction/timer-scheduler.js';

export class TrackedScheduler implements TimerScheduler {
  private readonly pending = new Set<ScheduledTimer>();
  private closed = false;

  constructor(private readonly inner: TimerScheduler) {}

  get pendingCount(): number {
    return this.pending.size;
  }

  schedule(delayMs: number, fire: () => void): ScheduledTimer {
    if (this.closed) return { cancel: () => undefined };
    let timer: ScheduledTimer | undefined;
    const tracked: ScheduledTimer = {
      cancel: () => {
        this.pending.delete(tracked);
        timer?.cancel();
      },
    };
    this.pending.add(tracked);
    timer = this.inner.schedule(delayMs, () => {
      this.pending.delete(tracked);
      fire();
    });
    return tracked;
  }

  /** Cancels everything pending; later schedules do nothing. */
  close(): void {
    this.closed = true;
    for (const timer of [...this.pending]) timer.cancel();
  }
}
