/**
 * Choosing the slot to bind (manual §4.12 选卡策略): sequential A→B→C→D→A, random, or the most
 * remaining call minutes first. Never an empty or disabled slot. Among usable slots, those whose
 * limits allow a call now are preferred; the strategy picks within the preferred group. A slot marked
 * unusable for a reason that may pass (no network, card not seen) is chosen only when no slot is usable. Pure: the
 * random strategy takes its numbers from `rng` (values in [0, 1)).
 */
import { canCall, isUsable, lineOf, remaining } from './queries.js';
import { isLastResort } from './unusable.js';
import { SLOTS, type PolicyConfig, type PolicyState, type SlotId } from './types.js';

export interface ChooseOptions {
  /** A slot not to choose (the one being left). */
  exclude?: SlotId | null;
}

function sequentialFrom(after: SlotId | null, candidates: SlotId[]): SlotId {
  if (after === null) return candidates[0]!;
  const base = SLOTS.indexOf(after);
  let best = candidates[0]!;
  let bestDist = 5;
  for (const c of candidates) {
    const dist = (SLOTS.indexOf(c) - base + 4) % 4 || 4; // the slot itself comes last
    if (dist < bestDist) {
      bestDist = dist;
      best = c;
    }
  }
  return best;
}

export function chooseSlot(
  config: PolicyConfig,
  state: PolicyState,
  now: number,
  line: string,
  rng: () => number,
  opts: ChooseOptions = {},
): SlotId | null {
  const l = lineOf(state, line);
  const usable: SlotId[] = [];
  for (const s of SLOTS) if (s !== opts.exclude && isUsable(l.slots[s], now)) usable.push(s);
  if (usable.length === 0) {
    // Nothing usable: a slot whose mark may have passed is better than no SIM at all.
    for (const s of SLOTS) if (s !== opts.exclude && isLastResort(l.slots[s]) && isUsable({ ...l.slots[s], unusable: null }, now)) usable.push(s);
  }
  if (usable.length === 0) return null;
  const callable = usable.filter((s) => canCall(config, state, now, line, s).ok);
  const pool = callable.length > 0 ? callable : usable;
  const after = opts.exclude ?? l.bound ?? l.lastBound;
  switch (config.switchRules.strategy) {
    case 'random': {
      const r = rng();
      const i = Math.min(pool.length - 1, Math.max(0, Math.floor((Number.isFinite(r) ? r : 0) * pool.length)));
      return pool[i]!;
    }
    case 'most-minutes': {
      let bestMinutes = -1;
      let best: SlotId[] = [];
      for (const s of pool) {
        const v = remaining(config, state, now, line, s).callMinutes;
        const m = v === 'NO LIMIT' ? Infinity : typeof v === 'number' ? v : 0;
        if (m > bestMinutes) {
          bestMinutes = m;
          best = [s];
        } else if (m === bestMinutes) best.push(s);
      }
      return sequentialFrom(after, best);
    }
    case 'sequential':
    default:
      return sequentialFrom(after, pool);
  }
}

/** A small deterministic generator (mulberry32) so `decide` stays pure: state in, number and state out. */
export function nextRandom(seed: number): { value: number; seed: number } {
  const s = (seed + 0x6d2b79f5) >>> 0;
  let t = s;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return { value: ((t ^ (t >>> 14)) >>> 0) / 4294967296, seed: s };
}
