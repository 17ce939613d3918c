/**
 * The second call of a line: a call that waits (+CCWA, TS 27.007 §7.12) while the line's call is up,
 * then is accepted, held, swapped or released with AT+CHLD (§7.13). It is a `Call` of its own, published
 * as the line's 'call' steps with `waiting: true` (the call service records it and does not route it)
 * and announced as 'call-waiting'. The line's call (call-leg.ts) stays the call the SIP leg follows.
 *
 * With two calls a NO CARRIER does not say which ended: the line lists the calls (+CLCC, §7.18) and
 * ends the one missing. The waiting call's <ccid> is read from the same list when it starts to wait.
 */
import type { CallInfo, ModemEvent } from '../../modem-drivers/types.js';
import { Call } from '../call/call.js';
import { callTransition, type CallEvent } from '../call/call-state.js';
import type { LineCallEvent } from '../events.js';
import type { CallLeg } from './call-leg.js';
import type { LineStatusBoard, Notify } from './line-status.js';

export interface SecondCallOptions {
  lineId: number;
  board: LineStatusBoard;
  now: () => number;
  notify: Notify;
  /** The line's first call, told when the list says it was the one that ended. */
  first: CallLeg;
  /** +CLCC now; rejects when the modem cannot say. */
  list(): Promise<CallInfo[]>;
  warn(detail: object, message: string): void;
}

type EndReason = Extract<ModemEvent, { type: 'call-ended' }>['reason'];

export class SecondCallLeg {
  private call: Call | null = null;
  /** <ccid> of the second call, once a +CLCC list showed it. */
  private index: number | null = null;

  constructor(private readonly o: SecondCallOptions) {}

  /** Whether a second call is up (waiting, active or held). */
  get up(): boolean {
    return this.call !== null;
  }

  get current(): Call | null {
    return this.call;
  }

  /** +CCWA: a call waits. Ignored while the line is idle (RING announces that call) or already has a second. */
  waiting(number: string): void {
    if (this.call !== null || this.o.board.st.callState === 'IDLE') return;
    const now = this.o.now();
    this.index = null;
    this.call = new Call({
      id: `${this.o.lineId}:${now}:waiting`,
      direction: 'in',
      origin: 'network',
      gsm: { line: this.o.lineId, slot: this.o.board.st.slot, iccid: this.o.board.st.sim.iccid, number: number === '' ? null : number, cause: null },
      at: now,
    });
    const call = this.call;
    this.step('incoming');
    this.o.notify('call-waiting', call);
    // Only to learn its <ccid>: a list taken while it starts to wait ends nothing.
    void this.reconcile(null, false);
  }

  /** AT+CHLD accepted the waiting call (§7.13 "accepts the other call"). */
  accepted(): void {
    if (this.call?.state === 'INCOMING') this.step('answered');
  }

  /** The second call is over: released by us, or every call ended. */
  end(reason: string | null): void {
    if (this.call === null) return;
    this.call.gsm.cause = reason;
    this.step('ended');
  }

  /**
   * A NO CARRIER (or BUSY…) while two calls are up, or an AT+CHLD that may have released one: lists the
   * calls and ends the missing ones. Without a list, both are taken as ended (the safe side: nothing is
   * billed as up that is not).
   */
  async reconcile(reason: EndReason | null, mayEnd = true): Promise<void> {
    let calls: CallInfo[];
    try {
      calls = (await this.o.list()).filter((c) => c.mode === 'voice');
    } catch (e) {
      this.o.warn({ err: (e as Error).message }, 'cannot list the calls after a call ended; ending both');
      if (reason !== null) {
        this.end(reason);
        this.o.first.onModemEvent({ type: 'call-ended', reason });
      }
      return;
    }
    if (this.call === null) {
      if (reason !== null) this.o.first.onModemEvent({ type: 'call-ended', reason });
      return;
    }
    if (this.index === null) this.index = calls.find((c) => c.state === 'waiting')?.index ?? (calls.length > 1 ? Math.max(...calls.map((c) => c.index)) : null);
    if (!mayEnd) return;
    const mine = calls.find((c) => c.index === this.index);
    const others = calls.filter((c) => c.index !== this.index);
    if (this.index !== null && mine === undefined) this.end(reason ?? 'NO CARRIER');
    else if (mine && (mine.state === 'active' || mine.state === 'held')) this.accepted();
    if (others.length === 0 && this.o.board.st.callState !== 'IDLE') {
      this.o.first.onModemEvent({ type: 'call-ended', reason: reason ?? 'NO CARRIER' });
    }
  }

  private step(ev: CallEvent): void {
    const call = this.call;
    if (call === null) return;
    const from = call.state;
    const to = callTransition(from, ev);
    const now = this.o.now();
    call.apply(ev, now);
    if (to === 'IDLE') {
      this.call = null;
      this.index = null;
    }
    if (from === to) return;
    const detail: LineCallEvent = { call, from, to, event: ev, number: call.gsm.number, startedAt: call.times.setup, waiting: true };
    if (to === 'IDLE') {
      detail.alerted = false;
      detail.answeredAt = call.times.answer;
      detail.durationSec = call.durationSec(now);
      detail.endReason = call.gsm.cause;
    }
    this.o.notify('call', detail);
  }
}
