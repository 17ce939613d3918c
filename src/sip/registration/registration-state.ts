/**
 * States of one registration (one account, RFC 3261 §10.2), and the only function that moves
 * between them.
 *
 *   unregistered --start--> registering
 *   registering --resend--> registering        (401/407 answered, 423 with Min-Expires, failover)
 *   registering --granted--> registered
 *   registering --fail--> waiting-retry        (every registrar failed or refused: back-off)
 *   registered --refresh-due--> refreshing     (before the granted expiry runs out, §10.2.1)
 *   refreshing --resend / granted / fail-->    as from registering
 *   waiting-retry --retry-due--> registering
 *   registered | registering | refreshing | waiting-retry --stop--> unregistering (expires 0, §10.2.2)
 *   registering | waiting-retry --abandon--> unregistered   (stop with no binding to remove)
 *   unregistering --resend--> unregistering    (a challenged unregister)
 *   unregistering --done--> unregistered       (any final answer, or none: the binding expires anyway)
 */

export type RegistrationState = 'unregistered' | 'registering' | 'registered' | 'refreshing' | 'waiting-retry' | 'unregistering';
export type RegistrationEvent = 'start' | 'resend' | 'granted' | 'fail' | 'refresh-due' | 'retry-due' | 'stop' | 'abandon' | 'done';

export const REGISTRATION_STATES: readonly RegistrationState[] = ['unregistered', 'registering', 'registered', 'refreshing', 'waiting-retry', 'unregistering'];
export const REGISTRATION_EVENTS: readonly RegistrationEvent[] = ['start', 'resend', 'granted', 'fail', 'refresh-due', 'retry-due', 'stop', 'abandon', 'done'];

const EDGES: Record<RegistrationState, Partial<Record<RegistrationEvent, RegistrationState>>> = {
  unregistered: { start: 'registering' },
  registering: { resend: 'registering', granted: 'registered', fail: 'waiting-retry', stop: 'unregistering', abandon: 'unregistered' },
  registered: { 'refresh-due': 'refreshing', stop: 'unregistering' },
  refreshing: { resend: 'refreshing', granted: 'registered', fail: 'waiting-retry', stop: 'unregistering' },
  'waiting-retry': { 'retry-due': 'registering', stop: 'unregistering', abandon: 'unregistered' },
  unregistering: { resend: 'unregistering', done: 'unregistered' },
};

export class IllegalRegistrationTransition extends Error {
  constructor(
    readonly from: RegistrationState,
    readonly event: RegistrationEvent,
  ) {
    super(`registration: no "${event}" from state "${from}"`);
    this.name = 'IllegalRegistrationTransition';
  }
}

/** The next state, or a throw on an edge the diagram above does not have (a bug in the caller). */
export function nextRegistrationState(from: RegistrationState, event: RegistrationEvent): RegistrationState {
  const to = EDGES[from][event];
  if (to === undefined) throw new IllegalRegistrationTransition(from, event);
  return to;
}
