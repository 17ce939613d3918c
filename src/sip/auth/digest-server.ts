/**
 * The server side of SIP digest (RFC 3261 §22.1, §22.4 with RFC 7616 and RFC 8760), for a registrar
 * or proxy: issues challenges with self-checking nonces and turns credentials into a verdict.
 * The caller maps verdicts to responses: ok → go on, stale → 401/407 with challenge({ stale: true }),
 * wrong → 401/407 with challenge(), malformed → 400.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { isQuotable } from './auth-header-lexer.js';
import { baseAlgorithm, canonicalAlgorithm, computeDigestResponse, computeHa1, type BaseDigestAlgorithm, type DigestQop } from './digest-algorithm.js';
import { formatDigestChallenge } from './digest-challenge.js';
import { parseDigestCredentials } from './digest-credentials.js';
import { DigestNonceMint } from './digest-nonce.js';
import type {
  DigestChallengeHeaders,
  DigestChallengeOptions,
  DigestServerOptions,
  DigestServerRequest,
  DigestVerdict,
  DigestWrongReason,
  StoredDigestSecret,
} from './digest-server-options.js';
import { NonceCountTracker } from './nonce-count-tracker.js';

export const DEFAULT_NONCE_LIFETIME_MS = 5 * 60_000;
const MIN_SECRET_BYTES = 32;
/**
 * Stands for the nonce in a challenge template. Replaced together with its unescaped quotes, which a
 * realm cannot contain (quoteString escapes them), so only the nonce parameter is ever touched.
 */
const NONCE_SLOT = 'nonce#slot';

const wrong = (reason: DigestWrongReason): DigestVerdict => ({ verdict: 'wrong', reason });

/** Looks a user up by the username the credentials carry; undefined when there is no such user. */
export type DigestSecretLookup = (username: string) => StoredDigestSecret | undefined;

export class DigestServer {
  readonly realm: string;
  private readonly mint: DigestNonceMint;
  private readonly tracker: NonceCountTracker;
  private readonly algorithms: readonly BaseDigestAlgorithm[];
  private readonly qop: readonly DigestQop[];
  private readonly now: () => number;
  /** Checked against for unknown users, so they cost the same work as a wrong password. */
  private readonly dummySecret: StoredDigestSecret = { password: randomBytes(16).toString('hex') };
  private readonly templates = new Map<string, string>();
  private readonly ha1s = new WeakMap<StoredDigestSecret, { readonly username: string; readonly algorithm: BaseDigestAlgorithm; readonly ha1: string }>();

  /** Throws RangeError on unusable configuration (short secret, realm with CR/LF, empty lists). */
  constructor(options: DigestServerOptions) {
    if (!isQuotable(options.realm) || options.realm === '') throw new RangeError('digest server: realm empty or with CR/LF');
    if (!(options.secret instanceof Uint8Array) || options.secret.length < MIN_SECRET_BYTES) {
      throw new RangeError(`digest server: secret must be at least ${MIN_SECRET_BYTES} bytes`);
    }
    const lifetime = options.nonceLifetimeMs ?? DEFAULT_NONCE_LIFETIME_MS;
    if (!Number.isFinite(lifetime) || lifetime <= 0) throw new RangeError('digest server: nonce lifetime must be positive');
    this.algorithms = options.algorithms ?? ['SHA-256', 'MD5'];
    this.qop = options.qop ?? ['auth'];
    if (this.algorithms.length === 0 || this.qop.length === 0) throw new RangeError('digest server: offer at least one algorithm and one qop');
    this.realm = options.realm;
    this.mint = new DigestNonceMint(options.secret, options.realm, lifetime);
    this.tracker = new NonceCountTracker(options.maxTrackedNonces ?? 10_000);
    this.now = options.now ?? Date.now;
  }

  /** One challenge per configured algorithm, all on the same fresh nonce (RFC 8760 §2: several algorithms, most preferred first). */
  challenge(options: DigestChallengeOptions = {}): DigestChallengeHeaders {
    const nonce = this.mint.issue(this.now());
    const values = this.algorithms.map((algorithm) => this.challengeTemplate(algorithm, options.stale === true).replace(`nonce="${NONCE_SLOT}"`, `nonce="${nonce}"`));
    return { header: options.proxy ? 'Proxy-Authenticate' : 'WWW-Authenticate', values };
  }

  /** Checks one Authorization / Proxy-Authorization value. Never throws on what the client sent. */
  verify(request: DigestServerRequest, lookup: DigestSecretLookup): DigestVerdict {
    if (typeof request !== 'object' || request === null) return { verdict: 'malformed', reason: 'no request' };
    const parsed = parseDigestCredentials(request.credentials);
    if (!parsed.ok) return { verdict: 'malformed', reason: `${parsed.error.code}: ${parsed.error.detail}` };
    const c = parsed.value;
    // Checks that do not depend on who the user is come first; none of them reveals whether the user exists.
    if (c.realm !== this.realm) return wrong('realm');
    const algorithm = canonicalAlgorithm(c.algorithm);
    if (!algorithm || !this.algorithms.includes(algorithm as BaseDigestAlgorithm)) return wrong('algorithm');
    // Without qop there is no nc, hence no replay check: refuse the RFC 2069 form (RFC 7616 §3.3 makes qop mandatory).
    if (c.qop === undefined || !this.qop.includes(c.qop as DigestQop)) return wrong('qop');
    // RFC 3261 §22.4 / RFC 7616 §3.4.6: the digest-uri names the resource being asked for.
    if (c.uri !== request.requestUri) return wrong('uri');
    if (c.userhash) return wrong('credentials');
    const now = this.now();
    const nonce = this.mint.check(c.nonce, now);
    if (!nonce.valid) return wrong('nonce');

    const base = baseAlgorithm(algorithm);
    const stored = lookup(c.username);
    const ha1 = this.ha1For(stored, base, c.username);
    const known = ha1 !== undefined;
    const expected = computeDigestResponse({
      algorithm,
      ha1: ha1 ?? this.ha1For(this.dummySecret, base, c.username)!,
      nonce: c.nonce,
      method: request.method,
      uri: c.uri,
      qop: c.qop as DigestQop,
      nc: c.nc,
      cnonce: c.cnonce,
      body: request.body instanceof Uint8Array ? request.body : undefined,
    });
    if (!sameHex(expected, c.response) || !known) return wrong('credentials');
    if (nonce.expired) return { verdict: 'stale' };
    switch (this.tracker.use(c.nonce, nonce.issuedAt, Number.parseInt(c.nc!, 16))) {
      case 'replayed':
        return wrong('nc-replay');
      case 'forgotten':
        return { verdict: 'stale' };
      case 'accepted':
        return { verdict: 'ok', username: c.username, algorithm: base };
    }
  }

  /**
   * The challenge text of one algorithm with a slot for the nonce, written once by
   * formatDigestChallenge: only the nonce changes from one challenge to the next, and our nonces
   * (base64url) need no quoting.
   */
  private challengeTemplate(algorithm: BaseDigestAlgorithm, stale: boolean): string {
    const key = `${algorithm}${stale ? ' stale' : ''}`;
    let template = this.templates.get(key);
    if (template === undefined) {
      template = formatDigestChallenge({ realm: this.realm, nonce: NONCE_SLOT, algorithm, qop: [...this.qop], stale, userhash: false });
      this.templates.set(key, template);
    }
    return template;
  }

  private ha1For(stored: StoredDigestSecret | undefined, algorithm: BaseDigestAlgorithm, username: string): string | undefined {
    if (stored === undefined) return undefined;
    if ('password' in stored) {
      // HA1 depends only on the user, the realm and the password: a phone refreshing its registration
      // reuses the one worked out last time (kept with the secret object, gone with it).
      const last = this.ha1s.get(stored);
      if (last !== undefined && last.username === username && last.algorithm === algorithm) return last.ha1;
      const ha1 = computeHa1(algorithm, username, this.realm, stored.password);
      this.ha1s.set(stored, { username, algorithm, ha1 });
      return ha1;
    }
    const ha1 = stored.ha1[algorithm];
    return typeof ha1 === 'string' && /^[0-9a-fA-F]+$/.test(ha1) ? ha1.toLowerCase() : undefined;
  }
}

/** Constant-time comparison of two lower-case hex digests (lengths are public: they follow the algorithm). */
function sameHex(expected: string, given: string): boolean {
  const a = Buffer.from(expected, 'latin1');
  const b = Buffer.from(given, 'latin1');
  if (a.length !== b.length) {
    timingSafeEqual(a, a);
    return false;
  }
  return timingSafeEqual(a, b);
}
