/**
 * One 'call-ended' per SIMCom call, and never one for a call that is already over.
 *
 * SIM7600 firmware ends a call with its own line (`VOICE CALL: END: <time>`, `MISSED_CALL: ...`) and
 * does not reliably add the V.250 §5.7.1 result code (NO CARRIER, BUSY, NO ANSWER) that carries the
 * network's reason. So a vendor end waits `graceMs` for that result code and only then ends the call
 * itself ('ending'); a vendor end within `graceMs` after the call ended otherwise is the same end and is
 * dropped ('ended').
 *
 * A vendor end is tied to the call it was printed for. Our own AT+CHUP prints VOICE CALL: END inside its
 * reply (fixtures/simcom/sim7600/call-mo.txt): once the hang-up's OK is in, that call is over and the
 * host knows it, so the end is dropped, not sent 500 ms later when a new call may be running. Likewise
 * a vendor end still waiting when the host dials again belongs to the call before (the host dials only
 * on an idle line) and is dropped. Whatever the modem prints before the ATD's OK comes before it on the
 * port, so after that OK a vendor end is the new call's. A RING settles a waiting end at once, so the
 * old call is ended before the new one is announced.
 *
 *   open ──vendor-end──▶ ending ──grace-elapsed (emits) / result-code / hung-up / dialling──▶ ended
 *   ending ──dialled──▶ open          ended ──dialled / ringing / window-closed──▶ open
 *   open ──result-code / hung-up──▶ ended
 */
import type { ModemEvent } from '../types.js';
import type { ModemEvents } from '../generic/urc-events.js';

export type EndReason = Extract<ModemEvent, { type: 'call-ended' }>['reason'];

export type CallEndState = 'open' | 'ending' | 'ended';

export type CallEndEvent =
  /** VOICE CALL: END or MISSED_CALL. */
  | 'vendor-end'
  /** A 'call-ended' was emitted (NO CARRIER / BUSY / NO ANSWER / NO DIALTONE, or this tracker's own). */
  | 'result-code'
  /** `graceMs` passed after a vendor end with no result code. */
  | 'grace-elapsed'
  /** Our hang-up completed, or ATD ended without a call: the call is over and the host knows it. */
  | 'hung-up'
  /** The host is sending ATD. */
  | 'dialling'
  /** The ATD's OK came: what follows belongs to the new call. */
  | 'dialled'
  /** RING: a new incoming call. */
  | 'ringing'
  /** `graceMs` passed since the end: a vendor end is a later call's. */
  | 'window-closed';

const EDGES: Record<CallEndState, Partial<Record<CallEndEvent, CallEndState>>> = {
  open: { 'vendor-end': 'ending', 'result-code': 'ended', 'hung-up': 'ended', dialling: 'open', dialled: 'open', ringing: 'open' },
  // A vendor end printed before the ATD's OK is the previous call's: dropped, the new call is open.
  ending: { 'vendor-end': 'ending', 'result-code': 'ended', 'grace-elapsed': 'ended', 'hung-up': 'ended', dialling: 'ended', dialled: 'open' },
  ended: {
    'vendor-end': 'ended',
    'result-code': 'ended',
    'hung-up': 'ended',
    dialling: 'ended',
    dialled: 'open',
    ringing: 'open',
    'window-closed': 'open',
  },
};

/** The next state, or throws on an edge the machine does not have. */
export function callEndTransition(from: CallEndState, event: CallEndEvent): CallEndState {
  const to = EDGES[from][event];
  if (!to) throw new Error(`SIMCom call end: state ${from} has no transition for "${event}"`);
  return to;
}

export class CallEndTracker {
  private state: CallEndState = 'open';
  /** The reason the waiting vendor end gives, and its timer ('ending' only). */
  private pending: { reason: EndReason; timer: NodeJS.Timeout } | null = null;
  /** When the state last became 'ended'. */
  private endedAt = 0;

  constructor(
    private readonly events: ModemEvents,
    private readonly graceMs: number,
  ) {
    // Registered before any other listener, so it sees every 'call-ended' first.
    events.onEvent((e) => {
      if (e.type === 'call-ended') this.apply('result-code');
    });
    events.onDispose(() => this.cancelPending());
  }

  get current(): CallEndState {
    return this.state;
  }

  /** VOICE CALL: END ('HANGUP') or MISSED_CALL ('NO ANSWER'). */
  vendorEnd(reason: EndReason): void {
    this.closeWindowIfPassed();
    const from = this.state;
    this.apply('vendor-end');
    if (from !== 'open') return; // already waiting, or the end of a call already ended
    const timer = setTimeout(() => {
      if (this.pending?.timer !== timer) return;
      this.apply('grace-elapsed');
      this.events.emit({ type: 'call-ended', reason });
    }, this.graceMs);
    this.pending = { reason, timer };
  }

  /** RING: a waiting vendor end is sent now, so the old call ends before the new one rings. */
  ringing(): void {
    const waiting = this.state === 'ending' ? this.pending : null;
    if (waiting) {
      this.apply('grace-elapsed');
      this.events.emit({ type: 'call-ended', reason: waiting.reason });
    }
    this.apply('ringing');
  }

  hungUp(): void {
    this.apply('hung-up');
  }

  dialling(): void {
    this.apply('dialling');
  }

  dialled(): void {
    this.apply('dialled');
  }

  private closeWindowIfPassed(): void {
    if (this.state === 'ended' && Date.now() - this.endedAt > this.graceMs) this.apply('window-closed');
  }

  private apply(event: CallEndEvent): void {
    const to = callEndTransition(this.state, event);
    if (to !== 'ending') this.cancelPending();
    if (to === 'ended') this.endedAt = Date.now();
    this.state = to;
  }

  private cancelPending(): void {
    if (this.pending) clearTimeout(this.pending.timer);
    this.pending = null;
  }
}
