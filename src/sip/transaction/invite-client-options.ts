import type { ClientTransactionReport } from './transaction-report.js';
import type { TransactionRequest, TransactionResponse, TransactionTransport } from './transaction-message.js';
import type { TransactionTimers } from './transaction-timer-options.js';
import type { TimerScheduler } from './timer-scheduler.js';

export interface InviteClientTransactionOptions<Res extends TransactionResponse> {
  readonly request: TransactionRequest;
  readonly transport: TransactionTransport;
  readonly timers: TransactionTimers;
  readonly scheduler: TimerScheduler;
  /**
   * Builds the ACK for a 3xx–6xx response (§17.1.1.3: Request-URI, Call-ID, From, CSeq number and top
   * Via of the request, To of the response, method ACK). Called once; the bytes are resent for every
   * retransmitted final response.
   */
  buildAck(response: Res): Uint8Array;
  report(event: ClientTransactionReport<Res>): void;
}
