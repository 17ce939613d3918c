/**
 * One line's USSD dialogue as a state machine (3GPP TS 27.007 §7.15 +CUSD, TS 22.090 USSD). Pure: no
 * I/O, no timers; the caller passes the time and drives it with what the modem did.
 *
 *   idle     no dialogue open (none yet, or the last one ended)
 *   waiting  a request (a service code such as *100#, or the answer to a menu) went to the modem and
 *            its reply has not come yet
 *   menu     the network asked for further user action (<m>=1) and waits for the answer
 *
 *   idle ──begin──▶ waiting ──<m>=1──▶ menu ──begin(answer)──▶ waiting ──<m>=0,2..5──▶ idle
 *   idle ──<m>=1 (network-initiated request)──▶ menu;  menu ──<m>≠1, cancel──▶ idle
 *   waiting ──rejected (ERROR), timed out, cancelled, line lost──▶ idle
 *
 * The reply is a +CUSD result code that may come before the OK of AT+CUSD=1 (firmware that holds OK
 * until the network answered), seconds after it, or never. So `waiting` ends on the reply, not on the
 * OK: the OK only marks the request accepted, and an error result ends it. Every request has a
 * sequence number, so a late event of an older request (a rejection or a timeout that raced the reply)
 * never changes a newer one.
 *
 * <m> (TS 27.007 §7.15) and what the requester is told:
 *   0 no further user action required       → done
 *   1 further user action required          → menu
 *   2 USSD terminated by network            → terminated
 *   3 other local client has responded      → terminated
 *   4 operation not supported               → error
 *   5 network time out                      → timeout
 *   anything else is not defined there      → error
 */

export type UssdState = 'idle' | 'waiting' | 'menu';

/** What a request ended in (the `state` of UssdResult). */
export type UssdOutcome = 'menu' | 'done' | 'terminated' | 'timeout' | 'error';

export interface UssdResult {
  state: UssdOutcome;
  /** The network's text, decoded; null when the reply had none (or there was no reply). */
  text: string | null;
  /** <m> of the +CUSD that ended the request; null when none came (timeout, rejection, cancel). */
  m: number | null;
  dcs: number | null;
  /** Why, in words, when the outcome is not the plain answer (e.g. "operation not supported (<m>=4)"). */
  reason: string | null;
}

/** A +CUSD result code with its text already decoded. */
export interface UssdReplyIn {
  m: number;
  text: string | null;
  dcs: number | null;
}

export interface UssdRequest {
  seq: number;
  /** What was sent: the service code, or the answer to a menu. */
  input: string;
  kind: 'code' | 'answer';
  sentAt: number;
  /** The modem answered OK to the AT+CUSD=1 (the reply may still be outstanding, or may have come first). */
  accepted: boolean;
}

export interface UssdSnapshot {
  state: UssdState;
  /** The request waiting for its reply (state `waiting`). */
  request: UssdRequest | null;
  /** The latest reply or end of a request, with when it happened and whether the network sent it unasked. */
  last: (UssdResult & { at: number; unsolicited: boolean }) | null;
  /** Who opened the dialogue in progress: a request of ours or the network (network-initiated USSD). */
  openedBy: 'user' | 'network' | null;
}

/** What a received +CUSD meant. */
export type UssdReceived =
  /** The reply to request `seq`. */
  | { kind: 'answer'; seq: number; result: UssdResult }
  /** No request was waiting: a network-initiated request (<m>=1) or notification, or a late reply. */
  | { kind: 'unsolicited'; result: UssdResult }
  /** Carries nothing: the "+CUSD: 2" some modems send after AT+CUSD=2, or an empty end with no dialogue. */
  | { kind: 'ignored'; reason: string };

export class UssdStateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UssdStateError';
  }
}

/** After AT+CUSD=2, an empty "+CUSD: 2" within this time is the modem confirming our cancel. */
export const CANCEL_ECHO_MS = 2000;

/** TS 27.007 §7.15 <m> → outcome and, when it is not a plain answer, why. */
export function outcomeOfM(m: number): { state: UssdOutcome; reason: string | null } {
  switch (m) {
    case 0:
      return { state: 'done', reason: null };
    case 1:
      return { state: 'menu', reason: null };
    case 2:
      return { state: 'terminated', reason: 'USSD terminated by the network (<m>=2)' };
    case 3:
      return { state: 'terminated', reason: 'another local client has responded (<m>=3)' };
    case 4:
      return { state: 'error', reason: 'operation not supported (<m>=4)' };
    case 5:
      return { state: 'timeout', reason: 'network time out (<m>=5)' };
    default:
      return { state: 'error', reason: `unknown <m>=${m}` };
  }
}

/** Allowed edges; anything else is a bug in the caller and throws. */
const EDGES: Record<UssdState, readonly UssdState[]> = {
  idle: ['waiting', 'menu'],
  waiting: ['idle', 'menu'],
  menu: ['waiting', 'idle', 'menu'],
};

export class UssdSession {
  private st: UssdState = 'idle';
  private req: UssdRequest | null = null;
  private lastResult: UssdSnapshot['last'] = null;
  private opener: UssdSnapshot['openedBy'] = null;
  private seq = 0;
  private echoUntil = -Infinity;

  get state(): UssdState {
    return this.st;
  }

  snapshot(): UssdSnapshot {
    return {
      state: this.st,
      request: this.req ? { ...this.req } : null,
      last: this.lastResult ? { ...this.lastResult } : null,
      openedBy: this.opener,
    };
  }

  /**
   * A request goes to the modem: a service code (only with no dialogue open: the caller closes an open
   * menu first) or the answer to the open menu. Returns its sequence number.
   */
  begin(input: string, kind: 'code' | 'answer', now: number): number {
    if (this.st === 'waiting') throw new UssdStateError(`a USSD request (${this.req?.input ?? '?'}) is still waiting for its reply`);
    if (kind === 'answer' && this.st !== 'menu') throw new UssdStateError('no USSD menu is open to answer');
    if (kind === 'code' && this.st !== 'idle') throw new UssdStateError('a USSD menu is open: answer or cancel it first');
    this.seq++;
    this.req = { seq: this.seq, input, kind, sentAt: now, accepted: false };
    if (kind === 'code') this.opener = 'user';
    this.transition('waiting');
    return this.seq;
  }

  /** The modem answered OK to the request's AT+CUSD=1. */
  accepted(seq: number): boolean {
    if (!this.req || this.req.seq !== seq) return false;
    this.req.accepted = true;
    return true;
  }

  /** The modem refused the request (ERROR, +CME ERROR, closed port). Null when `seq` is no longer waiting. */
  failed(seq: number, reason: string, now: number): UssdResult | null {
    if (this.st !== 'waiting' || this.req?.seq !== seq) return null;
    return this.end({ state: 'error', text: null, m: null, dcs: null, reason }, now, false);
  }

  /** No reply in time. Null when `seq` is no longer waiting (the reply won the race). */
  timedOut(seq: number, now: number): UssdResult | null {
    if (this.st !== 'waiting' || this.req?.seq !== seq) return null;
    return this.end({ state: 'timeout', text: null, m: null, dcs: null, reason: 'no reply from the network in time' }, now, false);
  }

  /**
   * We close the dialogue (AT+CUSD=2). Returns the request that was waiting, if any, with its result.
   * An empty "+CUSD: 2" in the next CANCEL_ECHO_MS is taken as the modem's confirmation.
   */
  cancelled(now: number, reason = 'cancelled'): { seq: number; result: UssdResult } | null {
    this.echoUntil = now + CANCEL_ECHO_MS;
    return this.close(reason, now);
  }

  /** The line lost its modem (or SIM): any dialogue is gone. */
  lost(reason: string, now: number): { seq: number; result: UssdResult } | null {
    return this.close(reason, now, 'error');
  }

  /** A +CUSD result code arrived (before or after the OK of its request, or unasked). */
  received(reply: UssdReplyIn, now: number): UssdReceived {
    const text = reply.text === null || reply.text === '' ? null : reply.text;
    const o = outcomeOfM(reply.m);
    const result: UssdResult = { state: o.state, text, m: reply.m, dcs: reply.dcs, reason: o.reason };
    if (reply.m === 2 && text === null && now <= this.echoUntil) {
      this.echoUntil = -Infinity;
      return { kind: 'ignored', reason: 'confirmation of AT+CUSD=2' };
    }
    if (this.st === 'waiting') {
      const seq = this.req!.seq;
      if (reply.m === 1) {
        this.transition('menu');
        this.req = null;
        this.record(result, now, false);
      } else {
        this.end(result, now, false);
      }
      return { kind: 'answer', seq, result };
    }
    if (reply.m === 1) {
      // TS 27.007 §7.15: an unsolicited +CUSD: 1 is a network-initiated request waiting for an answer.
      if (this.st === 'idle') this.opener = 'network';
      this.transition('menu');
      this.record(result, now, true);
      return { kind: 'unsolicited', result };
    }
    if (this.st === 'idle' && text === null) return { kind: 'ignored', reason: `empty +CUSD: ${reply.m} with no dialogue open` };
    // A notification (<m>=0 with text), or the network ending the open menu.
    if (this.st === 'menu') this.transition('idle');
    this.opener = null;
    this.record(result, now, true);
    return { kind: 'unsolicited', result };
  }

  private close(reason: string, now: number, outcome: UssdOutcome = 'terminated'): { seq: number; result: UssdResult } | null {
    if (this.st === 'waiting') {
      const seq = this.req!.seq;
      const result = this.end({ state: outcome, text: null, m: null, dcs: null, reason }, now, false);
      return { seq, result };
    }
    if (this.st === 'menu') {
      this.transition('idle');
      this.opener = null;
    }
    return null;
  }

  private end(result: UssdResult, now: number, unsolicited: boolean): UssdResult {
    this.transition('idle');
    this.req = null;
    this.opener = null;
    this.record(result, now, unsolicited);
    return result;
  }

  private record(result: UssdResult, now: number, unsolicited: boolean): void {
    this.lastResult = { ...result, at: now, unsolicited };
  }

  private transition(to: UssdState): void {
    if (!EDGES[this.st].includes(to)) throw new UssdStateError(`illegal USSD state change ${this.st} → ${to}`);
    this.st = to;
  }
}
