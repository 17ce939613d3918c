/**
 * The state of a call, shown as its line's state (manual §3.2.1 "状态"): an explicit state machine where an illegal edge
 * throws, so a bug shows up as an error instead of a line stuck in a wrong state.
 *
 *   IDLE ──dial──▶ DIALING ──alerting──▶ ALERTING ──answered──▶ CONNECTED
 *     │  ╲                   ╲──────────answered──────────────▶ ▲
 *     │   ╲──voip-answered──▶ ACTIVE ──dial──▶ DIALING           │
 *     ╰──incoming──▶ INCOMING ──answered──▶ CONNECTED ───────────╯
 *                        ╰──held-for-voip──▶ ACTIVE ──bridged──▶ CONNECTED
 *   any ──ended──▶ IDLE
 * ACTIVE is the manual's "answered on one side, not yet bridged to the other": a VoIP call waiting for
 * its second-stage digits, or a GSM call answered while the VoIP leg is still being set up.
 */
/** Call states of the manual §3.2.1 "状态" column. */
export type CallState = 'IDLE' | 'DIALING' | 'ALERTING' | 'CONNECTED' | 'ACTIVE' | 'INCOMING';

export type CallEvent = 'dial' | 'alerting' | 'answered' | 'incoming' | 'voip-answered' | 'held-for-voip' | 'bridged' | 'ended';

const EDGES: Record<CallState, Partial<Record<CallEvent, CallState>>> = {
  IDLE: { dial: 'DIALING', incoming: 'INCOMING', 'voip-answered': 'ACTIVE', ended: 'IDLE' },
  DIALING: { alerting: 'ALERTING', answered: 'CONNECTED', ended: 'IDLE' },
  ALERTING: { alerting: 'ALERTING', answered: 'CONNECTED', ended: 'IDLE' },
  CONNECTED: { answered: 'CONNECTED', ended: 'IDLE' },
  ACTIVE: { dial: 'DIALING', bridged: 'CONNECTED', ended: 'IDLE' },
  INCOMING: { incoming: 'INCOMING', answered: 'CONNECTED', 'held-for-voip': 'ACTIVE', ended: 'IDLE' },
};

export class IllegalCallTransition extends Error {
  constructor(readonly from: CallState, readonly event: CallEvent) {
    super(`call state ${from} has no transition for "${event}"`);
    this.name = 'IllegalCallTransition';
  }
}

/** The next state, or throws IllegalCallTransition. */
export function callTransition(from: CallState, event: CallEvent): CallState {
  const to = EDGES[from][event];
  if (!to) throw new IllegalCallTransition(from, event);
  return to;
}

/** Whether `event` is legal in `from` (for callers that receive events they may ignore, e.g. URC repeats). */
export function canTransition(from: CallState, event: CallEvent): boolean {
  return EDGES[from][event] !== undefined;
}
