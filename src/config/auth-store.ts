/**
 * Web/API accounts in `<dataDir>/auth.json` (mode 0600, durable, with `.bak` recovery):
 *   { "version": 1, "users": { "admin": { "hash": "scrypt$16384$8$1$<salt>$<key>", "role": "admin", "changedAt": "..." } } }
 * Only scrypt hashes are stored, never a password. Today there is one account, `admin`; the `role`
 * field leaves room for `user` (read-only operator) and `sms` (SMS API) accounts.
 */
import { statSync } from 'node:fs';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import type { Logger } from '../util/log.js';
import { issuesToFieldErrors } from './schema.js';
import { JsonStore, type ValidationResult } from './json-store.js';
import { formatFieldErrors } from './errors.js';
import { hashPassword, parsePasswordHash, verifyPassword } from './password-hash.js';

export const ROLES = ['admin', 'user', 'sms'] as const;
export type Role = (typeof ROLES)[number];

export const AUTH_FILE_NAME = 'auth.json';
export const MIN_PASSWORD_LENGTH = 8;
export const MAX_PASSWORD_LENGTH = 1024;
const USER_NAME = /^[a-z][a-z0-9_.-]{0,31}$/;

const userSchema = z.strictObject({
  hash: z.string().refine((h) => parsePasswordHash(h) !== undefined, {
    error: 'expected a hash of the form scrypt$N$r$p$salt$hash',
  }),
  role: z.enum(ROLES, { error: `expected one of ${ROLES.map((r) => JSON.stringify(r)).join(', ')}` }),
  changedAt: z.string().optional(),
});

const authSchema = z.strictObject({
  version: z.literal(1, { error: 'expected 1' }).default(1),
  users: z
    .record(z.string().regex(USER_NAME, { error: 'expected a user name of lower-case letters, digits, "_", "." or "-"' }), userSchema)
    .default(() => ({})),
});

export type AuthDocument = z.output<typeof authSchema>;
export type UserRecord = AuthDocument['users'][string];

function validateAuth(doc: unknown): ValidationResult<AuthDocument> {
  const r = authSchema.safeParse(doc);
  return r.success ? { ok: true, value: r.data } : { ok: false, errors: issuesToFieldErrors(r.error.issues) };
}

/** A password that breaks the rules (too short or too long), or an unknown role. */
export class PasswordPolicyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PasswordPolicyError';
  }
}

export interface AuthStoreOptions {
  dataDir: string;
  log?: Logger;
}

export class AuthStore {
  readonly file: string;
  private store: JsonStore<AuthDocument>;
  private dummyHash: Promise<string> | undefined;
  /** mtime+size of auth.json as last read or written by this process. */
  private seen = '';

  private constructor(store: JsonStore<AuthDocument>, private readonly opts: AuthStoreOptions) {
    this.store = store;
    this.file = store.file;
    this.seen = this.stamp();
  }

  private stamp(): string {
    try {
      const st = statSync(this.file);
      return `${st.mtimeMs}:${st.size}`;
    } catch {
      return '';
    }
  }

  /**
   * Picks up a password changed by another process (`cellgate passwd` while the daemon runs): when
   * auth.json changed on disk since this process last read or wrote it, it is read again.
   */
  private async refresh(): Promise<void> {
    const now = this.stamp();
    if (now === this.seen || now === '') return;
    await this.store.flush();
    this.store = await AuthStore.openStore(this.opts);
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

  hasUser(user: string): boolean {
    return Object.hasOwn(this.store.get().users, user);
  }

  role(user: string): Role | undefined {
    return this.hasUser(user) ? this.store.get().users[user]!.role : undefined;
  }

  /** True when `user` exists and `password` is theirs. Unknown users cost the same time as known ones. */
  async verify(user: string, password: string): Promise<boolean> {
    await this.refresh().catch((e: Error) => this.opts.log?.error({ err: e.message, file: this.file }, 'cannot re-read auth.json; keeping the accounts in memory'));
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
   * Sets (or creates) a user's password; durable when the promise resolves. The role defaults to the
   * user's current one, and to `admin` for the user `admin`.
   */
  async setPassword(user: string, password: string, opts: { role?: Role } = {}): Promise<void> {
    if (!USER_NAME.test(user)) throw new PasswordPolicyError(`invalid user name ${JSON.stringify(user)}`);
    if (typeof password !== 'string' || password.length < MIN_PASSWORD_LENGTH) {
      throw new PasswordPolicyError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
    }
    if (password.length > MAX_PASSWORD_LENGTH) {
      throw new PasswordPolicyError(`the password must have at most ${MAX_PASSWORD_LENGTH} characters`);
    }
    const role = opts.role ?? this.role(user) ?? (user === 'admin' ? 'admin' : undefined);
    if (role === undefined) throw new PasswordPolicyError(`a role is needed to create user ${JSON.stringify(user)}`);
    const hash = await hashPassword(password);
    await this.store.update((d) => {
      d.users[user] = { hash, role, changedAt: new Date().toISOString() };
    });
    this.seen = this.stamp();
  }

  /**
   * First start: when there is no `admin` account, creates one with a random 16-character password,
   * stores only its hash (durably) and returns the password so the daemon can print it once.
   * Returns undefined when the account already exists.
   */
  async ensureAdminPassword(): Promise<string | undefined> {
    if (this.hasUser('admin')) return undefined;
    const password = randomBytes(12).toString('base64url');
    const hash = await hashPassword(password);
    let created = false;
    await this.store.update((d) => {
      if (Object.hasOwn(d.users, 'admin')) return;
      d.users.admin = { hash, role: 'admin', changedAt: new Date().toISOString() };
      created = true;
    });
    this.seen = this.stamp();
    return created ? password : undefined;
  }
}
