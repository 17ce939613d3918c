/**
 * 'simulated': an in-memory multiplexer for development and tests. `onSelect(slot)` lets a simulated
 * modem swap its SIM card when the slot changes; `failSlots` makes selecting some slots fail the way a
 * broken board would, so the line's error handling can be exercised without hardware.
 */
import type { Logger } from '../../src/util/log.js';
import { SLOTS, SimSwitchError, checkSlot, errorText, type SimSwitch, type SlotId } from './types.js';
import { TaskQueue } from './task-queue.js';

export interface SimulatedSimSwitchOptions {
  /** Slots the simulated board has; all four by default. */
  slots?: readonly SlotId[];
  /** What current() reports before the first select; null (cannot tell) by default. */
  initial?: SlotId | null;
  /** Milliseconds each select takes; 0 by default. */
  delayMs?: number;
  /** Selecting one of these rejects with an 'io' error (simulated hardware fault). */
  failSlots?: readonly SlotId[];
  /** Called after the simulated board switched; a rejection fails the select. */
  onSelect?: (slot: SlotId) => void | Promise<void>;
  lineId?: string;
  log?: Logger;
}

export class SimulatedSimSwitch implements SimSwitch {
  readonly kind = 'simulated' as const;
  readonly slots: readonly SlotId[];
  /** Every slot successfully selected, in order (for tests and the simulator's diagnostics). */
  readonly history: SlotId[] = [];
  private slot: SlotId | null;
  private closed = false;
  private readonly queue = new TaskQueue();
  private readonly label: string;
  private readonly timers = new Set<{ timer: NodeJS.Timeout; resolve: () => void }>();

  constructor(private readonly opts: SimulatedSimSwitchOptions = {}) {
    this.slots = Object.freeze([...(opts.slots ?? SLOTS)]);
    this.slot = opts.initial ?? null;
    this.label = `${opts.lineId ? `line ${opts.lineId}: ` : ''}simulated SIM switch`;
  }

  select(slot: SlotId): Promise<void> {
    return this.queue.run(async () => {
      this.assertOpen();
      const bad = checkSlot(slot, this.slots, this.label);
      if (bad) throw bad;
      if (this.opts.delayMs && this.opts.delayMs > 0) await this.sleep(this.opts.delayMs);
      this.assertOpen();
      if (this.opts.failSlots?.includes(slot)) {
        this.slot = null;
        throw new SimSwitchError('io', `${this.label}: simulated failure selecting slot ${slot}`);
      }
      this.slot = slot;
      if (this.opts.onSelect) {
        try {
          await this.opts.onSelect(slot);
        } catch (err) {
          this.slot = null;
          throw new SimSwitchError('io', `${this.label}: onSelect(${slot}) failed: ${errorText(err)}`, { cause: err });
        }
      }
      this.history.push(slot);
      this.opts.log?.info({ slot, backend: this.kind }, 'SIM slot selected');
    });
  }

  async current(): Promise<SlotId | null> {
    this.assertOpen();
    return this.slot;
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const t of this.timers) {
      clearTimeout(t.timer);
      t.resolve();
    }
    this.timers.clear();
  }

  private assertOpen(): void {
    if (this.closed) throw new SimSwitchError('closed', `${this.label}: SIM switch is closed`);
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const entry = {
        timer: setTimeout(() => {
          this.timers.delete(entry);
          resolve();
        }, ms),
        resolve,
      };
      this.timers.add(entry);
    });
  }
}
