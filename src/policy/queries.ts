/**
 * Read-only questions about one SIM: what remains of its limits (§4.8, §3.2.3 剩余统计), may it call,
 * may it send an SMS, is it usable at all. Pure.
 */
import { effectiveLimits, remainingOf } from './limits.js';
import { UNKNOWN_LINE } from './state.js';
import { unusableOf } from './unusable.js';
import type { LineState, Permission, PolicyConfig, PolicyState, Remaining, RemainingValue, SimState, SlotId } from './types.js';

export function lineOf(state: PolicyState, line: string): LineState {
  return state.lines[line] ?? UNKNOWN_LINE;
}

export function remainingFor(config: PolicyConfig, state: PolicyState, now: number, line: string, slot: SlotId, sim: SimState): Remaining {
  const limits = effectiveLimits(config, line, slot);
  const tz = config.timezone;
  const t = state.timeTrusted;
  return {
    callMinutes: remainingOf(limits.callMinutes, sim.usage.callSec, tz, now, t, 60),
    callCount: remainingOf(limits.callCount, sim.usage.callCount, tz, now, t),
    smsCount: remainingOf(limits.smsCount, sim.usage.smsCount, tz, now, t),
  };
}

/** §3.2.3 剩余统计 of one SIM: a number left, 'NO LIMIT', or exhausted because the time is not trusted. */
export function remaining(config: PolicyConfig, state: PolicyState, now: number, line: string, slot: SlotId): Remaining {
  return remainingFor(config, state, now, line, slot, lineOf(state, line).slots[slot]);
}

/** Not disabled (or its disable has expired), not known to be empty, not marked unusable by the line. */
export function isUsable(sim: SimState, now: number): boolean {
  if (sim.presence === 'empty') return false;
  if (unusableOf(sim) !== null) return false;
  if (sim.disabled !== null && (sim.disabled.until === null || sim.disabled.until > now)) return false;
  return true;
}

function limitProblem(what: string, v: RemainingValue, unit: string): string | null {
  if (v === 'NO LIMIT') return null;
  if (typeof v === 'object') return `${what} limit unavailable: the time is not trusted, so window and monthly limits count as exhausted`;
  return v > 0 ? null : `${what} limit exhausted: no ${unit} left`;
}

function usabilityProblem(sim: SimState, now: number): string | null {
  if (sim.presence === 'empty') return 'no SIM card in this slot';
  if (sim.disabled !== null && (sim.disabled.until === null || sim.disabled.until > now)) {
    const until = sim.disabled.until === null ? 'until an operator enables it' : `until ${new Date(sim.disabled.until).toISOString()}`;
    return `SIM disabled (${sim.disabled.reason}) ${until}`;
  }
  const u = unusableOf(sim);
  if (u !== null) return `SIM unusable (${u.reason}): ${u.detail}`;
  return null;
}

/** May this SIM start an outgoing call now? */
export function canCall(config: PolicyConfig, state: PolicyState, now: number, line: string, slot: SlotId): Permission {
  const sim = lineOf(state, line).slots[slot];
  if (sim === undefined) return { ok: false, reason: `unknown slot ${String(slot)}` };
  const u = usabilityProblem(sim, now);
  if (u !== null) return { ok: false, reason: u };
  const r = remainingFor(config, state, now, line, slot, sim);
  const p = limitProblem('call minutes', r.callMinutes, 'minutes') ?? limitProblem('call count', r.callCount, 'calls');
  return p === null ? { ok: true } : { ok: false, reason: p };
}

/** May this SIM send an SMS now? */
export function canSendSms(config: PolicyConfig, state: PolicyState, now: number, line: string, slot: SlotId): Permission {
  const sim = lineOf(state, line).slots[slot];
  if (sim === undefined) return { ok: false, reason: `unknown slot ${String(slot)}` };
  const u = usabilityProblem(sim, now);
  if (u !== null) return { ok: false, reason: u };
  const limits = effectiveLimits(config, line, slot);
  const v = remainingOf(limits.smsCount, sim.usage.smsCount, config.timezone, now, state.timeTrusted);
  if (v === 'NO LIMIT' || (typeof v === 'number' && v > 0)) return { ok: true };
  if (typeof v === 'object') return { ok: false, reason: limitProblem('SMS', v, 'SMS')! };
  return { ok: false, reason: 'SMS limit exhausted: no SMS left for this SIM' };
}
