import type { ServerTransactionReport } from './transaction-report.js';
import type { TransactionRequest, TransactionResponse, TransactionTransport } from './transaction-message.js';
import type { TransactionTimers } from './transaction-timer-options.js';
import type { TimerScheduler } from './timer-scheduler.js';

export interface InviteServerTransactionOptions<Req extends TransactionRequest> {
  /** The INVITE that created the transaction. */
  readonly request: Req;
  readonly transport: TransactionTransport;
  readonly timers: TransactionTimers;
  readonly scheduler: TimerScheduler;
  /** The 100 (Trying) sent when the TU has not answered within `tryingDelayMs` (§17.2.1, §8.2.6.1). */
  buildTrying(): TransactionResponse;
  /**
   * The final response sent when the no-answer timeout fires (the device manual: 408 Request Timeout).
   * Must be 3xx–6xx; only called when `timers.noAnswerTimeoutMs` is set.
   */
  buildNoAnswerResponse(): TransactionResponse;
  report(event: ServerTransactionReport<Req>): void;
}
