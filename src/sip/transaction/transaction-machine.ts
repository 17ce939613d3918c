import { NamedTimers } from './named-timers.js';
import { TerminationListeners } from './termination-listeners.js';
import type { TimerScheduler } from './timer-scheduler.js';
import type { TransactionTransport } from './transaction-message.js';

/**
 * What the four transactions of RFC 3261 §17 share: the current state moved only through the
 * machine's transition table (an illegal edge throws), its named timers, the end (every timer
 * cancelled, the TU told, termination listeners called once) and sending through the transport.
 */
export abstract class TransactionMachine<State extends string, Event extends string, Timer extends string> {
  protected current: State;
  protected readonly timers: NamedTimers<Timer>;
  private readonly listeners = new TerminationListeners();

  protected constructor(
    initial: State,
    private readonly nextState: (state: State, event: Event) => State,
    scheduler: TimerScheduler,
  ) {
    this.current = initial;
    this.timers = new NamedTimers(scheduler);
  }

  get state(): State {
    return this.current;
  }

  addTerminationListener(listener: () => void): void {
    this.listeners.add(listener, this.isTerminated());
  }

  /** A transport failure reported after `send` returned (§17.1.4, §17.2.4). */
  abstract transportError(error: unknown): void;

  /** Tells the TU the transaction ended (its `terminated` report). */
  protected abstract reportTerminated(): void;

  /** Takes the edge for `event`; returns the state it left. */
  protected move(event: Event): State {
    const from = this.current;
    this.current = this.nextState(from, event);
    return from;
  }

  /** An event whose edge ends the transaction (a timer such as D, I, J, K, L, M). */
  protected fire(event: Event): void {
    this.move(event);
    this.terminate();
  }

  protected isTerminated(): boolean {
    return this.current === ('terminated' as State);
  }

  protected terminate(): void {
    this.timers.cancelAll();
    this.reportTerminated();
    this.listeners.fire();
  }

  /**
   * Sends bytes; a synchronous failure is the transport error of §17.1.4 / §17.2.4. Returns whether
   * the transaction goes on (RFC 6026's Accepted states outlive a transport error).
   */
  protected sendBytes(transport: TransactionTransport, bytes: Uint8Array): boolean {
    try {
      transport.send(bytes);
      return true;
    } catch (error) {
      this.transportError(error);
      return !this.isTerminated();
    }
  }
}
