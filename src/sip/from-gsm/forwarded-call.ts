/**
 * One GSM call forwarded to SIP, from the fork to the end of the dialog:
 *
 *   forking ─answered→ answering (ATA sent) ─gsm-answered→ connected
 *      │                   │                        │
 *      └──────────────── end ───────────────────────┴──→ ended
 *
 * The fork's 2xx answers the GSM call (the call service sends ATA); the GSM caller hanging up CANCELs
 * the fork or BYEs the dialog; the SIP side's BYE hangs up the line; a failed fork rejects the GSM
 * call with the best SIP status as its VoIP cause. Once the GSM call is answered its audio joins the
 * RTP stream; digits go across (manual §4.4); audio that fails for good (no RTP for the configured time,
 * a dead modem audio port) ends the call both ways. The media session is closed at the end.
 */
import type { VoipLegControl, VoipLegHandle } from '../../call/call-router.js';
import type { Dialog } from '../dialog/index.js';
import { nextState, type TransitionTable } from '../transaction/transaction-error.js';
import type { Logger } from '../../util/log.js';
import type { ForkEndpoint, ForkingUac, ForkOutcome } from './forking-uac.js';
import type { CallAudioEvents, DtmfDigit, MediaSession } from '../../media/media-contract.js';

export type ForwardedCallState = 'forking' | 'answering' | 'connected' | 'ended';
type ForwardedCallEvent = 'answered' | 'gsm-answered' | 'end';

const TABLE: TransitionTable<ForwardedCallState, ForwardedCallEvent> = {
  forking: { answered: 'answering', end: 'ended' },
  answering: { 'gsm-answered': 'connected', end: 'ended' },
  connected: { end: 'ended' },
  ended: {},
};

export interface ForwardedCallOptions {
  readonly callId: string;
  /** The line the GSM call is on: its audio joins the call's RTP. */
  readonly lineId: number;
  readonly peer: string;
  readonly fork: ForkingUac;
  readonly media: MediaSession;
  readonly endpoint: ForkEndpoint;
  readonly control: VoipLegControl;
  readonly noAnswerSec: number;
  /** How the GSM caller's digits reach the SIP side (manual §4.4): RFC 4733, SIP INFO, or in the audio. */
  readonly dtmfToSip: 'rfc4733' | 'info' | 'inband';
  /** The dialog is answered: the router routes its BYE here. */
  readonly onDialog: (dialog: Dialog, call: ForwardedCall) => void;
  /** The call ended: the router forgets it. */
  readonly onEnded: (call: ForwardedCall) => void;
  readonly log: Logger;
}

export class ForwardedCall implements VoipLegHandle {
  private _state: ForwardedCallState = 'forking';
  private _dialog: Dialog | undefined;
  private readonly audioEvents: CallAudioEvents = {
    sipDigit: (digit) => {
      if (this._state === 'connected') this.options.media.keyToGsm(digit);
    },
    gsmDigit: (digit) => this.gsmDigit(digit),
    failed: (reason) => this.audioFailed(reason),
  };

  constructor(private readonly options: ForwardedCallOptions) {}

  get state(): ForwardedCallState {
    return this._state;
  }

  get dialog(): Dialog | undefined {
    return this._dialog;
  }

  start(): void {
    void this.options.fork.start().then((outcome) => this.forkEnded(outcome));
  }

  /** VoipLegHandle: the GSM call ended. */
  gsmEnded(): string | null {
    switch (this._state) {
      case 'forking':
        this.end();
        this.options.fork.cancel();
        return 'CANCEL (the GSM caller hung up)';
      case 'answering':
      case 'connected':
        this.end();
        if (this._dialog !== undefined) this.options.endpoint.dialogs.sendBye(this._dialog);
        return 'BYE from the gateway (the GSM side ended)';
      default:
        return null;
    }
  }

  /** The SIP side sent BYE for our dialog (already answered 200 by the endpoint). */
  sipBye(): void {
    if (this._state === 'ended') return;
    this.end();
    this.options.control.hangUpGsm('BYE');
  }

  private move(event: ForwardedCallEvent): void {
    this._state = nextState('forwarded call', TABLE, this._state, event);
  }

  private end(): void {
    if (this._state === 'ended') return;
    this.move('end');
    this.options.media.close();
    this.options.onEnded(this);
  }

  private forkEnded(outcome: ForkOutcome): void {
    if (outcome.kind === 'answered') return this.answered(outcome.dialog, outcome.label);
    if (this._state !== 'forking') return;
    this.end();
    if (outcome.kind === 'failed') {
      const status = `${outcome.status} ${outcome.reason}`;
      this.options.control.rejectGsm(status, `forwarded to ${this.options.peer}: no target took the call (${status})`);
    } else if (outcome.kind === 'timed-out') {
      this.options.control.rejectGsm('CANCEL (no answer)', `forwarded to ${this.options.peer}: no answer within ${this.options.noAnswerSec} s`);
    }
  }

  private answered(dialog: Dialog, label: string): void {
    if (this._state !== 'forking') {
      // The GSM side went away as the 2xx arrived: the dialog is not wanted.
      this.options.endpoint.dialogs.sendBye(dialog);
      return;
    }
    this._dialog = dialog;
    this.move('answered');
    this.options.onDialog(dialog, this);
    this.options.log.info({ call: this.options.callId, target: label }, 'forwarded call answered on the SIP side; answering the GSM call');
    void this.options.control.answerGsm().then((ok) => {
      // When ATA failed the call service hangs the line up, and gsmEnded sends the BYE.
      if (!ok || this._state !== 'answering') return;
      this.move('gsm-answered');
      this.options.media.startAudio(this.options.lineId, this.audioEvents);
    });
  }

  /** A digit the GSM caller keyed: to the SIP side as configured (in-band: it is in the audio already). */
  private gsmDigit(digit: DtmfDigit): void {
    if (this._state !== 'connected') return;
    const mode = this.options.dtmfToSip;
    if (mode === 'rfc4733') return this.options.media.sendDigitToSip(digit);
    if (mode === 'info' && this._dialog !== undefined) this.options.endpoint.dialogs.sendInfo?.(this._dialog, 'application/dtmf-relay', `Signal=${digit}\r\nDuration=160\r\n`);
  }

  /** No RTP for the configured time, or the modem's audio died: BYE to the SIP side, the GSM leg hung up. */
  private audioFailed(reason: string): void {
    if (this._state !== 'connected') return;
    this.options.log.info({ call: this.options.callId, reason }, 'forwarded call: audio failed; ending the call');
    this.end();
    if (this._dialog !== undefined) this.options.endpoint.dialogs.sendBye(this._dialog);
    this.options.control.hangUpGsm(reason);
  }
}
