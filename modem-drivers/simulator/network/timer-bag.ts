/**
 * A set of one-shot timers owned by one object (an attachment, a call, the network) so that all of
 * them can be cancelled at once when the owner goes away: no stray timers after detach or close.
 */
import type { Clock } from '../types.js';

interface Slot {
  handle: { cancel(): void } | null;
}

export class TimerBag {
  private readonly live = new Set<Slot>();

  constructor(private readonly clock: Clock) {}

  /** Runs `fn` once after `ms` unless cancelled (by the returned handle or cancelAll). */
  schedule(fn: () => void, ms: number): { cancel(): void } {
    const slot: Slot = { handle: null };
    this.live.add(slot);
    slot.handle = this.clock.setTimeout(() => {
      if (!this.live.delete(slot)) return;
      fn();
    }, ms);
    return {
      cancel: () => {
        if (this.live.delete(slot)) slot.handle?.cancel();
      },
    };
  }

  cancelAll(): void {
    for (const slot of this.live) slot.handle?.cancel();
    this.live.clear();
  }

  get size(): number {
    return this.live.size;
  }
}
