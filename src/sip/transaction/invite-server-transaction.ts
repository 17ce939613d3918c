import { classifyStatus, NO_BYTES, type TransactionRequest, type TransactionResponse } from './transaction-message.js';
import { inviteServerNextState, type InviteServerEvent, type InviteServerState } from './invite-server-state.js';
import type { InviteServerTransactionOptions } from './invite-server-options.js';
import { TransactionMachine } from './transaction-machine.js';
import { ignoreReport } from './transaction-report.js';
import { detachedString } from '../../util/detached-string.js';

/** What became of a received request (a retransmitted INVITE or an ACK). */
export type ServerRequestVerdict = 'response-resent' | 'passed-to-tu' | 'absorbed' | 'not-this-transaction' | 'transaction-terminated';

/**
 * The INVITE server transaction (RFC 3261 §17.2.1, RFC 6026 §8.7). The caller passes the INVITE to
 * the TU itself, then calls `start()`. The transaction sends one 2xx per `respond` call and never
 * retransmits it: the TU (the dialog) retransmits 2xx until the ACK (§13.3.1.4), through `respond`,
 * and learns of the ACK from the `ack` report.
 */
export class InviteServerTransaction<Req extends TransactionRequest = TransactionRequest> extends TransactionMachine<InviteServerState, InviteServerEvent, 'trying' | 'no-answer' | 'G' | 'H' | 'I' | 'L'> {
  private started = false;
  private lastResponse: TransactionResponse | undefined;
  private timerGIntervalMs: number;
  private readonly options: Omit<InviteServerTransactionOptions<Req>, 'buildTrying' | 'buildNoAnswerResponse' | 'report'>;
  /**
   * The builders are needed only until the final response, the report until the TU lets go (`release`).
   * Each holds what its maker closed over (the parsed INVITE, the TU's context): the transaction
   * outlives its 2xx by Timer L, 32 s, and drops them as soon as it can.
   */
  private builders: Pick<InviteServerTransactionOptions<Req>, 'buildTrying' | 'buildNoAnswerResponse'> | null;
  private report: InviteServerTransactionOptions<Req>['report'];

  constructor(options: InviteServerTransactionOptions<Req>) {
    super('proceeding', inviteServerNextState, options.scheduler);
    const { buildTrying, buildNoAnswerResponse, report, ...rest } = options;
    this.options = rest;
    this.builders = { buildTrying, buildNoAnswerResponse };
    this.report = report;
    this.timerGIntervalMs = options.timers.t1Ms;
  }

  get request(): Req {
    return this.options.request;
  }

  /**
   * The TU is done with this transaction (its 2xx was acknowledged): from here it only absorbs
   * retransmitted INVITEs until Timer L, reports nothing, and keeps of its 2xx only the To tag (for
   * RFC 2543 matching, §17.2.3). Only in Accepted; elsewhere it does nothing.
   */
  release(): void {
    if (this.current !== 'accepted') return;
    this.report = ignoreReport;
    const last = this.lastResponse;
    // The tag as a string of its own: a slice would keep the whole 2xx text alive.
    if (last !== undefined) this.lastResponse = { statusCode: last.statusCode, bytes: NO_BYTES, toTag: last.toTag === undefined ? undefined : detachedString(last.toTag) };
  }

  /**
   * The TU is done with this transaction (its 2xx was acknowledged) and a compact store has taken over
   * Timer L's wait (absorbing retransmitted INVITEs, answering a late CANCEL with the 2xx's To tag): the
   * transaction ends now and reports nothing. Only in Accepted; elsewhere it does nothing.
   */
  handOff(): void {
    if (this.current !== 'accepted') return;
    this.report = ignoreReport;
    this.lastResponse = undefined;
    this.fire('handed-off');
  }

  /** The most recent response sent (the TU's or the transaction's own 100 Trying). */
  get lastSentResponse(): TransactionResponse | undefined {
    return this.lastResponse;
  }

  /** Starts the 100 Trying timer and, if configured, the no-answer timeout. */
  start(): void {
    if (this.started) throw new Error('INVITE server transaction already started');
    this.started = true;
    const { tryingDelayMs, noAnswerTimeoutMs } = this.options.timers;
    if (noAnswerTimeoutMs !== null) this.timers.start('no-answer', noAnswerTimeoutMs, () => this.onNoAnswer());
    this.timers.start('trying', tryingDelayMs, () => this.onTrying());
  }

  /** Sends a response from the TU. An edge the machine does not have throws `IllegalTransitionError`. */
  respond(response: TransactionResponse): void {
    const responseClass = classifyStatus(response.statusCode);
    if (responseClass === undefined) throw new RangeError(`not a SIP status code: ${response.statusCode}`);
    const event: InviteServerEvent = responseClass === 'provisional' ? 'tu-provisional' : responseClass === 'success' ? 'tu-success' : 'tu-failure';
    const from = this.move(event);
    this.timers.cancel('trying');
    if (responseClass !== 'provisional') {
      this.timers.cancel('no-answer');
      this.builders = null;
    }
    if (!this.send(response)) return;
    if (from !== 'proceeding') return;
    if (responseClass === 'success') {
      // RFC 6026 §8.7: Timer L keeps the transaction to absorb INVITE retransmissions.
      this.timers.start('L', this.options.timers.timerLMs, () => this.fire('timer-l'));
    } else if (responseClass === 'failure') {
      this.enterCompleted();
    }
  }

  /** A request that the transaction table matched to this transaction: the INVITE again, or an ACK. */
  receiveRequest(request: Req): ServerRequestVerdict {
    if (this.isTerminated()) return 'transaction-terminated';
    if (request.method !== 'INVITE' && request.method !== 'ACK') return 'not-this-transaction';
    const from = this.move(request.method === 'ACK' ? 'ack' : 'invite');
    if (request.method === 'ACK') {
      if (from === 'accepted') {
        this.report({ kind: 'ack', request });
        return 'passed-to-tu';
      }
      if (from === 'completed') {
        this.timers.cancel('G');
        this.timers.cancel('H');
        // §17.2.1: Timer I absorbs ACK retransmissions; T4 on UDP, zero on reliable transports.
        this.timers.start('I', this.options.transport.reliable ? 0 : this.options.timers.t4Ms, () => this.fire('timer-i'));
      }
      return 'absorbed';
    }
    // §17.2.1: a retransmitted INVITE gets the last provisional (Proceeding) or the final (Completed).
    if ((from === 'proceeding' || from === 'completed') && this.lastResponse !== undefined) {
      this.send(this.lastResponse);
      return 'response-resent';
    }
    return 'absorbed';
  }

  /** A transport failure reported after `send` returned (§17.2.4). */
  transportError(error: unknown): void {
    if (this.isTerminated()) return;
    this.move('transport-error');
    this.report({ kind: 'transport-error', error });
    if (this.isTerminated()) this.terminate();
  }

  private onTrying(): void {
    this.move('timer-trying');
    if (this.builders !== null) this.send(this.builders.buildTrying());
  }

  private onNoAnswer(): void {
    if (this.builders === null) return;
    const response = this.builders.buildNoAnswerResponse();
    if (classifyStatus(response.statusCode) !== 'failure') {
      throw new RangeError(`the no-answer response must be 3xx-6xx, not ${response.statusCode}`);
    }
    this.move('timer-no-answer');
    this.timers.cancel('trying');
    if (!this.send(response)) return;
    this.enterCompleted();
    this.report({ kind: 'no-answer' });
  }

  private enterCompleted(): void {
    const { transport, timers } = this.options;
    // §17.2.1: Timer G retransmits the final response on unreliable transports, doubling up to T2.
    if (!transport.reliable) this.timers.start('G', this.timerGIntervalMs, () => this.onTimerG());
    this.timers.start('H', timers.timerHMs, () => this.onTimerH());
  }

  private onTimerG(): void {
    this.move('timer-g');
    this.timerGIntervalMs = Math.min(2 * this.timerGIntervalMs, this.options.timers.t2Ms);
    if (this.lastResponse === undefined || !this.send(this.lastResponse)) return;
    this.timers.start('G', this.timerGIntervalMs, () => this.onTimerG());
  }

  private onTimerH(): void {
    this.move('timer-h');
    this.report({ kind: 'timeout', timer: 'H' });
    this.terminate();
  }

  /** Records and sends a response; a synchronous failure is the transport error of §17.2.4. */
  private send(response: TransactionResponse): boolean {
    this.lastResponse = response;
    return this.sendBytes(this.options.transport, response.bytes);
  }

  protected reportTerminated(): void {
    this.report({ kind: 'terminated' });
  }
}
