import { nextState, type TransitionTable } from '../transaction/transaction-error.js';

/** RFC 3261 §12: a dialog is early (made by a 1xx with a To tag), confirmed (by a 2xx) or over. */
export type DialogState = 'early' | 'confirmed' | 'terminated';

export type DialogEvent =
  /** A 1xx with a To tag sent or received for the dialog-creating INVITE. */
  | 'provisional'
  /** A 2xx for the dialog-creating INVITE (also its retransmissions). */
  | 'success'
  /** A 3xx–6xx for the dialog-creating INVITE (§12.3: ends every early dialog). */
  | 'failure'
  /** We send BYE (§15: only on confirmed dialogs here; early sessions end with CANCEL or a failure). */
  | 'bye-sent'
  /** The peer sent BYE (§15.1.2; a caller MAY send it on an early dialog). */
  | 'bye-received'
  /** Our 2xx was never acknowledged within 64·T1 (§13.3.1.4). */
  | 'no-ack'
  /** A 481 or 408 (or timeout) for an in-dialog request ends the dialog (§12.2.1.2). */
  | 'request-failed'
  /** A re-INVITE or UPDATE (or its 2xx) replaced the remote target (§12.2). */
  | 'target-refresh'
  /** Any other in-dialog request or response that passed the checks. */
  | 'in-dialog-request';

export const DIALOG_STATES: readonly DialogState[] = ['early', 'confirmed', 'terminated'];
export const DIALOG_EVENTS: readonly DialogEvent[] = [
  'provisional', 'success', 'failure', 'bye-sent', 'bye-received', 'no-ack', 'request-failed', 'target-refresh', 'in-dialog-request',
];

/**
 * Terminated has no edges: the dialog layer drops a dialog from its table when it terminates, so no
 * network input reaches it afterwards. A confirmed dialog takes `success` again (2xx retransmissions)
 * but never `provisional` or `failure`: a final response cannot follow a 2xx for the same To tag.
 */
const TABLE: TransitionTable<DialogState, DialogEvent> = {
  early: {
    provisional: 'early',
    success: 'confirmed',
    failure: 'terminated',
    'bye-received': 'terminated',
    'request-failed': 'terminated',
    'target-refresh': 'early',
    'in-dialog-request': 'early',
  },
  confirmed: {
    success: 'confirmed',
    'bye-sent': 'terminated',
    'bye-received': 'terminated',
    'no-ack': 'terminated',
    'request-failed': 'terminated',
    'target-refresh': 'confirmed',
    'in-dialog-request': 'confirmed',
  },
  terminated: {},
};

/** The next state; an edge the table lacks throws `IllegalTransitionError`. */
export function dialogNextState(state: DialogState, event: DialogEvent): DialogState {
  return nextState('dialog', TABLE, state, event);
}

/** Whether the edge exists (callers check before feeding network input, so peers cannot make it throw). */
export function dialogAccepts(state: DialogState, event: DialogEvent): boolean {
  return TABLE[state][event] !== undefined;
}
