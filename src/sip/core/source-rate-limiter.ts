/**
 * A token bucket per source IP address for requests that open something new (a server transaction
 * outside any dialog): the issue asks that unauthenticated requests be rate-limited per source
 * address. The table is bounded: when full, the bucket idle longest goes (a full bucket carries no
 * history worth keeping). Pure apart from the clock it is given.
 */
export interface SourceRateLimitOptions {
  /** Tokens added per second (the sustained rate). Default 20. */
  readonly ratePerSecond?: number;
  /** Bucket size (the burst allowed). Default 40. */
  readonly burst?: number;
  /** Source addresses tracked at once. Default 4096. */
  readonly maxSources?: number;
}

export const SOURCE_RATE_LIMIT_DEFAULTS = Object.freeze({ ratePerSecond: 20, burst: 40, maxSources: 4096 });

export type RateVerdict = { readonly allowed: true } | { readonly allowed: false; readonly retryAfterSeconds: number };

interface Bucket {
  tokens: number;
  updatedMs: number;
}

export class SourceRateLimiter {
  private readonly rate: number;
  private readonly burst: number;
  private readonly maxSources: number;
  /** Insertion order is refreshed on each use, so the first entry is the least recently seen. */
  private readonly buckets = new Map<string, Bucket>();

  constructor(options: SourceRateLimitOptions = {}, private readonly nowMs: () => number = Date.now) {
    const resolved = {
      ratePerSecond: options.ratePerSecond ?? SOURCE_RATE_LIMIT_DEFAULTS.ratePerSecond,
      burst: options.burst ?? SOURCE_RATE_LIMIT_DEFAULTS.burst,
      maxSources: options.maxSources ?? SOURCE_RATE_LIMIT_DEFAULTS.maxSources,
    };
    for (const [name, value] of Object.entries(resolved)) {
      if (typeof value !== 'number' || !(value > 0) || !Number.isFinite(value)) throw new RangeError(`sip rate limit ${name} must be a positive number, got ${String(value)}`);
    }
    if (!Number.isInteger(resolved.maxSources)) throw new RangeError('sip rate limit maxSources must be a whole number');
    this.rate = resolved.ratePerSecond;
    this.burst = resolved.burst;
    this.maxSources = resolved.maxSources;
  }

  get trackedSources(): number {
    return this.buckets.size;
  }

  /** Takes one token for `ip`; refused when its bucket is empty. */
  take(ip: string): RateVerdict {
    const now = this.nowMs();
    let bucket = this.buckets.get(ip);
    if (bucket === undefined) {
      if (this.buckets.size >= this.maxSources) this.buckets.delete(this.buckets.keys().next().value!);
      bucket = { tokens: this.burst, updatedMs: now };
    } else {
      this.buckets.delete(ip);
      bucket.tokens = Math.min(this.burst, bucket.tokens + (Math.max(0, now - bucket.updatedMs) / 1000) * this.rate);
      bucket.updatedMs = now;
    }
    this.buckets.set(ip, bucket);
    if (bucket.tokens >= 1) {
      bucket.tokens -= 1;
      return { allowed: true };
    }
    return { allowed: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - bucket.tokens) / this.rate)) };
  }
}
