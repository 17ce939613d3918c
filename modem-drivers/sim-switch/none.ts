/**
 * 'none': a line without a SIM multiplexer. The modem's own holder is slot A; nothing else exists.
 */
import { SimSwitchError, checkSlot, type SimSwitch, type SlotId } from './types.js';

export class NoSimSwitch implements SimSwitch {
  readonly kind = 'none' as const;
  readonly slots: readonly SlotId[] = Object.freeze(['A'] as const);
  private closed = false;
  private readonly label: string;

  constructor(opts: { lineId?: string } = {}) {
    this.label = opts.lineId ? `line ${opts.lineId}` : 'line';
  }

  async select(slot: SlotId): Promise<void> {
    if (this.closed) throw new SimSwitchError('closed', `${this.label}: SIM switch is closed`);
    const err = checkSlot(slot, this.slots, this.label);
    if (err?.code === 'unsupported-slot') {
      throw new SimSwitchError('unsupported-slot', `${this.label}: line has no SIM switch; only slot A exists (asked for ${slot})`);
    }
    if (err) throw err;
  }

  async current(): Promise<SlotId | null> {
    if (this.closed) throw new SimSwitchError('closed', `${this.label}: SIM switch is closed`);
    return 'A';
  }

  async close(): Promise<void> {
    this.closed = true;
  }
}
