/** What a digest server is built with, what it checks, and what it answers. */
import type { BaseDigestAlgorithm, DigestQop } from './digest-algorithm.js';

export interface DigestServerOptions {
  /** The protection space, usually the SIP domain (RFC 3261 §22.1). */
  realm: string;
  /** Keys the nonce HMAC; at least 32 bytes. Changing it makes every outstanding nonce invalid. */
  secret: Uint8Array;
  /** How long a nonce is accepted; after that a right answer gets stale=true. Default 5 minutes. */
  nonceLifetimeMs?: number;
  /** Offered in this order, one challenge each (RFC 8760 §2: most preferred first). Default SHA-256, MD5. */
  algorithms?: readonly BaseDigestAlgorithm[];
  /** qop options offered. Default auth only. */
  qop?: readonly DigestQop[];
  /** Nonces whose nc is remembered (replay check); beyond this the least recently used are forgotten. Default 10000. */
  maxTrackedNonces?: number;
  /** Clock in milliseconds; injectable for tests. Default Date.now. */
  now?: () => number;
}

/**
 * What the registrar stores for a user: the password, or HA1 = H(username:realm:password) per
 * algorithm (RFC 7616 §3.4.2), so the password itself need not be kept.
 */
export type StoredDigestSecret = { password: string } | { ha1: Partial<Record<BaseDigestAlgorithm, string>> };

/** The request whose credentials are checked: plain values, not a message object. */
export interface DigestServerRequest {
  /** The Authorization (or Proxy-Authorization) header value, wire form. */
  credentials: string;
  method: string;
  /** The Request-URI exactly as received. */
  requestUri: string;
  /** Body bytes, needed only for qop=auth-int. */
  body?: Uint8Array;
}

/**
 * ok: authenticated as `username`.
 * stale: right credentials on an expired (or forgotten) nonce; answer 401 with stale=true.
 * wrong: answer 401 with a fresh challenge. An unknown user gets exactly this verdict and reason,
 *   after the same hashing work, so the answer does not tell whether the user exists.
 * malformed: the header does not parse (RFC 3261 §21.4.1: 400 Bad Request).
 */
export type DigestVerdict =
  | { verdict: 'ok'; username: string; algorithm: BaseDigestAlgorithm }
  | { verdict: 'stale' }
  | { verdict: 'wrong'; reason: DigestWrongReason }
  | { verdict: 'malformed'; reason: string };

export type DigestWrongReason =
  | 'realm'
  | 'uri'
  | 'algorithm'
  | 'qop'
  | 'nonce'
  | 'nc-replay'
  /** Response mismatch, unknown user, or no stored HA1 for the algorithm: deliberately one reason. */
  | 'credentials';

export interface DigestChallengeOptions {
  stale?: boolean;
  /** A proxy challenges with 407 and Proxy-Authenticate (RFC 3261 §22.3). */
  proxy?: boolean;
}

export interface DigestChallengeHeaders {
  header: 'WWW-Authenticate' | 'Proxy-Authenticate';
  /** One value per algorithm, in the configured order; each becomes its own header field. */
  values: string[];
}
