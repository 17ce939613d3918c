/**
 * Per-SIM usage over one day as cumulative series (one point an hour, from the day's start up to
 * now), for the "minutes and SMS over the day against their limits" chart. Minutes come from the
 * call records' charged seconds (`billedSec`, outgoing calls, at the call's end); SMS from the
 * outbox's sent messages (at their creation). The limit a SIM has left is shown as a level: what
 * it used today plus what `GET /api/sims` says remains.
 */
import { simKey } from './call-stats.js';
import type { CallRecord, Remaining } from './records.js';

export interface UsageEvent {
  sim: string;
  /** ms since the epoch */
  at: number;
  amount: number;
}

export interface DaySeries {
  /** Unix seconds of each point: the day's start, every full hour after it, and now. */
  xs: number[];
  /** Cumulative amount per SIM at each point. */
  bySim: Map<string, number[]>;
}

const HOUR_MS = 3_600_000;

/** The points: day start, each hour boundary up to now, and now itself (if not on a boundary). */
export function dayPoints(dayStartMs: number, nowMs: number): number[] {
  const pts: number[] = [];
  for (let t = dayStartMs; t <= nowMs; t += HOUR_MS) pts.push(t);
  if (pts.length === 0 || pts[pts.length - 1] !== nowMs) pts.push(Math.max(nowMs, dayStartMs));
  return pts;
}

export function cumulativeOverDay(events: readonly UsageEvent[], dayStartMs: number, nowMs: number): DaySeries {
  const pts = dayPoints(dayStartMs, nowMs);
  const bySim = new Map<string, number[]>();
  const sorted = events.filter((e) => e.at >= dayStartMs && e.at <= nowMs && e.amount > 0).sort((a, b) => a.at - b.at);
  for (const e of sorted) if (!bySim.has(e.sim)) bySim.set(e.sim, new Array<number>(pts.length).fill(0));
  for (const e of sorted) {
    const series = bySim.get(e.sim)!;
    // an event counts from the first point at or after it
    for (let i = 0; i < pts.length; i++) if (pts[i]! >= e.at) series[i]! += e.amount;
  }
  for (const series of bySim.values()) for (let i = 0; i < series.length; i++) series[i] = Math.round(series[i]! * 100) / 100;
  return { xs: pts.map((p) => Math.floor(p / 1000)), bySim };
}

/** Charged minutes of outgoing calls that ended within the day, per SIM. */
export function minuteEvents(records: readonly CallRecord[]): UsageEvent[] {
  const out: UsageEvent[] = [];
  for (const r of records) {
    if (r.direction !== 'out' || r.active || !r.endAt || !r.billedSec) continue;
    const at = Date.parse(r.endAt);
    if (Number.isNaN(at)) continue;
    out.push({ sim: simKey(r.line, r.slot), at, amount: r.billedSec / 60 });
  }
  return out;
}

/** Outbound SMS that left the gateway (sent or delivered), one per message part. */
export function smsEvents(items: ReadonlyArray<{ line: number | null; slot: string | null; status: string; parts: number; createdAt: string | null }>): UsageEvent[] {
  const out: UsageEvent[] = [];
  for (const m of items) {
    if (m.line === null || !m.createdAt || (m.status !== 'sent' && m.status !== 'delivered')) continue;
    const at = Date.parse(m.createdAt);
    if (Number.isNaN(at)) continue;
    out.push({ sim: simKey(m.line, m.slot), at, amount: Math.max(1, m.parts) });
  }
  return out;
}

/** Today's use plus what remains, when the SIM has a numeric limit; null for no limit. */
export function limitLevel(usedToday: number, remaining: Remaining): number | null {
  if (typeof remaining === 'number') return usedToday + remaining;
  if (remaining === 'NO LIMIT') return null;
  return usedToday + remaining.remaining;
}

/** Local midnight of the day that holds `nowMs`. */
export function localDayStart(nowMs: number): number {
  const d = new Date(nowMs);
  d.setHours(0, 0, 0, 0);
  return d.getTime();
}
