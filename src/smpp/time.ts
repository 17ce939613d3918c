/**
 * SMPP 3.4 time formats (pure). §7.1.1: schedule_delivery_time, validity_period and final_date are
 * NULL or 16 characters "YYMMDDhhmmsstnnp": year, month, day, hour, minute, second, tenths, then the
 * offset of that local time from UTC in quarter hours and its direction: '+' (local time ahead of UTC),
 * '-' (behind), or 'R' for a relative time (§7.1.1.2: years, months, days ... added to the SMSC's
 * current time; t and nn are ignored).
 */

export type SmppTimeResult = { ok: true; ms: number | null } | { ok: false; reason: string };

const FORMAT = /^(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d\d)(\d)(\d\d)([-+R])$/;

/** Parses an SMPP time field; '' (NULL) gives null. `now` is the SMSC clock for relative times. */
export function parseSmppTime(value: string, now: number): SmppTimeResult {
  if (value === '') return { ok: true, ms: null };
  const m = FORMAT.exec(value);
  if (!m) return { ok: false, reason: `time ${JSON.stringify(value)} is not YYMMDDhhmmsstnnp (16 characters, p one of + - R)` };
  const [yy, mo, dd, hh, mi, ss, t, nn] = m.slice(1, 9).map(Number) as [number, number, number, number, number, number, number, number];
  const p = m[9]!;
  if (p === 'R') {
    // §7.1.1.2: relative to the current SMSC time.
    const d = new Date(now);
    d.setUTCFullYear(d.getUTCFullYear() + yy, d.getUTCMonth() + mo, d.getUTCDate() + dd);
    return { ok: true, ms: d.getTime() + ((hh * 60 + mi) * 60 + ss) * 1000 };
  }
  if (mo < 1 || mo > 12) return { ok: false, reason: `time ${value}: month ${mo} is not 01-12` };
  if (hh > 23 || mi > 59 || ss > 59) return { ok: false, reason: `time ${value}: ${hh}:${mi}:${ss} is not a time of day` };
  if (nn > 48) return { ok: false, reason: `time ${value}: UTC offset ${nn} quarter hours is more than 48` };
  const year = 2000 + yy; // §7.1.1 gives two year digits only; this SMSC reads them as 2000-2099.
  const local = Date.UTC(year, mo - 1, dd, hh, mi, ss, t * 100);
  const check = new Date(local);
  if (dd < 1 || check.getUTCMonth() !== mo - 1 || check.getUTCDate() !== dd) {
    return { ok: false, reason: `time ${value}: day ${dd} does not exist in ${year}-${String(mo).padStart(2, '0')}` };
  }
  const offset = nn * 15 * 60_000;
  return { ok: true, ms: p === '+' ? local - offset : local + offset };
}

const two = (n: number): string => String(n).padStart(2, '0');

/** §7.1.1 absolute time in UTC ("YYMMDDhhmmsst00+"), e.g. for query_sm_resp final_date. */
export function formatSmppTime(ms: number): string {
  const d = new Date(ms);
  return (
    two(d.getUTCFullYear() % 100) +
    two(d.getUTCMonth() + 1) +
    two(d.getUTCDate()) +
    two(d.getUTCHours()) +
    two(d.getUTCMinutes()) +
    two(d.getUTCSeconds()) +
    String(Math.floor(d.getUTCMilliseconds() / 100)) +
    '00+'
  );
}

/** Appendix B receipt date "YYMMDDhhmm", in UTC or in the machine's local time. */
export function formatReceiptDate(ms: number, zone: 'utc' | 'local' = 'utc'): string {
  const d = new Date(ms);
  if (zone === 'local') {
    return two(d.getFullYear() % 100) + two(d.getMonth() + 1) + two(d.getDate()) + two(d.getHours()) + two(d.getMinutes());
  }
  return two(d.getUTCFullYear() % 100) + two(d.getUTCMonth() + 1) + two(d.getUTCDate()) + two(d.getUTCHours()) + two(d.getUTCMinutes());
}
