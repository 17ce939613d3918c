import { classifyStatus, type TransactionRequest, type TransactionResponse } from './transaction-message.js';
import { nonInviteServerNextState, type NonInviteServerEvent, type NonInviteServerState } from './non-invite-server-state.js';
import type { NonInviteServerTransactionOptions } from './non-invite-server-options.js';
import type { ServerRequestVerdict } from './invite-server-transaction.js';
import { TransactionMachine } from './transaction-machine.js';

/** What became of a TU response: sent, or discarded because a final one was already sent (§17.2.2). */
export type ServerRespondVerdict = 'sent' | 'discarded' | 'transport-error';

/**
 * The non-INVITE server transaction (RFC 3261 §17.2.2), also used for CANCEL. The caller passes the
 * request to the TU itself; the transaction answers retransmissions with the last response.
 */
export class NonInviteServerTransaction<Req extends TransactionRequest = TransactionRequest> extends TransactionMachine<NonInviteServerState, NonInviteServerEvent, 'J'> {
  private lastResponse: TransactionResponse | undefined;

  constructor(private readonly options: NonInviteServerTransactionOptions<Req>) {
    super('trying', nonInviteServerNextState, options.scheduler);
  }

  get request(): Req {
    return this.options.request;
  }

  get lastSentResponse(): TransactionResponse | undefined {
    return this.lastResponse;
  }

  /** Sends a response from the TU; after a final response further ones are discarded (§17.2.2). */
  respond(response: TransactionResponse): ServerRespondVerdict {
    const responseClass = classifyStatus(response.statusCode);
    if (responseClass === undefined) throw new RangeError(`not a SIP status code: ${response.statusCode}`);
    const from = this.move(responseClass === 'provisional' ? 'tu-provisional' : 'tu-final');
    if (from === 'completed') return 'discarded';
    this.lastResponse = response;
    if (!this.send(response.bytes)) return 'transport-error';
    if (this.current === 'completed') {
      // §17.2.2: Timer J absorbs request retransmissions; 64·T1 on UDP, zero on reliable transports.
      // On UDP a compact store may take the wait over: 32 s of a whole transaction per request is
      // what a registrar under load would otherwise keep.
      if (!this.options.transport.reliable && this.options.handOff?.(response.bytes) === true) {
        this.fire('handed-off');
        return 'sent';
      }
      this.timers.start('J', this.options.transport.reliable ? 0 : this.options.timers.timerJMs, () => this.fire('timer-j'));
    }
    return 'sent';
  }

  /** A retransmission of the request, matched by the transaction table. */
  receiveRequest(request: Req): ServerRequestVerdict {
    if (this.isTerminated()) return 'transaction-terminated';
    if (request.method !== this.options.request.method) return 'not-this-transaction';
    const from = this.move('request');
    // §17.2.2: absorbed in Trying; the last provisional in Proceeding; the final in Completed.
    if (from === 'trying' || this.lastResponse === undefined) return 'absorbed';
    this.send(this.lastResponse.bytes);
    return 'response-resent';
  }

  /** A transport failure reported after `send` returned (§17.2.4). */
  transportError(error: unknown): void {
    if (this.isTerminated()) return;
    this.move('transport-error');
    this.options.report({ kind: 'transport-error', error });
    this.terminate();
  }

  private send(bytes: Uint8Array): boolean {
    return this.sendBytes(this.options.transport, bytes);
  }

  protected reportTerminated(): void {
    this.options.report({ kind: 'terminated' });
  }
}
