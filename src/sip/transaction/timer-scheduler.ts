/** A scheduled callback that can be cancelled; cancelling after it fired does nothing. */
export interface ScheduledTimer {
  cancel(): void;
}

/** Where transactions get their timers, so tests can drive them on fake time. */
export interface TimerScheduler {
  schedule(delayMs: number, fire: () => void): ScheduledTimer;
}

/** The scheduler on Node's `setTimeout`. */
export class RealTimerScheduler implements TimerScheduler {
  schedule(delayMs: number, fire: () => void): ScheduledTimer {
    const handle = setTimeout(fire, delayMs);
    return { cancel: () => clearTimeout(handle) };
  }
}
