/**
 * The line's watchdog. Silence condemns a modem, not a timeout: the modem is unresponsive when a command
 * that the modem answers by itself (not one waiting for the network, such as ATD or AT+CMGS) has been
 * owed an answer for `unresponsiveAfterMs` and not a single byte came in meanwhile. Armed when such a
 * command is written (owe()); no timer runs while nothing is owed. One watchdog per connection.
 */

/** What the watchdog reads of the AT channel. */
export interface WatchedChannel {
  /** Chunks received so far: any chunk since a command was written is an answer. */
  readonly rxChunks: number;
  /** When the last byte came in (ms since the epoch; 0: never). */
  readonly lastRxAt: number;
  /** The command being answered now, if any. */
  inFlight(): { network: boolean } | null;
}

export interface WatchdogTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: WatchdogTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

export interface WatchdogOptions {
  unresponsiveAfterMs: number;
  /** When the connection opened: silence is counted from then at the earliest. */
  since: number;
  now: () => number;
  /** The verdict: the modem said nothing for `silentMs`. Called once at most. */
  onSilent: (silentMs: number) => void;
  timers?: WatchdogTimers;
}

export class Watchdog {
  /** When the oldest command still owed an answer was written (0: nothing owed). */
  private owedSince = 0;
  /** channel.rxChunks when that command was written. */
  private owedRx = 0;
  /** The latest non-network command written: when, and channel.rxChunks at that moment. */
  private lastSentAt = 0;
  private lastSentRx = 0;
  private timer: unknown = null;
  private stopped = false;
  private readonly timers: WatchdogTimers;

  constructor(
    private readonly channel: WatchedChannel,
    private readonly o: WatchdogOptions,
  ) {
    this.timers = o.timers ?? REAL_TIMERS;
  }

  /** A command the modem answers by itself was written. */
  owe(): void {
    if (this.stopped) return;
    const rx = this.channel.rxChunks;
    this.lastSentAt = this.o.now();
    this.lastSentRx = rx;
    if (this.owedSince !== 0 && this.owedRx === rx) return; // nothing came since: already counting
    this.arm(this.lastSentAt, rx);
  }

  /** How long the modem has said nothing (since the connection opened at most). */
  silentFor(): number {
    return this.o.now() - Math.max(this.channel.lastRxAt, this.o.since);
  }

  /** Whether an answer is owed now (a timer runs). */
  get watching(): boolean {
    return this.timer !== null;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = null;
  }

  private arm(since: number, rx: number): void {
    this.owedSince = since;
    this.owedRx = rx;
    this.schedule(this.silenceDue());
  }

  /**
   * When an owed answer becomes a verdict: unresponsiveAfterMs after the last byte from the modem, but
   * never before the owed command had half that time (at most 4 s) to be answered. With the 3 s
   * keep-alive and the 8 s default this condemns a hung modem 8 s after it last spoke.
   */
  private silenceDue(): number {
    const u = this.o.unresponsiveAfterMs;
    return Math.max(Math.max(this.channel.lastRxAt, this.o.since) + u, this.owedSince + Math.min(u / 2, 4000));
  }

  private schedule(at: number): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => this.checkSilence(), Math.max(5, at - this.o.now() + 5));
  }

  private checkSilence(): void {
    this.timer = null;
    if (this.stopped) return;
    const rx = this.channel.rxChunks;
    if (rx !== this.owedRx) {
      // Answered. A command written after that answer and still waiting is owed from its own start.
      this.owedSince = 0;
      const f = this.channel.inFlight();
      if (f && !f.network && this.lastSentRx === rx) this.arm(this.lastSentAt, rx);
      return;
    }
    const due = this.silenceDue();
    if (this.o.now() < due) return this.schedule(due);
    this.stop();
    this.o.onSilent(this.silentFor());
  }
}
