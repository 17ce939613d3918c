import { nextState, type TransitionTable } from './transaction-error.js';

/** RFC 3261 §17.2.2 Figure 8. */
export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** `handed-off`: the Timer J wait moved to the endpoint's compact store (completed-requests.ts). */
export type NonInviteServerEvent = 'request' | 'tu-provisional' | 'tu-final' | 'timer-j' | 'handed-off' | 'transport-error';

export const NON_INVITE_SERVER_STATES: readonly NonInviteServerState[] = ['trying', 'proceeding', 'completed', 'terminated'];
export const NON_INVITE_SERVER_EVENTS: readonly NonInviteServerEvent[] = ['request', 'tu-provisional', 'tu-final', 'timer-j', 'handed-off', 'transport-error'];

/**
 * §17.2.2: in Completed, further responses from the TU "MUST be discarded", so they are a legal
 * self-edge there rather than an error. Retransmitted requests are legal in every live state.
 */
const TABLE: TransitionTable<NonInviteServerState, NonInviteServerEvent> = {
  trying: {
    request: 'trying',
    'tu-provisional': 'proceeding',
    'tu-final': 'completed',
    'transport-error': 'terminated',
  },
  proceeding: {
    request: 'proceeding',
    'tu-provisional': 'proceeding',
    'tu-final': 'completed',
    'transport-error': 'terminated',
  },
  completed: {
    request: 'completed',
    'tu-provisional': 'completed',
    'tu-final': 'completed',
    'timer-j': 'terminated',
    'handed-off': 'terminated',
    'transport-error': 'terminated',
  },
  terminated: {},
};

export function nonInviteServerNextState(state: NonInviteServerState, event: NonInviteServerEvent): NonInviteServerState {
  return nextState('non-INVITE server transaction', TABLE, state, event);
}
