import type { ScheduledTimer, TimerScheduler } from './timer-scheduler.js';

/**
 * The running timers of one transaction, by RFC name (A, B, D, …). Starting a timer that runs
 * replaces it. A zero delay fires at once: RFC 3261 gives reliable transports a zero Timer D, I, J
 * and K, which means "terminate now", not "after the current event".
 */
export class NamedTimers<Name extends string> {
  // A transaction runs one to three timers: two short parallel lists cost less than a Map, which a
  // completed transaction would otherwise keep for Timer J's 32 s.
  private readonly names: Name[] = [];
  private readonly timers: ScheduledTimer[] = [];

  constructor(private readonly scheduler: TimerScheduler) {}

  start(name: Name, delayMs: number, fire: () => void): void {
    this.cancel(name);
    if (delayMs <= 0) {
      fire();
      return;
    }
    const timer = this.scheduler.schedule(delayMs, () => {
      this.forget(name);
      fire();
    });
    this.names.push(name);
    this.timers.push(timer);
  }

  cancel(name: Name): void {
    const at = this.names.indexOf(name);
    if (at < 0) return;
    const timer = this.timers[at]!;
    this.names.splice(at, 1);
    this.timers.splice(at, 1);
    timer.cancel();
  }

  cancelAll(): void {
    const timers = this.timers.splice(0);
    this.names.length = 0;
    for (const timer of timers) timer.cancel();
  }

  isRunning(name: Name): boolean {
    return this.names.includes(name);
  }

  private forget(name: Name): void {
    const at = this.names.indexOf(name);
    if (at < 0) return;
    this.names.splice(at, 1);
    this.timers.splice(at, 1);
  }
}
