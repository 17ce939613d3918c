/**
 * RFC 3711 §3.3.2 replay protection: a sliding window of the last WINDOW indices below the highest one
 * authenticated. Each slot remembers which index last filled it, so sliding needs no clearing.
 */
export const REPLAY_WINDOW = 128;

export type ReplayVerdict = 'new' | 'replayed' | 'too-old';

export class ReplayWindow {
  private readonly slots = new Float64Array(REPLAY_WINDOW).fill(-1);
  private highest = -1;

  /** Whether `index` may be accepted (checked before authentication; recorded only after it). */
  check(index: number): ReplayVerdict {
    if (index > this.highest) return 'new';
    if (this.highest - index >= REPLAY_WINDOW) return 'too-old';
    return this.slots[index % REPLAY_WINDOW] === index ? 'replayed' : 'new';
  }

  /** Records an authenticated index. */
  accept(index: number): void {
    this.slots[index % REPLAY_WINDOW] = index;
    if (index > this.highest) this.highest = index;
  }
}
