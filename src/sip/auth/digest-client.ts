/**
 * The client side of SIP digest (RFC 3261 §22.2–§22.3 with RFC 7616 and RFC 8760): answers 401/407
 * challenges for one set of credentials, counts nc per nonce so the nonce can be reused on later
 * requests (a REGISTER refresh), retries a stale=true challenge without the user, and reports a
 * refused answer instead of answering again.
 */
import { randomBytes } from 'node:crypto';
import { isQuotable, isToken } from './auth-header-lexer.js';
import {
  algorithmStrength,
  baseAlgorithm,
  canonicalAlgorithm,
  computeDigestResponse,
  computeHa1,
  formatNonceCount,
  type DigestAlgorithm,
  type DigestQop,
} from './digest-algorithm.js';
import { parseDigestChallenge, type DigestChallenge } from './digest-challenge.js';
import type { DigestAnswer, DigestClientCredentials, DigestClientOptions, DigestRequest } from './digest-client-options.js';
import { nextDigestClientState, type DigestClientEvent, type DigestClientState } from './digest-client-state.js';
import { formatDigestCredentials, isWritableCredentials, type DigestCredentials } from './digest-credentials.js';

/** A challenge this client can answer, with what it decided to answer it with. */
interface UsableChallenge {
  challenge: DigestChallenge;
  algorithm: DigestAlgorithm;
  qop: DigestQop | undefined;
  ha1: string;
}

/** The challenge whose nonce the client last answered, and the last nc it sent with it. */
interface CachedNonce {
  usable: UsableChallenge;
  header: 'Authorization' | 'Proxy-Authorization';
  nc: number;
}

type Refusal = Extract<DigestAnswer, { ok: false }>;
const refuse = (reason: Refusal['reason'], detail: string): Refusal => ({ ok: false, reason, detail });

export class DigestClient {
  private current: DigestClientState = 'unchallenged';
  private cached: CachedNonce | undefined;
  private staleRetries = 0;
  private readonly credentials: DigestClientCredentials;
  private readonly allowAuthInt: boolean;
  private readonly maxStaleRetries: number;
  private readonly makeCnonce: () => string;

  /** Throws RangeError on unusable configuration (no secret, HA1 without realm, unwritable username). */
  constructor(options: DigestClientOptions) {
    const c = options.credentials;
    if (c.password === undefined && c.ha1 === undefined) throw new RangeError('digest client: a password or an HA1 is needed');
    if (c.password === undefined && c.realm === undefined) throw new RangeError('digest client: HA1 binds a realm; give the realm');
    if (!isQuotable(c.username) || (c.realm !== undefined && !isQuotable(c.realm))) throw new RangeError('digest client: username or realm has CR/LF');
    this.credentials = c;
    this.allowAuthInt = options.allowAuthInt ?? true;
    this.maxStaleRetries = options.maxStaleRetries ?? 3;
    this.makeCnonce = options.makeCnonce ?? (() => randomBytes(16).toString('hex'));
  }

  get state(): DigestClientState {
    return this.current;
  }

  /**
   * Answers the challenges of one 401 (WWW-Authenticate values) or 407 (Proxy-Authenticate values).
   * Never throws on what the server sent.
   */
  answer(challengeValues: readonly string[], request: DigestRequest, status: 401 | 407): DigestAnswer {
    if (this.current === 'rejected') return refuse('wrong-credentials', 'credentials already refused');
    const requestProblem = this.checkRequest(request);
    if (requestProblem) return requestProblem;
    const { best, skipped } = this.pickChallenge(challengeValues);
    if (!best) return refuse('no-usable-challenge', skipped.join('; ') || 'no challenge');
    const event = this.eventFor(best.challenge);
    if (event === 'reject') {
      this.move('reject');
      return refuse('wrong-credentials', `challenged again for realm "${best.challenge.realm}" without stale=true`);
    }
    if (event === 'answer-stale') {
      if (this.staleRetries >= this.maxStaleRetries) {
        this.move('reject');
        return refuse('stale-loop', `${this.staleRetries} stale challenges in a row`);
      }
      this.staleRetries++;
    } else {
      this.staleRetries = 0;
    }
    const nc = this.cached?.usable.challenge.nonce === best.challenge.nonce ? this.cached.nc + 1 : 1;
    this.cached = { usable: best, header: status === 407 ? 'Proxy-Authorization' : 'Authorization', nc };
    this.move(event);
    return this.sign(this.cached, request);
  }

  /**
   * Credentials for a new request on the last answered nonce, nc one higher (RFC 7616 §3.4: the
   * client may reuse a nonce, counting each use). Lets a REGISTER refresh skip the 401 round trip.
   */
  authorize(request: DigestRequest): DigestAnswer {
    if (!this.cached || this.current === 'rejected') return refuse('nothing-cached', 'no answered challenge to reuse');
    const requestProblem = this.checkRequest(request);
    if (requestProblem) return requestProblem;
    // nc is eight hex digits; past that the nonce is used up and a fresh challenge is needed.
    if (this.cached.nc >= 0xffffffff) return refuse('nothing-cached', 'nonce count exhausted');
    this.cached.nc++;
    return this.sign(this.cached, request);
  }

  /** The request that carried our credentials got a final response other than 401/407. */
  accepted(): void {
    this.move('accept');
    this.staleRetries = 0;
  }

  private move(event: DigestClientEvent): void {
    this.current = nextDigestClientState(this.current, event);
  }

  private eventFor(challenge: DigestChallenge): DigestClientEvent {
    if (this.current === 'unchallenged') return 'answer';
    if (challenge.stale) return 'answer-stale';
    // Answered and challenged afresh: the server did not take our answer (RFC 3261 §22.2 leaves
    // retrying to the user; we do not loop on a wrong password).
    if (this.current === 'answered') return 'reject';
    return challenge.nonce === this.cached?.usable.challenge.nonce ? 'reject' : 'answer';
  }

  private checkRequest(request: DigestRequest): Refusal | undefined {
    if (typeof request?.method !== 'string' || !isToken(request.method)) return refuse('bad-request', 'method is not a token');
    if (typeof request?.uri !== 'string' || request.uri === '' || !isQuotable(request.uri)) return refuse('bad-request', 'request-URI cannot be written');
    return undefined;
  }

  /**
   * The strongest usable challenge; the first of equals wins. RFC 8760 §2 has servers list their most
   * preferred first, so for a well-behaved server this is the first usable one; choosing by strength
   * also resists a downgrade where MD5 is listed first.
   */
  private pickChallenge(values: readonly string[]): { best: UsableChallenge | undefined; skipped: string[] } {
    let best: UsableChallenge | undefined;
    const skipped: string[] = [];
    for (const value of Array.isArray(values) ? values : []) {
      const parsed = parseDigestChallenge(value);
      if (!parsed.ok) {
        skipped.push(`${parsed.error.code}: ${parsed.error.detail}`);
        continue;
      }
      const usable = this.usable(parsed.value);
      if (typeof usable === 'string') skipped.push(usable);
      else if (!best || algorithmStrength(usable.algorithm) > algorithmStrength(best.algorithm)) best = usable;
    }
    return { best, skipped };
  }

  /** What we would answer this challenge with, or why we cannot. */
  private usable(challenge: DigestChallenge): UsableChallenge | string {
    const algorithm = canonicalAlgorithm(challenge.algorithm);
    if (!algorithm) return `algorithm ${challenge.algorithm} not supported`;
    const { username, password, ha1, realm } = this.credentials;
    if (realm !== undefined && realm !== challenge.realm) return `realm "${challenge.realm}" is not ours`;
    if (!isQuotable(challenge.realm)) return 'realm cannot be echoed';
    let qop: DigestQop | undefined;
    if (challenge.qop.length === 0) qop = undefined;
    else if (challenge.qop.includes('auth')) qop = 'auth';
    else if (challenge.qop.includes('auth-int') && this.allowAuthInt) qop = 'auth-int';
    else return `qop ${challenge.qop.join(',')} not supported`;
    const base = baseAlgorithm(algorithm);
    const secret = password !== undefined ? computeHa1(base, username, challenge.realm, password) : ha1?.[base];
    if (secret === undefined) return `no HA1 for ${base}`;
    return { challenge, algorithm, qop, ha1: secret };
  }

  private sign(cached: CachedNonce, request: DigestRequest): DigestAnswer {
    const { challenge, algorithm, qop, ha1 } = cached.usable;
    const nc = qop ? formatNonceCount(cached.nc) : undefined;
    const cnonce = qop ? this.makeCnonce() : undefined;
    const response = computeDigestResponse({ algorithm, ha1, nonce: challenge.nonce, method: request.method, uri: request.uri, qop, nc, cnonce, body: request.body });
    const credentials: DigestCredentials = {
      username: this.credentials.username,
      realm: challenge.realm,
      nonce: challenge.nonce,
      uri: request.uri,
      response,
      // Echo the algorithm as offered: RFC 7616 §3.4 has the client send the one it chose.
      algorithm: challenge.algorithm,
      userhash: false,
    };
    if (qop) {
      credentials.qop = qop;
      credentials.nc = nc!;
      credentials.cnonce = cnonce!;
    }
    if (challenge.opaque !== undefined) credentials.opaque = challenge.opaque;
    if (!isWritableCredentials(credentials)) return refuse('bad-request', 'cnonce or opaque cannot be written');
    return { ok: true, header: cached.header, value: formatDigestCredentials(credentials), algorithm, realm: challenge.realm, nonce: challenge.nonce, nc: cached.nc };
  }
}
