import { createResponse, newTag, type SipRequest, type SipResponse } from '../message/index.js';
import type { TimerScheduler } from '../transaction/timer-scheduler.js';
import { Dialog, type DialogCreateFailure, type InDialogRequestOptions } from './dialog.js';
import type { DialogLocalSpec, DialogSend } from './dialog-options.js';
import type { DialogTable } from './dialog-table.js';
import { Uas2xxRetransmitter } from './uas-2xx-retransmitter.js';
import { uasInviteNextState, type UasInviteState } from './uas-invite-state.js';

/** A dialog the UAS ended because its 2xx was never acknowledged. */
export interface UasNoAckReport {
  readonly kind: 'no-ack';
  readonly dialog: Dialog;
  readonly bye: SipRequest;
}

export interface UasInviteOptions {
  readonly invite: SipRequest;
  readonly local: DialogLocalSpec;
  readonly table: DialogTable;
  readonly send: DialogSend;
  readonly scheduler: TimerScheduler;
  readonly t1Ms: number;
  readonly t2Ms: number;
  /** Whether the INVITE came over TLS (with a SIPS Request-URI this makes the dialog secure). */
  readonly overTls?: boolean;
  /** Told when the 2xx went unacknowledged for 64·T1 and the dialog was ended with BYE. */
  readonly report?: (report: UasNoAckReport) => void;
}

export type UasRespondVerdict =
  | { readonly kind: 'provisional'; readonly response: SipResponse; readonly dialog: Dialog | undefined }
  | { readonly kind: 'accepted'; readonly response: SipResponse; readonly dialog: Dialog }
  | { readonly kind: 'rejected'; readonly response: SipResponse }
  /** The INVITE cannot make a dialog (no Contact, bad Record-Route…): answer it 400 instead. */
  | { readonly kind: 'invalid'; readonly reason: DialogCreateFailure };

/**
 * The UAS core for one incoming dialog-creating INVITE (RFC 3261 §13.3): one To tag for all its
 * responses, an early dialog on a 1xx other than 100, a confirmed one on the 2xx, the 2xx
 * retransmitted until the ACK (§13.3.1.4), and a BYE when the ACK never comes.
 */
export class UasInvite {
  /** Our To tag, the same on every response (§12.1.1). */
  readonly localTag = newTag();
  private _state: UasInviteState = 'proceeding';
  private _dialog: Dialog | undefined;
  private retransmitter: Uas2xxRetransmitter | undefined;

  constructor(private readonly options: UasInviteOptions) {}

  get state(): UasInviteState {
    return this._state;
  }

  get invite(): SipRequest {
    return this.options.invite;
  }

  get dialog(): Dialog | undefined {
    return this._dialog;
  }

  /** Builds, records and sends a response. A second final response throws (TU bug). */
  respond(statusCode: number, reasonPhrase: string, options: InDialogRequestOptions = {}): UasRespondVerdict {
    const makesDialog = statusCode > 100 && statusCode < 300;
    const event = statusCode < 200 ? 'provisional' : statusCode < 300 ? 'accept' : 'reject';
    // Checked first, so a refused edge sends nothing.
    const next = uasInviteNextState(this._state, event);
    // §12.1.1: a response that makes a dialog copies every Record-Route of the request, in order, so
    // the caller's ACK and later requests pass the proxies that asked to stay in the path.
    const recordRoutes = makesDialog ? this.options.invite.headers.getAll('record-route').map((v) => ['Record-Route', v] as const) : [];
    const headers = [...recordRoutes, ...(makesDialog ? [['Contact', this.options.local.contact] as const] : []), ...(options.headers ?? [])];
    const response = createResponse(this.options.invite, statusCode, reasonPhrase, {
      version: this.options.local.version,
      toTag: this.localTag,
      headers,
      ...(options.contentType === undefined ? {} : { contentType: options.contentType }),
      ...(options.body === undefined ? {} : { body: options.body }),
    });
    if (makesDialog && this._dialog === undefined) {
      const made = Dialog.asUas(this.options.invite, response, this.options.local, this.options.overTls);
      if (!made.ok) return { kind: 'invalid', reason: made.reason };
      this._dialog = made.dialog;
      this.options.table.add(made.dialog);
      made.dialog.onTerminated(() => this.retransmitter?.stop());
    }
    this._state = next;
    this.options.send(response, { kind: 'response' });
    const dialog = this._dialog;
    if (event === 'provisional') {
      if (dialog?.accepts('provisional')) dialog.transition('provisional');
      return { kind: 'provisional', response, dialog };
    }
    if (event === 'reject') {
      if (dialog?.accepts('failure')) dialog.transition('failure');
      return { kind: 'rejected', response };
    }
    dialog!.confirm(response);
    this.startRetransmitting(response);
    return { kind: 'accepted', response, dialog: dialog! };
  }

  /** The ACK for our 2xx arrived (§13.3.1.4): stop retransmitting. */
  receiveAck(): void {
    this._state = uasInviteNextState(this._state, 'ack');
    this.retransmitter?.ack();
  }

  private startRetransmitting(response: SipResponse): void {
    this.retransmitter = new Uas2xxRetransmitter({
      response,
      scheduler: this.options.scheduler,
      t1Ms: this.options.t1Ms,
      t2Ms: this.options.t2Ms,
      resend: (again) => this.options.send(again, { kind: 'response' }),
      onGiveUp: () => this.endWithoutAck(),
    });
    this.retransmitter.start();
  }

  /** §13.3.1.4: no ACK within 64·T1 — the UAS SHOULD end the session with BYE. */
  private endWithoutAck(): void {
    this._state = uasInviteNextState(this._state, 'no-ack');
    const dialog = this._dialog!;
    if (dialog.state !== 'confirmed') return;
    const bye = dialog.createRequest('BYE');
    this.options.send(bye.request, { kind: 'request', nextHop: bye.routing.nextHop });
    dialog.transition('no-ack');
    this.options.report?.({ kind: 'no-ack', dialog, bye: bye.request });
  }
}
