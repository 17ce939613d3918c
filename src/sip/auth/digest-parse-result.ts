/**
 * The typed failure every digest header parser returns instead of throwing: bad input from the
 * network is an answer, not an exception.
 */

export type DigestParseErrorCode =
  /** The value is longer than the size cap (an attacker's megabyte header never reaches the parser). */
  | 'too-long'
  /** A character above 0xFF: header values come in wire form, one character per byte. */
  | 'bad-encoding'
  /** The grammar of RFC 3261 §25.1 (challenge / credentials, auth-param, quoted-string) is broken. */
  | 'bad-syntax'
  /** A scheme other than Digest (RFC 3261 §22 only defines Digest for SIP). */
  | 'unsupported-scheme'
  | 'duplicate-parameter'
  | 'too-many-parameters'
  | 'missing-parameter'
  /** A parameter whose value breaks its own rule (nc not 8 hex digits, response not hex, …). */
  | 'bad-parameter';

export interface DigestParseError {
  code: DigestParseErrorCode;
  /** A short explanation for logs; never echoed to the peer. */
  detail: string;
}

export type DigestParseResult<T> = { ok: true; value: T } | { ok: false; error: DigestParseError };

export function parseFailure<T>(code: DigestParseErrorCode, detail: string): DigestParseResult<T> {
  return { ok: false, error: { code, detail } };
}
