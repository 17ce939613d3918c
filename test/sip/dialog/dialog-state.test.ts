import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IllegalTransitionError } from '../../../src/sip/transaction/transaction-error.js';
import {
  DIALOG_EVENTS, DIALOG_STATES, dialogNextState,
  RETRANSMITTER_EVENTS, RETRANSMITTER_STATES, retransmitterNextState,
  UAC_INVITE_EVENTS, UAC_INVITE_STATES, uacInviteNextState,
  UAS_INVITE_EVENTS, UAS_INVITE_STATES, uasInviteNextState,
} from '../../../src/sip/dialog/index.js';

/** Every state × event pair against a table written here from RFC 3261 §12–§15; a missing pair must throw. */
function checkAllPairs<S extends string, E extends string>(states: readonly S[], events: readonly E[], next: (s: S, e: E) => S, legal: Record<S, Partial<Record<E, S>>>): void {
  assert.deepEqual([...states].sort(), Object.keys(legal).sort());
  let pairs = 0;
  for (const state of states) {
    for (const event of events) {
      const expected = legal[state][event];
      if (expected === undefined) {
        assert.throws(() => next(state, event), (e: unknown) => e instanceof IllegalTransitionError && e.state === state && e.event === event, `${state} × ${event} must throw`);
      } else {
        assert.equal(next(state, event), expected, `${state} × ${event}`);
      }
      pairs++;
    }
  }
  assert.equal(pairs, states.length * events.length);
}

test('dialog: every state × event pair', () => {
  checkAllPairs(DIALOG_STATES, DIALOG_EVENTS, dialogNextState, {
    early: {
      provisional: 'early', success: 'confirmed', failure: 'terminated', 'bye-received': 'terminated',
      'request-failed': 'terminated', 'target-refresh': 'early', 'in-dialog-request': 'early',
    },
    confirmed: {
      success: 'confirmed', 'bye-sent': 'terminated', 'bye-received': 'terminated', 'no-ack': 'terminated',
      'request-failed': 'terminated', 'target-refresh': 'confirmed', 'in-dialog-request': 'confirmed',
    },
    terminated: {},
  });
});

test('UAC INVITE: every state × event pair (a 2xx while cancelling is the CANCEL/200 race)', () => {
  checkAllPairs(UAC_INVITE_STATES, UAC_INVITE_EVENTS, uacInviteNextState, {
    pending: { provisional: 'pending', cancel: 'cancelling', success: 'answered', failure: 'failed' },
    cancelling: { provisional: 'cancelling', success: 'answered', failure: 'failed' },
    answered: { provisional: 'answered', success: 'answered', failure: 'answered' },
    failed: { provisional: 'failed', success: 'failed', failure: 'failed' },
  });
});

test('UAS INVITE: every state × event pair', () => {
  checkAllPairs(UAS_INVITE_STATES, UAS_INVITE_EVENTS, uasInviteNextState, {
    proceeding: { provisional: 'proceeding', accept: 'accepted', reject: 'rejected', ack: 'proceeding' },
    accepted: { ack: 'confirmed', 'no-ack': 'ack-timed-out' },
    confirmed: { ack: 'confirmed' },
    rejected: { ack: 'rejected' },
    'ack-timed-out': { ack: 'ack-timed-out' },
  });
});

test('2xx retransmitter: every state × event pair', () => {
  checkAllPairs(RETRANSMITTER_STATES, RETRANSMITTER_EVENTS, retransmitterNextState, {
    retransmitting: { interval: 'retransmitting', ack: 'acknowledged', 'give-up': 'timed-out', stop: 'stopped' },
    acknowledged: { ack: 'acknowledged', stop: 'acknowledged' },
    'timed-out': { ack: 'timed-out', stop: 'timed-out' },
    stopped: { ack: 'stopped', stop: 'stopped' },
  });
});
