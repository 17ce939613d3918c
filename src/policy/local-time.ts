/**
 * Local wall-clock parts of an instant in an IANA time zone, for the limit windows, monthly cycles
 * and the 04:10 daily reset. Pure apart from a small cache: Intl.DateTimeFormat is consulted once
 * per zone and 15-minute UTC slice (tz offsets and their transitions fall on 15-minute boundaries),
 * which keeps `decide` fast.
 */

export interface LocalParts {
  year: number;
  /** 1-12 */
  month: number;
  /** 1-31 */
  day: number;
  /** minutes after local midnight, 0-1439 */
  minuteOfDay: number;
}

const SLICE_MS = 15 * 60_000;
const formatters = new Map<string, Intl.DateTimeFormat | null>();
const offsets = new Map<string, number>();

function formatterFor(timeZone: string): Intl.DateTimeFormat | null {
  let f = formatters.get(timeZone);
  if (f === undefined) {
    try {
      f = new Intl.DateTimeFormat('en-US', {
        timeZone,
        hourCycle: 'h23',
        year: 'numeric',
        month: 'numeric',
        day: 'numeric',
        hour: 'numeric',
        minute: 'numeric',
        second: 'numeric',
      });
    } catch {
      f = null;
    }
    formatters.set(timeZone, f);
  }
  return f;
}

/** True when the runtime knows this IANA zone name. */
export function isValidTimeZone(timeZone: string): boolean {
  return typeof timeZone === 'string' && timeZone !== '' && formatterFor(timeZone) !== null;
}

/** The zone's offset from UTC in ms at `now` (local = UTC + offset). Unknown zones count as UTC. */
export function zoneOffsetMs(timeZone: string, now: number): number {
  const slice = Math.floor(now / SLICE_MS);
  const key = `${timeZone}|${slice}`;
  const hit = offsets.get(key);
  if (hit !== undefined) return hit;
  const f = formatterFor(timeZone);
  let off = 0;
  if (f !== null) {
    const at = slice * SLICE_MS;
    const p: Record<string, number> = {};
    for (const part of f.formatToParts(at)) if (part.type !== 'literal') p[part.type] = Number(part.value);
    const asUtc = Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!);
    off = asUtc - at;
  }
  if (offsets.size > 4096) offsets.clear();
  offsets.set(key, off);
  return off;
}

export function localParts(timeZone: string, now: number): LocalParts {
  const d = new Date(now + zoneOffsetMs(timeZone, now));
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    minuteOfDay: d.getUTCHours() * 60 + d.getUTCMinutes(),
  };
}

function pad2(n: number): string {
  return n < 10 ? `0${n}` : String(n);
}

/** `YYYY-MM-DD` of a local date. */
export function dateKey(year: number, month: number, day: number): string {
  return `${year}-${pad2(month)}-${pad2(day)}`;
}

/** The local date one day before (year, month, day). */
export function previousDate(year: number, month: number, day: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(year, month - 1, day - 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

/**
 * The statistics day of `now`: days start at `resetMinute` local time (04:10 → 250), so 03:59 on
 * the 6th still belongs to the 5th.
 */
export function statsDayKey(timeZone: string, now: number, resetMinute: number): string {
  const p = localParts(timeZone, now);
  if (p.minuteOfDay >= resetMinute) return dateKey(p.year, p.month, p.day);
  const y = previousDate(p.year, p.month, p.day);
  return dateKey(y.year, y.month, y.day);
}
