/**
 * Login sessions, in memory: a random 32-byte token (base64url) → user, role, last use, and the
 * session's CSRF token (another 32 random bytes; state-changing requests made with the session cookie
 * must send it, see csrf.ts). A session ends when idle longer than `idleMs`, on logout, or when the
 * daemon restarts. The clock is injected so tests can move time.
 */
import { randomBytes } from 'node:crypto';
import type { Role } from './authenticator.js';

export interface Session {
  user: string;
  role: Role;
  /** Sent back by the client in X-CSRF-Token on state-changing requests (synchronizer token). */
  csrfToken: string;
  createdAt: number;
  lastSeen: number;
}

export interface SessionStoreOptions {
  /** Idle time after which a session ends (default 12 h). */
  idleMs?: number;
  /** Most sessions kept; the least recently used one goes first (default 1000). */
  maxSessions?: number;
  now?: () => number;
}

export const DEFAULT_SESSION_IDLE_MS = 12 * 60 * 60 * 1000;

const TOKEN_SHAPE = /^[A-Za-z0-9_-]{43}$/;

export class SessionStore {
  readonly idleMs: number;
  private readonly maxSessions: number;
  private readonly now: () => number;
  /** Insertion order = least recently used first (touch re-inserts). */
  private readonly byToken = new Map<string, Session>();

  constructor(opts: SessionStoreOptions = {}) {
    this.idleMs = opts.idleMs ?? DEFAULT_SESSION_IDLE_MS;
    this.maxSessions = opts.maxSessions ?? 1000;
    this.now = opts.now ?? Date.now;
  }

  /** Starts a session; returns its cookie token and its CSRF token. */
  create(user: string, role: Role): { token: string; csrfToken: string } {
    this.sweep();
    while (this.byToken.size >= this.maxSessions) {
      const oldest = this.byToken.keys().next();
      if (oldest.done) break;
      this.byToken.delete(oldest.value);
    }
    const token = randomBytes(32).toString('base64url');
    const csrfToken = randomBytes(32).toString('base64url');
    const t = this.now();
    this.byToken.set(token, { user, role, csrfToken, createdAt: t, lastSeen: t });
    return { token, csrfToken };
  }

  /** The live session for a token without marking it used; undefined when unknown or expired. */
  peek(token: string | undefined): Session | undefined {
    if (token === undefined || !TOKEN_SHAPE.test(token)) return undefined;
    const s = this.byToken.get(token);
    if (!s || this.now() - s.lastSeen > this.idleMs) return undefined;
    return s;
  }

  /** The live session for a token, marking it used now; undefined when unknown or expired. */
  touch(token: string | undefined): Session | undefined {
    if (token === undefined || !TOKEN_SHAPE.test(token)) return undefined;
    const s = this.byToken.get(token);
    if (!s) return undefined;
    const t = this.now();
    if (t - s.lastSeen > this.idleMs) {
      this.byToken.delete(token);
      return undefined;
    }
    s.lastSeen = t;
    this.byToken.delete(token);
    this.byToken.set(token, s);
    return s;
  }

  /** Ends one session; true when it existed. */
  end(token: string | undefined): boolean {
    return token !== undefined && this.byToken.delete(token);
  }

  /** Ends every session of a user (after a password change or removal); returns how many. */
  endUser(user: string): number {
    let n = 0;
    for (const [token, s] of this.byToken) {
      if (s.user === user) {
        this.byToken.delete(token);
        n++;
      }
    }
    return n;
  }

  /** Live sessions (expired ones are dropped first). */
  get size(): number {
    this.sweep();
    return this.byToken.size;
  }

  private sweep(): void {
    const t = this.now();
    for (const [token, s] of this.byToken) {
      if (t - s.lastSeen > this.idleMs) this.byToken.delete(token);
    }
  }
}
