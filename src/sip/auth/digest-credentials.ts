/**
 * Digest credentials: the value of Authorization or Proxy-Authorization (RFC 3261 §22.2/§22.3,
 * parameters as in RFC 7616 §3.4). One set of credentials per header field value.
 */
import { isQuotable, isToken, parseAuthHeader, quoteString } from './auth-header-lexer.js';
import { MAX_NONCE_LENGTH } from './digest-challenge.js';
import { parseFailure, type DigestParseResult } from './digest-parse-result.js';

export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  /** The digest-uri; the server checks it against the Request-URI (RFC 3261 §22.4, RFC 7616 §3.4.6). */
  uri: string;
  /** Lower-cased hex request-digest. */
  response: string;
  /** As sent; absent on the wire means MD5. */
  algorithm: string;
  cnonce?: string;
  opaque?: string;
  /** Lower-cased; absent in the RFC 2069 form. */
  qop?: string;
  /** The eight hex digits as sent (lower-cased). */
  nc?: string;
  userhash: boolean;
}

/** Parses one Authorization / Proxy-Authorization value. Never throws. */
export function parseDigestCredentials(wire: string): DigestParseResult<DigestCredentials> {
  const parsed = parseAuthHeader(wire);
  if (!parsed.ok) return parsed;
  const { scheme, params } = parsed.value;
  if (scheme.toLowerCase() !== 'digest') return parseFailure('unsupported-scheme', `scheme ${scheme}`);
  const required = ['username', 'realm', 'nonce', 'uri', 'response'] as const;
  for (const name of required) if (!params.has(name)) return parseFailure('missing-parameter', name);
  const get = (name: string) => params.get(name)?.value;
  const nonce = get('nonce')!;
  if (nonce === '' || nonce.length > MAX_NONCE_LENGTH) return parseFailure('bad-parameter', 'nonce empty or too long');
  const response = get('response')!.toLowerCase();
  // request-digest = LDQUOT *LHEX RDQUOT; an empty one is what some clients send before a challenge.
  if (!/^[0-9a-f]*$/.test(response)) return parseFailure('bad-parameter', 'response is not hex');
  const algorithm = get('algorithm') ?? 'MD5';
  if (!isToken(algorithm)) return parseFailure('bad-parameter', 'algorithm');
  const credentials: DigestCredentials = {
    username: get('username')!,
    realm: get('realm')!,
    nonce,
    uri: get('uri')!,
    response,
    algorithm,
    userhash: get('userhash')?.toLowerCase() === 'true',
  };
  const qop = get('qop');
  if (qop !== undefined) {
    // With qop, cnonce and nc are mandatory (RFC 7616 §3.4).
    if (!isToken(qop)) return parseFailure('bad-parameter', 'qop');
    const cnonce = get('cnonce');
    const nc = get('nc');
    if (cnonce === undefined || cnonce === '') return parseFailure('missing-parameter', 'cnonce');
    if (nc === undefined) return parseFailure('missing-parameter', 'nc');
    if (!/^[0-9a-fA-F]{8}$/.test(nc)) return parseFailure('bad-parameter', 'nc is not eight hex digits');
    credentials.qop = qop.toLowerCase();
    credentials.cnonce = cnonce;
    credentials.nc = nc.toLowerCase();
  } else {
    const cnonce = get('cnonce');
    if (cnonce !== undefined) credentials.cnonce = cnonce;
  }
  const opaque = get('opaque');
  if (opaque !== undefined) credentials.opaque = opaque;
  return { ok: true, value: credentials };
}

export function isWritableCredentials(c: DigestCredentials): boolean {
  const quoted = [c.username, c.realm, c.nonce, c.uri, c.cnonce, c.opaque].filter((v): v is string => v !== undefined);
  return quoted.every(isQuotable) && isToken(c.algorithm) && (c.qop === undefined || isToken(c.qop)) && /^[0-9a-f]*$/.test(c.response);
}

/** The wire-form header value; quoting per RFC 7616 §3.4 (qop, nc, algorithm unquoted). RangeError if not writable. */
export function formatDigestCredentials(c: DigestCredentials): string {
  if (!isWritableCredentials(c)) throw new RangeError('credentials field cannot be written');
  const parts = [
    `username=${quoteString(c.username)}`,
    `realm=${quoteString(c.realm)}`,
    `nonce=${quoteString(c.nonce)}`,
    `uri=${quoteString(c.uri)}`,
    `response=${quoteString(c.response)}`,
    `algorithm=${c.algorithm}`,
  ];
  if (c.cnonce !== undefined) parts.push(`cnonce=${quoteString(c.cnonce)}`);
  if (c.opaque !== undefined) parts.push(`opaque=${quoteString(c.opaque)}`);
  if (c.qop !== undefined) parts.push(`qop=${c.qop}`);
  if (c.nc !== undefined) parts.push(`nc=${c.nc}`);
  return `Digest ${parts.join(', ')}`;
}
