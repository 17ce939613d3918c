/** What a digest client is built with, and what it is asked to sign. */
import type { BaseDigestAlgorithm } from './digest-algorithm.js';

export interface DigestClientCredentials {
  username: string;
  /** The password; or give `ha1` instead (then `realm` is required, as HA1 binds the realm). */
  password?: string;
  /** Precomputed H(username ":" realm ":" password), lower-case hex, per base algorithm (RFC 7616 §3.4.2). */
  ha1?: Partial<Record<BaseDigestAlgorithm, string>>;
  /** Answer challenges of this realm only; any realm when absent (password only). */
  realm?: string;
}

export interface DigestClientOptions {
  credentials: DigestClientCredentials;
  /** Use qop=auth-int when the server offers it without auth and the request has a body. Default true. */
  allowAuthInt?: boolean;
  /** Consecutive stale=true challenges answered before giving up (a server that never accepts a nonce). Default 3. */
  maxStaleRetries?: number;
  /** Client nonce source; random 16 bytes as hex by default. Tests pass a fixed one. */
  makeCnonce?: () => string;
}

/** The request being signed: plain values, not a message object. */
export interface DigestRequest {
  method: string;
  /** The Request-URI as it will be sent; it becomes the digest-uri (RFC 3261 §22.4). */
  uri: string;
  /** Body bytes, needed only for qop=auth-int. */
  body?: Uint8Array;
}

export type DigestAnswer =
  | {
      ok: true;
      /** Authorization for a 401, Proxy-Authorization for a 407 (RFC 3261 §22.2, §22.3). */
      header: 'Authorization' | 'Proxy-Authorization';
      value: string;
      algorithm: string;
      realm: string;
      nonce: string;
      nc: number;
    }
  | {
      ok: false;
      /**
       * wrong-credentials: the server refused our answer (report it, do not loop);
       * no-usable-challenge: nothing offered that we can answer (scheme, algorithm, realm, qop);
       * bad-request: the method or URI cannot be written into the header;
       * stale-loop: more consecutive stale challenges than allowed;
       * nothing-cached: authorize() before any challenge was answered.
       */
      reason: 'wrong-credentials' | 'no-usable-challenge' | 'bad-request' | 'stale-loop' | 'nothing-cached';
      detail: string;
    };
