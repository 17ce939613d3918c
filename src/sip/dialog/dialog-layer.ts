import { createResponse, type SipRequest, type SipResponse } from '../message/index.js';
import type { TimerScheduler } from '../transaction/timer-scheduler.js';
import type { BuiltRequest, Dialog } from './dialog.js';
import type { DialogLocalSpec, DialogSend } from './dialog-options.js';
import { DialogTable } from './dialog-table.js';
import { UacInvite } from './uac-invite.js';
import { UasInvite, type UasNoAckReport } from './uas-invite.js';

export interface DialogLayerOptions {
  readonly local: DialogLocalSpec;
  readonly send: DialogSend;
  readonly scheduler: TimerScheduler;
  /** From the resolved transaction timers (2xx retransmission uses the same T1 and T2). */
  readonly t1Ms: number;
  readonly t2Ms: number;
  readonly report?: (report: UasNoAckReport) => void;
}

/** What to do with an incoming request that carries a To tag (RFC 3261 §12.2.2). */
export type InDialogRequestVerdict =
  /** No To tag: not for a dialog; handle as a new request. */
  | { readonly kind: 'out-of-dialog' }
  /** Answer with this response (481 unknown dialog, 500 CSeq out of order) through the server transaction. */
  | { readonly kind: 'respond'; readonly response: SipResponse }
  /** An ACK for no known dialog or 2xx: nothing answers an ACK. */
  | { readonly kind: 'discard' }
  /** The ACK for our 2xx: retransmission stopped. */
  | { readonly kind: 'ack'; readonly dialog: Dialog; readonly uas: UasInvite }
  /** The peer hung up: the dialog is over; answer with `response` (200). */
  | { readonly kind: 'bye'; readonly dialog: Dialog; readonly response: SipResponse }
  /** Any other in-dialog request for the TU (re-INVITE, UPDATE, INFO, MESSAGE…). */
  | { readonly kind: 'in-dialog'; readonly dialog: Dialog; readonly targetRefreshed: boolean };

/** What a response did that did not belong to an outgoing dialog-creating INVITE. */
export type InDialogResponseVerdict =
  | { readonly kind: 'no-dialog' }
  /** §12.2.1.2: 481 or 408 to an in-dialog request ends the dialog. */
  | { readonly kind: 'dialog-ended'; readonly dialog: Dialog }
  /** A 2xx to a re-INVITE: ACK sent (again for a retransmission); target refreshed. */
  | { readonly kind: 'reinvite-acked'; readonly dialog: Dialog; readonly ack: SipRequest }
  | { readonly kind: 'passed'; readonly dialog: Dialog; readonly targetRefreshed: boolean };

const SEP = '\u0000';

/** Our INVITE is found again by Call-ID, From tag and CSeq number (its responses copy all three). */
function inviteKey(message: SipRequest | SipResponse): string | undefined {
  const callId = message.callId;
  const fromTag = message.from?.tag;
  const seq = message.cseq?.seq;
  return callId === undefined || fromTag === undefined || seq === undefined ? undefined : [callId, fromTag, seq].join(SEP);
}

/**
 * The dialog layer over the transactions: it starts UAC and UAS INVITE handling, keeps the dialog
 * table, and routes in-dialog requests and responses. The transaction layer stays below: requests
 * and responses come in after transaction matching; what goes out is handed to `send` with a target
 * saying whether it needs a transaction.
 */
export class DialogLayer {
  readonly table = new DialogTable();
  private readonly uacInvites = new Map<string, UacInvite>();
  private readonly uasInvites = new Map<string, UasInvite>();
  /** The ACK sent for each 2xx to a re-INVITE, by dialog and CSeq, for 2xx retransmissions. */
  private readonly reinviteAcks = new Map<string, BuiltRequest>();

  constructor(private readonly options: DialogLayerOptions) {}

  /** Our dialog-creating INVITE, once the caller has handed it to its INVITE client transaction. */
  sendInvite(invite: SipRequest, overTls = false): UacInvite {
    const uac = new UacInvite({ invite, local: this.options.local, table: this.table, send: this.options.send, overTls });
    const key = inviteKey(invite);
    if (key !== undefined) this.uacInvites.set(key, uac);
    return uac;
  }

  /** The INVITE client transaction of `uac` terminated (Timer M, B or a transport error). */
  inviteTransactionTerminated(uac: UacInvite): void {
    uac.transactionTerminated();
    const key = inviteKey(uac.invite);
    if (key !== undefined && this.uacInvites.get(key) === uac) this.uacInvites.delete(key);
  }

  /** A new (To-tag-less) INVITE from the network. */
  receiveInvite(invite: SipRequest, overTls = false): UasInvite {
    const { local, send, scheduler, t1Ms, t2Ms, report } = this.options;
    const uas = new UasInvite({ invite, local, table: this.table, send, scheduler, t1Ms, t2Ms, overTls, ...(report ? { report } : {}) });
    const key = inviteKey(invite);
    if (key !== undefined) this.uasInvites.set(key, uas);
    return uas;
  }

  /** The INVITE server transaction of `uas` terminated; ACKs are matched by dialog from now on. */
  inviteServerDone(uas: UasInvite): void {
    const key = inviteKey(uas.invite);
    if (key !== undefined && this.uasInvites.get(key) === uas) this.uasInvites.delete(key);
  }

  /** A response from a client transaction: to the INVITE it answers, or to an in-dialog request. */
  receiveResponse(response: SipResponse): ReturnType<UacInvite['receiveResponse']> | InDialogResponseVerdict {
    const key = inviteKey(response);
    const uac = key === undefined ? undefined : this.uacInvites.get(key);
    if (uac !== undefined && response.cseq?.method === 'INVITE') return uac.receiveResponse(response);
    return this.inDialogResponse(response);
  }

  /** Sends BYE on a confirmed dialog (§15.1.1) and ends it; false when the dialog is not confirmed. */
  sendBye(dialog: Dialog): SipRequest | undefined {
    if (!dialog.accepts('bye-sent')) return undefined;
    const bye = dialog.createRequest('BYE');
    this.options.send(bye.request, { kind: 'request', nextHop: bye.routing.nextHop });
    dialog.transition('bye-sent');
    return bye.request;
  }

  /**
   * Sends INFO on a confirmed dialog (RFC 6086 §4.2; a DTMF digit as application/dtmf-relay). Its
   * response changes nothing here; false when the dialog is not confirmed.
   */
  sendInfo(dialog: Dialog, contentType: string, body: string): boolean {
    if (dialog.state !== 'confirmed') return false;
    const info = dialog.createRequest('INFO', { contentType, body });
    this.options.send(info.request, { kind: 'request', nextHop: info.routing.nextHop });
    return true;
  }

  /** §12.2.2: an incoming request that may belong to a dialog. */
  receiveRequest(request: SipRequest): InDialogRequestVerdict {
    if (request.to?.tag === undefined) return { kind: 'out-of-dialog' };
    const dialog = this.table.findForRequest(request);
    if (dialog === undefined) {
      if (request.method === 'ACK') return { kind: 'discard' };
      return { kind: 'respond', response: this.answer(request, 481, 'Call/Transaction Does Not Exist') };
    }
    const seq = dialog.checkRemoteSeq(request);
    if (!seq.ok) return request.method === 'ACK' ? { kind: 'discard' } : { kind: 'respond', response: this.answer(request, seq.statusCode, seq.reasonPhrase) };
    if (request.method === 'ACK') return this.ack(request, dialog);
    if (request.method === 'BYE') {
      if (!dialog.accepts('bye-received')) return { kind: 'respond', response: this.answer(request, 481, 'Call/Transaction Does Not Exist') };
      dialog.transition('bye-received');
      return { kind: 'bye', dialog, response: this.answer(request, 200, 'OK') };
    }
    const refresh = (request.method === 'INVITE' || request.method === 'UPDATE') && dialog.refreshTarget(request);
    dialog.transition(refresh ? 'target-refresh' : 'in-dialog-request');
    return { kind: 'in-dialog', dialog, targetRefreshed: refresh };
  }

  private ack(request: SipRequest, dialog: Dialog): InDialogRequestVerdict {
    const key = inviteKey(request);
    const uas = key === undefined ? undefined : this.uasInvites.get(key);
    if (uas === undefined || uas.dialog !== dialog) return { kind: 'discard' };
    uas.receiveAck();
    return { kind: 'ack', dialog, uas };
  }

  private inDialogResponse(response: SipResponse): InDialogResponseVerdict {
    const dialog = this.table.findForResponse(response);
    if (dialog === undefined) return { kind: 'no-dialog' };
    const status = response.statusCode;
    if (status === 481 || status === 408) {
      if (dialog.accepts('request-failed')) dialog.transition('request-failed');
      return { kind: 'dialog-ended', dialog };
    }
    const method = response.cseq?.method;
    const refreshed = status >= 200 && status < 300 && (method === 'INVITE' || method === 'UPDATE') && dialog.refreshTarget(response);
    if (status >= 200 && status < 300 && method === 'INVITE') {
      // §13.2.2.4 holds for re-INVITEs too: every 2xx (retransmissions included) gets the same ACK.
      const ackKey = `${dialog.key}${SEP}${response.cseq!.seq}`;
      let built = this.reinviteAcks.get(ackKey);
      if (built === undefined) {
        built = dialog.createAck(response.cseq!.seq);
        this.reinviteAcks.set(ackKey, built);
        dialog.onTerminated(() => this.reinviteAcks.delete(ackKey));
      }
      this.options.send(built.request, { kind: 'ack', nextHop: built.routing.nextHop });
      return { kind: 'reinvite-acked', dialog, ack: built.request };
    }
    return { kind: 'passed', dialog, targetRefreshed: refreshed };
  }

  private answer(request: SipRequest, statusCode: number, reasonPhrase: string): SipResponse {
    return createResponse(request, statusCode, reasonPhrase, { version: this.options.local.version });
  }
}
