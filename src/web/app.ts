/**
 * The web app factory: the JSON API under /api (with authentication) and the operator UI's static
 * files at /. No port here: the daemon calls `listen`, tests use `app.callback()`.
 *
 * Order of the middleware, outside in: security headers → compression of API answers (compression.ts)
 * → error handler (every failure becomes a JSON `{ "error": ... }`, unexpected ones a logged 500) →
 * CSRF guard (state-changing requests only, see csrf.ts) → API router → API fallback (404/405) →
 * static files → 404.
 */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { performance } from 'node:perf_hooks';
import Koa, { type Context, type Next } from 'koa';
import { Router } from '@koa/router';
import type { LineRegistry } from '../line/types.js';
import type { Logger } from '../util/log.js';
import { ApiError, isApiError } from './api-error.js';
import { apiRoutes, type ApiRoute } from './api-routes.js';
import { createAuthGate, type WebState } from './auth-gate.js';
import type { Authenticator } from './authenticator.js';
import { CredentialCache, DEFAULT_CREDENTIAL_TTL_MS } from './credential-cache.js';
import { apiCompression } from './compression.js';
import { createCsrfGuard } from './csrf.js';
import { DEFAULT_ACCOUNT_LOCKOUT, FailureLimiter } from './failure-limiter.js';
import { DEFAULT_BODY_LIMIT } from './json-body.js';
import { SessionStore } from './sessions.js';
import { compressedVariant, lookupStatic, openStatic, pickCoding, staticHeaders } from './static-files.js';

export interface WebAppDeps {
  registry: LineRegistry;
  /** More routes (line actions, SIM policy), in the same table form and behind the same auth. */
  extraRoutes?: (bodyLimit: number) => ApiRoute[];
  auth: Authenticator;
  log: Logger;
  /** Idle time after which a login session ends (default 12 h). */
  sessionTtlMs?: number;
  now?: () => number;
  /** Called after each successful `POST /api/login` (e.g. to record the device's last login). */
  onLogin?: (user: string) => void;
  /** Directory of the built operator UI; default `<package root>/web/dist`; null: serve no files. */
  staticDir?: string | null;
  /** Failed logins (and failed Basic checks) allowed per remote address (default 5 per 60 s). */
  loginLimit?: { max: number; windowMs: number };
  /** Failed passwords allowed per account before it is locked out (default 10 per 15 min). */
  accountLockout?: { max: number; windowMs: number };
  /** How long a verified Basic header is trusted without re-checking the password (default 60 s). */
  credentialTtlMs?: number;
  /** Largest JSON request body (default 64 KiB). */
  bodyLimit?: number;
  /** Trust X-Forwarded-For / -Proto / -Host (only behind a reverse proxy you control). */
  trustProxy?: boolean;
  /** Origins besides the request's own from which state-changing requests are accepted (serialized). */
  allowedOrigins?: () => readonly string[];
  /** Session store to use (so the daemon can end a user's sessions); one is made otherwise. */
  sessions?: SessionStore;
  /** Cache of verified Basic headers to use (so the daemon can forget them after an account change). */
  credentials?: CredentialCache;
}

export const API_PREFIX = '/api';

/** A mounted API route as the outside may see it (for listings and tests), path with the /api prefix. */
export interface MountedRoute {
  method: ApiRoute['method'];
  path: string;
  access: ApiRoute['access'];
}

export type WebApp = Koa<WebState> & { readonly mountedRoutes: readonly MountedRoute[] };

function isApiPath(path: string): boolean {
  return path === API_PREFIX || path.startsWith(`${API_PREFIX}/`);
}

function isClientHttpError(err: unknown): err is { status: number; message: string } {
  if (typeof err !== 'object' || err === null) return false;
  const e = err as { status?: unknown; expose?: unknown; message?: unknown };
  return e.expose === true && typeof e.status === 'number' && e.status >= 400 && e.status < 500 && typeof e.message === 'string';
}

/** `<package root>/web/dist` (the UI as scripts/build-web.mjs builds it); the root is the nearest ancestor holding package.json. */
export function defaultStaticDir(): string | null {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    if (existsSync(join(dir, 'package.json'))) return join(dir, 'web', 'dist');
    const up = dirname(dir);
    if (up === dir) break;
    dir = up;
  }
  return null;
}

export function createWebApp(deps: WebAppDeps): WebApp {
  const { registry, auth, log } = deps;
  const now = deps.now ?? Date.now;
  const sessions = deps.sessions ?? new SessionStore({ idleMs: deps.sessionTtlMs, now });
  const credentials = deps.credentials ?? new CredentialCache({ ttlMs: deps.credentialTtlMs ?? DEFAULT_CREDENTIAL_TTL_MS, now });
  const limiter = new FailureLimiter({ max: deps.loginLimit?.max ?? 5, windowMs: deps.loginLimit?.windowMs ?? 60_000, now });
  const lockout = deps.accountLockout ?? DEFAULT_ACCOUNT_LOCKOUT;
  const accountLimiter = new FailureLimiter({ max: lockout.max, windowMs: lockout.windowMs, now });
  const staticDir = deps.staticDir === undefined ? defaultStaticDir() : deps.staticDir;
  const bodyLimit = deps.bodyLimit ?? DEFAULT_BODY_LIMIT;
  const gate = createAuthGate({ auth, sessions, credentials, limiter, accountLimiter, log });

  const app = new Koa<WebState>({ proxy: deps.trustProxy ?? false });
  // Errors that escape the middleware below (a failing file stream after headers went out).
  app.on('error', (err: unknown) => {
    log.error({ err }, 'web: unhandled error');
  });

  app.use(async function securityHeaders(ctx: Context, next: Next) {
    ctx.set('X-Content-Type-Options', 'nosniff');
    ctx.set('X-Frame-Options', 'DENY');
    ctx.set('Referrer-Policy', 'no-referrer');
    if (isApiPath(ctx.path)) ctx.set('Cache-Control', 'no-store');
    await next();
  });

  // Outside the error handler, so error answers are compressed like any other (compression.ts).
  app.use(apiCompression());

  app.use(async function errors(ctx: Context, next: Next) {
    const started = performance.now();
    try {
      await next();
      if (ctx.body == null && ctx.status === 404) throw new ApiError(404, 'not found');
    } catch (err) {
      if (isApiError(err)) {
        ctx.status = err.status;
        for (const [k, v] of Object.entries(err.headers)) ctx.set(k, v);
        ctx.body = { ...err.fields, error: err.message };
      } else if (isClientHttpError(err)) {
        // A 4xx raised inside Koa or the router (http-errors with `expose`): its message is safe to show.
        ctx.status = err.status;
        ctx.body = { error: err.message };
      } else {
        log.error({ err, method: ctx.method, path: ctx.path }, 'web: request failed');
        ctx.status = 500;
        ctx.body = { error: 'internal error' };
      }
    }
    log.debug({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(performance.now() - started) }, 'http');
  });

  app.use(createCsrfGuard({ sessions, log, ...(deps.allowedOrigins ? { allowedOrigins: deps.allowedOrigins } : {}) }));

  const router = new Router<WebState>({ prefix: API_PREFIX });
  const routes = [...apiRoutes({ registry, auth, sessions, limiter, accountLimiter, log, bodyLimit, onLogin: deps.onLogin }), ...(deps.extraRoutes?.(bodyLimit) ?? [])];
  for (const r of routes) {
    const chain = r.access === 'public' ? [r.handler] : [gate.authenticate, gate.allow(r.access), r.handler];
    router.register(r.path, [r.method], chain);
  }
  const publicPaths = new Set(routes.filter((r) => r.access === 'public').map((r) => `${API_PREFIX}${r.path}`));
  app.use(router.routes());

  app.use(async function apiFallback(ctx: Context, next: Next) {
    if (!isApiPath(ctx.path)) return next();
    const match = router.match(ctx.path, ctx.method);
    const methods = new Set(match.path.flatMap((layer) => layer.methods));
    // Unknown API paths are only told apart from forbidden ones once the caller has authenticated.
    if (!publicPaths.has(ctx.path)) await gate.identify(ctx);
    if (methods.size > 0) throw new ApiError(405, `method ${ctx.method} not allowed; use ${[...methods].join(', ')}`, { Allow: [...methods].join(', ') });
    throw new ApiError(404, `no such API route: ${ctx.method} ${ctx.path}`);
  });

  app.use(async function staticFiles(ctx: Context, next: Next) {
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    if (staticDir !== null) {
      const found = await lookupStatic(staticDir, ctx.path);
      if (found.kind === 'file') {
        const coding = pickCoding(ctx.get('accept-encoding'));
        const variant = await compressedVariant(found.path, coding);
        ctx.type = found.contentType;
        ctx.lastModified = found.mtime;
        ctx.set(staticHeaders(ctx.path, found.contentType));
        ctx.vary('Accept-Encoding');
        if (variant && coding) ctx.set('Content-Encoding', coding);
        ctx.length = variant ? variant.size : found.size;
        ctx.body = openStatic(variant ? variant.path : found.path);
        return;
      }
      if (found.kind === 'refused') throw new ApiError(404, 'not found');
    }
    if (ctx.path === '/') {
      ctx.body = { name: 'cellgate', api: API_PREFIX, message: 'the operator UI is not installed; the JSON API is under /api (see docs/api.md)' };
      return;
    }
    await next();
  });

  const mountedRoutes = routes.map((r) => ({ method: r.method, path: `${API_PREFIX}${r.path}`, access: r.access }));
  return Object.assign(app, { mountedRoutes });
}
