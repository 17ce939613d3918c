import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  IllegalRegistrationTransition,
  nextRegistrationState,
  REGISTRATION_EVENTS,
  REGISTRATION_STATES,
  type RegistrationEvent,
  type RegistrationState,
} from '../../../src/sip/registration/index.js';

/** The legal edges, written out from the diagram independently of the table in the source. */
const LEGAL: readonly [RegistrationState, RegistrationEvent, RegistrationState][] = [
  ['unregistered', 'start', 'registering'],
  ['registering', 'resend', 'registering'],
  ['registering', 'granted', 'registered'],
  ['registering', 'fail', 'waiting-retry'],
  ['registering', 'stop', 'unregistering'],
  ['registering', 'abandon', 'unregistered'],
  ['registered', 'refresh-due', 'refreshing'],
  ['registered', 'stop', 'unregistering'],
  ['refreshing', 'resend', 'refreshing'],
  ['refreshing', 'granted', 'registered'],
  ['refreshing', 'fail', 'waiting-retry'],
  ['refreshing', 'stop', 'unregistering'],
  ['waiting-retry', 'retry-due', 'registering'],
  ['waiting-retry', 'stop', 'unregistering'],
  ['waiting-retry', 'abandon', 'unregistered'],
  ['unregistering', 'resend', 'unregistering'],
  ['unregistering', 'done', 'unregistered'],
];

test('every state × event: the legal edges lead where the diagram says, every other one throws', () => {
  let checked = 0;
  for (const state of REGISTRATION_STATES) {
    for (const event of REGISTRATION_EVENTS) {
      const edge = LEGAL.find(([from, on]) => from === state && on === event);
      if (edge) {
        assert.equal(nextRegistrationState(state, event), edge[2], `${state} --${event}-->`);
      } else {
        assert.throws(
          () => nextRegistrationState(state, event),
          (error: unknown) => error instanceof IllegalRegistrationTransition && error.from === state && error.event === event,
          `${state} --${event}--> must throw`,
        );
      }
      checked++;
    }
  }
  assert.equal(checked, 6 * 9);
});
