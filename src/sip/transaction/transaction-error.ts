/** A state machine was asked to take an edge that RFC 3261 §17 does not draw. */
export class IllegalTransitionError extends Error {
  constructor(
    readonly machine: string,
    readonly state: string,
    readonly event: string,
  ) {
    super(`${machine}: no transition for event "${event}" in state "${state}"`);
    this.name = 'IllegalTransitionError';
  }
}

/** The transition tables of the four machines: state → event → next state. */
export type TransitionTable<S extends string, E extends string> = Readonly<Record<S, Readonly<Partial<Record<E, S>>>>>;

/** Looks up the next state; an edge missing from the table throws `IllegalTransitionError`. */
export function nextState<S extends string, E extends string>(machine: string, table: TransitionTable<S, E>, state: S, event: E): S {
  const to = table[state][event];
  if (to === undefined) throw new IllegalTransitionError(machine, state, event);
  return to;
}
