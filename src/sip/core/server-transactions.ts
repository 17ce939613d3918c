/**
 * How the endpoint makes the server transaction for a new request (RFC 3261 §17.2): the transaction
 * transport bound to where the response goes, and for INVITE the 100 Trying and no-answer 408 it
 * builds. A non-INVITE transaction outlives its handler by Timer J (32 s on UDP), so what it keeps is
 * chosen with care: where to answer and its matching identity in strings of its own, never the parsed
 * request or, through a slice of it, the message text.
 */
import { createResponse, type SipRequest } from '../message/index.js';
import { InviteServerTransaction } from '../transaction/invite-server-transaction.js';
import { NonInviteServerTransaction } from '../transaction/non-invite-server-transaction.js';
import type { TimerScheduler } from '../transaction/timer-scheduler.js';
import type { TransactionRequest, TransactionResponse, TransactionTransport } from '../transaction/transaction-message.js';
import { ignoreReport, type ServerTransactionReport } from '../transaction/transaction-report.js';
import type { TransactionTimers } from '../transaction/transaction-timer-options.js';
import type { IncomingSipMessage, SipTransportSet } from '../transport/index.js';
import type { SipResponse } from '../message/index.js';
import { detachedString } from '../../util/detached-string.js';
import { serverKeyOfRequest } from '../transaction/transaction-key.js';
import type { CompletedRequests } from './completed-requests.js';
import type { BoundTransactionTransport } from '../transport/index.js';

export type ServerTransaction = InviteServerTransaction | NonInviteServerTransaction;

export interface ServerTransactionsOptions {
  readonly transports: SipTransportSet;
  readonly timers: TransactionTimers;
  readonly scheduler: TimerScheduler;
  readonly version: string;
  /** The transaction view of a response the endpoint built. */
  readonly responseView: (response: SipResponse) => TransactionResponse;
  /** What an INVITE server transaction reports (its end, an ACK). */
  readonly inviteReport: (transaction: InviteServerTransaction, report: ServerTransactionReport) => void;
  /** Where non-INVITE transactions on UDP hand their Timer J wait (completed-requests.ts). */
  readonly completed?: CompletedRequests;
}

/** Made in a scope of its own: the store keeps the key and what the transport's resender holds, nothing of this call. */
function handOffTo(store: CompletedRequests, key: string, transport: BoundTransactionTransport): (bytes: Uint8Array) => boolean {
  return (bytes) => {
    const to = transport.resender();
    return to !== undefined && store.add(key, bytes, to);
  };
}

interface Common {
  readonly request: TransactionRequest;
  readonly transport: TransactionTransport;
  readonly timers: TransactionTimers;
  readonly scheduler: TimerScheduler;
}

export class ServerTransactions {
  constructor(private readonly options: ServerTransactionsOptions) {}

  create(request: SipRequest, view: TransactionRequest, incoming: IncomingSipMessage): ServerTransaction {
    // Every closure made here shares this scope: none may hold the request or the incoming message
    // (the INVITE's own closures, which need the request, are made in a scope of their own).
    const origin = { source: incoming.source, transport: incoming.transport, connection: incoming.connection };
    const made: { transaction?: ServerTransaction } = {};
    const transport = this.options.transports.transactionTransport({ origin, topVia: request.topVia }, (error) => made.transaction?.transportError(error));
    const kept: TransactionRequest = { ...view, branch: view.branch === undefined ? undefined : detachedString(view.branch), sentBy: detachedString(view.sentBy) };
    const { timers, scheduler, completed } = this.options;
    if (request.method === 'INVITE') {
      made.transaction = this.invite(request, { request: kept, transport, timers, scheduler });
      return made.transaction;
    }
    const keyed = completed === undefined || transport.reliable ? undefined : serverKeyOfRequest(kept);
    const handOff = keyed?.ok === true && !keyed.legacy ? handOffTo(completed!, keyed.key, transport) : undefined;
    made.transaction = new NonInviteServerTransaction({ request: kept, transport, timers, scheduler, report: ignoreReport, ...(handOff ? { handOff } : {}) });
    return made.transaction;
  }

  private invite(request: SipRequest, common: Common): InviteServerTransaction {
    const { version, responseView, inviteReport } = this.options;
    const transaction: InviteServerTransaction = new InviteServerTransaction({
      ...common,
      buildTrying: () => responseView(createResponse(request, 100, 'Trying', { version })),
      buildNoAnswerResponse: () => responseView(createResponse(request, 408, 'Request Timeout', { version })),
      report: (report) => inviteReport(transaction, report),
    });
    return transaction;
  }
}
