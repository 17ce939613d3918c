/**
 * A Digest challenge: the value of WWW-Authenticate (401) or Proxy-Authenticate (407), RFC 3261
 * §22.1/§22.3, parameters as in RFC 7616 §3.3. One challenge per header field value; RFC 8760 §2 has
 * a server send one per algorithm, most preferred (SHA-256) first.
 */
import { isQuotable, isToken, parseAuthHeader, quoteString } from './auth-header-lexer.js';
import { parseFailure, type DigestParseResult } from './digest-parse-result.js';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** As offered (an algorithm this code does not know stays visible so it can be skipped, not refused). Absent on the wire means MD5. */
  algorithm: string;
  /** Lower-cased qop options; empty when the server offered none (the RFC 2069 form). */
  qop: string[];
  opaque?: string;
  /** stale=true: the nonce expired but the credentials were right; retry without asking the user (RFC 7616 §3.3). */
  stale: boolean;
  domain?: string;
  /** RFC 7616 §3.4.4 userhash; cellgate neither offers nor sends hashed usernames, kept so a caller can see it was asked for. */
  userhash: boolean;
}

export const MAX_NONCE_LENGTH = 256;

/** Parses one WWW-Authenticate / Proxy-Authenticate value. Never throws. */
export function parseDigestChallenge(wire: string): DigestParseResult<DigestChallenge> {
  const parsed = parseAuthHeader(wire);
  if (!parsed.ok) return parsed;
  const { scheme, params } = parsed.value;
  if (scheme.toLowerCase() !== 'digest') return parseFailure('unsupported-scheme', `scheme ${scheme}`);
  const realm = params.get('realm');
  const nonce = params.get('nonce');
  if (!realm) return parseFailure('missing-parameter', 'realm');
  if (!nonce) return parseFailure('missing-parameter', 'nonce');
  if (nonce.value === '' || nonce.value.length > MAX_NONCE_LENGTH) return parseFailure('bad-parameter', 'nonce empty or too long');
  const qopParam = params.get('qop');
  // qop-options = "qop" EQUAL LDQUOT qop-value *("," qop-value) RDQUOT (RFC 3261 §25.1)
  const qop = qopParam
    ? qopParam.value
        .split(',')
        .map((q) => q.trim().toLowerCase())
        .filter((q) => q !== '')
    : [];
  if (qopParam && (qop.length === 0 || !qop.every(isToken))) return parseFailure('bad-parameter', 'qop');
  const staleParam = params.get('stale')?.value.toLowerCase();
  if (staleParam !== undefined && staleParam !== 'true' && staleParam !== 'false') return parseFailure('bad-parameter', 'stale');
  const algorithm = params.get('algorithm')?.value ?? 'MD5';
  if (!isToken(algorithm)) return parseFailure('bad-parameter', 'algorithm');
  const challenge: DigestChallenge = {
    realm: realm.value,
    nonce: nonce.value,
    algorithm,
    qop,
    stale: staleParam === 'true',
    userhash: params.get('userhash')?.value.toLowerCase() === 'true',
  };
  const opaque = params.get('opaque');
  if (opaque) challenge.opaque = opaque.value;
  const domain = params.get('domain');
  if (domain) challenge.domain = domain.value;
  return { ok: true, value: challenge };
}

/** Whether every text field can be written (no CR/LF in quoted values, tokens where tokens go). */
export function isWritableChallenge(c: DigestChallenge): boolean {
  const quoted = [c.realm, c.nonce, c.opaque, c.domain].filter((v): v is string => v !== undefined);
  return quoted.every(isQuotable) && isToken(c.algorithm) && c.qop.every(isToken);
}

/** The wire-form header value; the caller has checked isWritableChallenge (else RangeError). */
export function formatDigestChallenge(c: DigestChallenge): string {
  if (!isWritableChallenge(c)) throw new RangeError('challenge field cannot be written');
  const parts = [`realm=${quoteString(c.realm)}`];
  if (c.domain !== undefined) parts.push(`domain=${quoteString(c.domain)}`);
  parts.push(`nonce=${quoteString(c.nonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quoteString(c.opaque)}`);
  if (c.stale) parts.push('stale=true');
  parts.push(`algorithm=${c.algorithm}`);
  if (c.qop.length > 0) parts.push(`qop=${quoteString(c.qop.join(','))}`);
  return `Digest ${parts.join(', ')}`;
}
