import type { SipMessage } from '../message/index.js';

/** Our Via for requests a dialog builds (a fresh branch each time, §8.1.1.7). */
export interface DialogViaSpec {
  readonly transport: string;
  readonly host: string;
  readonly port?: number;
}

/**
 * How the dialog layer hands a message to the layers below:
 * - `ack`: an ACK for a 2xx; no transaction (§17.1.1.3), straight to the transport toward `nextHop`;
 * - `request`: BYE, CANCEL and other requests; the caller runs each in a non-INVITE client transaction;
 * - `response`: our 2xx (and its retransmissions) and other responses to an INVITE; through the INVITE
 *   server transaction (RFC 6026 §8.7 lets it pass 2xx retransmissions in Accepted).
 */
export type DialogSendTarget =
  | { readonly kind: 'ack'; readonly nextHop: string }
  | { readonly kind: 'request'; readonly nextHop: string }
  | { readonly kind: 'response' };

export type DialogSend = (message: SipMessage, target: DialogSendTarget) => void;

/** What every dialog needs to build requests. */
export interface DialogLocalSpec {
  /** cellgate's version for `User-Agent`. */
  readonly version: string;
  readonly via: DialogViaSpec;
  /** Our Contact value (a name-addr), sent on target refresh requests and dialog-creating responses. */
  readonly contact: string;
}
