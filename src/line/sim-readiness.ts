/**
 * Waiting for the bound card to be ready (TS 27.007 §8.3 +CPIN): a configured PIN is entered once per
 * card and PIN, never retried after the SIM refused it (three wrong tries lock it behind its PUK); a
 * missing, locked or busy card is asked again every simRetryMs while the line shows why.
 *
 * A card that cannot become ready is reported as `slot-unusable` (docs/decisions/0017-unusable-slots.md)
 * so that the SIM policy moves the line on: at once when only a person can help (a PIN none configured,
 * a refused PIN, PUK, a locked card), after simGiveUpMs when it may still pass (no card seen, SIM
 * failure, a card that stays busy), since a modem may report those for a while after it restarted.
 */
import { AtCommandError } from '../at/types.js';
import type { SimCapability } from '../../modem-drivers/capabilities.js';
import type { SimState } from '../../modem-drivers/types.js';
import type { Logger } from '../util/log.js';
import type { LineStatusBoard, Notify } from './line-status.js';
import type { SlotId, SlotUnusableReason } from './types.js';

export interface SimReadinessOptions {
  board: LineStatusBoard;
  log: Logger;
  pins?: Partial<Record<SlotId, string>>;
  /** Publishes 'slot-unusable'. */
  notify?: Notify;
  now?: () => number;
  /** How long a card may stay missing, failed or busy before its slot is reported unusable. */
  giveUpMs?: number;
}

export class SimReadiness {
  /** Card and PIN pairs the SIM refused: `slot:iccid:pin`. */
  private readonly pinFailed = new Set<string>();
  /** Reports made: `slot:iccid:reason`, so that each is published once until the card is ready. */
  private readonly reported = new Set<string>();
  /** Since when the slot's card has not been ready. */
  private waiting: { slot: SlotId; since: number } | null = null;

  constructor(private readonly o: SimReadinessOptions) {}

  /** The card in the slot is ready: its past reports no longer hold. */
  ready(slot: SlotId | null): void {
    this.waiting = null;
    for (const k of [...this.reported]) if (k.startsWith(`${slot ?? 'A'}:`)) this.reported.delete(k);
  }

  /**
   * Handles one not-ready answer: enters the PIN when it may, else shows why the card cannot serve
   * (phase sim-wait). Returns true when a PIN was accepted (ask the state again at once), false when the
   * caller should wait before asking again.
   */
  async notReady(sim: SimCapability, state: SimState): Promise<boolean> {
    const board = this.o.board;
    const slot = board.st.slot ?? 'A';
    const now = this.o.now?.() ?? Date.now();
    if (this.waiting?.slot !== slot) this.waiting = { slot, since: now };
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
      const detail = pin ? `SIM in slot ${slot} refused the configured PIN` : `SIM in slot ${slot} needs a PIN; none configured (lines[].pins.${slot})`;
      board.enter('sim-wait', 'sim-locked', { detail });
      this.report(slot, pin ? 'pin-refused' : 'pin-required', detail, iccid);
    } else if (state === 'SIM PUK' || state === 'SIM PUK2' || state === 'PH-SIM PIN' || state === 'SIM PIN2') {
      const detail = `SIM in slot ${slot} is locked (${state})`;
      board.enter('sim-wait', 'sim-locked', { detail });
      this.report(slot, state === 'SIM PUK' ? 'puk-required' : 'sim-locked', detail, await sim.iccid().catch(() => null));
    } else if (state === 'NOT INSERTED') {
      const detail = `no SIM in slot ${slot}`;
      board.enter('sim-wait', 'no-sim', { detail, sim: { state, iccid: null, imsi: null, number: null } });
      if (now - this.waiting.since >= this.giveUpMs) this.report(slot, 'not-inserted', `${detail} for ${seconds(now - this.waiting.since)}`, null);
    } else {
      const detail = `SIM in slot ${slot} not ready (${state})`;
      board.enter('sim-wait', 'no-sim', { detail });
      if (now - this.waiting.since >= this.giveUpMs) this.report(slot, 'sim-failure', `${detail} for ${seconds(now - this.waiting.since)}`, null);
    }
    return false;
  }

  private get giveUpMs(): number {
    return this.o.giveUpMs ?? 60_000;
  }

  private report(slot: SlotId, reason: SlotUnusableReason, detail: string, iccid: string | null): void {
    const key = `${slot}:${iccid ?? '?'}:${reason}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.o.log.warn({ slot, reason, detail }, 'SIM slot unusable');
    this.o.notify?.('slot-unusable', { slot, reason, detail, iccid });
  }
}

function seconds(ms: number): string {
  return `${Math.round(ms / 1000)} s`;
}

/** +CME ERROR: 16 "incorrect password" (TS 27.007 §9.2.1): the SIM refused the PIN itself. */
export function isWrongPassword(e: unknown): boolean {
  if (!(e instanceof AtCommandError)) return false;
  const f = e.final;
  return f.kind === 'CME ERROR' && (f.code === 16 || /incorrect password/i.test(f.text ?? ''));
}
