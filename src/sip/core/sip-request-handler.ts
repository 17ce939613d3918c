/**
 * What the gateway's call, SMS and registrar logic implements to receive new requests from the
 * endpoint: one handler per method. The endpoint has already matched transactions, answered
 * retransmissions, checked the request (§8.2) and, for INVITE, started the UAS dialog core.
 */
import type { SipRequest, SipResponse } from '../message/index.js';
import type { Dialog, UasInvite, UasNoAckReport } from '../dialog/index.js';
import type { SipPeerAddress, SipTransportKind } from '../transport/index.js';

export interface SipResponseSpec {
  readonly headers?: readonly (readonly [string, string])[];
  readonly contentType?: string;
  readonly body?: Buffer | string;
}

/** What became of a handler's response. */
export type SipRespondVerdict =
  | { readonly ok: true; readonly response: SipResponse }
  /** A final response was already sent, the transaction is gone, or the INVITE cannot make a dialog. */
  | { readonly ok: false; readonly reason: 'already-final' | 'transaction-ended' | 'invalid-invite' };

export interface SipIncomingRequest {
  readonly request: SipRequest;
  /** The packet source and the transport it came over. */
  readonly source: SipPeerAddress;
  readonly transport: SipTransportKind;
  /** The dialog an in-dialog request belongs to (undefined for new requests). */
  readonly dialog: Dialog | undefined;
  /** For a new INVITE: the UAS core (its dialog once a 1xx/2xx made one). */
  readonly uas: UasInvite | undefined;
  /** Set once a CANCEL ended the INVITE (§9.2); the endpoint has already answered 487. */
  readonly cancelled: boolean;
  /** Sends a response through the server transaction (for a new INVITE, through the UAS core). */
  respond(statusCode: number, reasonPhrase: string, spec?: SipResponseSpec): SipRespondVerdict;
}

/** A response sent without a server transaction (RFC 3261 §8.2.7). */
export interface SipStatelessAnswer {
  readonly statusCode: number;
  readonly reasonPhrase: string;
  readonly headers?: readonly (readonly [string, string])[];
}

export interface SipRequestHandler {
  /**
   * Optional, for a new out-of-dialog request other than INVITE that passed the endpoint's checks:
   * an answer to send statelessly (RFC 3261 §8.2.7, "typically used to issue unauthenticated
   * challenges"), or undefined to go on with a server transaction and `handleRequest`. Must change no
   * state: a retransmission of the request meets no transaction and is answered again. Under a
   * REGISTER flood this keeps half the requests (the challenges) out of the transaction table.
   */
  answerStatelessly?(request: SipRequest, source: SipPeerAddress, transport: SipTransportKind): SipStatelessAnswer | undefined;
  /**
   * Optional, for a new out-of-dialog request other than INVITE that passed the endpoint's checks
   * and got no stateless answer: the final answer when the handler can decide it synchronously, or
   * undefined to go on with `handleRequest`. The endpoint sends it and absorbs retransmissions as the
   * server transaction would (§17.2.2, immediate-answers.ts), so the handler may change state here;
   * it gives the answer `handleRequest` would have sent.
   */
  answerAtOnce?(request: SipRequest, source: SipPeerAddress, transport: SipTransportKind): SipStatelessAnswer | undefined;
  /** A new request of the method this handler is registered for, or an in-dialog request (not ACK/BYE). */
  handleRequest(incoming: SipIncomingRequest): void;
  /** INVITE only: the caller cancelled before a final response; 487 has been sent. */
  requestCancelled?(incoming: SipIncomingRequest): void;
  /**
   * Dialog events, told to every handler that has the hook (each checks whether the dialog is one of
   * its own): the ACK for our 2xx (§13.3.1.4; it may carry the SDP answer, §13.2.1), a BYE already
   * answered 200, and a 2xx never acknowledged (the dialog was ended with BYE).
   */
  dialogAcknowledged?(dialog: Dialog, ack: SipRequest): void;
  dialogByeReceived?(dialog: Dialog, bye: SipRequest): void;
  dialogUnacknowledged?(report: UasNoAckReport): void;
}

/** The dialog events alone, for a part that hears them without handling a method (SipEndpoint.addDialogListener). */
export type SipDialogListener = Pick<SipRequestHandler, 'dialogAcknowledged' | 'dialogByeReceived' | 'dialogUnacknowledged'>;
