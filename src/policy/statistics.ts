/**
 * Per-SIM statistics (manual §3.2.3 统计信息, §3.2.1 columns) and the SIM status colours. Pure.
 */
import { DAILY_RESET_MINUTE } from './engine.js';
import { statsDayKey } from './local-time.js';
import { lineOf, remainingFor } from './queries.js';
import { unusableOf } from './unusable.js';
import type { PolicyConfig, PolicyState, SimColour, SimState, SimStatistics, SimStatus, SlotId } from './types.js';

const COLOURS: Record<SimStatus, SimColour> = {
  'in-use': 'blue',
  disabled: 'red',
  standby: 'green',
  empty: 'grey',
  'disabled-card-changed': 'brown',
  unusable: 'orange',
};

export function colourOf(status: SimStatus): SimColour {
  return COLOURS[status];
}

/**
 * §3.2.3 卡 ID 颜色: disabled wins (brown when a card change was seen and not confirmed by an
 * operator), then empty, then unusable (orange), then in use (the bound slot), else standby.
 */
export function simStatus(sim: SimState, bound: boolean, now: number): SimStatus {
  if (sim.disabled !== null && (sim.disabled.until === null || sim.disabled.until > now)) {
    return sim.cardChangeUnconfirmed ? 'disabled-card-changed' : 'disabled';
  }
  if (sim.presence === 'empty') return 'empty';
  // Not in the manual: a card the line found cannot become ready (PIN, PUK, failure, no network; 0017).
  if (unusableOf(sim) !== null) return 'unusable';
  return bound ? 'in-use' : 'standby';
}

const minutes = (sec: number): number => Math.round((sec / 60) * 100) / 100;

export function statistics(config: PolicyConfig, state: PolicyState, now: number, line: string, slot: SlotId): SimStatistics {
  const l = lineOf(state, line);
  const sim = l.slots[slot];
  const bound = l.bound === slot;
  const status = simStatus(sim, bound, now);
  const day = statsDayKey(config.timezone, now, DAILY_RESET_MINUTE);
  const t = sim.today.day === day ? sim.today : { day, calls: 0, connected: 0, talkSec: 0, billedSec: 0, sms: 0, smsFailed: 0 };
  const inCall = l.call !== null && l.call.slot === slot && l.call.answeredAt !== null;
  return {
    line,
    slot,
    iccid: sim.iccid,
    status,
    colour: COLOURS[status],
    disabled: sim.disabled === null ? null : { ...sim.disabled },
    unusable: sim.unusable == null ? null : { ...sim.unusable },
    total: {
      calls: sim.cdr.calls,
      connected: sim.cdr.connected,
      asr: sim.cdr.calls === 0 ? null : sim.cdr.connected / sim.cdr.calls,
      acdSec: sim.cdr.connected === 0 ? null : sim.cdr.talkSec / sim.cdr.connected,
      talkMinutes: minutes(sim.cdr.talkSec),
      billedMinutes: minutes(sim.cdr.billedSec),
    },
    today: { day, calls: t.calls, connected: t.connected, talkMinutes: minutes(t.talkSec), billedMinutes: minutes(t.billedSec), sms: t.sms, smsFailed: t.smsFailed },
    remaining: remainingFor(config, state, now, line, slot, sim),
    consecutive: { ...sim.consecutive },
    idleMinutes: inCall ? 0 : sim.lastConnectedAt === null ? null : Math.max(0, Math.floor((now - sim.lastConnectedAt) / 60_000)),
    bind:
      bound && l.boundAt !== null
        ? {
            minutes: Math.max(0, Math.floor((now - l.boundAt) / 60_000)),
            callMinutes: minutes(l.bindCallSec),
            calls: l.bindCalls,
            connected: l.bindConnected,
            sms: l.bindSms,
          }
        : null,
  };
}
