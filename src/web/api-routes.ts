/**
 * The JSON API, as a table: each route names its method, path (under /api) and who may call it
 * (`'public'`, or the roles allowed). `app.ts` turns the table into @koa/router routes with the
 * authentication and role checks in front.
 */
import type { Context } from 'koa';
import type { LineRegistry } from '../line/types.js';
import type { Logger } from '../util/log.js';
import { type Access, OWN_ACCOUNT, PUBLIC, STATUS_READ } from './access-policy.js';
import { ApiError } from './api-error.js';
import { flightKey, remoteAddress, SESSION_COOKIE, tooManyAttempts, type CheckOutcome, type WebState } from './auth-gate.js';
import type { Authenticator, Role } from './authenticator.js';
import { beginLogin, FailureLimiter } from './failure-limiter.js';
import { CSRF_COOKIE } from './csrf.js';
import { clearedCookie, readableCookie, readCookie, sessionCookie } from './http-credentials.js';
import { readJsonBody } from './json-body.js';
import type { SessionStore } from './sessions.js';
import { SingleFlight } from './single-flight.js';
import { userForLog } from './user-for-log.js';

export interface ApiRoute {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path under /api, in @koa/router syntax (`/lines/:id`). */
  path: string;
  /** `'public'`: no authentication; otherwise the roles allowed. */
  access: Access;
  handler: (ctx: Context) => Promise<void> | void;
}

export interface ApiDeps {
  registry: LineRegistry;
  auth: Authenticator;
  sessions: SessionStore;
  limiter: FailureLimiter;
  /** Failed passwords per account (the lock-out). */
  accountLimiter?: FailureLimiter;
  log: Logger;
  bodyLimit: number;
  onLogin?: (user: string) => void;
}

const MAX_USER_LENGTH = 256;
const MAX_PASSWORD_LENGTH = 1024;

export function apiRoutes(deps: ApiDeps): ApiRoute[] {
  const { registry, auth, sessions, limiter, log } = deps;
  const accountLimiter = deps.accountLimiter ?? new FailureLimiter({ max: Number.MAX_SAFE_INTEGER });

  const loginChecks = new SingleFlight<CheckOutcome>();

  /** The password check of a login; identical logins from one address at the same time share it. */
  async function checkLogin(creds: { user: string; password: string }, address: string): Promise<CheckOutcome> {
    const decision = beginLogin(limiter, accountLimiter, address, creds.user);
    if (!decision.allowed) {
      const why = decision.by === 'account' ? 'login refused: account locked after too many failed passwords' : 'login refused: too many failed attempts';
      log.warn({ address, ...userForLog(creds.user, auth.role(creds.user) != null), retryAfter: decision.retryAfterSeconds, by: decision.by }, why);
      return { kind: 'limited', retryAfterSeconds: decision.retryAfterSeconds, by: decision.by };
    }
    const { attempt } = decision;
    try {
      const ok = await auth.verify(creds.user, creds.password);
      const role = auth.role(creds.user);
      if (!ok || role == null) {
        attempt.failed();
        log.warn({ address, ...userForLog(creds.user, role != null) }, 'login failed');
        return { kind: 'invalid' };
      }
      attempt.succeeded();
      return { kind: 'ok', user: creds.user, role };
    } finally {
      attempt.abandoned(); // only takes effect when the password store threw
    }
  }

  async function login(ctx: Context): Promise<void> {
    const body = await readJsonBody({ type: ctx.request.type, charset: ctx.request.charset, req: ctx.req }, deps.bodyLimit);
    const creds = loginBody(body);
    const address = remoteAddress(ctx);
    const outcome = await loginChecks.run(flightKey(address, creds.user, creds.password), () => checkLogin(creds, address));
    if (outcome.kind === 'limited') throw tooManyAttempts(outcome.retryAfterSeconds, outcome.by);
    if (outcome.kind === 'invalid') throw new ApiError(401, 'invalid user or password');
    const { user, role } = outcome;
    // A new token on every login (no session fixation); a previous one from this browser ends.
    sessions.end(readCookie(ctx.get('cookie') || undefined, SESSION_COOKIE));
    const { token, csrfToken } = sessions.create(user, role);
    ctx.set('Set-Cookie', [
      sessionCookie(SESSION_COOKIE, token, { secure: ctx.secure }),
      readableCookie(CSRF_COOKIE, csrfToken, { secure: ctx.secure }),
    ]);
    log.info({ address, user, role }, 'login');
    if (deps.onLogin) {
      try {
        deps.onLogin(user);
      } catch (err) {
        log.error({ err }, 'onLogin callback failed');
      }
    }
    ctx.compress = false; // carries the CSRF token (compression.ts: BREACH)
    ctx.body = { user, role, csrfToken, mustChangePassword: auth.mustChangePassword?.(user) === true };
  }

  function logout(ctx: Context): void {
    const token = readCookie(ctx.get('cookie') || undefined, SESSION_COOKIE);
    const ended = sessions.end(token);
    ctx.set('Set-Cookie', [clearedCookie(SESSION_COOKIE, { secure: ctx.secure }), clearedCookie(CSRF_COOKIE, { secure: ctx.secure, httpOnly: false })]);
    if (ended) log.info({ address: remoteAddress(ctx) }, 'logout');
    ctx.body = { ok: true };
  }

  function lines(ctx: Context): void {
    ctx.body = { lines: registry.list() };
  }

  function line(ctx: Context): void {
    const raw = (ctx as Context & { params?: Record<string, string> }).params?.['id'] ?? '';
    if (!/^\d{1,9}$/.test(raw)) throw new ApiError(400, `line id must be a positive integer, got ${JSON.stringify(raw)}`);
    const id = Number(raw);
    const status = registry.get(id);
    if (!status) throw new ApiError(404, `no line ${id}`);
    ctx.body = status;
  }

  function device(ctx: Context): void {
    ctx.body = registry.device();
  }

  function health(ctx: Context): void {
    ctx.body = { ok: true };
  }

  function whoami(ctx: Context): void {
    const p = (ctx.state as WebState).principal;
    ctx.body = p ? { user: p.user, role: p.role, via: p.via, mustChangePassword: auth.mustChangePassword?.(p.user) === true } : {};
  }

  return [
    { method: 'GET', path: '/health', access: PUBLIC, handler: health },
    { method: 'POST', path: '/login', access: PUBLIC, handler: login },
    { method: 'POST', path: '/logout', access: PUBLIC, handler: logout },
    { method: 'GET', path: '/me', access: OWN_ACCOUNT, handler: whoami },
    { method: 'GET', path: '/lines', access: STATUS_READ, handler: lines },
    { method: 'GET', path: '/lines/:id', access: STATUS_READ, handler: line },
    { method: 'GET', path: '/device', access: STATUS_READ, handler: device },
  ];
}

function loginBody(body: unknown): { user: string; password: string } {
  const shape = 'expected {"user": string, "password": string}';
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new ApiError(400, shape);
  const { user, password } = body as Record<string, unknown>;
  if (typeof user !== 'string' || typeof password !== 'string') throw new ApiError(400, shape);
  if (user === '' || user.length > MAX_USER_LENGTH) throw new ApiError(400, `user must be 1 to ${MAX_USER_LENGTH} characters`);
  if (password.length > MAX_PASSWORD_LENGTH) throw new ApiError(400, `password must be at most ${MAX_PASSWORD_LENGTH} characters`);
  return { user, password };
}
