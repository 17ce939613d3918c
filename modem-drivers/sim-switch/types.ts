/**
 * SIM multiplexer ("SIM switch") contract. Each line (one modem) has four SIM slots A–D behind a
 * multiplexer and binds one slot at a time. A slot change is: the caller turns the modem's radio off →
 * `select(slot)` on the multiplexer → the caller restarts the modem on the new card. Backends here only
 * do the middle step.
 */

export type SlotId = 'A' | 'B' | 'C' | 'D';

export const SLOTS: readonly SlotId[] = Object.freeze(['A', 'B', 'C', 'D'] as const);

export type SimSwitchKind = 'none' | 'simulated' | 'gpio' | 'serial' | 'dual-sim';

export interface SimSwitch {
  readonly kind: SimSwitchKind;
  /** Slots this backend can select (dual-SIM modems: A and B only; 'none': just A). */
  readonly slots: readonly SlotId[];
  /** Selects a slot; resolves when the multiplexer confirmed (or the settle time passed). Rejects with a clear error. */
  select(slot: SlotId): Promise<void>;
  /** The slot last selected/confirmed, null before the first select when the hardware cannot tell. */
  current(): Promise<SlotId | null>;
  close(): Promise<void>;
}

/**
 * Why a SIM switch call failed:
 * - invalid-slot: not one of A–D at all (bad input from config or API);
 * - unsupported-slot: a real slot this backend cannot reach (C on a dual-SIM modem, B on 'none');
 * - closed: the switch was closed;
 * - config: the configuration cannot work (bad template, missing AT channel, baud-rate clash);
 * - tool: an external program (gpioset) is missing, failed or exited;
 * - timeout: the hardware did not answer in time;
 * - io: serial port errors (open, write, unexpected close), simulated failures;
 * - modem: the modem refused the command or answered something unexpected.
 */
export type SimSwitchErrorCode =
  | 'invalid-slot'
  | 'unsupported-slot'
  | 'closed'
  | 'config'
  | 'tool'
  | 'timeout'
  | 'io'
  | 'modem';

export class SimSwitchError extends Error {
  constructor(
    readonly code: SimSwitchErrorCode,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'SimSwitchError';
  }
}

export function isSlotId(v: unknown): v is SlotId {
  return v === 'A' || v === 'B' || v === 'C' || v === 'D';
}

/** A → 0 … D → 3. */
export function slotIndex(slot: SlotId): 0 | 1 | 2 | 3 {
  return SLOTS.indexOf(slot) as 0 | 1 | 2 | 3;
}

/**
 * Checks a requested slot against what a backend supports. Returns the error to reject with, or null.
 * `label` names the switch in messages (e.g. `line L1: gpio SIM switch gpiochip0 lines 17,27`).
 */
export function checkSlot(slot: unknown, supported: readonly SlotId[], label: string): SimSwitchError | null {
  if (!isSlotId(slot)) {
    return new SimSwitchError('invalid-slot', `${label}: invalid SIM slot ${describe(slot)} (expected one of ${SLOTS.join(', ')})`);
  }
  if (!supported.includes(slot)) {
    return new SimSwitchError('unsupported-slot', `${label}: SIM slot ${slot} is not available (this switch has ${supported.join(', ')})`);
  }
  return null;
}

/** Printable form of an arbitrary value for error messages (control characters escaped, length capped). */
export function describe(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v.length > 40 ? `${v.slice(0, 40)}…` : v);
  if (v === null || v === undefined || typeof v === 'number' || typeof v === 'boolean') return String(v);
  return typeof v;
}

/** Wraps an unknown thrown value as an Error message. */
export function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
