import type { ServerTransactionReport } from './transaction-report.js';
import type { TransactionRequest, TransactionTransport } from './transaction-message.js';
import type { TransactionTimers } from './transaction-timer-options.js';
import type { TimerScheduler } from './timer-scheduler.js';

export interface NonInviteServerTransactionOptions<Req extends TransactionRequest> {
  /** The request that created the transaction. */
  readonly request: Req;
  readonly transport: TransactionTransport;
  readonly timers: TransactionTimers;
  readonly scheduler: TimerScheduler;
  report(event: ServerTransactionReport<Req>): void;
  /**
   * Takes over Timer J on an unreliable transport (§17.2.2: answering retransmissions with the final
   * response for 64·T1) in a compact form; true when it did, and the transaction ends at once.
   */
  handOff?(finalBytes: Uint8Array): boolean;
}
