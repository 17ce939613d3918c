/**
 * The call waiting state of one line (manual §4.7 "呼叫等待"), with the first call (the one the SIP leg
 * follows) and a second that waited (TS 27.007 §7.12). One table; an edge it lacks throws.
 *
 *   idle ──waiting──▶ waiting ──accept──▶ second-active ──swap──▶ first-active ──swap──▶ second-active
 *                        ╰──refuse / second-ended──▶ idle
 *   second-active ──second-ended──▶ first-held ──resume──▶ idle          (the first waits on hold)
 *   second-active ──release-second──▶ idle                              (AT+CHLD=1 takes the first back)
 *   first-active ──second-ended──▶ idle
 *   any ──reset──▶ idle                                                 (the first call ended)
 */
/** The manual's modes (§4.7), as `sip.callWaiting` names them; call-waiting.ts says what each does. */
export const CALL_WAITING_MODES = ['disabled', 'mode1', 'mode2', 'mode3'] as const;
export type CallWaitingMode = (typeof CALL_WAITING_MODES)[number];

export type CallWaitingState = 'idle' | 'waiting' | 'second-active' | 'first-active' | 'first-held';

export type CallWaitingEvent = 'waiting' | 'accept' | 'refuse' | 'swap' | 'second-ended' | 'release-second' | 'resume' | 'reset';

const EDGES: Record<CallWaitingState, Partial<Record<CallWaitingEvent, CallWaitingState>>> = {
  idle: { waiting: 'waiting', reset: 'idle' },
  waiting: { accept: 'second-active', refuse: 'idle', 'second-ended': 'idle', reset: 'idle' },
  'second-active': { swap: 'first-active', 'second-ended': 'first-held', 'release-second': 'idle', reset: 'idle' },
  'first-active': { swap: 'second-active', 'second-ended': 'idle', reset: 'idle' },
  'first-held': { resume: 'idle', reset: 'idle' },
};

export class IllegalCallWaitingTransition extends Error {
  constructor(readonly from: CallWaitingState, readonly event: CallWaitingEvent) {
    super(`call waiting in state ${from} has no transition for "${event}"`);
    this.name = 'IllegalCallWaitingTransition';
  }
}

/** The next state, or throws IllegalCallWaitingTransition. */
export function callWaitingTransition(from: CallWaitingState, event: CallWaitingEvent): CallWaitingState {
  const to = EDGES[from][event];
  if (to === undefined) throw new IllegalCallWaitingTransition(from, event);
  return to;
}

export function canCallWaitingTransition(from: CallWaitingState, event: CallWaitingEvent): boolean {
  return EDGES[from][event] !== undefined;
}
