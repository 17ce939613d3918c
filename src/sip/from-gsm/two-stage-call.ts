/**
 * One GSM call in two-stage dialling towards VoIP (manual §4.7, definition "二次拨号 ii"): the gateway
 * answers, collects a second number the caller keys in (ended by "#", or by the no-input timeout,
 * manual "用户无输入超时"), and calls that SIP user:
 *
 *   preparing (DTMF detection on) ─ready→ answering (ATA) ─answered→ collecting ─number→ forwarding ─sip-answered→ connected
 *       │                                  │                            │                  │                          │
 *       └──────────────────────────────────┴────────────── end ─────────┴──────────────────┴──────────────────────────┴──→ ended
 *
 * A line whose modem cannot detect DTMF refuses the call before answering it. No number (a bare "#" or
 * silence), a number the plan refuses, or a SIP failure hangs up the GSM call with the reason in the
 * call's record. In forwarding the VoIP side is an ordinary forwarded call (forwarded-call.ts) whose
 * answer needs no ATA: the GSM call is already up.
 */
import type { VoipLegControl, VoipLegHandle } from '../../call/call-router.js';
import type { Logger } from '../../util/log.js';
import { nextState, type TransitionTable } from '../transaction/transaction-error.js';
import { MAX_SECOND_NUMBER } from './two-stage-plan.js';

export type TwoStageState = 'preparing' | 'answering' | 'collecting' | 'forwarding' | 'connected' | 'ended';
type TwoStageEvent = 'ready' | 'answered' | 'number' | 'sip-answered' | 'end';

const TABLE: TransitionTable<TwoStageState, TwoStageEvent> = {
  preparing: { ready: 'answering', end: 'ended' },
  answering: { answered: 'collecting', end: 'ended' },
  collecting: { number: 'forwarding', end: 'ended' },
  forwarding: { 'sip-answered': 'connected', end: 'ended' },
  connected: { end: 'ended' },
  ended: {},
};

/** The cause recorded for the VoIP side when no INVITE went out. */
export const NO_INVITE = 'no INVITE sent';

/** Where the collected number goes: a started VoIP leg and its peer, or why not. */
export type SecondStage = { readonly ok: true; readonly peer: string; start(control: VoipLegControl): VoipLegHandle } | { readonly ok: false; readonly reason: string };

export interface TwoStageCallOptions {
  readonly callId: string;
  readonly control: VoipLegControl;
  /** Manual "用户无输入超时": the wait for the first key and between keys (ms). */
  readonly noInputMs: number;
  /** The longest the whole number may take from the answer (ms). */
  readonly totalMs: number;
  /** Plans the call for the keyed-in number (without "#"). */
  readonly secondStage: (digits: string) => SecondStage;
  /** The peer is known: the call's record names it. */
  readonly onPeer: (peer: string) => void;
  readonly log: Logger;
}

export class TwoStageCall implements VoipLegHandle {
  private _state: TwoStageState = 'preparing';
  private digits = '';
  private noInputTimer: NodeJS.Timeout | null = null;
  private totalTimer: NodeJS.Timeout | null = null;
  private voipLeg: VoipLegHandle | null = null;

  constructor(private readonly options: TwoStageCallOptions) {}

  get state(): TwoStageState {
    return this._state;
  }

  /** The keys collected so far. */
  get collected(): string {
    return this.digits;
  }

  start(): void {
    this.options.control.detectKeys((key) => this.key(key)).then(
      () => this.detecting(),
      (error: Error) => {
        if (this._state !== 'preparing') return;
        this.end();
        this.options.control.rejectGsm(NO_INVITE, `two-stage dialling needs the modem's DTMF detection: ${error.message}`);
      },
    );
  }

  /** VoipLegHandle: the GSM call ended. */
  gsmEnded(): string | null {
    if (this._state === 'ended') return null;
    if (this.voipLeg !== null) {
      const cause = this.voipLeg.gsmEnded();
      this.end();
      return cause;
    }
    this.end();
    return `${NO_INVITE} (the caller hung up while dialling)`;
  }

  private move(event: TwoStageEvent): void {
    this._state = nextState('two-stage call', TABLE, this._state, event);
  }

  private end(): void {
    this.clearTimers();
    if (this._state !== 'ended') this.move('end');
  }

  private detecting(): void {
    if (this._state !== 'preparing') return;
    this.move('ready');
    void this.options.control.answerGsm().then((ok) => {
      // When ATA failed the call service rejects the call, and gsmEnded ends this one.
      if (!ok || this._state !== 'answering') return;
      this.move('answered');
      this.options.log.info({ call: this.options.callId }, 'two-stage dialling: answered, waiting for the second number');
      this.totalTimer = setTimeout(() => this.numberEnded(`no "#" within ${this.options.totalMs / 1000} s`), this.options.totalMs);
      this.armNoInput();
    });
  }

  private armNoInput(): void {
    if (this.noInputTimer !== null) clearTimeout(this.noInputTimer);
    this.noInputTimer = setTimeout(() => this.numberEnded(`no key for ${this.options.noInputMs / 1000} s`), this.options.noInputMs);
  }

  /** A key the caller pressed; keys before the answer completes count too (the caller may be quick). */
  private key(key: string): void {
    if (this._state !== 'collecting' && this._state !== 'answering') return;
    if (key === '#') return this.numberEnded('"#"');
    if (!/^[0-9*]$/.test(key)) return; // A-D are not part of a number
    this.digits += key;
    if (this.digits.length >= MAX_SECOND_NUMBER) return this.numberEnded(`${MAX_SECOND_NUMBER} keys`);
    if (this._state === 'collecting') this.armNoInput();
  }

  private numberEnded(how: string): void {
    if (this._state !== 'collecting' && this._state !== 'answering') return;
    this.clearTimers();
    const digits = this.digits;
    if (digits === '') return this.refuse(`two-stage dialling: no number keyed in (ended by ${how})`);
    const stage = this.options.secondStage(digits);
    if (!stage.ok) return this.refuse(`two-stage dialling: ${stage.reason}`);
    if (this._state === 'answering') this.move('answered');
    this.move('number');
    this.options.onPeer(stage.peer);
    this.options.log.info({ call: this.options.callId, digits, peer: stage.peer, endedBy: how }, 'two-stage dialling: calling the second number');
    const control = this.options.control;
    this.voipLeg = stage.start({
      answerGsm: async () => {
        // The GSM call is already answered: the SIP answer only connects the two.
        if (this._state !== 'forwarding') return false;
        this.move('sip-answered');
        return true;
      },
      rejectGsm: (voipCause, gatewayCause) => {
        this.end();
        control.rejectGsm(voipCause, gatewayCause);
      },
      hangUpGsm: (voipCause) => {
        this.end();
        control.hangUpGsm(voipCause);
      },
      detectKeys: (onKey) => control.detectKeys(onKey),
    });
  }

  private refuse(gatewayCause: string): void {
    this.options.log.info({ call: this.options.callId, cause: gatewayCause }, 'two-stage dialling: hanging up');
    this.end();
    this.options.control.rejectGsm(NO_INVITE, gatewayCause);
  }

  private clearTimers(): void {
    if (this.noInputTimer !== null) clearTimeout(this.noInputTimer);
    if (this.totalTimer !== null) clearTimeout(this.totalTimer);
    this.noInputTimer = null;
    this.totalTimer = null;
  }
}
