/**
 * Web/API accounts in `<dataDir>/auth.json` (mode 0600, durable, with `.bak` recovery):
 *   { "version": 1, "users": { "admin": { "hash": "scrypt$16384$8$1$<salt>$<key>", "role": "admin",
 *                                         "changedAt": "...", "lastLogin": "..." } } }
 * Only scrypt hashes are stored, never a password. Roles: `admin` (everything), `user` (all but
 * accounts, VoIP settings and IMEI writing), `sms` (SMS only): src/web/access-policy.ts. There is always at least
 * one admin once the daemon has started: deleting or demoting the last one is refused.
 *
 * Two processes write this file: the daemon (logins, API changes) and `cellgate user` / `cellgate
 * passwd`. Each changes it under `auth.json.lock` and re-reads it first when it changed on disk, so
 * neither loses the other's change; the daemon also polls it (`watch`), so a change made by the CLI
 * reaches the running daemon within a second.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../util/log.js';
import { issuesToFieldErrors } from './schema.js';
import { JsonStore, type ValidationResult } from './json-store.js';
import { formatFieldErrors } from './errors.js';
import { withFileLock } from './file-lock.js';
import { hashPassword, parsePasswordHash, verifyPassword } from './password-hash.js';

export const ROLES = ['admin', 'user', 'sms'] as const;
export type Role = (typeof ROLES)[number];

export const AUTH_FILE_NAME = 'auth.json';
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;
const USER_NAME = /^[a-z][a-z0-9_.-]{0,31}$/;
/** How often `watch` looks for changes made by another process. */
export const DEFAULT_WATCH_INTERVAL_MS = 1000;

const userSchema = z.strictObject({
  hash: z.string().refine((h) => parsePasswordHash(h) !== undefined, {
    error: 'expected a hash of the form scrypt$N$r$p$salt$hash',
  }),
  role: z.enum(ROLES, { error: `expected one of ${ROLES.map((r) => JSON.stringify(r)).join(', ')}` }),
  changedAt: z.string().optional(),
  lastLogin: z.string().optional(),
  /** The password was generated or set by an admin for this account: its owner must choose one first. */
  mustChangePassword: z.boolean().optional(),
});

const authSchema = z.strictObject({
  version: z.literal(1, { error: 'expected 1' }).default(1),
  users: z
    .record(z.string().regex(USER_NAME, { error: 'expected a user name of lower-case letters, digits, "_", "." or "-"' }), userSchema)
    .default(() => ({})),
});

export type AuthDocument = z.output<typeof authSchema>;
export type UserRecord = AuthDocument['users'][string];

/** What may be shown about an account: never its hash. */
export interface UserInfo {
  name: string;
  role: Role;
  /** When the password or role last changed (ISO 8601), null when unknown. */
  changedAt: string | null;
  /** Last successful `POST /api/login` (ISO 8601), null when never. */
  lastLogin: string | null;
  /** The owner must choose a new password before using the API (generated or set by an admin). */
  mustChangePassword: boolean;
}

/** How an account changed, for ending its sessions. */
export type UserChange = 'added' | 'password' | 'role' | 'deleted';

function validateAuth(doc: unknown): ValidationResult<AuthDocument> {
  const r = authSchema.safeParse(doc);
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: issuesToFieldErrors(r.error.issues) };
}

export type AccountErrorKind = 'invalid' | 'not-found' | 'exists' | 'last-admin';

/** A refused account change; `accountError` says why (the API maps it to 400, 404, 409, 409). */
export class AccountError extends Error {
  readonly accountError: AccountErrorKind;
  constructor(kind: AccountErrorKind, message: string) {
    super(message);
    this.name = 'AccountError';
    this.accountError = kind;
  }
}

/** A password that breaks the rules (too short or too long), a bad user name or an unknown role. */
export class PasswordPolicyError extends AccountError {
  constructor(message: string) {
    super('invalid', message);
    this.name = 'PasswordPolicyError';
  }
}

export interface AuthStoreOptions {
  dataDir: string;
  log?: Logger;
}

function checkName(user: string): void {
  if (typeof user !== 'string' || !USER_NAME.test(user)) {
    throw new PasswordPolicyError(`invalid user name ${JSON.stringify(user)}: 1 to 32 lower-case letters, digits, "_", "." or "-", starting with a letter`);
  }
}

function checkRole(role: unknown): asserts role is Role {
  if (!(ROLES as readonly unknown[]).includes(role)) {
    throw new PasswordPolicyError(`unknown role ${JSON.stringify(role)}; expected ${ROLES.join(', ')}`);
  }
}

function checkPassword(password: string): void {
  if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
    throw new PasswordPolicyError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  if (password.length > MAX_PASSWORD_LENGTH) {
    throw new PasswordPolicyError(`the password must have at most ${MAX_PASSWORD_LENGTH} characters`);
  }
}

function admins(d: AuthDocument): string[] {
  return Object.entries(d.users)
    .filter(([, u]) => u.role === 'admin')
    .map(([name]) => name);
}

/** Accounts whose password, role or existence differ between two documents (lastLogin does not count). */
export function diffUsers(prev: AuthDocument, next: AuthDocument): Array<{ user: string; change: UserChange }> {
  const out: Array<{ user: string; change: UserChange }> = [];
  for (const [user, p] of Object.entries(prev.users)) {
    const n = Object.hasOwn(next.users, user) ? next.users[user] : undefined;
    if (!n) out.push({ user, change: 'deleted' });
    else if (n.hash !== p.hash) out.push({ user, change: 'password' });
    else if (n.role !== p.role) out.push({ user, change: 'role' });
  }
  for (const user of Object.keys(next.users)) {
    if (!Object.hasOwn(prev.users, user)) out.push({ user, change: 'added' });
  }
  return out;
}

export class AuthStore {
  readonly file: string;
  private store: JsonStore<AuthDocument>;
  private dummyHash: Promise<string> | undefined;
  /** mtime+size of auth.json as last read or written by this process. */
  private seen = '';
  /** Every read-modify-write runs alone, so a re-read from disk never races a change. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<(user: string, change: UserChange) => void>();

  private constructor(store: JsonStore<AuthDocument>, private readonly opts: AuthStoreOptions) {
    this.store = store;
    this.file = store.file;
    this.seen = this.stamp();
  }

  /**
   * Opens (or creates, with no users) `<dataDir>/auth.json`. A corrupt or invalid file falls back to
   * `auth.json.bak` with a warning; if both are unusable this throws.
   */
  static async open(opts: AuthStoreOptions): Promise<AuthStore> {
    return new AuthStore(await AuthStore.openStore(opts), opts);
  }

  private static openStore(opts: AuthStoreOptions): Promise<JsonStore<AuthDocument>> {
    return JsonStore.open<AuthDocument>({
      file: path.join(opts.dataDir, AUTH_FILE_NAME),
      validate: validateAuth,
      defaults: () => ({ version: 1, users: {} }),
      mode: 0o600,
      // Unlike config.json nobody edits this file by hand: anything the schema rejects is damage.
      corruptIf: (doc) => {
        const r = validateAuth(doc);
        return r.ok ? undefined : formatFieldErrors(r.errors).join('; ');
      },
      onRecovery: (r) => opts.log?.warn({ file: r.file, backup: r.backup, reason: r.reason }, r.message),
    });
  }

  private stamp(): string {
    try {
      const st = statSync(this.file);
      return `${st.mtimeMs}:${st.size}:${st.ino}`;
    } catch {
      return '';
    }
  }

  private serial<T>(f: () => Promise<T>): Promise<T> {
    const run = this.chain.then(f);
    this.chain = run.catch(() => undefined);
    return run;
  }

  /** Re-reads auth.json when another process changed it since this one last read or wrote it. */
  private async refreshNow(): Promise<void> {
    const now = this.stamp();
    if (now === this.seen || now === '') return;
    await this.store.flush();
    const prev = this.store.get();
    this.store = await AuthStore.openStore(this.opts);
    this.seen = this.stamp();
    this.emit(prev, this.store.get());
  }

  private refresh(): Promise<void> {
    return this.serial(() => this.refreshNow()).catch((e: Error) => {
      this.opts.log?.error({ err: e.message, file: this.file }, 'cannot re-read auth.json; keeping the accounts in memory');
    });
  }

  /**
   * Applies a change to the newest document on disk; the mutator may throw to refuse it. The file lock
   * keeps another process from writing between this re-read and this write (its change would be lost).
   */
  private mutate(mutator: (d: AuthDocument) => void): Promise<void> {
    return this.serial(() =>
      withFileLock(this.file, async () => {
        await this.refreshNow();
        const prev = this.store.get();
        const next = await this.store.update(mutator);
        this.seen = this.stamp();
        this.emit(prev, next);
      }),
    );
  }

  private emit(prev: AuthDocument, next: AuthDocument): void {
    for (const { user, change } of diffUsers(prev, next)) {
      for (const l of this.listeners) {
        try {
          l(user, change);
        } catch (e) {
          this.opts.log?.error({ err: (e as Error).message, user }, 'account change listener failed');
        }
      }
    }
  }

  /**
   * Called for each account whose password or role changed, or that was added or deleted, by this
   * process or (seen at the next re-read) by another. Returns an unsubscribe function.
   */
  onChange(listener: (user: string, change: UserChange) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Polls auth.json for changes made by another process (`cellgate user`). Returns a stop function. */
  watch(intervalMs = DEFAULT_WATCH_INTERVAL_MS): () => void {
    const timer = setInterval(() => {
      if (this.stamp() !== this.seen) void this.refresh();
    }, intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  hasUser(user: string): boolean {
    return Object.hasOwn(this.store.get().users, user);
  }

  role(user: string): Role | undefined {
    return this.hasUser(user) ? this.store.get().users[user]!.role : undefined;
  }

  /** One account, without its hash. */
  user(name: string): UserInfo | undefined {
    if (!this.hasUser(name)) return undefined;
    const u = this.store.get().users[name]!;
    return { name, role: u.role, changedAt: u.changedAt ?? null, lastLogin: u.lastLogin ?? null, mustChangePassword: u.mustChangePassword === true };
  }

  /** True while the account's owner must choose a new password (false for unknown accounts). */
  mustChangePassword(user: string): boolean {
    return this.hasUser(user) && this.store.get().users[user]!.mustChangePassword === true;
  }

  /** Every account by name, without hashes. */
  listUsers(): UserInfo[] {
    return Object.keys(this.store.get().users)
      .sort()
      .map((name) => this.user(name)!);
  }

  /** The most recent login of any account (ISO 8601), null when nobody has logged in. */
  lastLogin(): string | null {
    let last: string | null = null;
    for (const u of Object.values(this.store.get().users)) {
      if (u.lastLogin !== undefined && (last === null || u.lastLogin > last)) last = u.lastLogin;
    }
    return last;
  }

  /** True when `user` exists and `password` is theirs. Unknown users cost the same time as known ones. */
  async verify(user: string, password: string): Promise<boolean> {
    await this.refresh();
    if (typeof password !== 'string' || password.length > MAX_PASSWORD_LENGTH) return false;
    const rec = this.hasUser(user) ? this.store.get().users[user] : undefined;
    if (!rec) {
      this.dummyHash ??= hashPassword(randomBytes(16).toString('base64url'));
      await verifyPassword(password, await this.dummyHash);
      return false;
    }
    return verifyPassword(password, rec.hash);
  }

  /**
   * Creates an account; durable when the promise resolves. `mustChangePassword`: an admin chose the
   * password for someone else, who must replace it at the first login.
   */
  async addUser(name: string, password: string, role: Role, opts: { mustChangePassword?: boolean } = {}): Promise<UserInfo> {
    checkName(name);
    checkRole(role);
    checkPassword(password);
    const hash = await hashPassword(password);
    await this.mutate((d) => {
      if (Object.hasOwn(d.users, name)) throw new AccountError('exists', `user ${JSON.stringify(name)} already exists`);
      d.users[name] = { hash, role, changedAt: new Date().toISOString(), ...(opts.mustChangePassword ? { mustChangePassword: true } : {}) };
    });
    return this.user(name)!;
  }

  /**
   * Changes an existing account's password and/or role in one durable write. Demoting the last
   * admin is refused. A new password clears `mustChangePassword` unless the change sets it again
   * (an admin set it for someone else).
   */
  async updateUser(name: string, change: { password?: string; role?: Role; mustChangePassword?: boolean }): Promise<UserInfo> {
    checkName(name);
    if (change.role !== undefined) checkRole(change.role);
    if (change.password !== undefined) checkPassword(change.password);
    const hash = change.password !== undefined ? await hashPassword(change.password) : undefined;
    await this.mutate((d) => {
      const u = Object.hasOwn(d.users, name) ? d.users[name] : undefined;
      if (!u) throw new AccountError('not-found', `no user ${JSON.stringify(name)}`);
      if (change.role !== undefined && change.role !== 'admin' && u.role === 'admin' && admins(d).length === 1) {
        throw new AccountError('last-admin', `${JSON.stringify(name)} is the last admin; make another user admin first`);
      }
      const { mustChangePassword: wasForced, ...rest } = u;
      const forced = hash !== undefined ? change.mustChangePassword === true : wasForced === true;
      d.users[name] = {
        ...rest,
        ...(hash !== undefined ? { hash } : {}),
        ...(change.role !== undefined ? { role: change.role } : {}),
        changedAt: new Date().toISOString(),
        ...(forced ? { mustChangePassword: true } : {}),
      };
    });
    return this.user(name)!;
  }

  /** Removes an account; removing the last admin is refused. */
  async deleteUser(name: string): Promise<void> {
    checkName(name);
    await this.mutate((d) => {
      const u = Object.hasOwn(d.users, name) ? d.users[name] : undefined;
      if (!u) throw new AccountError('not-found', `no user ${JSON.stringify(name)}`);
      if (u.role === 'admin' && admins(d).length === 1) {
        throw new AccountError('last-admin', `${JSON.stringify(name)} is the last admin and cannot be deleted`);
      }
      delete d.users[name];
    });
  }

  /**
   * Sets a user's password; durable when the promise resolves. A missing `admin` account is created
   * (so the password can be set before the first start); any other user must exist, or `role` must
   * be given to create it.
   */
  async setPassword(user: string, password: string, opts: { role?: Role } = {}): Promise<void> {
    checkName(user);
    checkPassword(password);
    if (opts.role !== undefined) checkRole(opts.role);
    const hash = await hashPassword(password);
    await this.mutate((d) => {
      const u = Object.hasOwn(d.users, user) ? d.users[user] : undefined;
      const role = opts.role ?? u?.role ?? (user === 'admin' ? 'admin' : undefined);
      if (role === undefined) throw new AccountError('not-found', `no user ${JSON.stringify(user)}`);
      if (u && u.role === 'admin' && role !== 'admin' && admins(d).length === 1) {
        throw new AccountError('last-admin', `${JSON.stringify(user)} is the last admin; make another user admin first`);
      }
      // Set at the console by the operator: no forced change at the next login.
      const { mustChangePassword: _forced, ...rest } = u ?? {};
      d.users[user] = { ...rest, hash, role, changedAt: new Date().toISOString() };
    });
  }

  /** Records a successful login (kept across restarts). Unknown users are ignored. */
  async recordLogin(user: string, at: Date = new Date()): Promise<void> {
    await this.mutate((d) => {
      const u = Object.hasOwn(d.users, user) ? d.users[user] : undefined;
      if (u) d.users[user] = { ...u, lastLogin: at.toISOString() };
    });
  }

  /**
   * First start: when there is no admin account at all, creates `admin` with a random 16-character
   * password, stores only its hash (durably) and returns the password so the daemon can print it once.
   * Returns undefined when an admin already exists.
   */
  async ensureAdminPassword(): Promise<string | undefined> {
    await this.refresh();
    if (admins(this.store.get()).length > 0) return undefined;
    const password = randomBytes(12).toString('base64url');
    const hash = await hashPassword(password);
    let created = false;
    await this.mutate((d) => {
      if (admins(d).length > 0) return;
      // An account named "admin" with another role keeps its name but becomes the admin again.
      // Printed once on the terminal: the operator must replace it at the first login.
      d.users.admin = { hash, role: 'admin', changedAt: new Date().toISOString(), mustChangePassword: true };
      created = true;
    });
    return created ? password : undefined;
  }

  /** The accounts with their hashes, for a backup that includes secrets. */
  exportAccounts(): AuthDocument['users'] {
    return structuredClone(this.store.get().users);
  }

  /**
   * Replaces every account (a restore) in one durable write. The accounts are validated first and
   * must include an admin, so a restore never leaves the gateway without one.
   */
  async replaceAccounts(users: unknown): Promise<void> {
    const checked = checkAccounts(users);
    await this.mutate((d) => {
      d.users = checked;
    });
  }

  /** Keeps only `user` (a factory reset keeps the admin who asked for it); it must be an admin. */
  async keepOnly(user: string): Promise<void> {
    await this.mutate((d) => {
      const u = Object.hasOwn(d.users, user) ? d.users[user] : undefined;
      if (!u || u.role !== 'admin') throw new AccountError('last-admin', `${JSON.stringify(user)} is not an admin; the gateway would be left without one`);
      d.users = { [user]: u };
    });
  }
}

/** A set of accounts as stored (names, hashes, roles), with at least one admin; AccountError otherwise. */
export function checkAccounts(users: unknown): AuthDocument['users'] {
  const r = validateAuth({ version: 1, users });
  if (!r.ok) throw new AccountError('invalid', `invalid accounts: ${formatFieldErrors(r.errors).join('; ')}`);
  if (admins(r.value).length === 0) throw new AccountError('last-admin', 'the accounts include no admin; the gateway would be left without one');
  return r.value.users;
}
