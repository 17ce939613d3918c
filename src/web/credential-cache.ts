/**
 * Recently verified HTTP Basic credentials. Password hashing (scrypt) is slow on purpose, and a
 * client polling the API every few seconds would pay for it each time; so a successful check is
 * remembered while it is in use: each use keeps it `ttlMs` longer, up to `maxAgeMs` after the check
 * (a polling client pays for scrypt — its CPU and its 16 MB buffer — once per `maxAgeMs`, not once
 * per `ttlMs`). The key is the SHA-256 of the whole `Authorization` header, so the password itself is
 * never kept. Only successes are cached; a password change clears the cache.
 */
import { createHash } from 'node:crypto';

export interface CredentialCacheOptions {
  /** How long an entry lives without being used. */
  ttlMs?: number;
  /** How long after its check an entry lives at most, however often it is used. */
  maxAgeMs?: number;
  maxEntries?: number;
  now?: () => number;
}

export const DEFAULT_CREDENTIAL_TTL_MS = 60_000;
export const DEFAULT_CREDENTIAL_MAX_AGE_MS = 15 * 60_000;

export class CredentialCache {
  private readonly ttlMs: number;
  private readonly maxAgeMs: number;
  private readonly maxEntries: number;
  private readonly now: () => number;
  private readonly entries = new Map<string, { user: string; expires: number; verifiedAt: number }>();

  constructor(opts: CredentialCacheOptions = {}) {
    this.ttlMs = opts.ttlMs ?? DEFAULT_CREDENTIAL_TTL_MS;
    this.maxAgeMs = Math.max(this.ttlMs, opts.maxAgeMs ?? DEFAULT_CREDENTIAL_MAX_AGE_MS);
    this.maxEntries = opts.maxEntries ?? 256;
    this.now = opts.now ?? Date.now;
  }

  /** The user whose credentials this header carried, if still remembered; the use keeps it longer. */
  get(header: string): string | undefined {
    const key = digest(header);
    const e = this.entries.get(key);
    if (!e) return undefined;
    const t = this.now();
    if (t >= e.expires) {
      this.entries.delete(key);
      return undefined;
    }
    e.expires = Math.min(t + this.ttlMs, e.verifiedAt + this.maxAgeMs);
    return e.user;
  }

  remember(header: string, user: string): void {
    const t = this.now();
    for (const [k, e] of this.entries) if (t >= e.expires) this.entries.delete(k);
    while (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(digest(header), { user, expires: t + this.ttlMs, verifiedAt: t });
  }

  /** Forgets everything (e.g. after a password change). */
  clear(): void {
    this.entries.clear();
  }
}

function digest(header: string): string {
  return createHash('sha256').update(header, 'utf8').digest('hex');
}
