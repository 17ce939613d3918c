/**
 * Limits password guessing per remote address: at most `max` failed attempts in a sliding window of
 * `windowMs`; past that, attempts are refused until the oldest failure leaves the window.
 *
 * An attempt is counted when it starts (`begin`), not when it fails, so many requests sent at once
 * cannot all slip through while the slow password check runs; a success clears the address.
 */

export interface FailureLimiterOptions {
  max?: number;
  windowMs?: number;
  /** Addresses tracked at most; the least recently seen are forgotten first (default 10000). */
  maxAddresses?: number;
  now?: () => number;
}

export type LimitDecision = { allowed: true } | { allowed: false; retryAfterSeconds: number };

export class FailureLimiter {
  readonly max: number;
  readonly windowMs: number;
  private readonly maxAddresses: number;
  private readonly now: () => number;
  private readonly attempts = new Map<string, number[]>();

  constructor(opts: FailureLimiterOptions = {}) {
    this.max = opts.max ?? 5;
    this.windowMs = opts.windowMs ?? 60_000;
    this.maxAddresses = opts.maxAddresses ?? 10_000;
    this.now = opts.now ?? Date.now;
  }

  /** Whether an attempt from this address may go ahead now, without counting it. */
  check(address: string): LimitDecision {
    const list = this.live(address);
    if (list.length < this.max) return { allowed: true };
    const retryMs = list[0]! + this.windowMs - this.now();
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil(retryMs / 1000)) };
  }

  /** Checks and, when allowed, counts an attempt as failed until `succeeded` says otherwise. */
  begin(address: string): LimitDecision {
    const d = this.check(address);
    if (!d.allowed) return d;
    const list = this.attempts.get(address) ?? [];
    this.attempts.delete(address);
    while (this.attempts.size >= this.maxAddresses) {
      const oldest = this.attempts.keys().next();
      if (oldest.done) break;
      this.attempts.delete(oldest.value);
    }
    list.push(this.now());
    this.attempts.set(address, list);
    return d;
  }

  /** The attempt was right: forget this address's failures. */
  succeeded(address: string): void {
    this.attempts.delete(address);
  }

  private live(address: string): number[] {
    const list = this.attempts.get(address);
    if (!list) return [];
    const cutoff = this.now() - this.windowMs;
    while (list.length > 0 && list[0]! <= cutoff) list.shift();
    if (list.length === 0) this.attempts.delete(address);
    return list;
  }
}
