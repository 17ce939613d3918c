import { nextState, type TransitionTable } from './transaction-error.js';

/** RFC 3261 §17.2.1 Figure 7, with the Accepted state of RFC 6026 §8.7 (Figure 7 there). */
export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

export type InviteServerEvent =
  /** A retransmission of the INVITE that created the transaction. */
  | 'invite'
  | 'ack'
  | 'tu-provisional'
  | 'tu-success'
  | 'tu-failure'
  | 'timer-trying'
  | 'timer-no-answer'
  | 'timer-g'
  | 'timer-h'
  | 'timer-i'
  | 'timer-l'
  /** The TU is done and the endpoint's compact store waits out Timer L instead (accepted-invites.ts). */
  | 'handed-off'
  | 'transport-error';

export const INVITE_SERVER_STATES: readonly InviteServerState[] = ['proceeding', 'completed', 'confirmed', 'accepted', 'terminated'];
export const INVITE_SERVER_EVENTS: readonly InviteServerEvent[] = [
  'invite', 'ack', 'tu-provisional', 'tu-success', 'tu-failure', 'timer-trying', 'timer-no-answer', 'timer-g', 'timer-h', 'timer-i', 'timer-l', 'handed-off', 'transport-error',
];

/**
 * Requests (network input) are legal in every live state; those the figures do not draw are absorbed
 * (an ACK before any final response cannot acknowledge anything). The TU may respond only in
 * Proceeding, and in Accepted only with 2xx retransmissions (RFC 6026 §8.7): anything else is a TU
 * bug and throws. A transport error in Accepted is reported and the state kept, so INVITE
 * retransmissions are still absorbed until Timer L.
 */
const TABLE: TransitionTable<InviteServerState, InviteServerEvent> = {
  proceeding: {
    invite: 'proceeding',
    ack: 'proceeding',
    'tu-provisional': 'proceeding',
    'tu-success': 'accepted',
    'tu-failure': 'completed',
    'timer-trying': 'proceeding',
    'timer-no-answer': 'completed',
    'transport-error': 'terminated',
  },
  completed: {
    invite: 'completed',
    ack: 'confirmed',
    'timer-g': 'completed',
    'timer-h': 'terminated',
    'transport-error': 'terminated',
  },
  confirmed: {
    invite: 'confirmed',
    ack: 'confirmed',
    'timer-i': 'terminated',
    'transport-error': 'terminated',
  },
  accepted: {
    invite: 'accepted',
    ack: 'accepted',
    'tu-success': 'accepted',
    'timer-l': 'terminated',
    'handed-off': 'terminated',
    'transport-error': 'accepted',
  },
  terminated: {},
};

export function inviteServerNextState(state: InviteServerState, event: InviteServerEvent): InviteServerState {
  return nextState('INVITE server transaction', TABLE, state, event);
}
