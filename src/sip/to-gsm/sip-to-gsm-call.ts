/**
 * One SIP → GSM call: the INVITE's server side joined to a line's GSM call (manual §4.3, §4.6). The
 * SIP side follows sip-to-gsm-call-state.ts; the GSM side is followed through the call service's
 * events, as the test call does (call-started while dialling, call-changed, call-ended).
 *
 * What each side's end does (RFC 3261 §9.2, §13.3.1, §15):
 * - CANCEL before our 200: the endpoint has answered 487; the GSM leg is hung up.
 * - CANCEL after our 200: the endpoint answers the CANCEL only; the call goes on (§9.2).
 * - BYE from SIP, or our 2xx never acknowledged: the GSM leg is hung up.
 * - GSM end before our 200: the final status of `causeStatus` (gsm-cause-status.ts).
 * - GSM end after our 200: BYE once the ACK has come (§15: not before), else when it comes.
 * - "M1:<service>" forward number (§4.6): the line dials the service; 1 s after it answers, the called
 *   number and "#" go to it as DTMF (sending-digits); then the call is answered as any other.
 * - No ringing within `noRingSec` of dialling: 408 Request Timeout (the network never reached the
 *   callee). No answer within `noAnswerSec` of alerting: the `noAnswer` status (480 by default), the
 *   same the network's own NO ANSWER gives. Either way the GSM leg is hung up.
 */
import type { CallService } from '../../call/call-service.js';
import type { Call } from '../../call/call.js';
import type { LineStatus } from '../../line/types.js';
import type { Logger } from '../../util/log.js';
import type { SipIncomingRequest } from '../core/index.js';
import type { Dialog } from '../dialog/index.js';
import type { SipRequest } from '../message/index.js';
import { DigitCollector } from './digit-collector.js';
import { readForwardNumber, SERVICE_DIGITS_DELAY_MS, serviceDigits } from './forward-number.js';
import { readDtmfInfo } from './dtmf-info.js';
import { reasonPhraseFor, statusForGsmEnd, type CauseStatusTable } from './gsm-cause-status.js';
import type { CallAudioEvents, DtmfDigit, MediaSession } from '../../media/media-contract.js';
import { sipToGsmTransition, type SipToGsmCallEvent, type SipToGsmCallState } from './sip-to-gsm-call-state.js';

/** What a call needs of a line (the daemon's Line has it). */
export interface SipToGsmLine {
  readonly id: number;
  status(): LineStatus;
  dial(number: string, opts: { origin: string }): Promise<void>;
  hangup(): Promise<void>;
  /** DTMF keys to the far end of the active call (TS 27.007 +VTS); needed by "M1:" service dialling only. */
  sendDtmf?(keys: string): Promise<void>;
}

/** The `sip.calls` settings one call reads. */
export interface SipToGsmCallSettings {
  readonly ringback: '180' | '183' | 'both';
  readonly noAnswerSec: number;
  readonly noRingSec: number;
  readonly causeStatus: CauseStatusTable;
  readonly twoStage: { readonly enabled: boolean; readonly digitTimeoutSec: number; readonly forwardNumber: string | null };
  /** How digits the GSM side keys go to the SIP side (manual §4.4 "DTMF 信号"): RFC 4733, SIP INFO, or in the audio. */
  readonly dtmfToSip: 'rfc4733' | 'info' | 'inband';
}

/** A line and number to dial, or the refusal (line-choice.ts). */
export type LinePick =
  | { readonly ok: true; readonly line: SipToGsmLine; readonly number: string }
  | { readonly ok: false; readonly status: number; readonly reason: string; readonly detail: string };

export interface SipToGsmCallOptions {
  readonly incoming: SipIncomingRequest;
  /** Who the access check said is calling (`trunk:<n>`, `user:<name>`…); the call's origin is `sip:<who>`. */
  readonly who: string;
  readonly media: MediaSession;
  /** The INVITE had no SDP: our SDP in the 200 is an offer and the answer comes in the ACK (§13.2.1). */
  readonly offerless: boolean;
  readonly settings: SipToGsmCallSettings;
  readonly calls: Pick<CallService, 'on' | 'off'>;
  sendBye(dialog: Dialog): void;
  /** Sends INFO in the dialog (RFC 6086), for digits in "info" mode. */
  sendInfo?(dialog: Dialog, contentType: string, body: string): void;
  readonly log: Logger;
  /** Told once, when the call has ended on the SIP side. */
  ended(call: SipToGsmCall): void;
  /**
   * A digit sent once the GSM leg is up (manual §4.7 call waiting, mode 2: "32" swaps, "31" hangs up),
   * as SIP INFO or RFC 4733 telephone-events. It is also keyed to the GSM side.
   */
  digit?(lineId: number, digit: string): void;
}

const SDP = 'application/sdp';

export class SipToGsmCall {
  private st: SipToGsmCallState = 'invited';
  private gsm: Call | null = null;
  private line: SipToGsmLine | null = null;
  /** Our 2xx has been sent (at GSM answer, or at once in two-stage dialing). */
  private sipAnswered = false;
  private acked = false;
  private noRingTimer: NodeJS.Timeout | null = null;
  private noAnswerTimer: NodeJS.Timeout | null = null;
  private collector: DigitCollector | null = null;
  /** "M1:" service dialling: the keys the service gets once it answers; null for a plain call. */
  private digitsForService: string | null = null;
  private digitsTimer: NodeJS.Timeout | null = null;
  private readonly onChanged = (call: Call): void => this.gsmChanged(call);
  private readonly onEnded = (call: Call): void => this.gsmEnded(call);
  private readonly audioEvents: CallAudioEvents = {
    sipDigit: (digit) => this.sipDigit(digit),
    gsmDigit: (digit) => this.gsmDigit(digit),
    failed: (reason) => this.audioFailed(reason),
  };

  constructor(private readonly o: SipToGsmCallOptions) {}

  get state(): SipToGsmCallState {
    return this.st;
  }

  /** The line dialled (null before the dial). */
  get lineId(): number | null {
    return this.line?.id ?? null;
  }

  /** The GSM call, once the line has started it. */
  get gsmCall(): Call | null {
    return this.gsm;
  }

  get incoming(): SipIncomingRequest {
    return this.o.incoming;
  }

  /** Whether `dialog` is this call's dialog. */
  owns(dialog: Dialog): boolean {
    return this.o.incoming.uas?.dialog === dialog;
  }

  /** Single-stage: dial the chosen line now (or its "M1:" service, §4.6). */
  dial(line: SipToGsmLine, number: string): void {
    this.dialNumberOrService(line, number);
  }

  /** Two-stage (§4.6): answer at once, then dial the forward number or the digits collected. */
  startTwoStage(pick: (number: string) => LinePick): void {
    const sent = this.o.incoming.respond(200, 'OK', { contentType: SDP, body: this.o.media.localSdp });
    if (!sent.ok) return this.finish('end', `200 not sent (${sent.reason})`);
    this.sipAnswered = true;
    this.move('collect');
    // No line yet: the caller hears a dial tone, and digits come as INFO, RFC 4733 or in-band.
    this.o.media.startAudio(null, this.audioEvents);
    const { digitTimeoutSec } = this.o.settings.twoStage;
    const forward = readForwardNumber(this.o.settings.twoStage.forwardNumber);
    const dialPicked = (number: string): void => {
      if (this.st !== 'collecting') return;
      const choice = pick(number);
      if (!choice.ok) {
        this.o.log.info({ callId: this.o.incoming.request.callId, number, status: choice.status, detail: choice.detail }, 'two-stage call refused');
        return this.endAnswered(`${choice.status} ${choice.reason} (second stage)`);
      }
      this.dialNumberOrService(choice.line, choice.number);
    };
    // "M1:" needs the number to key in: it is collected like any second stage.
    if (forward.mode === 'fixed') return dialPicked(forward.number);
    this.collector = new DigitCollector(digitTimeoutSec * 1000, dialPicked);
    this.collector.start();
  }

  /** CANCEL before our 200 (the endpoint has sent 487). */
  cancelled(): void {
    if (this.st === 'ended') return;
    this.abandonGsm('cancelled by the SIP caller', '487 Request Terminated');
    this.finish('end', '487 Request Terminated');
  }

  /** BYE from the SIP side (already answered 200). */
  byeReceived(): void {
    if (this.st === 'ended') return;
    this.abandonGsm('the SIP caller hung up', 'BYE');
    this.finish('end', 'BYE');
  }

  /** Our 2xx was never acknowledged; the dialog layer has ended the dialog with BYE. */
  unacknowledged(): void {
    if (this.st === 'ended') return;
    this.abandonGsm('the SIP caller never acknowledged the answer', 'no ACK');
    this.finish('end', 'no ACK');
  }

  /** The ACK for our 2xx; after an INVITE without SDP it carries the answer (§13.2.1). */
  acknowledged(ack: SipRequest): void {
    if (this.st === 'ended' || this.acked) return;
    this.acked = true;
    if (this.o.offerless && !this.o.media.setRemote(ack.bodyText)) {
      this.o.log.info({ callId: ack.callId }, 'the SDP answer in the ACK is unusable; ending the call');
      this.abandonGsm('the SDP answer in the ACK is unusable', '488 in ACK');
      return this.endAnswered('488 in ACK');
    }
    if (this.st === 'answered') this.move('ack');
    else if (this.st === 'closing') this.byeAndFinish('ack', 'BYE sent');
  }

  /** An in-dialog INFO: a second-stage digit, or a digit during the call (for call waiting; not sent to GSM here). */
  info(incoming: SipIncomingRequest): void {
    const body = incoming.request.bodyText;
    const read = readDtmfInfo(incoming.request.headers.get('content-type'), body);
    if (!read.ok && read.reason === 'not-dtmf' && body.length > 0) {
      incoming.respond(415, 'Unsupported Media Type', { headers: [['Accept', 'application/dtmf-relay, application/dtmf']] });
      return;
    }
    incoming.respond(200, 'OK');
    if (read.ok) this.sipDigit(read.digit as DtmfDigit);
  }

  /** A digit from the SIP side (INFO or RFC 4733): the second stage's number, or a key for the GSM side. */
  private sipDigit(digit: DtmfDigit): void {
    if (this.st === 'collecting') return this.collector?.add(digit);
    if ((this.st === 'answered' || this.st === 'confirmed') && this.line !== null) {
      this.o.digit?.(this.line.id, digit);
      this.o.media.keyToGsm(digit);
    }
  }

  /** A digit the GSM side keyed: to the SIP side as configured (in-band: it is in the audio already). */
  private gsmDigit(digit: DtmfDigit): void {
    if (this.st === 'ended') return;
    const mode = this.o.settings.dtmfToSip;
    if (mode === 'rfc4733') return this.o.media.sendDigitToSip(digit);
    const dialog = this.o.incoming.uas?.dialog;
    if (mode === 'info' && dialog !== undefined) this.o.sendInfo?.(dialog, 'application/dtmf-relay', `Signal=${digit}\r\nDuration=160\r\n`);
  }

  /** No RTP for the configured time, or the modem's audio died: the call ends both ways. */
  private audioFailed(reason: string): void {
    if (this.st === 'ended') return;
    this.o.log.info({ callId: this.o.incoming.request.callId, line: this.line?.id, reason }, 'SIP → GSM call: audio failed; ending the call');
    this.abandonGsm(reason, reason);
    if (this.sipAnswered) return this.endAnswered(`BYE sent (${reason})`);
    this.o.incoming.respond(503, 'Service Unavailable');
    this.finish('end', `503 ${reason}`);
  }

  /** The audio of the line's call joins the RTP stream (early media, or the answer). */
  private startAudio(): void {
    if (this.line !== null) this.o.media.startAudio(this.line.id, this.audioEvents);
  }

  /** An in-dialog re-INVITE: a new offer for the media, or none (we offer what we have, §14.2). */
  reinvite(incoming: SipIncomingRequest): void {
    const body = incoming.request.bodyText;
    if (body.trim() !== '' && !this.o.media.setRemote(body)) {
      incoming.respond(488, 'Not Acceptable Here');
      return;
    }
    incoming.respond(200, 'OK', { contentType: SDP, body: this.o.media.localSdp });
  }

  /** The gateway stops: the SIP side gets 503 or BYE, the GSM leg is hung up. */
  stop(): void {
    if (this.st === 'ended') return;
    this.abandonGsm('the SIP gateway stopped', '503 gateway stopping');
    // Waiting for an ACK that the stopping endpoint will no longer take: nothing more to send.
    if (this.st === 'closing') return this.finish('end', 'gateway stopping');
    if (!this.sipAnswered) {
      this.o.incoming.respond(503, 'Service Unavailable');
      return this.finish('end', '503 gateway stopping');
    }
    this.endAnswered('BYE sent (gateway stopping)');
  }

  // ---- the GSM leg ----------------------------------------------------------------------------

  /** Dials `number`, or with an "M1:" forward number the service, keeping `number` for its DTMF. */
  private dialNumberOrService(line: SipToGsmLine, number: string): void {
    const forward = readForwardNumber(this.o.settings.twoStage.forwardNumber);
    if (forward.mode !== 'service') return void this.dialLine(line, number);
    const digits = serviceDigits(number);
    if (digits === null || line.sendDtmf === undefined) {
      this.o.log.warn({ line: line.id, number }, 'M1 service dialling: the number cannot be sent as DTMF on this line');
      if (this.sipAnswered) return this.endAnswered('BYE sent (M1 service dialling impossible)');
      this.o.incoming.respond(503, 'Service Unavailable');
      return this.finish('end', '503 M1 service dialling impossible');
    }
    this.digitsForService = digits;
    void this.dialLine(line, forward.service);
  }

  private async dialLine(line: SipToGsmLine, number: string): Promise<void> {
    this.move('dial');
    this.line = line;
    const capture = (call: Call): void => {
      if (this.gsm !== null || call.gsm.line !== line.id || call.direction !== 'out') return;
      this.gsm = call;
      call.voip = { peer: this.o.incoming.request.from?.uri ?? this.o.who, cause: null };
    };
    this.o.calls.on('call-started', capture);
    this.o.calls.on('call-changed', this.onChanged);
    this.o.calls.on('call-ended', this.onEnded);
    this.noRingTimer = setTimeout(() => this.timedOut(408, 'Request Timeout', `no ringing within ${this.o.settings.noRingSec} s`), this.o.settings.noRingSec * 1000);
    let failure: Error | null = null;
    try {
      await line.dial(number, { origin: `sip:${this.o.who}` });
    } catch (error) {
      failure = error as Error;
    } finally {
      this.o.calls.off('call-started', capture);
    }
    if (this.st === 'ended') {
      // Cancelled or hung up while the modem took the dial: the GSM leg must not stay up alone.
      if (this.gsm !== null && !this.gsm.ended) this.hangupLine('ended while dialling');
      return;
    }
    if (this.gsm === null) {
      // The line refused before it started a call (busy, no modem): nothing was dialled.
      this.o.log.warn({ line: line.id, err: failure?.message }, 'the line did not start the SIP → GSM call');
      if (this.sipAnswered) return this.endAnswered('BYE sent (line refused)');
      this.o.incoming.respond(503, 'Service Unavailable');
      return this.finish('end', '503 line refused the dial');
    }
    // A failed dial that started a call ended it: gsmEnded has run or will run with the modem's cause.
  }

  private gsmChanged(call: Call): void {
    if (call !== this.gsm || this.st === 'ended') return;
    if (call.state === 'ALERTING' && (this.st === 'dialling' || this.st === 'alerting')) this.gsmAlerting();
    else if (call.state === 'CONNECTED' && (this.st === 'dialling' || this.st === 'alerting')) this.gsmAnswered();
  }

  private gsmAlerting(): void {
    const first = this.st === 'dialling';
    this.move('alerting');
    if (!first) return;
    this.clearTimers();
    const { noAnswerSec, causeStatus } = this.o.settings;
    this.noAnswerTimer = setTimeout(() => this.timedOut(causeStatus.noAnswer, reasonPhraseFor(causeStatus.noAnswer), `no answer within ${noAnswerSec} s`), noAnswerSec * 1000);
    // Two-stage: the caller hears the network's ringback in the media.
    if (this.sipAnswered) return this.startAudio();
    const ringback = this.o.settings.ringback;
    // An offer cannot go in an unreliable 183 (no 100rel here): after an offerless INVITE, 180 only.
    const with183 = ringback !== '180' && !this.o.offerless;
    if (ringback !== '183' || !with183) this.o.incoming.respond(180, 'Ringing');
    if (with183) {
      this.o.incoming.respond(183, 'Session Progress', { contentType: SDP, body: this.o.media.localSdp });
      this.startAudio(); // early media: the network's ringback or announcements (§4.3 ringback mode)
    }
  }

  private gsmAnswered(): void {
    this.clearTimers();
    if (this.digitsForService !== null) {
      // §4.6: "1 秒后" the service hears the called number, key by key, ended by "#".
      this.move('service-answered');
      this.digitsTimer = setTimeout(() => void this.sendServiceDigits(), SERVICE_DIGITS_DELAY_MS);
      return;
    }
    this.answerSipSide('answered');
  }

  private async sendServiceDigits(): Promise<void> {
    this.digitsTimer = null;
    const line = this.line;
    const digits = this.digitsForService;
    if (this.st !== 'sending-digits' || line === null || digits === null || line.sendDtmf === undefined) return;
    try {
      await line.sendDtmf(digits);
    } catch (error) {
      if (this.st !== 'sending-digits') return;
      this.o.log.warn({ line: line.id, err: (error as Error).message }, 'M1 service dialling: the digits were not sent');
      this.abandonGsm('the called number could not be sent to the service', 'DTMF not sent');
      if (this.sipAnswered) return this.endAnswered('BYE sent (DTMF not sent)');
      this.o.incoming.respond(502, 'Bad Gateway');
      return this.finish('end', '502 DTMF not sent');
    }
    if (this.st !== 'sending-digits') return;
    this.answerSipSide('digits-sent');
  }

  /** The GSM side is up (in M1 mode, with the number keyed in): 200 unless two-stage sent it already. */
  private answerSipSide(event: 'answered' | 'digits-sent'): void {
    if (!this.sipAnswered) {
      const sent = this.o.incoming.respond(200, 'OK', { contentType: SDP, body: this.o.media.localSdp });
      if (!sent.ok) {
        // CANCEL won the race (487 already sent, §9.2) or the transaction is gone: drop the GSM leg.
        this.abandonGsm('the SIP caller left before the answer', this.o.incoming.cancelled ? '487 Request Terminated' : '200 not sent');
        return this.finish('end', '200 not sent');
      }
      this.sipAnswered = true;
    }
    this.move(event);
    this.startAudio();
    if (this.acked) this.move('ack');
  }

  private gsmEnded(call: Call): void {
    if (call !== this.gsm || this.st === 'ended') return;
    if (!this.sipAnswered) {
      const final = statusForGsmEnd(call.gsm.cause, call.times.alerting !== null, this.o.settings.causeStatus);
      this.o.incoming.respond(final.status, final.reason);
      return this.finish('end', `${final.status} ${final.reason}`);
    }
    this.endAnswered('BYE sent (GSM side ended)');
  }

  private timedOut(status: number, reason: string, why: string): void {
    if (this.st === 'ended') return;
    this.o.log.info({ callId: this.o.incoming.request.callId, line: this.line?.id, status }, `SIP → GSM call: ${why}`);
    this.abandonGsm(why, `${status} ${reason}`);
    if (this.sipAnswered) return this.endAnswered(`BYE sent (${why})`);
    this.o.incoming.respond(status, reason);
    this.finish('end', `${status} ${reason}`);
  }

  /** Hangs up a GSM leg still up, noting why in its record. */
  private abandonGsm(gatewayCause: string, voipCause: string): void {
    const call = this.gsm;
    if (call === null || call.ended) return;
    call.gatewayCause = gatewayCause;
    if (call.voip !== null) call.voip.cause = voipCause;
    this.hangupLine(gatewayCause);
  }

  private hangupLine(why: string): void {
    const line = this.line;
    line?.hangup().catch((error: Error) => this.o.log.warn({ line: line.id, err: error.message, why }, 'cannot hang up the GSM leg of a SIP call'));
  }

  // ---- the SIP side ---------------------------------------------------------------------------

  /** The SIP side was answered: BYE now if acknowledged, else once the ACK comes (§15). */
  private endAnswered(cause: string): void {
    this.collector?.stop();
    if (this.st === 'closing') return;
    if (this.acked) return this.byeAndFinish('end', cause);
    this.clearTimers();
    this.move('await-ack');
  }

  private byeAndFinish(event: SipToGsmCallEvent, cause: string): void {
    const dialog = this.o.incoming.uas?.dialog;
    if (dialog !== undefined) this.o.sendBye(dialog);
    this.finish(event, cause);
  }

  private finish(event: SipToGsmCallEvent, cause: string): void {
    if (this.st === 'ended') return;
    this.move(event);
    this.clearTimers();
    this.collector?.stop();
    this.o.calls.off('call-changed', this.onChanged);
    this.o.calls.off('call-ended', this.onEnded);
    this.o.media.close();
    this.o.log.info({ callId: this.o.incoming.request.callId, line: this.line?.id, gsmCall: this.gsm?.id, cause }, 'SIP → GSM call ended');
    this.o.ended(this);
  }

  private move(event: SipToGsmCallEvent): void {
    this.st = sipToGsmTransition(this.st, event);
  }

  private clearTimers(): void {
    if (this.digitsTimer !== null) clearTimeout(this.digitsTimer);
    this.digitsTimer = null;
    if (this.noRingTimer !== null) clearTimeout(this.noRingTimer);
    if (this.noAnswerTimer !== null) clearTimeout(this.noAnswerTimer);
    this.noRingTimer = null;
    this.noAnswerTimer = null;
  }
}
