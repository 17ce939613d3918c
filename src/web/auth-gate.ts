/**
 * Authentication and role checks for the API. A request is let in by a live session cookie or by
 * HTTP Basic credentials (RFC 7617); otherwise it gets 401 with `WWW-Authenticate: Basic
 * realm="cellgate"` (RFC 7235 §4.1). Routes then say which roles they allow (`allow(...)`).
 *
 * Basic credentials that were verified recently are cached by header hash (scrypt is slow on
 * purpose), and failed attempts count against the same per-address limit as failed logins.
 */
import type { Context, Next } from 'koa';
import type { Logger } from '../util/log.js';
import { ApiError } from './api-error.js';
import type { Authenticator, Principal, Role } from './authenticator.js';
import type { CredentialCache } from './credential-cache.js';
import type { FailureLimiter } from './failure-limiter.js';
import { isBasicScheme, parseBasicAuth, readCookie } from './http-credentials.js';
import type { SessionStore } from './sessions.js';

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
  log: Logger;
}

/** The remote address used for rate limiting and logs. */
export function remoteAddress(ctx: Context): string {
  return ctx.ip || 'unknown';
}

/** A user name as it may appear in logs: bounded, no control characters. */
export function loggableUser(user: string): string {
  const clean = user.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}

/**
 * 401 for a request without valid credentials. Browsers show their own password dialog on
 * `WWW-Authenticate: Basic`; a script that handles 401 itself (the operator UI) sends
 * `X-Requested-With` and gets the same 401 without that header.
 */
export function unauthorized(ctx: Context, message: string): ApiError {
  const headers: Record<string, string> = ctx.get('x-requested-with') === '' ? { 'WWW-Authenticate': `Basic realm="${REALM}"` } : {};
  return new ApiError(401, message, headers);
}

/** 429 with Retry-After (RFC 6585 §4). */
export function tooManyAttempts(retryAfterSeconds: number): ApiError {
  return new ApiError(429, `too many failed attempts; try again in ${retryAfterSeconds} s`, { 'Retry-After': String(retryAfterSeconds) });
}

export function createAuthGate(deps: AuthGateDeps) {
  const { auth, sessions, credentials, limiter, log } = deps;

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
    const creds = parseBasicAuth(header);
    const decision = limiter.begin(address);
    if (!decision.allowed) {
      log.warn({ address, via: 'basic', retryAfter: decision.retryAfterSeconds }, 'authentication refused: too many failed attempts');
      throw tooManyAttempts(decision.retryAfterSeconds);
    }
    if (!creds) {
      log.warn({ address, via: 'basic' }, 'authentication failed: malformed Basic credentials');
      throw unauthorized(ctx, 'invalid user or password');
    }
    const ok = await auth.verify(creds.user, creds.password);
    const role = ok ? auth.role(creds.user) : null;
    if (role == null) {
      log.warn({ address, via: 'basic', user: loggableUser(creds.user) }, 'authentication failed');
      throw unauthorized(ctx, 'invalid user or password');
    }
    limiter.succeeded(address);
    credentials.remember(header, creds.user);
    return { user: creds.user, role, via: 'basic' };
  }

  /** Middleware: sets `ctx.state.principal` or answers 401/429. */
  async function authenticate(ctx: Context, next: Next): Promise<void> {
    (ctx.state as WebState).principal = await identify(ctx);
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
