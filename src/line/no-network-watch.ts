/**
 * "No network for N minutes" (policy.unusableAfterNoNetworkMinutes; docs/decisions/0017-unusable-slots.md):
 * a line whose card is ready but does not register (TS 27.007 §7.2 +CREG searching / denied) for that
 * long has its slot reported unusable, so the SIM policy can try another card. Only lines with more than
 * one slot are watched: a single card has nowhere else to go. Time while the modem reconnects counts;
 * the report waits until the line is back at sim-ready on the same slot.
 */
import type { Lifecycle, SlotId } from './types.js';

export interface WatchedLine {
  readonly id: number;
  status(): { lifecycle: Lifecycle; slot: SlotId | null };
  availableSlots(): readonly SlotId[] | null;
}

export interface NoNetworkWatchOptions {
  /** The current limit in ms; 0 = never. */
  afterMs(): number;
  now(): number;
  /** The slot found no network for `ms`. */
  noNetwork(lineId: number, slot: SlotId, ms: number): void;
  /** The line registered on the slot. */
  registered(lineId: number, slot: SlotId): void;
}

export class NoNetworkWatch {
  private readonly waiting = new Map<number, { slot: SlotId; since: number; timer: NodeJS.Timeout | null }>();

  constructor(private readonly o: NoNetworkWatchOptions) {}

  /** Looks at the line again (call it on every lifecycle change). */
  check(line: WatchedLine): void {
    const st = line.status();
    const w = this.waiting.get(line.id);
    if (st.lifecycle === 'registered') {
      this.forget(line.id);
      if (st.slot) this.o.registered(line.id, st.slot);
      return;
    }
    if (st.lifecycle !== 'sim-ready' || st.slot === null) return;
    const after = this.o.afterMs();
    if (!(after > 0) || (line.availableSlots()?.length ?? 0) < 2) return this.forget(line.id);
    const now = this.o.now();
    if (!w || w.slot !== st.slot) {
      this.forget(line.id);
      this.waiting.set(line.id, { slot: st.slot, since: now, timer: this.timer(line, after) });
      return;
    }
    if (now - w.since >= after) {
      this.forget(line.id);
      this.o.noNetwork(line.id, w.slot, now - w.since);
    } else if (w.timer === null) w.timer = this.timer(line, w.since + after - now);
  }

  stop(): void {
    for (const id of [...this.waiting.keys()]) this.forget(id);
  }

  private timer(line: WatchedLine, ms: number): NodeJS.Timeout {
    const t = setTimeout(() => {
      const w = this.waiting.get(line.id);
      if (w) w.timer = null;
      this.check(line);
    }, ms);
    t.unref?.();
    return t;
  }

  private forget(id: number): void {
    const w = this.waiting.get(id);
    if (w?.timer) clearTimeout(w.timer);
    this.waiting.delete(id);
  }
}
