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
}
