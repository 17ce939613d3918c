/**
 * What a SIM card remembers across modems and slots: PIN / PUK retry counters, a PIN changed through the
 * PUK, the service centre address written with +CSCA, its "SM" message memory and the SMS "memory capacity
 * exceeded" notification flag (EF-SMSS, TS 31.102 §4.2.28). Keyed by the SimCard
 * object, so moving a card to another slot or modem keeps its state (as a real card does).
 *
 * TS 31.102 / TS 11.11 retry counters: 3 PIN attempts, then the PIN is blocked (+CPIN: SIM PUK);
 * 10 PUK attempts, then the card is permanently blocked (+CME ERROR: 13 SIM failure from then on).
 */
import type { SimCard } from '../types.js';
import { MessageMemory } from './sms-store.js';

export const PIN_TRIES = 3;
export const PUK_TRIES = 10;

export class SimRuntime {
  pinTries = PIN_TRIES;
  pukTries = PUK_TRIES;
  /** Current PIN (the card's, or one set with +CPIN="<puk>","<newpin>"); null = PIN check disabled. */
  pin: string | null;
  /** EF-SMSP service centre address. */
  smsc: string;
  readonly sm: MessageMemory;
  /**
   * EF-SMSS "memory capacity exceeded" notification flag: set when the MS refused an SMS for lack of
   * memory, unset once the network acknowledged its RP-SMMA (TS 23.040 §10.3). Kept on the card, so a
   * restart or another modem still owes the network the notification.
   */
  memoryExceeded = false;

  constructor(readonly card: SimCard, smCapacity: number) {
    this.pin = card.pin;
    this.smsc = card.smsc;
    this.sm = new MessageMemory('SM', smCapacity);
  }

  get pinBlocked(): boolean {
    return this.pinTries <= 0;
  }

  get dead(): boolean {
    return this.pukTries <= 0;
  }
}

const runtimes = new WeakMap<SimCard, SimRuntime>();

export function simRuntime(card: SimCard, smCapacity: number): SimRuntime {
  let r = runtimes.get(card);
  if (!r) {
    r = new SimRuntime(card, smCapacity);
    runtimes.set(card, r);
  }
  return r;
}
