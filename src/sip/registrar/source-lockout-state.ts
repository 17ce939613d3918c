/**
 * States of one source address in the failure lockout, and the only function that moves between them.
 *
 *   counting --failure--> counting        (below the limit, inside the window)
 *   counting --limit-reached--> locked    (the limit-th failure inside the window)
 *   counting --window-passed--> counting  (the count starts again)
 *   locked --lock-expired--> counting     (count reset to zero)
 *
 * A locked source gets no digest work at all, so `failure` has no edge from `locked`.
 */

export type SourceLockoutState = 'counting' | 'locked';
export type SourceLockoutEvent = 'failure' | 'limit-reached' | 'window-passed' | 'lock-expired';

const EDGES: Record<SourceLockoutState, Partial<Record<SourceLockoutEvent, SourceLockoutState>>> = {
  counting: { failure: 'counting', 'limit-reached': 'locked', 'window-passed': 'counting' },
  locked: { 'lock-expired': 'counting' },
};

export class IllegalSourceLockoutTransition extends Error {
  constructor(
    readonly from: SourceLockoutState,
    readonly event: SourceLockoutEvent,
  ) {
    super(`source lockout: no "${event}" from state "${from}"`);
    this.name = 'IllegalSourceLockoutTransition';
  }
}

export function nextSourceLockoutState(from: SourceLockoutState, event: SourceLockoutEvent): SourceLockoutState {
  const to = EDGES[from][event];
  if (to === undefined) throw new IllegalSourceLockoutTransition(from, event);
  return to;
}
