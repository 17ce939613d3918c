/**
 * The narrow view of a SIP message that a transaction needs (RFC 3261 §17). The message model adapts
 * its parsed messages to these interfaces; the transaction never looks inside the bytes it sends.
 */

/** RFC 3261 §8.1.1.7: a branch starting with this cookie was built by an RFC 3261 element. */
export const BRANCH_MAGIC_COOKIE = 'z9hG4bK';

/**
 * What identifies a request sent by an RFC 2543 element (no magic cookie in its branch). Only the
 * server-side matching of §17.2.3 uses it; our own requests always carry the cookie.
 */
export interface LegacyRequestIdentity {
  readonly requestUri: string;
  readonly callId: string;
  readonly cseqNumber: number;
  readonly fromTag: string | undefined;
  readonly toTag: string | undefined;
  /** The whole top Via field value, as the adapter normalises it. */
  readonly topVia: string;
}

export interface TransactionRequest {
  /** Request method; methods are case-sensitive (§7.1). */
  readonly method: string;
  /** The branch parameter of the top Via, or undefined when absent. */
  readonly branch: string | undefined;
  /** The sent-by of the top Via, `host` or `host:port` (compared case-insensitively). */
  readonly sentBy: string;
  /** The method in CSeq (equal to `method` for well-formed requests). */
  readonly cseqMethod: string;
  /** The serialized request, sent and retransmitted as is. */
  readonly bytes: Uint8Array;
  /** Needed only to match a request whose branch lacks the magic cookie (§17.2.3). */
  readonly legacy?: LegacyRequestIdentity;
}

export interface TransactionResponse {
  readonly statusCode: number;
  /** The serialized response, sent and retransmitted as is. */
  readonly bytes: Uint8Array;
  /** Top Via branch; used to match a received response to its client transaction (§17.1.3). */
  readonly branch?: string | undefined;
  /** CSeq method; used with the branch for §17.1.3 matching (a CANCEL's 200 is not the INVITE's). */
  readonly cseqMethod?: string;
  /** The To tag; used to match an RFC 2543 ACK to the final response it acknowledges (§17.2.3). */
  readonly toTag?: string | undefined;
}

/** The bytes of a view that is never sent: a received message (matched by its parsed fields), or a response kept only to match by. */
export const NO_BYTES = new Uint8Array(0);

/** Response classes that the state machines tell apart. */
export type ResponseClass = 'provisional' | 'success' | 'failure';

/** 1xx provisional, 2xx success, 3xx–6xx failure (§7.2); anything else is not a SIP status. */
export function classifyStatus(statusCode: number): ResponseClass | undefined {
  if (!Number.isInteger(statusCode) || statusCode < 100 || statusCode > 699) return undefined;
  if (statusCode < 200) return 'provisional';
  if (statusCode < 300) return 'success';
  return 'failure';
}

/** The send side of a transport, as a transaction sees it. */
export interface TransactionTransport {
  /** Reliable transports (TCP, TLS) need no retransmissions and no linger timers (§17.1.1.2, §17.2.1). */
  readonly reliable: boolean;
  /**
   * Hands bytes to the transport. A synchronous failure is reported by throwing; a later failure (a
   * closed connection, an ICMP error) by calling the transaction's `transportError`.
   */
  send(bytes: Uint8Array): void;
  /**
   * For a transaction that hands its Timer J wait to a compact store: where retransmitted answers go,
   * holding nothing of the transaction (nor its error report). Undefined where answers cannot be sent
   * that way (reliable transports, no route).
   */
  resender?(): Resender | undefined;
}

/** Sends an answer again; a failure is lost, as a datagram is on the wire. */
export interface Resender {
  resend(bytes: Uint8Array): void;
}
