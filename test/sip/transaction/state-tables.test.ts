import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IllegalTransitionError } from '../../../src/sip/transaction/transaction-error.js';
import { INVITE_CLIENT_EVENTS, INVITE_CLIENT_STATES, inviteClientNextState } from '../../../src/sip/transaction/invite-client-state.js';
import { NON_INVITE_CLIENT_EVENTS, NON_INVITE_CLIENT_STATES, nonInviteClientNextState } from '../../../src/sip/transaction/non-invite-client-state.js';
import { INVITE_SERVER_EVENTS, INVITE_SERVER_STATES, inviteServerNextState } from '../../../src/sip/transaction/invite-server-state.js';
import { NON_INVITE_SERVER_EVENTS, NON_INVITE_SERVER_STATES, nonInviteServerNextState } from '../../../src/sip/transaction/non-invite-server-state.js';

/**
 * Every state × event pair of each machine, against tables written here from the RFC figures
 * (RFC 3261 Figures 5–8, RFC 6026 Figures 5 and 7). A pair missing from `legal` must throw.
 */
function checkAllPairs<S extends string, E extends string>(
  states: readonly S[],
  events: readonly E[],
  next: (s: S, e: E) => S,
  legal: Record<S, Partial<Record<E, S>>>,
): void {
  assert.deepEqual([...states].sort(), Object.keys(legal).sort(), 'every state is covered');
  let legalCount = 0;
  let illegalCount = 0;
  for (const state of states) {
    for (const event of events) {
      const expected = legal[state][event];
      if (expected === undefined) {
        assert.throws(() => next(state, event), (e: unknown) => e instanceof IllegalTransitionError && e.state === state && e.event === event, `${state} × ${event} must throw`);
        illegalCount++;
      } else {
        assert.equal(next(state, event), expected, `${state} × ${event}`);
        legalCount++;
      }
    }
  }
  assert.equal(legalCount + illegalCount, states.length * events.length);
  assert.ok(illegalCount > 0 && legalCount > 0);
}

test('INVITE client transaction: every state × event pair', () => {
  checkAllPairs(INVITE_CLIENT_STATES, INVITE_CLIENT_EVENTS, inviteClientNextState, {
    calling: { 'timer-a': 'calling', 'timer-b': 'terminated', provisional: 'proceeding', success: 'accepted', failure: 'completed', 'transport-error': 'terminated' },
    proceeding: { provisional: 'proceeding', success: 'accepted', failure: 'completed', 'transport-error': 'terminated' },
    completed: { 'timer-d': 'terminated', provisional: 'completed', success: 'completed', failure: 'completed', 'transport-error': 'terminated' },
    accepted: { 'timer-m': 'terminated', provisional: 'accepted', success: 'accepted', failure: 'accepted', 'transport-error': 'accepted' },
    terminated: {},
  });
});

test('non-INVITE client transaction: every state × event pair', () => {
  checkAllPairs(NON_INVITE_CLIENT_STATES, NON_INVITE_CLIENT_EVENTS, nonInviteClientNextState, {
    trying: { 'timer-e': 'trying', 'timer-f': 'terminated', provisional: 'proceeding', final: 'completed', 'transport-error': 'terminated' },
    proceeding: { 'timer-e': 'proceeding', 'timer-f': 'terminated', provisional: 'proceeding', final: 'completed', 'transport-error': 'terminated' },
    completed: { 'timer-k': 'terminated', provisional: 'completed', final: 'completed', 'transport-error': 'terminated' },
    terminated: {},
  });
});

test('INVITE server transaction: every state × event pair', () => {
  checkAllPairs(INVITE_SERVER_STATES, INVITE_SERVER_EVENTS, inviteServerNextState, {
    proceeding: {
      invite: 'proceeding', ack: 'proceeding', 'tu-provisional': 'proceeding', 'tu-success': 'accepted', 'tu-failure': 'completed',
      'timer-trying': 'proceeding', 'timer-no-answer': 'completed', 'transport-error': 'terminated',
    },
    completed: { invite: 'completed', ack: 'confirmed', 'timer-g': 'completed', 'timer-h': 'terminated', 'transport-error': 'terminated' },
    confirmed: { invite: 'confirmed', ack: 'confirmed', 'timer-i': 'terminated', 'transport-error': 'terminated' },
    accepted: { invite: 'accepted', ack: 'accepted', 'tu-success': 'accepted', 'timer-l': 'terminated', 'handed-off': 'terminated', 'transport-error': 'accepted' },
    terminated: {},
  });
});

test('non-INVITE server transaction: every state × event pair', () => {
  checkAllPairs(NON_INVITE_SERVER_STATES, NON_INVITE_SERVER_EVENTS, nonInviteServerNextState, {
    trying: { request: 'trying', 'tu-provisional': 'proceeding', 'tu-final': 'completed', 'transport-error': 'terminated' },
    proceeding: { request: 'proceeding', 'tu-provisional': 'proceeding', 'tu-final': 'completed', 'transport-error': 'terminated' },
    completed: { request: 'completed', 'tu-provisional': 'completed', 'tu-final': 'completed', 'timer-j': 'terminated', 'handed-off': 'terminated', 'transport-error': 'terminated' },
    terminated: {},
  });
});
