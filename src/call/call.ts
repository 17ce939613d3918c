/**
 * A call through the gateway: an id, a direction, its legs (the GSM leg on a line; the VoIP leg arrives
 * with SIP), its state (call-state.ts: an illegal edge throws), the times it reached each step and why
 * it ended, as each side said. A call that has ended is final: any further event throws.
 *
 * Direction is seen from the gateway: `in` came from the mobile network (a GSM MT call), `out` goes to it
 * (a GSM MO call placed for a SIP caller or the API's test call).
 */
import type { SlotId } from '../line/types.js';
import { callTransition, IllegalCallTransition, type CallEvent, type CallState } from './call-state.js';

export type CallDirection = 'in' | 'out';

/** The GSM side of a call: the line and card it runs on, the remote number, how the modem ended it. */
export interface GsmLeg {
  line: number;
  slot: SlotId | null;
  iccid: string | null;
  /** The remote party: dialled (out) or calling (in, from +CLIP); null while unknown or withheld. */
  number: string | null;
  /** NO CARRIER / BUSY / NO ANSWER / NO DIALTONE / HANGUP as the modem said, or +CEER text; null: we hung up. */
  cause: string | null;
}

/** The VoIP side (SIP); filled in by the SIP layer. */
export interface VoipLeg {
  /** The SIP peer: a URI or an account name. */
  peer: string;
  /** SIP status or BYE reason that ended this side, e.g. "487 Request Terminated". */
  cause: string | null;
}

export interface CallTimes {
  /** ms since the epoch. */
  setup: number;
  alerting: number | null;
  answer: number | null;
  end: number | null;
}

/** Who ended the call first, and why, as one summary word for records and the API. */
export type CallOutcome = 'answered' | 'missed' | 'busy' | 'no-answer' | 'failed' | 'refused';

export interface CallInit {
  id: string;
  direction: CallDirection;
  gsm: GsmLeg;
  /** Who asked for the call: `network` (incoming), `api:<user>`, later `sip:<account>`. */
  origin: string;
  at: number;
}

export class CallEnded extends Error {
  constructor(readonly callId: string, readonly event: CallEvent) {
    super(`call ${callId} has ended; "${event}" is not possible`);
    this.name = 'CallEnded';
  }
}

export class Call {
  readonly id: string;
  readonly direction: CallDirection;
  readonly origin: string;
  readonly gsm: GsmLeg;
  voip: VoipLeg | null = null;
  private st: CallState = 'IDLE';
  readonly times: CallTimes;
  /** Set when the call ends: refused before it reached a modem, or the reason the gateway gave. */
  gatewayCause: string | null = null;

  constructor(init: CallInit) {
    this.id = init.id;
    this.direction = init.direction;
    this.origin = init.origin;
    this.gsm = { ...init.gsm };
    this.times = { setup: init.at, alerting: null, answer: null, end: null };
  }

  get state(): CallState {
    return this.st;
  }

  get ended(): boolean {
    return this.times.end !== null;
  }

  /**
   * Moves the call along one edge of call-state.ts and stamps the time it reached a step. Throws
   * IllegalCallTransition on an edge the table lacks, CallEnded once the call is over. Returns the
   * state before the event.
   */
  apply(event: CallEvent, at: number): CallState {
    if (this.ended) throw new CallEnded(this.id, event);
    const from = this.st;
    const to = callTransition(from, event);
    this.st = to;
    if (to === 'ALERTING' && this.times.alerting === null) this.times.alerting = at;
    if (to === 'CONNECTED' && this.times.answer === null) this.times.answer = at;
    if (event === 'ended') this.times.end = at;
    return from;
  }

  /** Whether `event` is legal now (for URC repeats the caller may ignore). */
  can(event: CallEvent): boolean {
    if (this.ended) return false;
    try {
      callTransition(this.st, event);
      return true;
    } catch (e) {
      if (e instanceof IllegalCallTransition) return false;
      throw e;
    }
  }

  /** Talk time in whole seconds, answer → end (0 when never answered). */
  durationSec(now: number): number {
    if (this.times.answer === null) return 0;
    return Math.max(0, Math.round(((this.times.end ?? now) - this.times.answer) / 1000));
  }

  /** One word for how the call went (meaningful once it ended). */
  outcome(): CallOutcome {
    if (this.gatewayCause?.startsWith('refused')) return 'refused';
    if (this.times.answer !== null) return 'answered';
    if (this.direction === 'in') return 'missed';
    const c = this.gsm.cause;
    if (c === 'BUSY') return 'busy';
    if (c === 'NO ANSWER' || this.times.alerting !== null) return 'no-answer';
    return 'failed';
  }
}
