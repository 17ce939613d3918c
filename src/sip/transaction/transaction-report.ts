import type { TransactionRequest, TransactionResponse } from './transaction-message.js';

/** What a client transaction tells its TU. */
export type ClientTransactionReport<Res extends TransactionResponse = TransactionResponse> =
  /** A response the TU must see: provisional, the first final, and every 2xx (RFC 6026 §8.4). */
  | { readonly kind: 'response'; readonly response: Res }
  /** Timer B or F fired: no final response came (§17.1.1.2, §17.1.2.2); the TU treats it as 408. */
  | { readonly kind: 'timeout'; readonly timer: 'B' | 'F' }
  /** The transport could not send (§17.1.4). */
  | { readonly kind: 'transport-error'; readonly error: unknown }
  /** The transaction is gone; told exactly once. */
  | { readonly kind: 'terminated' };

/** What a server transaction tells its TU (the request that created it is handed over by the caller). */
export type ServerTransactionReport<Req extends TransactionRequest = TransactionRequest> =
  /** An ACK for a 2xx, seen in the Accepted state (RFC 6026 §8.7): the dialog stops retransmitting. */
  | { readonly kind: 'ack'; readonly request: Req }
  /** Timer H fired: no ACK came for a 3xx–6xx response (§17.2.1). */
  | { readonly kind: 'timeout'; readonly timer: 'H' }
  /** The no-answer timeout fired; the transaction has already sent the TU's no-answer response. */
  | { readonly kind: 'no-answer' }
  /** The transport could not send (§17.2.4). */
  | { readonly kind: 'transport-error'; readonly error: unknown }
  | { readonly kind: 'terminated' };

/** For a transaction whose TU wants no reports (or no longer does). */
export const ignoreReport = (): void => undefined;
