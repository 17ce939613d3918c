import { classifyStatus, type TransactionResponse } from './transaction-message.js';
import { nonInviteClientNextState, type NonInviteClientEvent, type NonInviteClientState } from './non-invite-client-state.js';
import type { NonInviteClientTransactionOptions } from './non-invite-client-options.js';
import type { ClientResponseVerdict } from './invite-client-transaction.js';
import { TransactionMachine } from './transaction-machine.js';

/**
 * The non-INVITE client transaction (RFC 3261 §17.1.2), also used for CANCEL. Create it, register it
 * in the transaction table, then `start()`.
 */
export class NonInviteClientTransaction<Res extends TransactionResponse = TransactionResponse> extends TransactionMachine<NonInviteClientState, NonInviteClientEvent, 'E' | 'F' | 'K'> {
  private started = false;
  private timerEIntervalMs: number;

  constructor(private readonly options: NonInviteClientTransactionOptions<Res>) {
    super('trying', nonInviteClientNextState, options.scheduler);
    this.timerEIntervalMs = options.timers.t1Ms;
  }

  get request() {
    return this.options.request;
  }

  /** Sends the request, starts Timer E (unreliable transports only) and Timer F (§17.1.2.2). */
  start(): void {
    if (this.started) throw new Error('non-INVITE client transaction already started');
    this.started = true;
    if (!this.options.transport.reliable) this.timers.start('E', this.timerEIntervalMs, () => this.onTimerE());
    this.timers.start('F', this.options.timers.timerFMs, () => this.onTimerF());
    this.send(this.options.request.bytes);
  }

  receiveResponse(response: Res): ClientResponseVerdict {
    if (this.isTerminated()) return 'transaction-terminated';
    const responseClass = classifyStatus(response.statusCode);
    if (responseClass === undefined) return 'not-a-status';
    const from = this.move(responseClass === 'provisional' ? 'provisional' : 'final');
    if (from === 'completed') return 'absorbed';
    if (this.current === 'completed') {
      this.timers.cancel('E');
      this.timers.cancel('F');
    }
    this.options.report({ kind: 'response', response });
    if (this.current === 'completed') {
      // §17.1.2.2: Timer K lets retransmitted responses be absorbed; T4 on UDP, zero on reliable.
      this.timers.start('K', this.options.transport.reliable ? 0 : this.options.timers.t4Ms, () => this.fire('timer-k'));
    }
    return 'passed-to-tu';
  }

  /** A transport failure reported after `send` returned (§17.1.4). */
  transportError(error: unknown): void {
    if (this.isTerminated()) return;
    this.move('transport-error');
    this.options.report({ kind: 'transport-error', error });
    this.terminate();
  }

  private onTimerE(): void {
    this.move('timer-e');
    // §17.1.2.2: doubling up to T2 while Trying; once Proceeding the interval is T2.
    this.timerEIntervalMs = this.current === 'proceeding' ? this.options.timers.t2Ms : Math.min(2 * this.timerEIntervalMs, this.options.timers.t2Ms);
    if (!this.send(this.options.request.bytes)) return;
    this.timers.start('E', this.timerEIntervalMs, () => this.onTimerE());
  }

  private onTimerF(): void {
    this.move('timer-f');
    this.options.report({ kind: 'timeout', timer: 'F' });
    this.terminate();
  }

  private send(bytes: Uint8Array): boolean {
    return this.sendBytes(this.options.transport, bytes);
  }

  protected reportTerminated(): void {
    this.options.report({ kind: 'terminated' });
  }
}
