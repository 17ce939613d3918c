/** What the client side of the endpoint resolves with (sip-endpoint.ts `sendRequest`, `sendInvite`). */
import type { Dialog, UacCancelVerdict, UacInvite } from '../dialog/index.js';
import type { SipResponse } from '../message/index.js';

/** The end of a non-INVITE client transaction (§17.1.2): a final response, Timer F, or a transport error. */
export type SipRequestOutcome =
  | { readonly kind: 'response'; readonly response: SipResponse }
  /** No final response within Timer F; the TU treats it as 408 (§8.1.3.1). */
  | { readonly kind: 'timeout' }
  | { readonly kind: 'transport-error'; readonly error: unknown };

export interface SipRequestEvents {
  /** Each 1xx the transaction passes up. */
  readonly onProvisional?: (response: SipResponse) => void;
}

/** The end of an outgoing INVITE. */
export type SipInviteOutcome =
  /** The first 2xx: the dialog is confirmed and the ACK sent (§13.2.2.4). */
  | { readonly kind: 'answered'; readonly response: SipResponse; readonly dialog: Dialog }
  /** A 3xx–6xx (487 after our CANCEL); the transaction has sent the ACK (§17.1.1.3). */
  | { readonly kind: 'failed'; readonly response: SipResponse }
  /** Timer B fired with no final response. */
  | { readonly kind: 'timeout' }
  | { readonly kind: 'transport-error'; readonly error: unknown };

export interface SipInviteEvents {
  /** Each 1xx; `dialog` is the early dialog when the response made one. */
  readonly onProvisional?: (response: SipResponse, dialog: Dialog | undefined) => void;
}

export interface OutgoingInvite {
  readonly uac: UacInvite;
  readonly outcome: Promise<SipInviteOutcome>;
  /** CANCEL (§9.1) toward the INVITE's destination; only before a final response. */
  cancel(): UacCancelVerdict;
}
