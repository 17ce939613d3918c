/**
 * The highest nc seen per nonce, so a replayed or decreasing nc is refused (RFC 7616 §3.4: the server
 * should check that nc grows, to catch replays). Bounded: at capacity the least recently used nonce
 * is forgotten, and every nonce issued no later than a forgotten one is from then on answered
 * "forgotten" (the server sends stale=true and the client moves to a fresh nonce) — forgetting never
 * lets a replay through.
 */

import { detachedString } from '../../util/detached-string.js';

export type NonceCountOutcome = 'accepted' | 'replayed' | 'forgotten';

interface Entry {
  highestNc: number;
  issuedAt: number;
}

export class NonceCountTracker {
  private readonly entries = new Map<string, Entry>();
  /** Issue time of the newest nonce ever evicted; older-or-equal unknown nonces cannot be trusted. */
  private forgottenUpTo = -Infinity;

  constructor(private readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('nonce tracker capacity must be a positive integer');
  }

  get size(): number {
    return this.entries.size;
  }

  /** Records nc for the nonce if it is higher than any seen before. */
  use(nonce: string, issuedAt: number, nc: number): NonceCountOutcome {
    const entry = this.entries.get(nonce);
    if (entry) {
      if (nc <= entry.highestNc) return 'replayed';
      entry.highestNc = nc;
      // Re-insert so Map order stays least-recently-used first.
      this.entries.delete(nonce);
      this.entries.set(nonce, entry);
      return 'accepted';
    }
    if (issuedAt <= this.forgottenUpTo) return 'forgotten';
    // Kept as a string of its own: the nonce was cut from a whole request's text.
    this.entries.set(detachedString(nonce), { highestNc: nc, issuedAt });
    while (this.entries.size > this.capacity) {
      const [oldestNonce, oldest] = this.entries.entries().next().value as [string, Entry];
      this.entries.delete(oldestNonce);
      this.forgottenUpTo = Math.max(this.forgottenUpTo, oldest.issuedAt);
    }
    return 'accepted';
  }
}
