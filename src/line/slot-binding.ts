/**
 * Which SIM slot a line binds, and changing it. A slot change restarts the modem on the new card
 * (docs/sim-switch.md): the connection is closed, the SIM switch selects the slot and the modem is
 * restarted; the next bring-up finds the slot selected. Meanwhile the line shows `switching`.
 */
import type { Family } from '../../modem-drivers/types.js';
import type { SimSwitch } from '../../modem-drivers/sim-switch/types.js';
import type { AtChannelApi } from '../at/types.js';
import type { Logger } from '../util/log.js';
import { ConnectionLost, type Connection } from './connection.js';
import type { LineStatusBoard } from './line-status.js';
import { SlotChange } from './slot-change.js';
import type { SlotId } from './types.js';

export interface SlotBindingOptions {
  board: LineStatusBoard;
  log: Logger;
  now: () => number;
  /** Builds the line's SIM switch for a connection; absent: the line has one slot, A. */
  simSwitch?: ((ctx: { channel: AtChannelApi; family: Family }) => SimSwitch) | null;
  /** Which slot to bind (the SIM policy); null: none is usable now. Absent: the first slot offered. */
  chooseSlot?: (available: readonly SlotId[]) => SlotId | null;
}

export class SlotBinding {
  /** A slot the policy asked for (request()), bound at the next bring-up. */
  private wanted: SlotId | null = null;
  /** The switch of the last connection: it keeps holding the card while the line reconnects. */
  private lastSwitch: SimSwitch | null = null;
  /** The slots the line's switch offered at the last bring-up; null before the first. */
  available: readonly SlotId[] | null = null;
  /** When the current slot was bound (for bindMinutes). */
  boundAt: number | null = null;

  constructor(private readonly o: SlotBindingOptions) {}

  /** Asks for another slot; the caller closes the connection so the next bring-up binds it. */
  request(slot: SlotId, enabled: boolean): void {
    const st = this.o.board.st;
    this.wanted = slot;
    this.o.log.info({ from: st.slot, to: slot }, 'switching SIM slot');
    if (enabled) this.o.board.beginSwitch(new SlotChange(st.slot, slot, this.o.now()));
  }

  /**
   * Binds a slot: the one request() asked for, else the policy's choice, else the first the switch
   * offers. Selecting another card restarts the modem on it and ends the connection (ConnectionLost).
   */
  async bind(conn: Connection): Promise<void> {
    const board = this.o.board;
    const sw = this.o.simSwitch?.({ channel: conn.channel, family: board.st.modem.family ?? 'generic' }) ?? null;
    conn.simSwitch = sw;
    if (sw) this.lastSwitch = sw;
    const available: readonly SlotId[] = sw?.slots ?? ['A'];
    this.available = available;
    // A slot this line's switch cannot select is not bound, whoever asked for it.
    if (this.wanted !== null && !available.includes(this.wanted)) this.wanted = null;
    const chosen = this.wanted ?? (this.o.chooseSlot ? this.o.chooseSlot(available) : available[0]!);
    if (chosen === null) {
      board.enter('sim-wait', 'no-sim', { slot: null, detail: 'no usable SIM slot: every card is disabled, missing or out of limits' });
      throw new ConnectionLost('no usable SIM slot', false);
    }
    if (sw && sw.kind !== 'none') {
      const cur = await sw.current();
      if (cur !== chosen) {
        // A change the policy chose at bring-up (not through request()) shows as switching too.
        board.beginSwitch(board.switching ?? new SlotChange(cur ?? board.st.slot, chosen, this.o.now()));
        await sw.select(chosen);
        this.wanted = chosen;
        board.update({ slot: chosen });
        this.boundAt = this.o.now();
        // The modem keeps the old card's session until it restarts (TS 27.007 §8.2 AT+CFUN=1,1).
        await conn.identified.reset.reset().catch((e: Error) => this.o.log.warn({ err: e.message }, 'modem reset after SIM switch failed'));
        throw new ConnectionLost(`restarting the modem on SIM slot ${chosen}`, false);
      }
    }
    this.wanted = null;
    if (board.st.slot !== chosen) this.boundAt = this.o.now();
    board.update({ slot: chosen });
  }

  /** Releases the SIM switch (the line stopped). */
  async close(): Promise<void> {
    await this.lastSwitch?.close().catch(() => {});
  }
}
