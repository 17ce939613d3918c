import { nextState, type TransitionTable } from '../transaction/transaction-error.js';

/** The UAS core's 2xx retransmission for one INVITE (RFC 3261 §13.3.1.4). */
export type RetransmitterState = 'retransmitting' | 'acknowledged' | 'timed-out' | 'stopped';

export type RetransmitterEvent =
  /** The retransmit interval ran out: send the 2xx again. */
  | 'interval'
  /** The ACK for the 2xx arrived. */
  | 'ack'
  /** 64·T1 passed without an ACK. */
  | 'give-up'
  /** The TU stopped it (the dialog ended another way). */
  | 'stop';

export const RETRANSMITTER_STATES: readonly RetransmitterState[] = ['retransmitting', 'acknowledged', 'timed-out', 'stopped'];
export const RETRANSMITTER_EVENTS: readonly RetransmitterEvent[] = ['interval', 'ack', 'give-up', 'stop'];

/** ACK retransmissions after the first are legal and change nothing; timers cannot fire once stopped. */
const TABLE: TransitionTable<RetransmitterState, RetransmitterEvent> = {
  retransmitting: { interval: 'retransmitting', ack: 'acknowledged', 'give-up': 'timed-out', stop: 'stopped' },
  acknowledged: { ack: 'acknowledged', stop: 'acknowledged' },
  'timed-out': { ack: 'timed-out', stop: 'timed-out' },
  stopped: { ack: 'stopped', stop: 'stopped' },
};

export function retransmitterNextState(state: RetransmitterState, event: RetransmitterEvent): RetransmitterState {
  return nextState('2xx retransmitter', TABLE, state, event);
}
