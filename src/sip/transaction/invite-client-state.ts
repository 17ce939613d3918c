import { nextState, type TransitionTable } from './transaction-error.js';

/** RFC 3261 §17.1.1.2 Figure 5, with the Accepted state of RFC 6026 §8.4 (Figure 5 there). */
export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

export type InviteClientEvent =
  | 'timer-a'
  | 'timer-b'
  | 'timer-d'
  | 'timer-m'
  | 'provisional'
  | 'success'
  | 'failure'
  | 'transport-error';

export const INVITE_CLIENT_STATES: readonly InviteClientState[] = ['calling', 'proceeding', 'completed', 'accepted', 'terminated'];
export const INVITE_CLIENT_EVENTS: readonly InviteClientEvent[] = ['timer-a', 'timer-b', 'timer-d', 'timer-m', 'provisional', 'success', 'failure', 'transport-error'];

/**
 * Responses (network input) are legal in every live state: those the figure does not draw are
 * absorbed. Timers only fire where they run. In Accepted nothing is sent, so a late transport error
 * is reported and the state kept until Timer M, still absorbing 2xx retransmissions for the TU.
 */
const TABLE: TransitionTable<InviteClientState, InviteClientEvent> = {
  calling: {
    'timer-a': 'calling',
    'timer-b': 'terminated',
    provisional: 'proceeding',
    success: 'accepted',
    failure: 'completed',
    'transport-error': 'terminated',
  },
  proceeding: {
    provisional: 'proceeding',
    success: 'accepted',
    failure: 'completed',
    'transport-error': 'terminated',
  },
  completed: {
    'timer-d': 'terminated',
    provisional: 'completed',
    success: 'completed',
    failure: 'completed',
    'transport-error': 'terminated',
  },
  accepted: {
    'timer-m': 'terminated',
    provisional: 'accepted',
    success: 'accepted',
    failure: 'accepted',
    'transport-error': 'accepted',
  },
  terminated: {},
};

export function inviteClientNextState(state: InviteClientState, event: InviteClientEvent): InviteClientState {
  return nextState('INVITE client transaction', TABLE, state, event);
}
