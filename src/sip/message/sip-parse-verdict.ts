import type { SipHeaders } from './sip-headers.js';

/** The statuses a parser can ask for (RFC 3261 §21.4.1, §21.4.17, §21.5.14, §21.5.6). */
export type SipRejectStatus = 400 | 416 | 505 | 513;

/**
 * A request that could not be accepted but can be answered: the transport sends `statusCode` with
 * `reasonPhrase` (which names the offending header), built from the header fields that were read
 * (Via, From, To, Call-ID and CSeq are copied as far as they exist, RFC 3261 §8.2.6.2).
 */
export interface SipRejectRespond {
  readonly action: 'respond';
  readonly statusCode: SipRejectStatus;
  readonly reasonPhrase: string;
  /** The request's method, from its start line. */
  readonly method: string;
  /** The header fields as split from the bytes (values not grammar-checked). */
  readonly headers: SipHeaders;
  /** What was wrong, for the log. */
  readonly detail: string;
}

/**
 * Nothing can be sent: the bytes are a response (never answered, RFC 3261 §8.1.3.2 / §18.1.2),
 * or too broken to tell what they are or where an answer would go.
 */
export interface SipRejectDiscard {
  readonly action: 'discard';
  readonly detail: string;
}

export type SipParseVerdict = SipRejectRespond | SipRejectDiscard;
