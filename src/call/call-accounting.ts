/**
 * The hook through which whatever counts calls (the SIM policy) learns of them. The call service is
 * the only writer of call records; at each step of a call it asks the accounting what that step
 * changes in its durable state, writes those state documents in the same SQLite transaction as the
 * call's record, and only then lets the accounting adopt the change. So the stored counters and the
 * stored records never disagree, even across kill -9, and a change that was not stored is not applied.
 */
import type { StoredCall, StateUpdate } from '../store/records.js';
import type { Call } from './call.js';
import type { CallState } from './call-state.js';

/** A step of a call, as the accounting sees it. */
export type CallStep =
  /** The call began (dialled, or ringing in). Refused requests never reach the accounting. */
  | { kind: 'started'; call: Call }
  /** The call moved, e.g. to ALERTING or CONNECTED. */
  | { kind: 'changed'; call: Call; from: CallState }
  /** The call ended; `call.times.end` and the causes are set. */
  | { kind: 'ended'; call: Call; from: CallState };

/** What one step changes: written with the call's record, then committed. */
export interface AccountingChange {
  /** State documents to write in the record's transaction. */
  updates: readonly StateUpdate[];
  /** Seconds charged for the call (ended steps): the record's billed seconds. */
  billedSec?: number;
  /** Adopts the change; runs only after the transaction committed. */
  commit(): void;
}

/** How to close a call the store still holds open after a restart (the daemon died during it). */
export interface InterruptedClose {
  answeredAt: number | null;
  endedAt: number;
  durationSec: number;
  billedSec: number;
  change: AccountingChange | null;
}

export interface CallAccounting {
  /** The change a step makes, or null when the step does not count. Must not throw. */
  callStep(step: CallStep): AccountingChange | null;
  /** Closes a call interrupted by a restart: what the accounting knows of it, and what that changes. */
  closeInterrupted(open: StoredCall): InterruptedClose;
}
