/**
 * Limits and choices for parseSipMessage. Sizes are capped before any grammar runs so a hostile
 * datagram costs at most a bounded scan (RFC 3261 §18.1.1 leaves the limits to the implementation).
 */
export interface SipParseOptions {
  /** Largest message accepted, in bytes. Default 65535 (a UDP datagram's payload). */
  readonly maxMessageBytes: number;
  /** Largest single header field line (name, colon and value, folded lines joined). Default 8192. */
  readonly maxHeaderBytes: number;
  /** Most header fields accepted. Default 100. */
  readonly maxHeaders: number;
  /**
   * `datagram`: the bytes are one UDP datagram, so a Content-Length beyond its end is a 400 and a
   * missing Content-Length means "the rest" (RFC 3261 §18.3). `stream`: the bytes were framed by
   * the stream framer, which already required Content-Length.
   */
  readonly transport: 'datagram' | 'stream';
  /** Request-URI schemes handled; others get 416 (RFC 3261 §8.2.2.1). Default sip and sips. */
  readonly supportedUriSchemes: readonly string[];
  /**
   * Whether a request without Max-Forwards is refused with 400. RFC 3261 §8.1.1.6 makes it mandatory
   * for senders only; RFC 2543 peers (old ATAs and phones) omit it, and RFC 4475 §3.4.1 asks that such
   * a request be accepted. Default false: a gateway has no reason to turn those devices away.
   */
  readonly requireMaxForwards: boolean;
}

export const DEFAULT_SIP_PARSE_OPTIONS: SipParseOptions = Object.freeze({
  maxMessageBytes: 65535,
  maxHeaderBytes: 8192,
  maxHeaders: 100,
  transport: 'datagram',
  supportedUriSchemes: Object.freeze(['sip', 'sips']),
  requireMaxForwards: false,
});

/** Fills unspecified options with the defaults. */
export function sipParseOptions(partial: Partial<SipParseOptions> = {}): SipParseOptions {
  return { ...DEFAULT_SIP_PARSE_OPTIONS, ...partial };
}
