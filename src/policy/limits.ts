/**
 * Limit arithmetic (manual §4.8): which limits apply to a SIM, which period (window instance or
 * monthly cycle) `now` falls in, what remains, and counting use into a bucket. Pure.
 *
 * - total: counted since the last operator reset or card change, never resets by itself.
 * - windows: each window instance of each local day has its own count; outside every window
 *   there is no limit. A wrapping window (22:00-06:00) belongs to the day it starts on.
 * - monthly `D<n>`: a cycle starts on day n at 00:00 local time.
 * - While the time is not trusted, window and monthly limits count as exhausted (§4.8 特别注意).
 */
import type { LimitSpec } from './limit-syntax.js';
import { dateKey, localParts, previousDate } from './local-time.js';
import type { LimitsConfig, PolicyConfig, RemainingValue, SlotId, UsageBucket } from './types.js';

export interface ActivePeriod {
  /** null for a total limit (no periods). */
  key: string | null;
  amount: number;
}

export const UNTRUSTED: { remaining: 0; reason: 'time-untrusted' } = Object.freeze({ remaining: 0, reason: 'time-untrusted' }) as {
  remaining: 0;
  reason: 'time-untrusted';
};

/** The limits of one SIM: device-wide, then `"<slot>"`, then `"<line>/<slot>"` overrides, field by field. */
export function effectiveLimits(config: PolicyConfig, line: string, slot: SlotId): LimitsConfig {
  const o = config.slotLimits;
  if (o === undefined) return config.limits;
  const bySlot = o[slot];
  const byLine = o[`${line}/${slot}`];
  if (bySlot === undefined && byLine === undefined) return config.limits;
  return { ...config.limits, ...(bySlot ?? {}), ...(byLine ?? {}) };
}

/**
 * The period `now` falls in for this limit, or null when the limit does not apply now (outside
 * every window).
 */
export function activePeriod(spec: LimitSpec, timeZone: string, now: number): ActivePeriod | null {
  if (spec.kind === 'total') return { key: null, amount: spec.amount };
  const p = localParts(timeZone, now);
  if (spec.kind === 'monthly') {
    // The cycle that contains today started this month if today >= day, else last month.
    let y = p.year;
    let m = p.month;
    if (p.day < spec.day) {
      m -= 1;
      if (m === 0) {
        m = 12;
        y -= 1;
      }
    }
    return { key: `M${dateKey(y, m, spec.day)}`, amount: spec.amount };
  }
  const t = p.minuteOfDay;
  for (const w of spec.windows) {
    if (w.end > w.start) {
      if (t >= w.start && t < w.end) return { key: `W${dateKey(p.year, p.month, p.day)}/${w.start}-${w.end}`, amount: w.amount };
    } else if (t >= w.start) {
      return { key: `W${dateKey(p.year, p.month, p.day)}/${w.start}-${w.end}`, amount: w.amount };
    } else if (t < w.end) {
      const y = previousDate(p.year, p.month, p.day);
      return { key: `W${dateKey(y.year, y.month, y.day)}/${w.start}-${w.end}`, amount: w.amount };
    }
  }
  return null;
}

/** The used amount of a bucket in the given period (the total for a total limit). */
export function usedIn(bucket: UsageBucket, period: ActivePeriod): number {
  if (period.key === null) return bucket.total;
  return bucket.periodKey === period.key ? bucket.period : 0;
}

/**
 * What remains of a limit, in the bucket's units (`scale` converts the limit's units into them:
 * 60 for minutes counted in seconds). Returned in the limit's units.
 */
export function remainingOf(
  spec: LimitSpec | null | undefined,
  bucket: UsageBucket,
  timeZone: string,
  now: number,
  trusted: boolean,
  scale = 1,
): RemainingValue {
  if (spec === null || spec === undefined) return 'NO LIMIT';
  if (spec.kind !== 'total' && !trusted) return UNTRUSTED;
  const period = activePeriod(spec, timeZone, now);
  if (period === null) return 'NO LIMIT';
  const left = period.amount * scale - usedIn(bucket, period);
  return left > 0 ? left / scale : 0;
}

/**
 * Adds `n` to a bucket: to its total, and to the period `key` (the period active now unless a key
 * captured earlier is given; null = outside every window, counted in the total only).
 */
export function countInto(bucket: UsageBucket, spec: LimitSpec | null | undefined, timeZone: string, now: number, n: number, key?: string | null): void {
  bucket.total += n;
  let k: string | null;
  if (key !== undefined) k = key;
  else if (spec === null || spec === undefined || spec.kind === 'total') k = null;
  else k = activePeriod(spec, timeZone, now)?.key ?? null;
  if (k === null) return;
  if (bucket.periodKey === k) bucket.period += n;
  else {
    bucket.periodKey = k;
    bucket.period = n;
  }
}

/** The period key a use at `now` counts into (null for total limits and outside windows). */
export function periodKeyAt(spec: LimitSpec | null | undefined, timeZone: string, now: number): string | null {
  if (spec === null || spec === undefined || spec.kind === 'total') return null;
  return activePeriod(spec, timeZone, now)?.key ?? null;
}

/** §4.8 计费周期: a call of `durationSec` is billed as whole periods. */
export function billedSeconds(durationSec: number, billingPeriodSec: number): number {
  const d = Number.isFinite(durationSec) && durationSec > 0 ? durationSec : 0;
  const p = Number.isFinite(billingPeriodSec) && billingPeriodSec >= 1 ? billingPeriodSec : 1;
  return Math.ceil(d / p) * p;
}
