/**
 * Locks out a source IP address after repeated digest failures, so a password guesser (one address
 * trying many passwords or many usernames) is stopped after a few tries. Keyed by IP only: a guesser
 * can change its port at will. Bounded: at capacity the least recently seen source that is not locked
 * is forgotten first (never the one just added), and a locked one only when no other is left.
 */
import { nextSourceLockoutState, type SourceLockoutState } from './source-lockout-state.js';

export interface SourceLockoutOptions {
  /** Failures inside `windowMs` that lock the source. Default 5. */
  readonly maxFailures?: number;
  /** Failures older than this no longer count. Default 10 minutes. */
  readonly windowMs?: number;
  /** How long a source stays locked. Default 15 minutes. */
  readonly lockMs?: number;
  /** Sources tracked at once. Default 4096. */
  readonly maxSources?: number;
}

export const SOURCE_LOCKOUT_DEFAULTS: Required<SourceLockoutOptions> = { maxFailures: 5, windowMs: 10 * 60_000, lockMs: 15 * 60_000, maxSources: 4096 };

interface SourceRecord {
  state: SourceLockoutState;
  failures: number;
  windowStartedAt: number;
  lockedUntil: number;
}

export class SourceLockout {
  private readonly sources = new Map<string, SourceRecord>();
  private readonly settings: Required<SourceLockoutOptions>;

  /** Throws RangeError on unusable settings. */
  constructor(options: SourceLockoutOptions = {}) {
    this.settings = { ...SOURCE_LOCKOUT_DEFAULTS, ...options };
    const { maxFailures, windowMs, lockMs, maxSources } = this.settings;
    if (!Number.isInteger(maxFailures) || maxFailures < 1) throw new RangeError('lockout: maxFailures must be a positive integer');
    if (!Number.isInteger(maxSources) || maxSources < 1) throw new RangeError('lockout: maxSources must be a positive integer');
    if (!(windowMs > 0) || !(lockMs > 0)) throw new RangeError('lockout: windowMs and lockMs must be positive');
  }

  get size(): number {
    return this.sources.size;
  }

  /** Whether the source is locked now (an expired lock is lifted on the way). */
  isLocked(ip: string, now: number): boolean {
    const record = this.sources.get(ip);
    if (record === undefined) return false;
    if (record.state === 'locked' && now >= record.lockedUntil) {
      record.state = nextSourceLockoutState(record.state, 'lock-expired');
      record.failures = 0;
      record.windowStartedAt = now;
    }
    return record.state === 'locked';
  }

  /** Counts one failed authentication; returns true when this failure locked the source. */
  recordFailure(ip: string, now: number): boolean {
    if (this.isLocked(ip, now)) return false;
    let record = this.sources.get(ip);
    if (record === undefined) {
      record = { state: 'counting', failures: 0, windowStartedAt: now, lockedUntil: 0 };
      this.sources.set(ip, record);
      this.evictBeyondCapacity(ip);
    } else {
      // Re-insert so Map order stays least recently seen first.
      this.sources.delete(ip);
      this.sources.set(ip, record);
    }
    if (now - record.windowStartedAt >= this.settings.windowMs) {
      record.state = nextSourceLockoutState(record.state, 'window-passed');
      record.failures = 0;
      record.windowStartedAt = now;
    }
    record.failures++;
    if (record.failures >= this.settings.maxFailures) {
      record.state = nextSourceLockoutState(record.state, 'limit-reached');
      record.lockedUntil = now + this.settings.lockMs;
      return true;
    }
    record.state = nextSourceLockoutState(record.state, 'failure');
    return false;
  }

  private evictBeyondCapacity(keep: string): void {
    while (this.sources.size > this.settings.maxSources) {
      let victim: string | undefined;
      for (const [ip, record] of this.sources) {
        if (record.state !== 'locked' && ip !== keep) {
          victim = ip;
          break;
        }
      }
      this.sources.delete(victim ?? this.sources.keys().next().value!);
    }
  }
}
