/**
 * The endpoint's INVITE and INFO handler for SIP → GSM calls. A new INVITE goes through, in order:
 * the access check (`admit`, which answers refusals itself), the media (an answer to the offer, or an
 * offer when the INVITE has none, RFC 3261 §13.2.1), the line choice (line-choice.ts), then the call
 * (sip-to-gsm-call.ts). In-dialog INVITE and INFO, CANCEL, ACK and BYE go to the call they belong to;
 * dialogs that are not ours go to `otherDialogs` when given.
 */
import type { CallService } from '../../call/call-service.js';
import type { LinePrefixes } from '../../routing/line-prefix.js';
import type { Logger } from '../../util/log.js';
import type { SipIncomingRequest, SipRequestHandler } from '../core/index.js';
import type { Dialog, UasNoAckReport } from '../dialog/index.js';
import { parseSipUri, type SipRequest } from '../message/index.js';
import { chooseLine, type LineChoiceSettings } from './line-choice.js';
import type { MediaSession, MediaSessions } from '../../media/media-contract.js';
import { SipToGsmCall, type LinePick, type SipToGsmCallSettings, type SipToGsmLine } from './sip-to-gsm-call.js';

/** The access check (inbound auth, trunk peers): when not allowed it has already answered. */
export type Admit = (incoming: SipIncomingRequest) => { allowed: true; who: string } | { allowed: false };

/** The settings read at each new INVITE: `sip.calls` and the lines' prefix lists. */
export interface SipToGsmConfig {
  readonly calls: LineChoiceSettings & SipToGsmCallSettings;
  readonly linePrefixes: readonly LinePrefixes[];
}

export interface SipToGsmHandlerOptions {
  readonly admit: Admit;
  readonly media: MediaSessions;
  lines(): readonly SipToGsmLine[];
  readonly calls: Pick<CallService, 'on' | 'off'>;
  mayCall(lineId: number): { ok: true } | { ok: false; reason: string };
  minutesUsed?(lineId: number): number;
  config(): SipToGsmConfig;
  sendBye(dialog: Dialog): void;
  /** Sends INFO in a call's dialog (digits in "info" DTMF mode). */
  sendInfo?(dialog: Dialog, contentType: string, body: string): void;
  readonly log: Logger;
  /** In-dialog requests and dialog events of dialogs that are not SIP → GSM calls. */
  readonly otherDialogs?: SipRequestHandler;
  /**
   * The lines a caller may use: a registrar phone (`who` = `ext:<user>`) only its extension's lines;
   * an INVITE to the user of a registration account (a PBX calling the line's account, §4.3) only the
   * account's lines, with the number from the second stage (two-stage dialling or the fixed forward
   * number, §4.6) since the Request-URI names the account, not a phone number. Absent: every line.
   */
  scope?(requestUser: string, who: string): CallScope;
  /** A digit the SIP caller sent during the call (INFO), for the line's call waiting (manual §4.7 mode 2). */
  digit?(lineId: number, digit: string): void;
}

export interface CallScope {
  readonly lines: readonly number[] | 'all';
  /** The Request-URI is a registration account, not the number to dial. */
  readonly account: boolean;
}

/** The user part of a SIP URI, unescaped and without user parameters (`;phone-context=`…). */
export function uriUser(uri: string | undefined): string {
  if (uri === undefined) return '';
  const tel = /^tel:([^;]*)/i.exec(uri);
  const user = tel ? tel[1]! : (parseSipUri(uri)?.user ?? '');
  const bare = user.split(';')[0]!;
  try {
    return decodeURIComponent(bare);
  } catch {
    return bare;
  }
}

export class SipToGsmHandler implements SipRequestHandler {
  private readonly active = new Set<SipToGsmCall>();
  /** The line round robin chose last. */
  private lastLine: number | null = null;

  constructor(private readonly o: SipToGsmHandlerOptions) {}

  /** Calls in progress. */
  get calls(): readonly SipToGsmCall[] {
    return [...this.active];
  }

  handleRequest(incoming: SipIncomingRequest): void {
    const method = incoming.request.method;
    if (method === 'INVITE' && incoming.uas !== undefined) return this.newInvite(incoming);
    const call = incoming.dialog === undefined ? undefined : this.callOf(incoming.dialog);
    if (call === undefined) {
      if (this.o.otherDialogs !== undefined) return this.o.otherDialogs.handleRequest(incoming);
      // §12.2.2: a request outside any dialog we know of (an out-of-dialog INFO).
      incoming.respond(481, 'Call/Transaction Does Not Exist');
      return;
    }
    if (method === 'INFO') return call.info(incoming);
    if (method === 'INVITE') return call.reinvite(incoming);
    incoming.respond(405, 'Method Not Allowed', { headers: [['Allow', 'INVITE, ACK, BYE, CANCEL, INFO, OPTIONS']] });
  }

  requestCancelled(incoming: SipIncomingRequest): void {
    const call = [...this.active].find((c) => c.incoming === incoming);
    if (call !== undefined) call.cancelled();
    else this.o.otherDialogs?.requestCancelled?.(incoming);
  }

  dialogAcknowledged(dialog: Dialog, ack: SipRequest): void {
    this.callOf(dialog)?.acknowledged(ack);
  }

  dialogByeReceived(dialog: Dialog): void {
    this.callOf(dialog)?.byeReceived();
  }

  dialogUnacknowledged(report: UasNoAckReport): void {
    this.callOf(report.dialog)?.unacknowledged();
  }

  /** Ends every call in progress (503 or BYE, GSM legs hung up). */
  stop(): void {
    for (const call of [...this.active]) call.stop();
  }

  private callOf(dialog: Dialog): SipToGsmCall | undefined {
    return [...this.active].find((c) => c.owns(dialog));
  }

  private newInvite(incoming: SipIncomingRequest): void {
    const admitted = this.o.admit(incoming);
    if (!admitted.allowed) return;
    const request = incoming.request;
    const media = this.mediaFor(incoming);
    if (media === null) return;
    const config = this.o.config();
    const call = new SipToGsmCall({
      incoming,
      who: admitted.who,
      media: media.session,
      offerless: media.offerless,
      settings: config.calls,
      calls: this.o.calls,
      sendBye: (dialog) => this.o.sendBye(dialog),
      ...(this.o.sendInfo ? { sendInfo: this.o.sendInfo } : {}),
      log: this.o.log,
      ended: (c) => this.active.delete(c),
      ...(this.o.digit ? { digit: this.o.digit } : {}),
    });
    const caller = uriUser(request.from?.uri);
    const scope = this.o.scope?.(uriUser(request.uri), admitted.who) ?? { lines: 'all', account: false };
    const pick = (callee: string): LinePick => this.pick(config, callee, caller, scope.lines);
    if (config.calls.twoStage.enabled || scope.account) {
      this.active.add(call);
      return call.startTwoStage(pick);
    }
    const choice = pick(uriUser(request.uri));
    if (!choice.ok) {
      this.o.log.info({ callId: request.callId, status: choice.status, detail: choice.detail }, 'SIP → GSM call refused');
      incoming.respond(choice.status, choice.reason, { headers: [['Warning', `399 cellgate "${choice.detail.replace(/["\\\r\n]/g, ' ')}"`]] });
      media.session.close();
      return;
    }
    this.active.add(call);
    call.dial(choice.line, choice.number);
  }

  /** The media session, or null once the INVITE has been refused (415, 488 or 503). */
  private mediaFor(incoming: SipIncomingRequest): { session: MediaSession; offerless: boolean } | null {
    const request = incoming.request;
    if (request.body.length === 0) {
      const session = this.o.media.offer();
      if (session === null) {
        incoming.respond(503, 'Service Unavailable');
        return null;
      }
      return { session, offerless: true };
    }
    const type = (request.headers.get('content-type') ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/sdp') {
      incoming.respond(415, 'Unsupported Media Type', { headers: [['Accept', 'application/sdp']] });
      return null;
    }
    const answer = this.o.media.answer(request.bodyText);
    if (!answer.ok) {
      incoming.respond(answer.status, answer.status === 488 ? 'Not Acceptable Here' : 'Service Unavailable', { headers: [['Warning', `399 cellgate "${answer.reason.replace(/["\\\r\n]/g, ' ')}"`]] });
      return null;
    }
    return { session: answer.session, offerless: false };
  }

  private pick(config: SipToGsmConfig, callee: string, caller: string, allowed: readonly number[] | 'all'): LinePick {
    const lines = this.o.lines().filter((l) => allowed === 'all' || allowed.includes(l.id));
    const reserved = new Set([...this.active].map((c) => c.lineId).filter((id): id is number => id !== null));
    const choice = chooseLine({
      callee,
      caller,
      settings: config.calls,
      prefixes: config.linePrefixes,
      lines: lines.map((line) => {
        const st = line.status();
        return { id: line.id, registered: st.enabled && st.lifecycle === 'registered' && st.health === 'ok', idle: st.callState === 'IDLE' && !reserved.has(line.id) };
      }),
      mayCall: (id) => this.o.mayCall(id),
      ...(this.o.minutesUsed ? { minutesUsed: (id: number) => this.o.minutesUsed!(id) } : {}),
      lastLine: this.lastLine,
    });
    if (!choice.ok) return choice;
    const line = lines.find((l) => l.id === choice.line)!;
    if (config.calls.lineSelection === 'round-robin') this.lastLine = line.id;
    return { ok: true, line, number: choice.number };
  }
}
