import { splitOutside } from '../message/header-lists.js';
import { createCancel, parseNameAddr, type SipRequest, type SipResponse } from '../message/index.js';
import { Dialog, type BuiltRequest, type DialogCreateFailure } from './dialog.js';
import type { DialogLocalSpec, DialogSend } from './dialog-options.js';
import type { DialogTable } from './dialog-table.js';
import { uacInviteNextState, type UacInviteState } from './uac-invite-state.js';

export interface UacInviteOptions {
  readonly invite: SipRequest;
  readonly local: DialogLocalSpec;
  readonly table: DialogTable;
  readonly send: DialogSend;
  /** Whether the INVITE went out over TLS (with a SIPS Request-URI this makes the dialog secure). */
  readonly overTls?: boolean;
}

/** What a response to our INVITE did. */
export type UacResponseVerdict =
  /** 100, or a 1xx without a To tag: no dialog. */
  | { readonly kind: 'provisional' }
  /** A 1xx with a To tag: the early dialog of that fork (new or known). */
  | { readonly kind: 'early'; readonly dialog: Dialog }
  /** The first 2xx we keep: the dialog is confirmed and the ACK sent. */
  | { readonly kind: 'confirmed'; readonly dialog: Dialog; readonly ack: SipRequest }
  /** A retransmitted 2xx: the same ACK was sent again. */
  | { readonly kind: 'ack-resent'; readonly ack: SipRequest }
  /**
   * A 2xx we do not keep: from a second fork once answered (`fork`), after our CANCEL (`cancelled`),
   * or after a failure (`failed`). It was ACKed and ended with BYE (§13.2.2.4, §15).
   */
  | { readonly kind: 'released'; readonly why: 'fork' | 'cancelled' | 'failed'; readonly ack: SipRequest; readonly bye: SipRequest }
  /** 3xx–6xx: every early dialog ended (§12.3). */
  | { readonly kind: 'failed'; readonly statusCode: number }
  /** A final failure after a 2xx (another fork's): nothing to do. */
  | { readonly kind: 'ignored' }
  /** A response that cannot make a dialog (no To tag on a 2xx, bad Record-Route…). */
  | { readonly kind: 'invalid'; readonly reason: DialogCreateFailure };

export type UacCancelVerdict = { readonly ok: true; readonly cancel: SipRequest } | { readonly ok: false; readonly reason: 'not-pending' };

/**
 * The UAC core for one outgoing INVITE (RFC 3261 §13.2.2): early dialogs per To tag, so forked
 * responses make separate dialogs; the ACK for each 2xx, resent for each retransmission
 * (§13.2.2.4); the late-200 and CANCEL/200 races ended with ACK + BYE. The INVITE client transaction
 * passes it every response, 2xx retransmissions included, until Timer M.
 */
export class UacInvite {
  private _state: UacInviteState = 'pending';
  private readonly earlyDialogs = new Map<string, Dialog>();
  /** The ACK sent for each 2xx To tag, to resend as is for retransmissions. */
  private readonly acks = new Map<string, BuiltRequest>();
  private _dialog: Dialog | undefined;

  constructor(private readonly options: UacInviteOptions) {}

  get state(): UacInviteState {
    return this._state;
  }

  get invite(): SipRequest {
    return this.options.invite;
  }

  /** The dialog we kept (confirmed by the first 2xx). */
  get dialog(): Dialog | undefined {
    return this._dialog;
  }

  receiveResponse(response: SipResponse): UacResponseVerdict {
    const status = response.statusCode;
    if (status < 200) return this.provisional(response);
    if (status < 300) return this.success(response);
    return this.failure(status);
  }

  /**
   * Sends CANCEL for the INVITE (§9.1), toward the same next hop. Only before a final response; §9.1
   * also asks to wait for a provisional response first, which the caller decides.
   */
  cancel(): UacCancelVerdict {
    if (this._state !== 'pending') return { ok: false, reason: 'not-pending' };
    this._state = uacInviteNextState(this._state, 'cancel');
    const cancel = createCancel(this.options.invite, this.options.local.version);
    this.options.send(cancel, { kind: 'request', nextHop: this.nextHopOfInvite() });
    return { ok: true, cancel };
  }

  /** Timer M (or Timer B) ended the INVITE transaction: early dialogs that never got a 2xx end too. */
  transactionTerminated(): void {
    for (const dialog of this.earlyDialogs.values()) if (dialog.state === 'early') dialog.transition('failure');
    this.earlyDialogs.clear();
    if (this._state === 'pending' || this._state === 'cancelling') this._state = uacInviteNextState(this._state, 'failure');
  }

  private provisional(response: SipResponse): UacResponseVerdict {
    this._state = uacInviteNextState(this._state, 'provisional');
    const tag = response.to?.tag;
    if (response.statusCode === 100 || tag === undefined || this._state === 'answered' || this._state === 'failed') return { kind: 'provisional' };
    const known = this.earlyDialogs.get(tag);
    if (known !== undefined) {
      if (known.accepts('provisional')) known.transition('provisional');
      return { kind: 'early', dialog: known };
    }
    const made = Dialog.asUac(this.options.invite, response, this.options.local, this.options.overTls);
    if (!made.ok) return { kind: 'invalid', reason: made.reason };
    this.earlyDialogs.set(tag, made.dialog);
    this.options.table.add(made.dialog);
    return { kind: 'early', dialog: made.dialog };
  }

  private success(response: SipResponse): UacResponseVerdict {
    const tag = response.to?.tag;
    if (tag === undefined) return { kind: 'invalid', reason: 'missing-tag' };
    const sentAck = this.acks.get(tag);
    if (sentAck !== undefined) {
      this.sendAck(sentAck);
      return { kind: 'ack-resent', ack: sentAck.request };
    }
    const dialog = this.dialogFor2xx(tag, response);
    if (dialog === undefined) return { kind: 'invalid', reason: 'bad-record-route' };
    const before = this._state;
    this._state = uacInviteNextState(this._state, 'success');
    const built = dialog.createAck(this.inviteSeq());
    const ack = built.request;
    this.acks.set(tag, built);
    this.sendAck(built);
    if (before === 'pending') {
      this._dialog = dialog;
      return { kind: 'confirmed', dialog, ack };
    }
    // §15 and the late-200 race: we already have our call (or want none), so this one ends at once.
    const bye = dialog.createRequest('BYE');
    this.options.send(bye.request, { kind: 'request', nextHop: bye.routing.nextHop });
    dialog.transition('bye-sent');
    return { kind: 'released', why: before === 'answered' ? 'fork' : before === 'cancelling' ? 'cancelled' : 'failed', ack, bye: bye.request };
  }

  /** The early dialog of this To tag confirmed by the 2xx, or a new confirmed dialog. */
  private dialogFor2xx(tag: string, response: SipResponse): Dialog | undefined {
    const early = this.earlyDialogs.get(tag);
    this.earlyDialogs.delete(tag);
    if (early !== undefined && early.state === 'early' && early.confirm(response).ok) return early;
    if (early !== undefined && early.state !== 'terminated') early.transition('failure');
    const made = Dialog.asUac(this.options.invite, response, this.options.local, this.options.overTls);
    if (!made.ok) return undefined;
    this.options.table.add(made.dialog);
    return made.dialog;
  }

  private failure(statusCode: number): UacResponseVerdict {
    if (this._state === 'answered' || this._state === 'failed') return { kind: 'ignored' };
    this._state = uacInviteNextState(this._state, 'failure');
    // §12.3 / §13.2.2.3: a non-2xx final response ends every early dialog of the INVITE.
    for (const dialog of this.earlyDialogs.values()) if (dialog.state === 'early') dialog.transition('failure');
    this.earlyDialogs.clear();
    return { kind: 'failed', statusCode };
  }

  private sendAck(ack: BuiltRequest): void {
    this.options.send(ack.request, { kind: 'ack', nextHop: ack.routing.nextHop });
  }

  /** §8.1.2: the INVITE's first Route, else its Request-URI (CANCEL follows the INVITE, §9.1). */
  private nextHopOfInvite(): string {
    const firstRoute = this.options.invite.headers.get('route');
    const routeUri = firstRoute === undefined ? undefined : parseNameAddr(splitOutside(firstRoute, ',')[0]!, 'Record_Route')?.uri;
    return routeUri ?? this.options.invite.uri;
  }

  private inviteSeq(): number {
    return this.options.invite.cseq?.seq ?? 0;
  }
}
