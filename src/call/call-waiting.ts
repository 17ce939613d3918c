/**
 * What a line does with a second call while its call is up (manual §4.7 "呼叫等待"), per the line's mode:
 * - `disabled`: waiting is off in the network (the second caller hears busy); one offered anyway is
 *   turned down (AT+CHLD=0, User Determined User Busy).
 * - `mode1`: hold the call, answer the new one at once (AT+CHLD=2); when it hangs up, take the held
 *   call back (AT+CHLD=2).
 * - `mode2`: the SIP side presses "32" to swap between the two calls (AT+CHLD=2) and "31" to hang up
 *   the current one (AT+CHLD=1 for the second call; the first call carries the SIP leg, so "31" on it
 *   ends both).
 * - `mode3`: hold the call and answer the new one; after `swapBackMs` (2 s) hold the new one and take
 *   the first back (AT+CHLD=2).
 * TS 27.007 §7.13 +CHLD. The SIP leg is left as it is: the voice path follows the line. When the first
 * call ends (the SIP leg ended, or its caller hung up) the second is hung up too. States: call-waiting-state.ts.
 */
import type { LineCallEvent } from '../events.js';
import type { Logger } from '../util/log.js';
import type { Call } from './call.js';
import { callWaitingTransition, canCallWaitingTransition, type CallWaitingEvent, type CallWaitingMode, type CallWaitingState } from './call-waiting-state.js';

export { CALL_WAITING_MODES, type CallWaitingMode } from './call-waiting-state.js';

/** AT+CHLD 0, 1 and 2 (TS 27.007 §7.13), as the line takes them. */
export type HoldAction = 'release-waiting' | 'release-active' | 'hold-active';

/** What call waiting needs of a line. */
export interface WaitingLine {
  readonly id: number;
  on(event: 'call-waiting', listener: (call: Call) => void): unknown;
  on(event: 'call', listener: (step: LineCallEvent) => void): unknown;
  holdCalls(action: HoldAction): Promise<void>;
  hangup(): Promise<void>;
}

export interface CallWaitingOptions {
  /** The line's mode, read when a call starts to wait (so a configuration change applies to the next). */
  modeOf(lineId: number): CallWaitingMode;
  log: Logger;
  /** Mode 3: how long the new call is talked to before the first is taken back; default 2000 ms. */
  swapBackMs?: number;
}

/** One line's second call: its state, mode and the mode 2 digit in progress. */
interface LineWaiting {
  readonly line: WaitingLine;
  st: CallWaitingState;
  mode: CallWaitingMode;
  second: Call | null;
  swapTimer: NodeJS.Timeout | null;
  /** Mode 2: a "3" came; the next digit says what to do. */
  prefix: boolean;
  /** AT+CHLD commands run one after the other. */
  queue: Promise<void>;
}

export class CallWaiting {
  private readonly lines = new Map<number, LineWaiting>();

  constructor(private readonly o: CallWaitingOptions) {}

  attach(line: WaitingLine): void {
    const w: LineWaiting = { line, st: 'idle', mode: 'disabled', second: null, swapTimer: null, prefix: false, queue: Promise.resolve() };
    this.lines.set(line.id, w);
    line.on('call-waiting', (call) => this.guard(w, () => this.waiting(w, call)));
    line.on('call', (step) => this.guard(w, () => this.step(w, step)));
  }

  /** The line's call-waiting state (for tests and the status view). */
  state(lineId: number): CallWaitingState {
    return this.lines.get(lineId)?.st ?? 'idle';
  }

  /**
   * A digit the SIP side of the line's call sent (SIP INFO today; RFC 4733 events come the same way).
   * True when call waiting used it (mode 2 with a second call up).
   */
  digit(lineId: number, digit: string): boolean {
    const w = this.lines.get(lineId);
    if (!w || w.mode !== 'mode2' || w.st === 'idle' || w.st === 'first-held') return false;
    if (!w.prefix) {
      w.prefix = digit === '3';
      return w.prefix;
    }
    w.prefix = false;
    if (digit === '2') this.guard(w, () => this.swap(w));
    else if (digit === '1') this.guard(w, () => this.hangUpCurrent(w));
    else return false;
    return true;
  }

  stop(): void {
    for (const w of this.lines.values()) this.clearTimer(w);
  }

  private waiting(w: LineWaiting, call: Call): void {
    if (w.st !== 'idle') return;
    w.mode = this.o.modeOf(w.line.id);
    w.second = call;
    w.prefix = false;
    this.move(w, 'waiting');
    this.o.log.info({ line: w.line.id, call: call.id, number: call.gsm.number, mode: w.mode }, 'a second call waits');
    if (w.mode === 'disabled') return this.hold(w, 'release-waiting', 'refuse');
    if (w.mode === 'mode2') return;
    this.hold(w, 'hold-active', 'accept', () => {
      if (w.mode !== 'mode3') return;
      const ms = this.o.swapBackMs ?? 2000;
      w.swapTimer = setTimeout(() => {
        w.swapTimer = null;
        if (w.st === 'second-active') this.hold(w, 'hold-active', 'swap');
      }, ms);
    });
  }

  private step(w: LineWaiting, step: LineCallEvent): void {
    if (step.to !== 'IDLE') return;
    if (step.waiting) {
      if (step.call !== w.second) return;
      w.second = null;
      this.clearTimer(w);
      if (!canCallWaitingTransition(w.st, 'second-ended')) return;
      this.move(w, 'second-ended');
      // The first call waits on hold: take it back (mode 1; in modes 2 and 3 nobody else would).
      if (w.st === 'first-held') this.hold(w, 'hold-active', 'resume');
      return;
    }
    // The first call ended: the second must not stay up without a SIP leg.
    const second = w.second;
    this.clearTimer(w);
    this.move(w, 'reset');
    if (second !== null && !second.ended) {
      second.gatewayCause ??= 'the first call ended (call waiting)';
      w.line.hangup().catch((e: Error) => this.o.log.warn({ line: w.line.id, err: e.message }, 'cannot hang up the second call'));
    }
  }

  private swap(w: LineWaiting): void {
    this.clearTimer(w);
    if (w.st === 'waiting') this.hold(w, 'hold-active', 'accept');
    else if (w.st === 'second-active' || w.st === 'first-active') this.hold(w, 'hold-active', 'swap');
  }

  /** Mode 2 "31": the second call is released (the first comes back); the first carries the SIP leg, so both end. */
  private hangUpCurrent(w: LineWaiting): void {
    if (w.st === 'second-active') return this.hold(w, 'release-active', 'release-second');
    w.line.hangup().catch((e: Error) => this.o.log.warn({ line: w.line.id, err: e.message }, 'cannot hang up the line'));
  }

  /** AT+CHLD, queued; the state moves once the modem said OK. A refusal leaves the calls as they are. */
  private hold(w: LineWaiting, action: HoldAction, event: CallWaitingEvent, then?: () => void): void {
    w.queue = w.queue.then(async () => {
      if (!canCallWaitingTransition(w.st, event)) return;
      try {
        await w.line.holdCalls(action);
      } catch (e) {
        this.o.log.warn({ line: w.line.id, action, err: (e as Error).message }, 'AT+CHLD refused');
        return;
      }
      if (!canCallWaitingTransition(w.st, event)) return;
      this.move(w, event);
      then?.();
    });
  }

  private move(w: LineWaiting, event: CallWaitingEvent): void {
    w.st = callWaitingTransition(w.st, event);
  }

  private clearTimer(w: LineWaiting): void {
    if (w.swapTimer !== null) clearTimeout(w.swapTimer);
    w.swapTimer = null;
  }

  /** A listener that throws would stop the line's other listeners: log instead. */
  private guard(w: LineWaiting, fn: () => void): void {
    try {
      fn();
    } catch (e) {
      this.o.log.error({ err: e, line: w.line.id, state: w.st }, 'call waiting step not handled');
    }
  }
}
