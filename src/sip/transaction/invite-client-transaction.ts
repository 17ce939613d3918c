import { classifyStatus, type TransactionResponse } from './transaction-message.js';
import { inviteClientNextState, type InviteClientEvent, type InviteClientState } from './invite-client-state.js';
import type { InviteClientTransactionOptions } from './invite-client-options.js';
import { TransactionMachine } from './transaction-machine.js';

/** What became of a received response. */
export type ClientResponseVerdict = 'passed-to-tu' | 'absorbed' | 'not-a-status' | 'transaction-terminated';

/**
 * The INVITE client transaction (RFC 3261 §17.1.1, RFC 6026 §8.4). Create it, register it in the
 * transaction table, then `start()` to send the request. A 2xx is passed to the TU and never
 * acknowledged here: the ACK for 2xx belongs to the dialog (§13.2.2.4).
 */
export class InviteClientTransaction<Res extends TransactionResponse = TransactionResponse> extends TransactionMachine<InviteClientState, InviteClientEvent, 'A' | 'B' | 'D' | 'M'> {
  private started = false;
  private timerAIntervalMs: number;
  private ack: Uint8Array | undefined;

  constructor(private readonly options: InviteClientTransactionOptions<Res>) {
    super('calling', inviteClientNextState, options.scheduler);
    this.timerAIntervalMs = options.timers.t1Ms;
  }

  get request() {
    return this.options.request;
  }

  /** Sends the request and starts Timer A (unreliable transports only) and Timer B (§17.1.1.2). */
  start(): void {
    if (this.started) throw new Error('INVITE client transaction already started');
    this.started = true;
    const { transport, timers } = this.options;
    if (!transport.reliable) this.timers.start('A', this.timerAIntervalMs, () => this.onTimerA());
    this.timers.start('B', timers.timerBMs, () => this.onTimerB());
    this.send(this.options.request.bytes);
  }

  receiveResponse(response: Res): ClientResponseVerdict {
    if (this.current === 'terminated') return 'transaction-terminated';
    const responseClass = classifyStatus(response.statusCode);
    if (responseClass === undefined) return 'not-a-status';
    const from = this.move(responseClass);
    const fresh = from === 'calling' || from === 'proceeding';
    if (fresh) {
      // Leaving Calling stops retransmissions and Timer B (§17.1.1.2: both only act in Calling).
      this.timers.cancel('A');
      this.timers.cancel('B');
    }
    switch (responseClass) {
      case 'provisional':
        if (!fresh) return 'absorbed';
        this.options.report({ kind: 'response', response });
        return 'passed-to-tu';
      case 'success':
        // RFC 6026 §8.4: every 2xx seen before Timer M fires goes to the TU (forked answers included).
        if (from === 'completed') return 'absorbed';
        if (fresh) this.timers.start('M', this.options.timers.timerMMs, () => this.fire('timer-m'));
        this.options.report({ kind: 'response', response });
        return 'passed-to-tu';
      case 'failure':
        if (from === 'accepted') return 'absorbed';
        if (from === 'completed') {
          // §17.1.1.2: a retransmitted final response gets the ACK again and stays away from the TU.
          if (this.ack !== undefined) this.send(this.ack);
          return 'absorbed';
        }
        this.options.report({ kind: 'response', response });
        this.ack = this.options.buildAck(response);
        if (!this.send(this.ack)) return 'passed-to-tu';
        this.timers.start('D', this.options.transport.reliable ? 0 : this.options.timers.timerDMs, () => this.fire('timer-d'));
        return 'passed-to-tu';
    }
  }

  /** A transport failure reported after `send` returned (§17.1.4). */
  transportError(error: unknown): void {
    if (this.current === 'terminated') return;
    this.move('transport-error');
    this.options.report({ kind: 'transport-error', error });
    if (this.isTerminated()) this.terminate();
  }

  private onTimerA(): void {
    this.move('timer-a');
    // §17.1.1.2: each firing retransmits and doubles the interval; only Timer B ends it.
    this.timerAIntervalMs *= 2;
    if (!this.send(this.options.request.bytes)) return;
    this.timers.start('A', this.timerAIntervalMs, () => this.onTimerA());
  }

  private onTimerB(): void {
    this.move('timer-b');
    this.options.report({ kind: 'timeout', timer: 'B' });
    this.terminate();
  }

  private send(bytes: Uint8Array): boolean {
    return this.sendBytes(this.options.transport, bytes);
  }

  protected reportTerminated(): void {
    this.options.report({ kind: 'terminated' });
  }
}
