/**
 * Slots whose card cannot become ready (docs/decisions/0017-unusable-slots.md): the mark the line's
 * report sets, what clears it, and which marks still leave the slot as a last resort. Pure.
 */
import { UNUSABLE_REASONS, type SimState, type UnusableInfo, type UnusableReason } from './types.js';

/**
 * Reasons that may pass by themselves (the network comes back, a slow or reseated card answers): such a
 * slot is bound again when no other slot is usable. A PIN or PUK the configuration lacks, or a card the
 * modem calls locked, cannot pass without a person: those slots wait for a card change or an operator.
 */
const LAST_RESORT: ReadonlySet<UnusableReason> = new Set<UnusableReason>(['no-network', 'not-inserted', 'sim-failure']);

export function isUnusableReason(x: unknown): x is UnusableReason {
  return typeof x === 'string' && (UNUSABLE_REASONS as readonly string[]).includes(x);
}

/** The slot's mark, reading states saved before the field existed as unmarked. */
export function unusableOf(sim: SimState): UnusableInfo | null {
  return sim.unusable ?? null;
}

/** Marked, but only for a reason that may pass: bound when nothing better is left. */
export function isLastResort(sim: SimState): boolean {
  const u = unusableOf(sim);
  return u !== null && LAST_RESORT.has(u.reason);
}

/** Sets the mark; a repeated report of the same reason on the same card keeps its first time. */
export function markUnusable(sim: SimState, reason: UnusableReason, detail: string, iccid: string | null, now: number): void {
  const cur = unusableOf(sim);
  const card = iccid ?? sim.iccid;
  const since = cur !== null && cur.reason === reason && cur.iccid === card ? cur.since : now;
  sim.unusable = { reason, detail, since, iccid: card };
}

/** Default words for a reason the line sent without a detail. */
export function describeUnusable(reason: UnusableReason): string {
  switch (reason) {
    case 'pin-required':
      return 'the SIM needs a PIN and none is configured';
    case 'pin-refused':
      return 'the SIM refused the configured PIN';
    case 'puk-required':
      return 'the SIM is blocked behind its PUK';
    case 'sim-locked':
      return 'the SIM is locked';
    case 'sim-failure':
      return 'the SIM does not answer (SIM failure)';
    case 'not-inserted':
      return 'no SIM card in this slot';
    case 'no-network':
      return 'the SIM finds no network';
  }
}
