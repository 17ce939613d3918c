/**
 * States of the registration manager (all accounts together), and the only function that moves
 * between them.
 *
 *   idle --start--> running --stop--> stopping --stopped--> idle
 *
 * `reload` is no edge: it applies a new plan while running and is ignored otherwise.
 */
export type RegistrationManagerState = 'idle' | 'running' | 'stopping';
export type RegistrationManagerEvent = 'start' | 'stop' | 'stopped';

const EDGES: Record<RegistrationManagerState, Partial<Record<RegistrationManagerEvent, RegistrationManagerState>>> = {
  idle: { start: 'running' },
  running: { stop: 'stopping' },
  stopping: { stopped: 'idle' },
};

export class IllegalRegistrationManagerTransition extends Error {
  constructor(
    readonly from: RegistrationManagerState,
    readonly event: RegistrationManagerEvent,
  ) {
    super(`registration manager: no "${event}" from state "${from}"`);
    this.name = 'IllegalRegistrationManagerTransition';
  }
}

export function nextRegistrationManagerState(from: RegistrationManagerState, event: RegistrationManagerEvent): RegistrationManagerState {
  const to = EDGES[from][event];
  if (to === undefined) throw new IllegalRegistrationManagerTransition(from, event);
  return to;
}
