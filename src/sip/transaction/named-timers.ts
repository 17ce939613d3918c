import type { ScheduledTimer, TimerScheduler } from './timer-scheduler.js';

/**
 * The running timers of one transaction, by RFC name (A, B, D, …). Starting a timer that runs
 * replaces it. A zero delay fires at once: RFC 3261 gives reliable transports a zero Timer D, I, J
 * and K, which means "terminate now", not "after the current event".
 */
export class NamedTimers<Name extends string> {
  // A transaction runs one to three timers, and a completed one keeps Timer J for 32 s: two short
  // lists, each made with its first entry (an array grown by push from empty reserves 17 slots).
  private names: Name[] | undefined;
  private timers: ScheduledTimer[] | undefined;

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
    if (this.names === undefined || this.timers === undefined) {
      this.names = [name];
      this.timers = [timer];
    } else {
      this.names.push(name);
      this.timers.push(timer);
    }
  }

  cancel(name: Name): void {
    this.forget(name)?.cancel();
  }

  cancelAll(): void {
    const timers = this.timers ?? [];
    this.names = undefined;
    this.timers = undefined;
    for (const timer of timers) timer.cancel();
  }

  isRunning(name: Name): boolean {
    return this.names?.includes(name) ?? false;
  }

  /** Takes the timer of this name off the lists; returns it, or undefined when none runs. */
  private forget(name: Name): ScheduledTimer | undefined {
    const at = this.names?.indexOf(name) ?? -1;
    if (at < 0 || this.names === undefined || this.timers === undefined) return undefined;
    const timer = this.timers[at];
    this.names.splice(at, 1);
    this.timers.splice(at, 1);
    return timer;
  }
}
