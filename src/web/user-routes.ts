/**
 * Account routes of the JSON API: admins list, create, change and delete accounts; every account may
 * change its own password with its current one. Answers never carry a password hash. The store
 * refuses to delete or demote the last admin (409). Ending the sessions of a changed account is the
 * daemon's job (it listens to the store, so changes made with `cellgate user` count too); a caller
 * who changes their own password over a session gets a fresh session cookie in the answer.
 * A password an admin chooses for someone else (a new account, a reset) is marked
 * `mustChangePassword`: its owner must replace it before using the API (auth-gate.ts).
 */
import type { Context } from 'koa';
import { AccountError, ROLES, type AuthStore, type Role } from '../config/auth-store.js';
import type { Logger } from '../util/log.js';
import { OWN_ACCOUNT, USERS_ADMIN } from './access-policy.js';
import { ApiError } from './api-error.js';
import type { ApiRoute } from './api-routes.js';
import { SESSION_COOKIE, tooManyAttempts, type WebState } from './auth-gate.js';
import { CSRF_COOKIE } from './csrf.js';
import { FailureLimiter } from './failure-limiter.js';
import { readableCookie, sessionCookie } from './http-credentials.js';
import { readObjectBody } from './json-body.js';
import { loggableUser } from './user-for-log.js';
import type { SessionStore } from './sessions.js';


export type UserDirectory = Pick<AuthStore, 'listUsers' | 'user' | 'addUser' | 'updateUser' | 'deleteUser' | 'verify'>;

export interface UserRouteDeps {
  users: UserDirectory;
  sessions: SessionStore;
  bodyLimit: number;
  log: Logger;
  /** Wrong current passwords allowed per account (default 5 per 60 s), against guessing with a stolen session. */
  currentPasswordLimit?: { max: number; windowMs: number };
  now?: () => number;
}

const STATUS: Record<AccountError['accountError'], number> = { invalid: 400, 'not-found': 404, exists: 409, 'last-admin': 409 };

function param(ctx: Context, name: string): string {
  return (ctx as Context & { params?: Record<string, string> }).params?.[name] ?? '';
}

function principal(ctx: Context): { user: string; role: Role; via: 'basic' | 'session' } {
  const p = (ctx.state as WebState).principal;
  if (!p) throw new ApiError(401, 'authentication required');
  return p;
}

/** Only these keys, each of the given type. */
function fields(body: Record<string, unknown>, allowed: Record<string, 'string'>, shape: string): Record<string, string | undefined> {
  const out: Record<string, string | undefined> = {};
  for (const [k, v] of Object.entries(body)) {
    if (!Object.hasOwn(allowed, k)) throw new ApiError(400, `unknown key ${JSON.stringify(k)}; expected ${shape}`);
    if (typeof v !== 'string') throw new ApiError(400, `${k}: expected a string`);
    out[k] = v;
  }
  return out;
}

function role(v: string | undefined): Role | undefined {
  if (v === undefined) return undefined;
  if (!(ROLES as readonly string[]).includes(v)) throw new ApiError(400, `role: expected one of ${ROLES.join(', ')}, got ${JSON.stringify(v)}`);
  return v as Role;
}

async function accountCall<T>(f: () => Promise<T>): Promise<T> {
  try {
    return await f();
  } catch (e) {
    if (e instanceof AccountError) throw new ApiError(STATUS[e.accountError], e.message);
    throw e;
  }
}

export function userRoutes(deps: UserRouteDeps): ApiRoute[] {
  const { users, sessions, log } = deps;
  const guesses = new FailureLimiter({ max: deps.currentPasswordLimit?.max ?? 5, windowMs: deps.currentPasswordLimit?.windowMs ?? 60_000, ...(deps.now ? { now: deps.now } : {}) });

  /** A change of one's own password must name the current one (a stolen session alone cannot). */
  async function checkCurrent(user: string, current: string | undefined): Promise<void> {
    if (current === undefined) throw new ApiError(400, 'currentPassword: needed to change your own password');
    const d = guesses.begin(user);
    if (!d.allowed) throw tooManyAttempts(d.retryAfterSeconds);
    let ok: boolean;
    try {
      ok = await users.verify(user, current);
    } catch (e) {
      d.attempt.abandoned();
      throw e;
    }
    if (!ok) {
      d.attempt.failed();
      log.warn({ user: loggableUser(user) }, 'password change refused: wrong current password');
      throw new ApiError(403, 'currentPassword is wrong');
    }
    d.attempt.succeeded();
  }

  /** After one's own password change the old sessions are gone; a session caller gets a new one. */
  function renewSession(ctx: Context, user: string, newRole: Role): void {
    if (principal(ctx).via !== 'session') return;
    // A new session comes with a new CSRF token (docs/api.md, "Cross-site requests").
    const { token, csrfToken } = sessions.create(user, newRole);
    ctx.set('Set-Cookie', [sessionCookie(SESSION_COOKIE, token, { secure: ctx.secure }), readableCookie(CSRF_COOKIE, csrfToken, { secure: ctx.secure })]);
  }

  function list(ctx: Context): void {
    ctx.body = { users: users.listUsers() };
  }

  function one(ctx: Context): void {
    const name = param(ctx, 'name');
    const u = users.user(name);
    if (!u) throw new ApiError(404, `no user ${JSON.stringify(name)}`);
    ctx.body = u;
  }

  async function create(ctx: Context): Promise<void> {
    const shape = '{"name", "password", "role"}';
    const b = fields(await readObjectBody(ctx, deps.bodyLimit), { name: 'string', password: 'string', role: 'string' }, shape);
    if (b.name === undefined || b.password === undefined || b.role === undefined) throw new ApiError(400, `expected ${shape}`);
    const created = await accountCall(() => users.addUser(b.name!, b.password!, role(b.role)!, { mustChangePassword: true }));
    log.info({ user: created.name, role: created.role, by: principal(ctx).user }, 'account created');
    ctx.status = 201;
    ctx.body = created;
  }

  async function update(ctx: Context): Promise<void> {
    const name = param(ctx, 'name');
    const shape = '{"role"?, "password"?, "currentPassword"?}';
    const b = fields(await readObjectBody(ctx, deps.bodyLimit), { role: 'string', password: 'string', currentPassword: 'string' }, shape);
    if (b.role === undefined && b.password === undefined) throw new ApiError(400, `expected ${shape} with role or password`);
    const self = principal(ctx).user === name;
    if (self && b.password !== undefined) await checkCurrent(name, b.currentPassword);
    const newRole = role(b.role);
    // A password an admin sets for someone else is to be replaced by its owner at the next login.
    const password = b.password !== undefined ? { password: b.password, mustChangePassword: !self } : {};
    const updated = await accountCall(() => users.updateUser(name, { ...password, ...(newRole ? { role: newRole } : {}) }));
    log.info({ user: name, role: updated.role, password: b.password !== undefined ? 'changed' : 'kept', by: principal(ctx).user }, 'account changed');
    if (self) renewSession(ctx, name, updated.role);
    ctx.body = updated;
  }

  async function remove(ctx: Context): Promise<void> {
    const name = param(ctx, 'name');
    await accountCall(() => users.deleteUser(name));
    log.info({ user: name, by: principal(ctx).user }, 'account deleted');
    ctx.body = { deleted: name };
  }

  async function ownPassword(ctx: Context): Promise<void> {
    const shape = '{"currentPassword", "password"}';
    const b = fields(await readObjectBody(ctx, deps.bodyLimit), { currentPassword: 'string', password: 'string' }, shape);
    if (b.password === undefined) throw new ApiError(400, `expected ${shape}`);
    const me = principal(ctx).user;
    await checkCurrent(me, b.currentPassword);
    const updated = await accountCall(() => users.updateUser(me, { password: b.password! }));
    log.info({ user: me }, 'own password changed');
    renewSession(ctx, me, updated.role);
    ctx.body = updated;
  }

  return [
    { method: 'GET', path: '/users', access: USERS_ADMIN, handler: list },
    { method: 'POST', path: '/users', access: USERS_ADMIN, handler: create },
    { method: 'GET', path: '/users/:name', access: USERS_ADMIN, handler: one },
    { method: 'PUT', path: '/users/:name', access: USERS_ADMIN, handler: update },
    { method: 'DELETE', path: '/users/:name', access: USERS_ADMIN, handler: remove },
    { method: 'PUT', path: '/me/password', access: OWN_ACCOUNT, handler: ownPassword },
  ];
}
