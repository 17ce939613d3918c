/**
 * Digest algorithms and the response computation of RFC 7616 §3.4.1–§3.4.3 (which RFC 8760 brings to
 * SIP for SHA-256 and SHA-512/256; RFC 2617 §3.2.2 for MD5 is the same computation).
 *
 *   HA1 = H(username ":" realm ":" password)                 ; -sess: H(HA1 ":" nonce ":" cnonce)
 *   HA2 = H(method ":" uri)   or, for qop=auth-int, H(method ":" uri ":" H(body))
 *   response = H(HA1 ":" nonce ":" nc ":" cnonce ":" qop ":" HA2)   ; without qop: H(HA1 ":" nonce ":" HA2)
 *
 * Strings are hashed as UTF-8; hex digests are lower case (RFC 7616 §3.4: LHEX).
 */
import { hash } from 'node:crypto';

export type BaseDigestAlgorithm = 'MD5' | 'SHA-256' | 'SHA-512-256';
export type DigestAlgorithm = BaseDigestAlgorithm | 'MD5-sess' | 'SHA-256-sess' | 'SHA-512-256-sess';
export type DigestQop = 'auth' | 'auth-int';

const NODE_HASH: Record<BaseDigestAlgorithm, string> = { MD5: 'md5', 'SHA-256': 'sha256', 'SHA-512-256': 'sha512-256' };
/** Higher is stronger: a client picks the strongest it is offered (SHA-256 over MD5, RFC 8760 §2). */
const STRENGTH: Record<BaseDigestAlgorithm, number> = { MD5: 1, 'SHA-256': 2, 'SHA-512-256': 3 };
const ALL: readonly DigestAlgorithm[] = ['MD5', 'MD5-sess', 'SHA-256', 'SHA-256-sess', 'SHA-512-256', 'SHA-512-256-sess'];

/** Algorithm names are case-insensitive tokens; an absent algorithm means MD5 (RFC 7616 §3.3). */
export function canonicalAlgorithm(name: string | undefined): DigestAlgorithm | undefined {
  if (name === undefined) return 'MD5';
  const lower = name.toLowerCase();
  return ALL.find((a) => a.toLowerCase() === lower);
}

export function baseAlgorithm(algorithm: DigestAlgorithm): BaseDigestAlgorithm {
  return algorithm.replace(/-sess$/, '') as BaseDigestAlgorithm;
}

export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

export function algorithmStrength(algorithm: DigestAlgorithm): number {
  return STRENGTH[baseAlgorithm(algorithm)];
}

/** Length of the algorithm's hex digest (32 for MD5, 64 for the SHA-2 ones). */
export function digestHexLength(algorithm: DigestAlgorithm): number {
  return baseAlgorithm(algorithm) === 'MD5' ? 32 : 64;
}

/** One-shot hashing: no Hash object per call (a registrar hashes three times per authenticated REGISTER). */
export function hashHex(algorithm: DigestAlgorithm, data: string | Uint8Array): string {
  return hash(NODE_HASH[baseAlgorithm(algorithm)], data, 'hex');
}

/** The HA1 a server may store instead of the password (RFC 7616 §3.4.2), per base algorithm. */
export function computeHa1(algorithm: DigestAlgorithm, username: string, realm: string, password: string): string {
  return hashHex(algorithm, `${username}:${realm}:${password}`);
}

export interface DigestResponseInput {
  algorithm: DigestAlgorithm;
  /** H(username:realm:password) for the base algorithm; the -sess step is applied here. */
  ha1: string;
  nonce: string;
  method: string;
  uri: string;
  /** Absent: the RFC 2069 form without qop, nc or cnonce. */
  qop?: DigestQop;
  /** Eight hex digits (RFC 7616 §3.4: nc-value). */
  nc?: string;
  cnonce?: string;
  /** Message body bytes, for qop=auth-int only. */
  body?: Uint8Array;
}

/** The request-digest of RFC 7616 §3.4.1, lower-case hex. */
export function computeDigestResponse(input: DigestResponseInput): string {
  const { algorithm, nonce, method, uri, qop } = input;
  const cnonce = input.cnonce ?? '';
  const ha1 = isSessionAlgorithm(algorithm) ? hashHex(algorithm, `${input.ha1.toLowerCase()}:${nonce}:${cnonce}`) : input.ha1.toLowerCase();
  const ha2 =
    qop === 'auth-int'
      ? hashHex(algorithm, `${method}:${uri}:${hashHex(algorithm, input.body ?? new Uint8Array(0))}`)
      : hashHex(algorithm, `${method}:${uri}`);
  if (qop === undefined) return hashHex(algorithm, `${ha1}:${nonce}:${ha2}`);
  return hashHex(algorithm, `${ha1}:${nonce}:${input.nc ?? ''}:${cnonce}:${qop}:${ha2}`);
}

/** nc as the eight lower-case hex digits the wire carries. */
export function formatNonceCount(n: number): string {
  return n.toString(16).padStart(8, '0');
}
