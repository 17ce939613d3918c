import { nextState, type TransitionTable } from './transaction-error.js';

/** RFC 3261 §17.1.2.2 Figure 6. */
export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

export type NonInviteClientEvent = 'timer-e' | 'timer-f' | 'timer-k' | 'provisional' | 'final' | 'transport-error';

export const NON_INVITE_CLIENT_STATES: readonly NonInviteClientState[] = ['trying', 'proceeding', 'completed', 'terminated'];
export const NON_INVITE_CLIENT_EVENTS: readonly NonInviteClientEvent[] = ['timer-e', 'timer-f', 'timer-k', 'provisional', 'final', 'transport-error'];

/** Responses are legal in every live state (absorbed in Completed); timers only where they run. */
const TABLE: TransitionTable<NonInviteClientState, NonInviteClientEvent> = {
  trying: {
    'timer-e': 'trying',
    'timer-f': 'terminated',
    provisional: 'proceeding',
    final: 'completed',
    'transport-error': 'terminated',
  },
  proceeding: {
    'timer-e': 'proceeding',
    'timer-f': 'terminated',
    provisional: 'proceeding',
    final: 'completed',
    'transport-error': 'terminated',
  },
  completed: {
    'timer-k': 'terminated',
    provisional: 'completed',
    final: 'completed',
    'transport-error': 'terminated',
  },
  terminated: {},
};

export function nonInviteClientNextState(state: NonInviteClientState, event: NonInviteClientEvent): NonInviteClientState {
  return nextState('non-INVITE client transaction', TABLE, state, event);
}
