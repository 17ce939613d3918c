import { nextState, type TransitionTable } from '../transaction/transaction-error.js';

/**
 * Our outgoing INVITE as the UAC core sees it: waiting for a final response, CANCEL sent, answered
 * (one dialog kept; every later 2xx from another fork is released), or failed.
 */
export type UacInviteState = 'pending' | 'cancelling' | 'answered' | 'failed';

export type UacInviteEvent = 'provisional' | 'cancel' | 'success' | 'failure';

export const UAC_INVITE_STATES: readonly UacInviteState[] = ['pending', 'cancelling', 'answered', 'failed'];
export const UAC_INVITE_EVENTS: readonly UacInviteEvent[] = ['provisional', 'cancel', 'success', 'failure'];

/**
 * A 2xx while cancelling is the CANCEL/200 race (§9.1: the CANCEL came too late): the call is answered
 * and the UAC ends it with ACK + BYE. Responses arriving once answered or failed (forks, stragglers)
 * keep the state. CANCEL is legal only before a final response.
 */
const TABLE: TransitionTable<UacInviteState, UacInviteEvent> = {
  pending: { provisional: 'pending', cancel: 'cancelling', success: 'answered', failure: 'failed' },
  cancelling: { provisional: 'cancelling', success: 'answered', failure: 'failed' },
  answered: { provisional: 'answered', success: 'answered', failure: 'answered' },
  failed: { provisional: 'failed', success: 'failed', failure: 'failed' },
};

export function uacInviteNextState(state: UacInviteState, event: UacInviteEvent): UacInviteState {
  return nextState('UAC INVITE', TABLE, state, event);
}
