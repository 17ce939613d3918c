/** A scheduled callback that can be cancelled; cancelling after it fired does nothing. */
export interface ScheduledTimer {
  cancel(): void;
}

/** Where transactions get their timers, so tests can drive them on fake time. */
export interface TimerScheduler {
  schedule(delayMs: number, fire: () => void): ScheduledTimer;
}

/** One `setTimeout`, cancelled through the handle it keeps (no closure per timer). */
class NodeTimer implements ScheduledTimer {
  constructor(private readonly handle: ReturnType<typeof setTimeout>) {}

  cancel(): void {
    clearTimeout(this.handle);
  }
}

/** The scheduler on Node's `setTimeout`. */
export class RealTimerScheduler implements TimerScheduler {
  schedule(delayMs: number, fire: () => void): ScheduledTimer {
    return new NodeTimer(setTimeout(fire, delayMs));
  }
}
