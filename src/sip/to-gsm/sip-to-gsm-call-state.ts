/**
 * The states of one SIP → GSM call, seen from the SIP side (one table; an edge it lacks throws).
 *
 *   invited ──dial──▶ dialling ──alerting──▶ alerting ──answered──▶ answered ──ack──▶ confirmed
 *      │                 ╰──────────answered─────────────────────────▲
 *      ╰──collect──▶ collecting ──dial──▶ dialling            (two-stage: 200 already sent)
 *   dialling / alerting ──service-answered──▶ sending-digits ──digits-sent──▶ answered
 *   dialling / alerting / sending-digits / answered / collecting ──await-ack──▶ closing ──ack──▶ ended
 *   any but ended ──end──▶ ended
 *
 * `collecting` is manual §4.6 two-stage dialing: the SIP leg was answered at once and digits come in
 * INFO requests. `sending-digits` is §4.6 "M1:<service>" dialling: the line dialled the service number,
 * which has answered; the called number goes to it as DTMF before the call counts as answered. `closing` is a dialog whose 2xx is sent but not yet acknowledged while the GSM leg is
 * gone: RFC 3261 §15 lets the callee send BYE only after the ACK (or when the 2xx times out).
 */
export type SipToGsmCallState = 'invited' | 'collecting' | 'dialling' | 'alerting' | 'sending-digits' | 'answered' | 'confirmed' | 'closing' | 'ended';

export type SipToGsmCallEvent = 'dial' | 'collect' | 'alerting' | 'service-answered' | 'digits-sent' | 'answered' | 'ack' | 'await-ack' | 'end';

const EDGES: Record<SipToGsmCallState, Partial<Record<SipToGsmCallEvent, SipToGsmCallState>>> = {
  invited: { dial: 'dialling', collect: 'collecting', end: 'ended' },
  collecting: { dial: 'dialling', 'await-ack': 'closing', end: 'ended' },
  dialling: { alerting: 'alerting', answered: 'answered', 'service-answered': 'sending-digits', 'await-ack': 'closing', end: 'ended' },
  alerting: { alerting: 'alerting', answered: 'answered', 'service-answered': 'sending-digits', 'await-ack': 'closing', end: 'ended' },
  'sending-digits': { 'digits-sent': 'answered', 'await-ack': 'closing', end: 'ended' },
  answered: { ack: 'confirmed', 'await-ack': 'closing', end: 'ended' },
  confirmed: { end: 'ended' },
  closing: { ack: 'ended', end: 'ended' },
  ended: {},
};

export class IllegalSipToGsmTransition extends Error {
  constructor(readonly from: SipToGsmCallState, readonly event: SipToGsmCallEvent) {
    super(`SIP → GSM call in state ${from} has no transition for "${event}"`);
    this.name = 'IllegalSipToGsmTransition';
  }
}

/** The next state, or throws IllegalSipToGsmTransition. */
export function sipToGsmTransition(from: SipToGsmCallState, event: SipToGsmCallEvent): SipToGsmCallState {
  const to = EDGES[from][event];
  if (to === undefined) throw new IllegalSipToGsmTransition(from, event);
  return to;
}

export function canSipToGsmTransition(from: SipToGsmCallState, event: SipToGsmCallEvent): boolean {
  return EDGES[from][event] !== undefined;
}
