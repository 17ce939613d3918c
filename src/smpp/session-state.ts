/**
 * The SMPP session state machine on the SMSC side (SMPP 3.4 §2.2) and the table of which PDUs an ESME
 * may send in which state (§2.3, Table 2-1). Pure.
 *
 *   OPEN --bind_transmitter--> BOUND_TX
 *   OPEN --bind_receiver-----> BOUND_RX        BOUND_* --unbind / unbind_resp--> UNBOUND --> CLOSED
 *   OPEN --bind_transceiver--> BOUND_TRX       any state --network connection lost--> CLOSED
 */
import type { BindMode } from './types.js';

export type SessionState = 'OPEN' | 'BOUND_TX' | 'BOUND_RX' | 'BOUND_TRX' | 'UNBOUND' | 'CLOSED';

const EDGES: Readonly<Record<SessionState, readonly SessionState[]>> = {
  OPEN: ['BOUND_TX', 'BOUND_RX', 'BOUND_TRX', 'CLOSED'],
  BOUND_TX: ['UNBOUND', 'CLOSED'],
  BOUND_RX: ['UNBOUND', 'CLOSED'],
  BOUND_TRX: ['UNBOUND', 'CLOSED'],
  UNBOUND: ['CLOSED'],
  CLOSED: [],
};

export class IllegalTransition extends Error {
  override readonly name = 'IllegalTransition';
}

export class BindStateMachine {
  private current: SessionState = 'OPEN';

  get state(): SessionState {
    return this.current;
  }

  get bound(): boolean {
    return this.current === 'BOUND_TX' || this.current === 'BOUND_RX' || this.current === 'BOUND_TRX';
  }

  /** Moves to `to`; throws IllegalTransition on an edge §2.2 does not have (a bug in the caller). */
  transition(to: SessionState): void {
    if (!EDGES[this.current].includes(to)) throw new IllegalTransition(`SMPP session: ${this.current} -> ${to} is not a valid transition`);
    this.current = to;
  }

  /** Whether `to` can be reached from here. */
  can(to: SessionState): boolean {
    return EDGES[this.current].includes(to);
  }
}

export const BIND_COMMANDS: Readonly<Record<string, BindMode>> = {
  bind_transmitter: 'transmitter',
  bind_receiver: 'receiver',
  bind_transceiver: 'transceiver',
};

export function boundStateFor(mode: BindMode): SessionState {
  return mode === 'transmitter' ? 'BOUND_TX' : mode === 'receiver' ? 'BOUND_RX' : 'BOUND_TRX';
}

/**
 * §2.3 Table 2-1, ESME -> SMSC requests: the states in which the SMSC accepts each one.
 * Requests that only an SMSC sends (deliver_sm, outbind, alert_notification) are allowed in no state.
 */
const ALLOWED: Readonly<Record<string, readonly SessionState[]>> = {
  bind_transmitter: ['OPEN'],
  bind_receiver: ['OPEN'],
  bind_transceiver: ['OPEN'],
  unbind: ['BOUND_TX', 'BOUND_RX', 'BOUND_TRX'],
  enquire_link: ['BOUND_TX', 'BOUND_RX', 'BOUND_TRX'],
  submit_sm: ['BOUND_TX', 'BOUND_TRX'],
  submit_multi: ['BOUND_TX', 'BOUND_TRX'],
  data_sm: ['BOUND_TX', 'BOUND_TRX'],
  query_sm: ['BOUND_TX', 'BOUND_TRX'],
  cancel_sm: ['BOUND_TX', 'BOUND_TRX'],
  replace_sm: ['BOUND_TX', 'BOUND_TRX'],
  deliver_sm: [],
  outbind: [],
  alert_notification: [],
};

export function requestAllowed(command: string, state: SessionState): boolean {
  return (ALLOWED[command] ?? []).includes(state);
}
