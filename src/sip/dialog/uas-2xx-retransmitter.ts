import type { SipResponse } from '../message/index.js';
import { NamedTimers } from '../transaction/named-timers.js';
import type { TimerScheduler } from '../transaction/timer-scheduler.js';
import { retransmitterNextState, type RetransmitterEvent, type RetransmitterState } from './uas-2xx-retransmitter-state.js';

export interface RetransmitterOptions {
  readonly response: SipResponse;
  readonly scheduler: TimerScheduler;
  readonly t1Ms: number;
  readonly t2Ms: number;
  /** Sends the 2xx once more. */
  readonly resend: (response: SipResponse) => void;
  /** 64·T1 passed without an ACK: the dialog should end with BYE. */
  readonly onGiveUp: () => void;
}

/**
 * RFC 3261 §13.3.1.4: after sending a 2xx to an INVITE the UAS core resends it at T1, then at
 * intervals doubling up to T2, until the ACK arrives; with no ACK after 64·T1 it gives up. This runs
 * on reliable transports too: a proxy further on may use UDP, and the 2xx travels end to end.
 * `start` assumes the first 2xx has just been sent.
 */
export class Uas2xxRetransmitter {
  private _state: RetransmitterState = 'retransmitting';
  private interval: number;
  private readonly timers: NamedTimers<'retransmit' | 'give-up'>;
  private started = false;

  constructor(private readonly options: RetransmitterOptions) {
    this.interval = options.t1Ms;
    this.timers = new NamedTimers(options.scheduler);
  }

  get state(): RetransmitterState {
    return this._state;
  }

  start(): void {
    if (this.started) return;
    this.started = true;
    this.timers.start('retransmit', this.interval, () => this.retransmit());
    this.timers.start('give-up', 64 * this.options.t1Ms, () => this.giveUp());
  }

  /** The ACK arrived (retransmitted ACKs are harmless). */
  ack(): void {
    this.take('ack');
    this.timers.cancelAll();
  }

  stop(): void {
    this.take('stop');
    this.timers.cancelAll();
  }

  private retransmit(): void {
    this.take('interval');
    this.options.resend(this.options.response);
    this.interval = Math.min(this.interval * 2, this.options.t2Ms);
    this.timers.start('retransmit', this.interval, () => this.retransmit());
  }

  private giveUp(): void {
    this.take('give-up');
    this.timers.cancelAll();
    this.options.onGiveUp();
  }

  private take(event: RetransmitterEvent): void {
    this._state = retransmitterNextState(this._state, event);
  }
}
