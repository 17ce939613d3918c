import type { ScheduledTimer, TimerScheduler } from './timer-scheduler.js';

/**
 * The running timers of one transaction, by RFC name (A, B, D, …). Starting a timer that runs
 * replaces it. A zero delay fires at once: RFC 3261 gives reliable transports a zero Timer D, I, J
 * and K, which means "terminate now", not "after the current event".
 */
export class NamedTimers<Name extends string> {
  private readonly running = new Map<Name, ScheduledTimer>();

  constructor(private readonly scheduler: TimerScheduler) {}

  start(name: Name, delayMs: number, fire: () => void): void {
    this.cancel(name);
    if (delayMs <= 0) {
      fire();
      return;
    }
    const timer = this.scheduler.schedule(delayMs, () => {
      this.running.delete(name);
      fire();
    });
    this.running.set(name, timer);
  }

  cancel(name: Name): void {
    this.running.get(name)?.cancel();
    this.running.delete(name);
  }

  cancelAll(): void {
    for (const timer of this.running.values()) timer.cancel();
    this.running.clear();
  }

  isRunning(name: Name): boolean {
    return this.running.has(name);
  }
}
