/**
 * A SIM slot change as a line shows it. Changing slot restarts the modem on the new card
 * (docs/sim-switch.md): for a while its port is gone, then the modem is probed and brought up again.
 * Those steps are expected, so the line shows health `switching` (the detail names both slots) instead of
 * `absent` or `starting`. The change ends when the new card is ready (health `ok`), at the first real
 * problem (no card, a locked card, a modem that stops answering, the line disabled), or when it takes
 * longer than the grace period: from then on the line shows its own state again.
 */
import type { SimState } from '../../modem-drivers/types.js';
import type { Health, SlotId } from './types.js';

export class SlotChange {
  /** The last bring-up failure during the change (e.g. the SIM switch hardware refused), shown in the detail. */
  lastError: string | null = null;

  constructor(
    readonly from: SlotId | null,
    readonly to: SlotId,
    readonly since: number,
  ) {}

  detail(): string {
    const what = this.from && this.from !== this.to ? `switching from SIM slot ${this.from} to slot ${this.to}` : `switching to SIM slot ${this.to}`;
    return this.lastError ? `${what}; last attempt failed: ${this.lastError}` : what;
  }

  /**
   * Whether a health the line reports is a step a slot change passes through: the port gone while the
   * modem restarts, the modem probed and answering, a card still busy initialising (+CME ERROR: 14,
   * TS 27.007 §9.2.1). Anything else is the line's real state and ends the change.
   */
  static isStep(health: Health, sim: SimState | null): boolean {
    return health === 'switching' || health === 'absent' || health === 'starting' || health === 'ok' || (health === 'no-sim' && sim === 'BUSY');
  }
}
