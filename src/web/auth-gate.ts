/**
 * Authentication and role checks for the API. A request is let in by a live session cookie or by
 * HTTP Basic credentials (RFC 7617); otherwise it gets 401 with `WWW-Authenticate: Basic
 * realm="cellgate"` (RFC 7235 §4.1). Routes then say which roles they allow (`allow(...)`).
 *
 * Basic credentials that were verified recently are cached by header hash (scrypt is slow on
 * purpose); identical headers arriving together share one check; failed attempts count against the
 * same per-address limit as failed logins. Unknown user names are logged only as a fingerprint.
 */
import { createHash } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../util/log.js';
import { ApiError } from './api-error.js';
import type { Authenticator, Principal, Role } from './authenticator.js';
import type { CredentialCache } from './credential-cache.js';
import { beginLogin, FailureLimiter } from './failure-limiter.js';
import { isBasicScheme, parseBasicAuth, readCookie } from './http-credentials.js';
import type { SessionStore } from './sessions.js';
import { SingleFlight } from './single-flight.js';
import { userForLog } from './user-for-log.js';

export const SESSION_COOKIE = 'cellgate_session';
export const REALM = 'cellgate';

export interface WebState {
  principal?: Principal;
}

export interface AuthGateDeps {
  auth: Authenticator;
  sessions: SessionStore;
  credentials: CredentialCache;
  limiter: FailureLimiter;
  /** Failed passwords per account (the lock-out); none: only the per-address limit applies. */
  accountLimiter?: FailureLimiter;
  log: Logger;
}

/**
 * Routes an account that must change its password may still use: who am I, the password change
 * itself (and the public ones, which never pass the gate).
 */
export const ALLOWED_BEFORE_PASSWORD_CHANGE: ReadonlySet<string> = new Set(['/api/me', '/api/me/password', '/api/logout', '/api/health']);

/** The remote address used for rate limiting and logs. */
export function remoteAddress(ctx: Context): string {
  return ctx.ip || 'unknown';
}

/** What a password check came to; shared by identical requests checked at the same time. */
export type CheckOutcome = { kind: 'ok'; user: string; role: Role } | { kind: 'invalid' } | { kind: 'limited'; retryAfterSeconds: number; by?: 'address' | 'account' };

/**
 * Key under which identical credentials from one address share a running check: a hash, so the
 * password is not kept as such.
 */
export function flightKey(address: string, ...credentials: string[]): string {
  const h = createHash('sha256').update(address, 'utf8');
  for (const c of credentials) h.update('\u0000', 'utf8').update(c, 'utf8');
  return h.digest('hex');
}

/**
 * 401 for a request without valid credentials. Browsers show their own password dialog on
 * `WWW-Authenticate: Basic`; a script that handles 401 itself (the operator UI) sends
 * `X-Requested-With` and gets the same 401 without that header. An EventSource cannot set headers, so
 * a request that asks for an event stream never gets the challenge either (its reconnects would raise
 * the dialog over the UI's own login page).
 */
export function unauthorized(ctx: Context, message: string): ApiError {
  const script = ctx.get('x-requested-with') !== '' || ctx.get('accept').includes('text/event-stream');
  const headers: Record<string, string> = script ? {} : { 'WWW-Authenticate': `Basic realm="${REALM}"` };
  return new ApiError(401, message, headers);
}

/** 429 with Retry-After (RFC 6585 §4); `by: 'account'` says the account is locked, whoever tries. */
export function tooManyAttempts(retryAfterSeconds: number, by: 'address' | 'account' = 'address'): ApiError {
  const what = by === 'account' ? 'this account is locked after too many failed passwords' : 'too many failed attempts';
  return new ApiError(429, `${what}; try again in ${retryAfterSeconds} s`, { 'Retry-After': String(retryAfterSeconds) });
}

export function createAuthGate(deps: AuthGateDeps) {
  const { auth, sessions, credentials, limiter, log } = deps;
  // Without a per-account limiter, one that never refuses (max is never reached).
  const accountLimiter = deps.accountLimiter ?? new FailureLimiter({ max: Number.MAX_SAFE_INTEGER });
  const basicChecks = new SingleFlight<CheckOutcome>();

  /**
   * Checks a Basic header not in the credential cache. Runs once for identical headers from one
   * address sent at the same time (they share the outcome and count as one attempt).
   */
  async function checkBasic(header: string, address: string): Promise<CheckOutcome> {
    const creds = parseBasicAuth(header);
    const decision = creds ? beginLogin(limiter, accountLimiter, address, creds.user) : { ...limiter.begin(address), by: 'address' as const };
    if (!decision.allowed) {
      const who = creds && decision.by === 'account' ? userForLog(creds.user, auth.role(creds.user) != null) : {};
      log.warn({ address, via: 'basic', ...who, retryAfter: decision.retryAfterSeconds }, decision.by === 'account' ? 'authentication refused: account locked after too many failed passwords' : 'authentication refused: too many failed attempts');
      return { kind: 'limited', retryAfterSeconds: decision.retryAfterSeconds, by: decision.by };
    }
    const { attempt } = decision;
    try {
      if (!creds) {
        attempt.failed();
        log.warn({ address, via: 'basic' }, 'authentication failed: malformed Basic credentials');
        return { kind: 'invalid' };
      }
      const ok = await auth.verify(creds.user, creds.password);
      const role = auth.role(creds.user);
      if (!ok || role == null) {
        attempt.failed();
        log.warn({ address, via: 'basic', ...userForLog(creds.user, role != null) }, 'authentication failed');
        return { kind: 'invalid' };
      }
      attempt.succeeded();
      credentials.remember(header, creds.user);
      return { kind: 'ok', user: creds.user, role };
    } finally {
      attempt.abandoned(); // only takes effect when the password store threw
    }
  }

  /** Who is calling, or an ApiError (401/429) when nobody valid is. */
  async function identify(ctx: Context): Promise<Principal> {
    const token = readCookie(ctx.get('cookie') || undefined, SESSION_COOKIE);
    const session = sessions.touch(token);
    if (session) {
      const role = auth.role(session.user);
      if (role != null) return { user: session.user, role, via: 'session' };
      sessions.end(token); // the user is gone or lost web access
    }

    const header = ctx.get('authorization');
    if (header === '') throw unauthorized(ctx, 'authentication required');
    if (!isBasicScheme(header)) throw unauthorized(ctx, 'authentication required (HTTP Basic or session cookie)');

    const cachedUser = credentials.get(header);
    if (cachedUser !== undefined) {
      const role = auth.role(cachedUser);
      if (role != null) return { user: cachedUser, role, via: 'basic' };
    }

    const address = remoteAddress(ctx);
    const outcome = await basicChecks.run(flightKey(address, header), () => checkBasic(header, address));
    if (outcome.kind === 'limited') throw tooManyAttempts(outcome.retryAfterSeconds, outcome.by);
    if (outcome.kind === 'invalid') throw unauthorized(ctx, 'invalid user or password');
    return { user: outcome.user, role: outcome.role, via: 'basic' };
  }

  /**
   * Middleware: sets `ctx.state.principal` or answers 401/429; 403 `{mustChangePassword: true}` while
   * the account must replace a password it did not choose (first start, or set by an admin).
   */
  async function authenticate(ctx: Context, next: Next): Promise<void> {
    const p = await identify(ctx);
    (ctx.state as WebState).principal = p;
    if (auth.mustChangePassword?.(p.user) === true && !ALLOWED_BEFORE_PASSWORD_CHANGE.has(ctx.path)) {
      throw new ApiError(403, 'change your password first (PUT /api/me/password)', {}, { mustChangePassword: true });
    }
    await next();
  }

  /** Middleware: the authenticated caller must hold one of these roles, else 403. */
  function allow(roles: readonly Role[]) {
    return async function allowRoles(ctx: Context, next: Next): Promise<void> {
      const p = (ctx.state as WebState).principal;
      if (!p) throw unauthorized(ctx, 'authentication required');
      if (!roles.includes(p.role)) throw new ApiError(403, `forbidden: this needs role ${roles.join(' or ')}`);
      await next();
    };
  }

  return { identify, authenticate, allow };
}

export type AuthGate = ReturnType<typeof createAuthGate>;
