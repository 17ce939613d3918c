/**
 * The line's watchdog. Silence condemns a modem, not a timeout: the modem is unresponsive when something
 * the modem answers by itself has been owed an answer for `unresponsiveAfterMs` and not a single byte came
 * in meanwhile, on either of its AT ports. Owed are: a command that does not wait for the network (owe()),
 * and while a command does wait for the network (networkSent()) the `AT` probes written on the modem's
 * second AT port every few seconds; a modem without a proven second port is judged by the command alone
 * (network-silence.ts: AT+CMGS is bounded, ATD exempt). Decision 0016.
 *
 * Before the verdict the modem is suspect: an owed answer is late (half the silence limit since the modem
 * last spoke) and the line shows it (onSuspect), so nothing new is given to it; any byte clears that.
 * No timer runs while nothing is owed and no network command is in flight. One watchdog per connection.
 */
import { networkSilenceIsBounded } from './network-silence.js';

/** What the watchdog reads of the AT channel. */
export interface WatchedChannel {
  /** Chunks received so far: any chunk since a command was written is an answer. */
  readonly rxChunks: number;
  /** When the last byte came in (ms since the epoch; 0: never). */
  readonly lastRxAt: number;
  /** The command being answered now, if any. */
  inFlight(): { cmd?: string; network: boolean } | null;
}

/** The modem's second AT port (secondary-probe.ts). */
export interface WatchedSecondary {
  readonly rxChunks: number;
  readonly lastRxAt: number;
  /** It answered on this connection: its silence counts. */
  readonly proven: boolean;
  /** Writes `AT` on it. */
  probe(): void;
}

export interface WatchdogTimers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

const REAL_TIMERS: WatchdogTimers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as NodeJS.Timeout),
};

/** Longest pause between two probes on the second port. */
const MAX_PROBE_EVERY_MS = 3000;
/** How often a suspect modem is looked at again, so that an answer clears the suspicion promptly. */
const SUSPECT_RECHECK_MS = 250;

export interface WatchdogOptions {
  unresponsiveAfterMs: number;
  /** When the connection opened: silence is counted from then at the earliest. */
  since: number;
  now: () => number;
  /** The verdict: the modem said nothing for `silentMs`. Called once at most. */
  onSilent: (silentMs: number) => void;
  /** The modem became suspect (what it owes, how long it has been silent), or null: it spoke again. */
  onSuspect?: (detail: string | null) => void;
  /** The modem's second AT port, when it has one. */
  secondary?: WatchedSecondary | null;
  timers?: WatchdogTimers;
}

export class Watchdog {
  /** When the oldest answer still owed was asked for (0: nothing owed). */
  private owedSince = 0;
  /** heardChunks() when it was asked for. */
  private owedRx = 0;
  /** The latest write owed an answer: when, and heardChunks() at that moment. */
  private lastSentAt = 0;
  private lastSentRx = 0;
  private timer: unknown = null;
  private probeTimer: unknown = null;
  private suspect = false;
  private stopped = false;
  private readonly timers: WatchdogTimers;
  private readonly secondary: WatchedSecondary | null;

  constructor(
    private readonly channel: WatchedChannel,
    private readonly o: WatchdogOptions,
  ) {
    this.timers = o.timers ?? REAL_TIMERS;
    this.secondary = o.secondary ?? null;
  }

  /** A command the modem answers by itself was written. */
  owe(): void {
    if (this.stopped) return;
    const rx = this.heardChunks();
    this.lastSentAt = this.o.now();
    this.lastSentRx = rx;
    if (this.owedSince !== 0 && this.owedRx === rx) return; // nothing came since: already counting
    this.clearSuspicion(); // the modem spoke since the debt began
    this.arm(this.lastSentAt, rx);
  }

  /**
   * A command that waits for the network was written. With a second AT port the modem is probed there
   * until the command ends; without a proven one, a command that answers within seconds is owed as any
   * other (network-silence.ts), the rest stay exempt.
   */
  networkSent(): void {
    if (this.stopped) return;
    if (this.secondary) this.startProbing();
    if (!this.secondary?.proven && networkSilenceIsBounded(this.channel.inFlight()?.cmd)) this.owe();
  }

  /** Asks the second port once, so that it is proven before a network command needs it. */
  proveSecondary(): void {
    if (!this.stopped) this.secondary?.probe();
  }

  /** How long the modem has said nothing on either port (since the connection opened at most). */
  silentFor(): number {
    return this.o.now() - this.lastHeardAt();
  }

  /** Whether an answer is owed now (a timer runs). */
  get watching(): boolean {
    return this.timer !== null;
  }

  /** Whether the modem is suspect now (an owed answer is late). */
  get isSuspect(): boolean {
    return this.suspect;
  }

  stop(): void {
    this.stopped = true;
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    if (this.probeTimer !== null) this.timers.clearTimeout(this.probeTimer);
    this.timer = null;
    this.probeTimer = null;
  }

  private heardChunks(): number {
    return this.channel.rxChunks + (this.secondary?.rxChunks ?? 0);
  }

  private lastHeardAt(): number {
    return Math.max(this.channel.lastRxAt, this.secondary?.lastRxAt ?? 0, this.o.since);
  }

  /** Probes run at most every 3 s and at least twice per silence limit, so a verdict never waits for one. */
  private get probeEveryMs(): number {
    return Math.min(MAX_PROBE_EVERY_MS, this.o.unresponsiveAfterMs / 2);
  }

  private startProbing(): void {
    if (this.probeTimer !== null) return;
    this.probeTimer = this.timers.setTimeout(() => this.probeTick(), this.probeEveryMs);
  }

  /** While a network command is in flight: `AT` on the second port, owed once the port is proven. */
  private probeTick(): void {
    this.probeTimer = null;
    if (this.stopped || !this.channel.inFlight()?.network) return;
    const sec = this.secondary!;
    const proven = sec.proven;
    sec.probe();
    if (proven) this.owe();
    this.probeTimer = this.timers.setTimeout(() => this.probeTick(), this.probeEveryMs);
  }

  /** Whether the command in flight is judged by silence on the main port (not by probes, not exempt). */
  private judgedByItself(f: { cmd?: string; network: boolean }): boolean {
    return !f.network || (!this.secondary?.proven && networkSilenceIsBounded(f.cmd));
  }

  private arm(since: number, rx: number): void {
    this.owedSince = since;
    this.owedRx = rx;
    this.schedule(this.suspect ? Math.min(this.silenceDue(), this.o.now() + SUSPECT_RECHECK_MS) : this.suspectDue());
  }

  /**
   * When an owed answer becomes a verdict: unresponsiveAfterMs after the last byte from the modem, but
   * never before the owed command had half that time (at most 4 s) to be answered. With the 3 s
   * keep-alive (or probe) and the 8 s default this condemns a hung modem 8 s after it last spoke.
   */
  private silenceDue(): number {
    const u = this.o.unresponsiveAfterMs;
    return Math.max(this.lastHeardAt() + u, this.owedSince + Math.min(u / 2, 4000));
  }

  /** When an owed answer makes the modem suspect: half the verdict's times (4 s of silence, 2 s owed by default). */
  private suspectDue(): number {
    const u = this.o.unresponsiveAfterMs;
    return Math.max(this.lastHeardAt() + u / 2, this.owedSince + Math.min(u / 4, 2000));
  }

  private schedule(at: number): void {
    if (this.timer !== null) this.timers.clearTimeout(this.timer);
    this.timer = this.timers.setTimeout(() => this.checkSilence(), Math.max(5, at - this.o.now() + 5));
  }

  private checkSilence(): void {
    this.timer = null;
    if (this.stopped) return;
    const rx = this.heardChunks();
    if (rx !== this.owedRx) return this.answered(rx);
    const now = this.o.now();
    const due = this.silenceDue();
    if (now >= due) {
      this.stop();
      this.o.onSilent(this.silentFor());
      return;
    }
    if (!this.suspect && now >= this.suspectDue()) {
      this.suspect = true;
      this.o.onSuspect?.(this.describeSuspicion());
    }
    this.schedule(this.suspect ? Math.min(due, now + SUSPECT_RECHECK_MS) : Math.min(due, this.suspectDue()));
  }

  /** The modem spoke since the debt began: no longer suspect; what is still owed is counted anew. */
  private answered(rx: number): void {
    this.owedSince = 0;
    this.clearSuspicion();
    if (this.lastSentRx === rx) {
      // Written after that answer and not answered yet (the next command, the next probe): owed from its write.
      this.arm(this.lastSentAt, rx);
      return;
    }
    // A command answered in part (the `> ` prompt of AT+CMGS, an information line) still owes its final result.
    const f = this.channel.inFlight();
    if (f && this.judgedByItself(f)) this.arm(this.lastHeardAt(), rx);
  }

  private clearSuspicion(): void {
    if (!this.suspect) return;
    this.suspect = false;
    this.o.onSuspect?.(null);
  }

  private describeSuspicion(): string {
    const f = this.channel.inFlight();
    const silent = Math.round(this.silentFor() / 1000);
    const where = this.secondary?.proven && f?.network ? ' (nor on its second AT port)' : '';
    return `the modem has not answered for ${silent} s${where}${f?.cmd ? ` while ${f.cmd} is in flight` : ''}; it is reset if it stays silent`;
  }
}
