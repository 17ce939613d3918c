/**
 * Limits password guessing per remote address: at most `max` failed attempts in a sliding window of
 * `windowMs`; past that, attempts are refused until the oldest failure leaves the window.
 *
 * Checks that are still running count too: an attempt is refused when the address's failures plus
 * its checks in flight would pass `max`, so many guesses sent at once cannot all slip through while
 * the slow password check runs. Only an attempt that ends in `failed()` becomes a failure; one that
 * succeeds clears the address. (Identical requests sent at once share one check, see
 * single-flight.ts, so they are one attempt here.)
 */

export interface FailureLimiterOptions {
  max?: number;
  windowMs?: number;
  /** Addresses tracked at most; the least recently seen are forgotten first (default 10000). */
  maxAddresses?: number;
  now?: () => number;
}

/** One password check under way. Exactly one of its methods takes effect; later calls do nothing. */
export interface Attempt {
  /** The password was right: the address's failures are forgotten. */
  succeeded(): void;
  /** The password was wrong (or the credentials unusable): counts as a failure. */
  failed(): void;
  /** The check could not be made (the password store threw): neither a success nor a failure. */
  abandoned(): void;
}

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };
export type BeginDecision = { allowed: true; attempt: Attempt } | { allowed: false; retryAfterSeconds: number };

interface AddressState {
  /** Times of failures inside the window, oldest first. */
  failures: number[];
  inFlight: number;
}

export class FailureLimiter {
  readonly max: number;
  readonly windowMs: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;
  private readonly addresses = new Map<string, AddressState>();

  constructor(opts: FailureLimiterOptions = {}) {
    this.max = opts.max ?? 5;
    this.windowMs = opts.windowMs ?? 60_000;
    this.maxAddresses = opts.maxAddresses ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Whether an attempt from this address may go ahead now, without starting one. */
  check(address: string): LimitDecision {
    const s = this.live(address);
    if (s === undefined || s.failures.length + s.inFlight < this.max) return { allowed: true };
    // Refused because of checks in flight alone: they end within seconds, whatever their outcome.
    const oldest = s.failures[0];
    const retryMs = oldest === undefined ? 1000 : oldest + this.windowMs - this.now();
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
  }

  /** Checks and, when allowed, starts an attempt that the caller must end with one of its methods. */
  begin(address: string): BeginDecision {
    const d = this.check(address);
    if (!d.allowed) return d;
    const s = this.state(address);
    s.inFlight++;
    let open = true;
    const end = (outcome: 'succeeded' | 'failed' | 'abandoned'): void => {
      if (!open) return;
      open = false;
      // The entry may have been forgotten meanwhile (too many addresses); start a fresh one then.
      const cur = this.addresses.get(address) ?? this.state(address);
      cur.inFlight = Math.max(0, cur.inFlight - 1);
      if (outcome === 'succeeded') cur.failures = [];
      if (outcome === 'failed') cur.failures.push(this.now());
      if (cur.failures.length === 0 && cur.inFlight === 0) this.addresses.delete(address);
    };
    return {
      allowed: true,
      attempt: { succeeded: () => end('succeeded'), failed: () => end('failed'), abandoned: () => end('abandoned') },
    };
  }

  /** The address's entry, created if needed and marked as the most recently seen. */
  private state(address: string): AddressState {
    const s = this.addresses.get(address) ?? { failures: [], inFlight: 0 };
    this.addresses.delete(address);
    while (this.addresses.size >= this.maxAddresses) {
      const oldest = this.addresses.keys().next();
      if (oldest.done) break;
      this.addresses.delete(oldest.value);
    }
    this.addresses.set(address, s);
    return s;
  }

  /** The address's entry with failures older than the window dropped; undefined when nothing is left. */
  private live(address: string): AddressState | undefined {
    const s = this.addresses.get(address);
    if (!s) return undefined;
    const cutoff = this.now() - this.windowMs;
    while (s.failures.length > 0 && s.failures[0]! <= cutoff) s.failures.shift();
    if (s.failures.length === 0 && s.inFlight === 0) {
      this.addresses.delete(address);
      return undefined;
    }
    return s;
  }
}

/** Per-account lock-out default: 10 failed passwords for one account in 15 minutes. */
export const DEFAULT_ACCOUNT_LOCKOUT = { max: 10, windowMs: 15 * 60_000 } as const;

/** Which limit refused a login: the caller's address, or the account it named. */
export type LoginDecision = { allowed: true; attempt: Attempt } | { allowed: false; retryAfterSeconds: number; by: 'address' | 'account' };

/**
 * Starts a password check counted against both the remote address (guessing from one place) and the
 * account named (guessing one account from many addresses). Accounts are locked by name whether they
 * exist or not, so a lock-out tells nothing about which names exist. The attempt's outcome ends both.
 */
export function beginLogin(byAddress: FailureLimiter, byAccount: FailureLimiter, address: string, user: string): LoginDecision {
  const acc = byAccount.check(user);
  if (!acc.allowed) return { allowed: false, retryAfterSeconds: acc.retryAfterSeconds, by: 'account' };
  const a = byAddress.begin(address);
  if (!a.allowed) return { allowed: false, retryAfterSeconds: a.retryAfterSeconds, by: 'address' };
  const u = byAccount.begin(user);
  if (!u.allowed) {
    a.attempt.abandoned();
    return { allowed: false, retryAfterSeconds: u.retryAfterSeconds, by: 'account' };
  }
  return {
    allowed: true,
    attempt: {
      succeeded: () => (a.attempt.succeeded(), u.attempt.succeeded()),
      failed: () => (a.attempt.failed(), u.attempt.failed()),
      abandoned: () => (a.attempt.abandoned(), u.attempt.abandoned()),
    },
  };
}
