import { nextState, type TransitionTable } from '../transaction/transaction-error.js';

/**
 * An incoming dialog-creating INVITE as the UAS core sees it: not answered yet, 2xx sent and waiting
 * for its ACK, ACKed, refused with 3xx–6xx, or ended because the ACK never came (§13.3.1.4).
 */
export type UasInviteState = 'proceeding' | 'accepted' | 'confirmed' | 'rejected' | 'ack-timed-out';

export type UasInviteEvent = 'provisional' | 'accept' | 'reject' | 'ack' | 'no-ack';

export const UAS_INVITE_STATES: readonly UasInviteState[] = ['proceeding', 'accepted', 'confirmed', 'rejected', 'ack-timed-out'];
export const UAS_INVITE_EVENTS: readonly UasInviteEvent[] = ['provisional', 'accept', 'reject', 'ack', 'no-ack'];

/**
 * The TU answers only in Proceeding (one final response, §13.3.1); answering twice is a TU bug and
 * throws. An ACK is network input and legal everywhere: early or late ones change nothing.
 */
const TABLE: TransitionTable<UasInviteState, UasInviteEvent> = {
  proceeding: { provisional: 'proceeding', accept: 'accepted', reject: 'rejected', ack: 'proceeding' },
  accepted: { ack: 'confirmed', 'no-ack': 'ack-timed-out' },
  confirmed: { ack: 'confirmed' },
  rejected: { ack: 'rejected' },
  'ack-timed-out': { ack: 'ack-timed-out' },
};

export function uasInviteNextState(state: UasInviteState, event: UasInviteEvent): UasInviteState {
  return nextState('UAS INVITE', TABLE, state, event);
}
