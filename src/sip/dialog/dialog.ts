import { randomInt } from 'node:crypto';
import { createRequest, type SipMessage, type SipRequest, type SipResponse } from '../message/index.js';
import { TerminationListeners } from '../transaction/termination-listeners.js';
import { dialogKey, type DialogId } from './dialog-id.js';
import type { DialogLocalSpec } from './dialog-options.js';
import { dialogAccepts, dialogNextState, type DialogEvent, type DialogState } from './dialog-state.js';
import { routeInDialogRequest, routeSetFrom, type DialogRole, type InDialogRouting } from './route-set.js';

export type DialogCreateFailure = 'missing-call-id' | 'missing-tag' | 'missing-cseq' | 'missing-contact' | 'bad-contact' | 'bad-record-route' | 'not-dialog-creating';
export type DialogCreateVerdict = { readonly ok: true; readonly dialog: Dialog } | { readonly ok: false; readonly reason: DialogCreateFailure };

/** A request built in the dialog and where it goes. */
export interface BuiltRequest {
  readonly request: SipRequest;
  readonly routing: InDialogRouting;
}

export interface InDialogRequestOptions {
  readonly headers?: readonly (readonly [string, string])[];
  readonly contentType?: string;
  readonly body?: Buffer | string;
}

export type RemoteSeqVerdict = { readonly ok: true } | { readonly ok: false; readonly statusCode: 500; readonly reasonPhrase: string };

/** §12.2.1.1 / §12.2.2: methods whose Contact replaces the remote target (RFC 3311 adds UPDATE). */
export const TARGET_REFRESH_METHODS: readonly string[] = ['INVITE', 'UPDATE'];

interface DialogFields {
  readonly role: DialogRole;
  readonly id: DialogId;
  readonly state: DialogState;
  readonly localParty: string;
  readonly remoteParty: string;
  readonly localSeq: number | undefined;
  readonly remoteSeq: number | undefined;
  readonly remoteTarget: string;
  readonly routeSet: readonly string[];
  readonly secure: boolean;
  readonly local: DialogLocalSpec;
}

/** The first Contact URI, `missing` when there is none, `bad` when it does not parse. */
function contactUri(message: SipMessage): string | 'missing' | 'bad' {
  const contacts = message.contacts;
  if (contacts === undefined || contacts === '*') return 'bad';
  return contacts[0]?.uri ?? 'missing';
}

function isSecure(request: SipRequest, overTls: boolean): boolean {
  return overTls && /^sips:/i.test(request.uri);
}

/**
 * One dialog (RFC 3261 §12): its id, CSeq counters, remote target, route set and state. Pure: it
 * builds requests and checks incoming ones; the dialog layer sends. Made by `Dialog.asUac` from our
 * INVITE and a 1xx-with-tag or 2xx (one per To tag, so forks get separate dialogs) or by
 * `Dialog.asUas` from a received INVITE and our 1xx/2xx.
 */
export class Dialog {
  readonly role: DialogRole;
  readonly id: DialogId;
  readonly key: string;
  /** Our From (UAC) or To (UAS) value, with our tag, as sent. */
  readonly localParty: string;
  /** The peer's side, with its tag, as received. */
  remoteParty: string;
  remoteTarget: string;
  routeSet: readonly string[];
  readonly secure: boolean;
  private _state: DialogState;
  private _localSeq: number | undefined;
  private _remoteSeq: number | undefined;
  private readonly local: DialogLocalSpec;
  private readonly terminationListeners = new TerminationListeners();

  private constructor(fields: DialogFields) {
    this.role = fields.role;
    this.id = fields.id;
    this.key = dialogKey(fields.id);
    this._state = fields.state;
    this.localParty = fields.localParty;
    this.remoteParty = fields.remoteParty;
    this._localSeq = fields.localSeq;
    this._remoteSeq = fields.remoteSeq;
    this.remoteTarget = fields.remoteTarget;
    this.routeSet = fields.routeSet;
    this.secure = fields.secure;
    this.local = fields.local;
  }

  /**
   * §12.1.2: the UAC side from our INVITE and a 1xx with a To tag (early) or a 2xx (confirmed). The
   * route set is the response's Record-Route reversed; the remote target its Contact. A 2xx without a
   * usable Contact breaks §12.1.1, but it must still be ACKed: the INVITE's Request-URI stands in.
   */
  static asUac(invite: SipRequest, response: SipResponse, local: DialogLocalSpec, overTls = false): DialogCreateVerdict {
    const status = response.statusCode;
    if (invite.method !== 'INVITE' || status < 101 || status > 299) return { ok: false, reason: 'not-dialog-creating' };
    const callId = invite.callId;
    if (callId === undefined) return { ok: false, reason: 'missing-call-id' };
    const localTag = invite.from?.tag;
    const remoteTag = response.to?.tag;
    if (localTag === undefined || remoteTag === undefined) return { ok: false, reason: 'missing-tag' };
    const cseq = invite.cseq;
    if (cseq === undefined) return { ok: false, reason: 'missing-cseq' };
    const routes = routeSetFrom(response, 'uac');
    if (!routes.ok) return { ok: false, reason: routes.reason };
    const contact = contactUri(response);
    return {
      ok: true,
      dialog: new Dialog({
        role: 'uac',
        id: { callId, localTag, remoteTag },
        state: status >= 200 ? 'confirmed' : 'early',
        localParty: invite.headers.get('from')!,
        remoteParty: response.headers.get('to')!,
        localSeq: cseq.seq,
        remoteSeq: undefined,
        remoteTarget: contact === 'missing' || contact === 'bad' ? invite.uri : contact,
        routeSet: routes.routes,
        secure: isSecure(invite, overTls),
        local,
      }),
    };
  }

  /** §12.1.1: the UAS side from the INVITE and the 1xx (with To tag) or 2xx we answer it with. */
  static asUas(invite: SipRequest, response: SipResponse, local: DialogLocalSpec, overTls = false): DialogCreateVerdict {
    const status = response.statusCode;
    if (invite.method !== 'INVITE' || status < 101 || status > 299) return { ok: false, reason: 'not-dialog-creating' };
    const callId = invite.callId;
    if (callId === undefined) return { ok: false, reason: 'missing-call-id' };
    const localTag = response.to?.tag;
    if (localTag === undefined) return { ok: false, reason: 'missing-tag' };
    const cseq = invite.cseq;
    if (cseq === undefined) return { ok: false, reason: 'missing-cseq' };
    const routes = routeSetFrom(invite, 'uas');
    if (!routes.ok) return { ok: false, reason: routes.reason };
    const contact = contactUri(invite);
    if (contact === 'missing') return { ok: false, reason: 'missing-contact' };
    if (contact === 'bad') return { ok: false, reason: 'bad-contact' };
    return {
      ok: true,
      dialog: new Dialog({
        role: 'uas',
        id: { callId, localTag, remoteTag: invite.from?.tag ?? '' },
        state: status >= 200 ? 'confirmed' : 'early',
        localParty: response.headers.get('to')!,
        remoteParty: invite.headers.get('from')!,
        // §12.1.1: the UAS's local sequence number starts empty; the first request picks one.
        localSeq: undefined,
        remoteSeq: cseq.seq,
        remoteTarget: contact,
        routeSet: routes.routes,
        secure: isSecure(invite, overTls),
        local,
      }),
    };
  }

  get state(): DialogState {
    return this._state;
  }

  get localSeq(): number | undefined {
    return this._localSeq;
  }

  get remoteSeq(): number | undefined {
    return this._remoteSeq;
  }

  /** Takes an edge of the dialog machine; an illegal one throws `IllegalTransitionError`. */
  transition(event: DialogEvent): DialogState {
    this._state = dialogNextState(this._state, event);
    if (this._state === 'terminated') this.terminationListeners.fire();
    return this._state;
  }

  /** Whether `event` is legal now (network input is checked with this before `transition`). */
  accepts(event: DialogEvent): boolean {
    return dialogAccepts(this._state, event);
  }

  /** Told once when the dialog terminates (at once if it already has). */
  onTerminated(listener: () => void): void {
    this.terminationListeners.add(listener, this._state === 'terminated');
  }

  /**
   * §13.2.2.4 / §12.2.1.2: a 2xx for the INVITE confirms an early dialog and its Record-Route and
   * Contact replace the route set and remote target the 1xx gave.
   */
  confirm(response: SipResponse): { readonly ok: true } | { readonly ok: false; readonly reason: 'bad-record-route' | 'not-allowed' } {
    if (!this.accepts('success')) return { ok: false, reason: 'not-allowed' };
    // The UAS's route set and remote target come from the INVITE and stay (§12.1.1).
    if (this._state === 'early' && this.role === 'uac') {
      const routes = routeSetFrom(response, this.role);
      if (!routes.ok) return routes;
      this.routeSet = routes.routes;
      this.refreshTarget(response);
      this.remoteParty = response.headers.get('to') ?? this.remoteParty;
    }
    this.transition('success');
    return { ok: true };
  }

  /** §12.2: a target refresh replaces the remote target with the message's Contact, when it has one. */
  refreshTarget(message: SipMessage): boolean {
    const contact = contactUri(message);
    if (contact === 'missing' || contact === 'bad') return false;
    this.remoteTarget = contact;
    return true;
  }

  /**
   * §12.2.2: an in-dialog request with a CSeq below the remote sequence number is out of order and
   * gets 500; otherwise its number becomes the remote sequence number (the first one sets it when it
   * was empty). ACK and CANCEL carry the number of the request they belong to, so they pass unchanged.
   */
  checkRemoteSeq(request: SipRequest): RemoteSeqVerdict {
    const seq = request.cseq?.seq;
    if (seq === undefined) return { ok: false, statusCode: 500, reasonPhrase: 'Server Internal Error' };
    if (this._remoteSeq !== undefined && seq < this._remoteSeq) return { ok: false, statusCode: 500, reasonPhrase: 'CSeq Out Of Order' };
    if (request.method !== 'ACK' && request.method !== 'CANCEL') this._remoteSeq = seq;
    return { ok: true };
  }

  /** Where in-dialog requests go now (§12.2.1.1). */
  routing(): InDialogRouting {
    return routeInDialogRequest(this.remoteTarget, this.routeSet);
  }

  /**
   * §12.2.1.1: a new in-dialog request. The local sequence number goes up by one (an empty one starts
   * at a random value below 2**31, §8.1.1.5); To and From carry the dialog's tags; target refresh
   * requests carry our Contact.
   */
  createRequest(method: string, options: InDialogRequestOptions = {}): BuiltRequest {
    if (method === 'ACK' || method === 'CANCEL') throw new RangeError(`${method} takes the CSeq of the request it belongs to: use createAck or createCancel`);
    this._localSeq = this._localSeq === undefined ? randomInt(1, 2 ** 16) : this._localSeq + 1;
    return this.build(method, this._localSeq, TARGET_REFRESH_METHODS.includes(method), options);
  }

  /** §13.2.2.4: the ACK for a 2xx: CSeq number of the INVITE, a new branch, the dialog's route set. */
  createAck(inviteSeq: number): BuiltRequest {
    return this.build('ACK', inviteSeq, false, {});
  }

  private build(method: string, seq: number, withContact: boolean, options: InDialogRequestOptions): BuiltRequest {
    const routing = this.routing();
    const request = createRequest({
      method,
      uri: routing.requestUri,
      via: this.local.via,
      // The parties as written (every parameter, not only the tag).
      from: this.localParty,
      to: this.remoteParty,
      callId: this.id.callId,
      cseq: seq,
      routes: routing.routes,
      ...(withContact ? { contact: this.local.contact } : {}),
      version: this.local.version,
      ...(options.headers === undefined ? {} : { headers: options.headers }),
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    return { request, routing };
  }

  /** For logs: `uac confirmed <call-id>`. */
  toString(): string {
    return `${this.role} ${this._state} ${this.id.callId}`;
  }
}

