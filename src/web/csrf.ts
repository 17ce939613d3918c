/**
 * Cross-site request forgery defence for every state-changing request: any method but the safe ones
 * of RFC 9110 §9.2.1 (GET, HEAD, OPTIONS, TRACE). Three checks, in this order:
 *
 * 1. Origin (403). The request's `Origin` (RFC 6454 §7) or, when it has none, the origin of its
 *    `Referer`, must be the gateway's own: the scheme, host and port the request was sent to (its
 *    Host header; X-Forwarded-Proto/-Host only with trustProxy), or one listed in
 *    `http.allowedOrigins`. `Origin: null` (sandboxed frames, privacy redirects) is foreign. A request
 *    with neither header does not come from a web page (browsers send Origin on every cross-origin
 *    POST, and on same-origin fetch) and passes: scripts with Basic credentials keep working.
 * 2. Body type (415). A body must be JSON. HTML forms can only send urlencoded, multipart or
 *    text/plain bodies, and another site's script may send JSON only after a CORS preflight that this
 *    server never grants. A request without a body needs no Content-Type.
 * 3. Session token (403). A request that carries a live session cookie must send that session's CSRF
 *    token in `X-CSRF-Token` (synchronizer token, stored with the session, compared in constant time),
 *    whether or not it also carries Basic credentials.
 *
 * The pure checks are exported for tests; `createCsrfGuard` is the Koa middleware.
 */
import { timingSafeEqual } from 'node:crypto';
import type { Context, Next } from 'koa';
import type { Logger } from '../util/log.js';
import { ApiError } from './api-error.js';
import { SESSION_COOKIE } from './auth-gate.js';
import { readCookie } from './http-credentials.js';
import { isJsonMediaType } from './json-body.js';
import type { SessionStore } from './sessions.js';

export const CSRF_COOKIE = 'cellgate_csrf';
export const CSRF_HEADER = 'X-CSRF-Token';

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'TRACE']);

export function isSafeMethod(method: string): boolean {
  return SAFE_METHODS.has(method.toUpperCase());
}

/** `scheme://host[:port]` of an http(s) URL, default port left out (RFC 6454 §6.2); null otherwise. */
export function serializeOrigin(url: string): string | null {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return null;
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return null;
  return u.origin;
}

/** The origin a request was addressed to, from its scheme and Host; null when Host is missing or bad. */
export function requestOrigin(protocol: string, host: string): string | null {
  if (host === '' || /[/\\?#@\s]/.test(host)) return null;
  return serializeOrigin(`${protocol}://${host}`);
}

export type Verdict = { ok: true } | { ok: false; status: 403 | 415; reason: string };

export interface OriginHeaders {
  /** The Origin header; undefined when absent. */
  origin: string | undefined;
  /** The Referer header; undefined when absent. */
  referer: string | undefined;
}

/**
 * Whether a state-changing request may come from where its headers say. `trusted` holds serialized
 * origins: the request's own and any configured ones.
 */
export function checkOrigin(h: OriginHeaders, trusted: ReadonlySet<string>): Verdict {
  if (h.origin !== undefined) {
    // Browsers send the serialized form; anything else (null, a list, a path) is not ours.
    const origin = serializeOrigin(h.origin);
    if (origin !== null && origin === h.origin.toLowerCase() && trusted.has(origin)) return { ok: true };
    return { ok: false, status: 403, reason: `cross-site request refused: Origin ${quote(h.origin)} is not this gateway's` };
  }
  if (h.referer !== undefined) {
    const origin = serializeOrigin(h.referer);
    if (origin !== null && trusted.has(origin)) return { ok: true };
    return { ok: false, status: 403, reason: `cross-site request refused: Referer from ${quote(origin ?? h.referer)}, not this gateway` };
  }
  return { ok: true };
}

export interface BodyHeaders {
  contentType: string | undefined;
  contentLength: string | undefined;
  transferEncoding: string | undefined;
}

/** A state-changing request's body, if any, must be declared JSON. */
export function checkBodyType(h: BodyHeaders): Verdict {
  const type = (h.contentType ?? '').split(';')[0]!.trim().toLowerCase();
  const hasBody = h.transferEncoding !== undefined || (h.contentLength !== undefined && h.contentLength.trim() !== '0');
  if (type === '' && !hasBody) return { ok: true };
  if (isJsonMediaType(type)) return { ok: true };
  return { ok: false, status: 415, reason: `expected Content-Type: application/json, got ${type === '' ? 'none' : quote(type)} (state-changing requests take JSON bodies only)` };
}

/** Constant-time comparison of a sent token with the session's (RFC 4086-style random tokens). */
export function tokensMatch(sent: string | undefined, expected: string): boolean {
  if (sent === undefined) return false;
  const a = Buffer.from(sent, 'utf8');
  const b = Buffer.from(expected, 'utf8');
  // The length is not secret (every token has the same one); the content is compared in constant time.
  return a.length === b.length && timingSafeEqual(a, b);
}

function quote(text: string): string {
  return JSON.stringify(text.length > 100 ? `${text.slice(0, 100)}…` : text);
}

export interface CsrfGuardDeps {
  sessions: SessionStore;
  /** Origins trusted besides the request's own (`http.allowedOrigins`), serialized. */
  allowedOrigins?: () => readonly string[];
  log: Logger;
}

/** Koa middleware: refuses state-changing requests that fail one of the checks above. */
export function createCsrfGuard(deps: CsrfGuardDeps) {
  return async function csrfGuard(ctx: Context, next: Next): Promise<void> {
    if (isSafeMethod(ctx.method)) return next();
    const headers = ctx.req.headers;
    const trusted = new Set<string>(deps.allowedOrigins?.() ?? []);
    const own = requestOrigin(ctx.protocol, ctx.host);
    if (own !== null) trusted.add(own);

    const verdicts = [
      () => checkOrigin({ origin: headers.origin, referer: headers.referer }, trusted),
      () => checkBodyType({ contentType: headers['content-type'], contentLength: headers['content-length'], transferEncoding: headers['transfer-encoding'] }),
      () => checkSessionToken(ctx, deps.sessions),
    ];
    for (const verdict of verdicts) {
      const v = verdict();
      if (v.ok) continue;
      if (v.status === 403) {
        deps.log.warn({ address: ctx.ip || 'unknown', method: ctx.method, path: ctx.path, reason: v.reason }, 'cross-site request refused');
      }
      throw new ApiError(v.status, v.reason);
    }
    await next();
  };
}

function checkSessionToken(ctx: Context, sessions: SessionStore): Verdict {
  const session = sessions.peek(readCookie(ctx.get('cookie') || undefined, SESSION_COOKIE));
  if (!session) return { ok: true };
  const sent = ctx.req.headers[CSRF_HEADER.toLowerCase()];
  if (tokensMatch(typeof sent === 'string' ? sent : undefined, session.csrfToken)) return { ok: true };
  return { ok: false, status: 403, reason: `missing or wrong ${CSRF_HEADER} header for this session (login returned the token; it is also in the ${CSRF_COOKIE} cookie)` };
}
