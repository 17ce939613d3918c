/**
 * The two state machines of a forked GSM → SIP call: the whole fork, and each branch (one INVITE to
 * one target). Illegal edges throw IllegalTransitionError.
 *
 * Fork:   idle ─start→ ringing ─answer→ answered
 *                         ├──all-failed→ failed
 *                         ├──cancel→ cancelled      (the GSM caller hung up)
 *                         └──timeout→ timed-out     (sip.forward.noAnswerSec)
 *
 * Branch: calling ─provisional→ proceeding; either ─success→ answered, ─failure→ failed.
 *         A branch we no longer want: proceeding ─cancel→ cancelling (CANCEL sent); calling ─cancel→
 *         cancel-pending, because RFC 3261 §9.1 forbids a CANCEL before a provisional response: the
 *         CANCEL goes out with the first one (─provisional→ cancelling). A 2xx on a branch we do not
 *         keep (─success→ released) is ACKed and ended with BYE (§13.2.2.4); `release` does the same
 *         to the winner when its answer is unusable.
 */
import { nextState, type TransitionTable } from '../transaction/transaction-error.js';

export type ForkState = 'idle' | 'ringing' | 'answered' | 'failed' | 'cancelled' | 'timed-out';
export type ForkEvent = 'start' | 'answer' | 'all-failed' | 'cancel' | 'timeout';

const FORK: TransitionTable<ForkState, ForkEvent> = {
  idle: { start: 'ringing', 'all-failed': 'failed', cancel: 'cancelled' },
  ringing: { answer: 'answered', 'all-failed': 'failed', cancel: 'cancelled', timeout: 'timed-out' },
  answered: {},
  failed: {},
  cancelled: {},
  'timed-out': {},
};

export function forkNextState(state: ForkState, event: ForkEvent): ForkState {
  return nextState('GSM→SIP fork', FORK, state, event);
}

export type BranchState = 'calling' | 'proceeding' | 'cancel-pending' | 'cancelling' | 'answered' | 'released' | 'failed';
export type BranchEvent = 'provisional' | 'cancel' | 'success' | 'failure' | 'release';

const BRANCH: TransitionTable<BranchState, BranchEvent> = {
  calling: { provisional: 'proceeding', cancel: 'cancel-pending', success: 'answered', failure: 'failed' },
  proceeding: { provisional: 'proceeding', cancel: 'cancelling', success: 'answered', failure: 'failed' },
  'cancel-pending': { provisional: 'cancelling', cancel: 'cancel-pending', success: 'released', failure: 'failed' },
  cancelling: { provisional: 'cancelling', cancel: 'cancelling', success: 'released', failure: 'failed' },
  answered: { release: 'released' },
  released: {},
  failed: {},
};

export function branchNextState(state: BranchState, event: BranchEvent): BranchState {
  return nextState('GSM→SIP fork branch', BRANCH, state, event);
}

/** Whether a branch still waits for its final response. */
export function branchPending(state: BranchState): boolean {
  return state === 'calling' || state === 'proceeding' || state === 'cancel-pending' || state === 'cancelling';
}
