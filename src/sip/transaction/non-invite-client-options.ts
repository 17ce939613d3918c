import type { ClientTransactionReport } from './transaction-report.js';
import type { TransactionRequest, TransactionResponse, TransactionTransport } from './transaction-message.js';
import type { TransactionTimers } from './transaction-timer-options.js';
import type { TimerScheduler } from './timer-scheduler.js';

export interface NonInviteClientTransactionOptions<Res extends TransactionResponse> {
  readonly request: TransactionRequest;
  readonly transport: TransactionTransport;
  readonly timers: TransactionTimers;
  readonly scheduler: TimerScheduler;
  report(event: ClientTransactionReport<Res>): void;
}
