/**
 * Waiting for the bound card to be ready (TS 27.007 §8.3 +CPIN): a configured PIN is entered once per
 * card and PIN, never retried after the SIM refused it (three wrong tries lock it behind its PUK); a
 * missing, locked or busy card is asked again every simRetryMs while the line shows why.
 */
import { AtCommandError } from '../at/types.js';
import type { SimCapability } from '../../modem-drivers/capabilities.js';
import type { SimState } from '../../modem-drivers/types.js';
import type { Logger } from '../util/log.js';
import type { LineStatusBoard } from './line-status.js';
import type { SlotId } from './types.js';

export interface SimReadinessOptions {
  board: LineStatusBoard;
  log: Logger;
  pins?: Partial<Record<SlotId, string>>;
}

export class SimReadiness {
  /** Card and PIN pairs the SIM refused: `slot:iccid:pin`. */
  private readonly pinFailed = new Set<string>();

  constructor(private readonly o: SimReadinessOptions) {}

  /**
   * Handles one not-ready answer: enters the PIN when it may, else shows why the card cannot serve
   * (phase sim-wait). Returns true when a PIN was accepted (ask the state again at once), false when the
   * caller should wait before asking again.
   */
  async notReady(sim: SimCapability, state: SimState): Promise<boolean> {
    const board = this.o.board;
    const slot = board.st.slot ?? 'A';
    if (state === 'SIM PIN') {
      const pin = this.o.pins?.[slot];
      // Keyed by card and PIN: a new card in the slot, or a corrected PIN, gets its one try.
      const iccid = await sim.iccid().catch(() => null);
      const key = `${slot}:${iccid ?? '?'}:${pin ?? ''}`;
      if (pin && !this.pinFailed.has(key)) {
        try {
          await sim.enterPin(pin);
          this.o.log.info({ slot }, 'SIM PIN accepted');
          return true;
        } catch (e) {
          if (!isWrongPassword(e)) throw e; // busy SIM, timeout, closed port: try again later
          this.pinFailed.add(key);
          this.o.log.error({ slot, err: (e as Error).message }, 'SIM PIN refused; not retrying');
        }
      }
      board.enter('sim-wait', 'sim-locked', {
        detail: pin ? `SIM in slot ${slot} refused the configured PIN` : `SIM in slot ${slot} needs a PIN; none configured (lines[].pins.${slot})`,
      });
    } else if (state === 'SIM PUK' || state === 'SIM PUK2' || state === 'PH-SIM PIN' || state === 'SIM PIN2') {
      board.enter('sim-wait', 'sim-locked', { detail: `SIM in slot ${slot} is locked (${state})` });
    } else if (state === 'NOT INSERTED') {
      board.enter('sim-wait', 'no-sim', { detail: `no SIM in slot ${slot}`, sim: { state, iccid: null, imsi: null, number: null } });
    } else {
      board.enter('sim-wait', 'no-sim', { detail: `SIM in slot ${slot} not ready (${state})` });
    }
    return false;
  }
}

/** +CME ERROR: 16 "incorrect password" (TS 27.007 §9.2.1): the SIM refused the PIN itself. */
export function isWrongPassword(e: unknown): boolean {
  if (!(e instanceof AtCommandError)) return false;
  const f = e.final;
  return f.kind === 'CME ERROR' && (f.code === 16 || /incorrect password/i.test(f.text ?? ''));
}
