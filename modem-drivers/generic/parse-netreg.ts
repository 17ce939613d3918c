/** Pure parsers of network registration, operator, signal, IMS and clock replies (TS 27.007 §7.2, §7.3, §8.5, §8.15, §8.71). */
import type { Rat, RegStatus, Registration, Signal } from '../types.js';
import { bad, infoParams, ok, paramInt, paramStr, tokenize, type ParseResult } from './parse-params.js';
// ---------------------------------------------------------------------------------------------------------
// Network registration: +CREG (TS 27.007 §7.2), +CGREG (§10.1.20), +CEREG (§10.1.22)

const REG_DOMAINS = [
  ['+CREG:', 'cs'],
  ['+CGREG:', 'ps'],
  ['+CEREG:', 'eps'],
] as const;

/**
 * <stat> values shared by the three commands (TS 27.007 §7.2). 6/7 ("SMS only", home/roaming) both read
 * as 'sms-only'; 9/10 ("CSFB not preferred") are registrations at home/roaming; 8 and 11 (emergency
 * bearer services only, RLOS access) give no normal service.
 */
export function regStatus(stat: number): RegStatus {
  switch (stat) {
    case 0:
      return 'not-registered';
    case 1:
    case 9:
      return 'home';
    case 2:
      return 'searching';
    case 3:
      return 'denied';
    case 5:
    case 10:
      return 'roaming';
    case 6:
    case 7:
      return 'sms-only';
    case 8:
    case 11:
      return 'emergency-only';
    default:
      return 'unknown';
  }
}

/**
 * Radio generation of an <AcT> value (TS 27.007 §7.3): 0 GSM, 1 GSM Compact, 3 GSM w/EGPRS and
 * 8 EC-GSM-IoT are 2G; 2 UTRAN, 4 HSDPA, 5 HSUPA, 6 HSDPA+HSUPA are 3G; 7 E-UTRAN, 9 E-UTRAN NB-S1
 * (NB-IoT) and 10 E-UTRA connected to a 5GCN are 4G radio; 11 NR connected to a 5GCN, 12 NG-RAN and
 * 13 E-UTRA-NR dual connectivity (EN-DC, an NR leg is in use) are 5G. Anything else is unknown (null).
 */
export function ratOfAct(act: number | null | undefined): Rat | null {
  switch (act) {
    case 0:
    case 1:
    case 3:
    case 8:
      return '2G';
    case 2:
    case 4:
    case 5:
    case 6:
      return '3G';
    case 7:
    case 9:
    case 10:
      return '4G';
    case 11:
    case 12:
    case 13:
      return '5G';
    default:
      return null;
  }
}

/** Which domain a registration line reports, from its prefix. */
export function regDomain(line: string): { prefix: string; domain: Registration['domain'] } | undefined {
  for (const [prefix, domain] of REG_DOMAINS) if (line.startsWith(prefix)) return { prefix, domain };
  return undefined;
}

/**
 * Whether a registration line has the read-command shape `<n>,<stat>[,...]` rather than the URC shape
 * `<stat>[,<lac>,...]`. The forms differ only in that leading <n>, so the context decides (a reply to
 * `AT+CREG?` is the read form, an unsolicited line the URC form); but a URC can also arrive while the
 * read command runs, and its prefix then makes it look like part of the reply. In the read form the
 * second parameter is always the numeric <stat>; in the URC form it is absent (n=1), a quoted <lac>/<tac>
 * or empty, which tells them apart.
 */
export function isRegQueryShape(line: string): boolean {
  const d = regDomain(line);
  if (!d) return false;
  const p = tokenize(line.slice(d.prefix.length));
  return p.length >= 2 && typeof p[0] === 'number' && typeof p[1] === 'number';
}

/**
 * +CREG/+CGREG/+CEREG in the read-command form (`form: 'query'`, `+CREG: <n>,<stat>[,[<lac>],[<ci>],[<AcT>]...]`)
 * or the URC form (`form: 'urc'`, `+CREG: <stat>[,[<lac>],[<ci>],[<AcT>]...]`). For +CEREG the second
 * field is the <tac> (tracking area code); it is reported in `lac`, the E-UTRAN counterpart of the LAC.
 * Trailing +CGREG <rac>, cause and PSM fields are ignored.
 */
export function parseRegistration(line: string, form: 'query' | 'urc'): ParseResult<Registration> {
  const d = regDomain(line);
  if (!d) return bad('registration', line, 'not a +CREG/+CGREG/+CEREG line');
  const p = tokenize(line.slice(d.prefix.length));
  const f = form === 'query' ? p.slice(1) : p;
  if (form === 'query' && paramInt(p[0]) === undefined) return bad('registration', line, 'no <n> field');
  const stat = paramInt(f[0]);
  if (stat === undefined) return bad('registration', line, 'no numeric <stat>');
  const reg: Registration = { domain: d.domain, stat: regStatus(stat), rat: null };
  const lac = paramStr(f[1]);
  const ci = paramStr(f[2]);
  const act = paramInt(f[3]);
  if (lac !== undefined && lac !== '') reg.lac = lac.toUpperCase();
  if (ci !== undefined && ci !== '') reg.ci = ci.toUpperCase();
  if (act !== undefined) {
    reg.act = act;
    reg.rat = ratOfAct(act);
  }
  return ok(reg);
}

// ---------------------------------------------------------------------------------------------------------
// Operator and signal

export interface CopsReading {
  /** <mode>: 0 automatic, 1 manual, 2 deregistered, 3 set format only, 4 manual/automatic. */
  mode: number;
  /** <format>: 0 long alphanumeric, 1 short alphanumeric, 2 numeric; null when no operator is selected. */
  format: number | null;
  oper: string | null;
  act: number | null;
}

/** `+COPS: <mode>[,<format>,<oper>[,<AcT>]]` (TS 27.007 §7.3, read command). */
export function parseCops(line: string): ParseResult<CopsReading> {
  const p = infoParams(line, '+COPS:');
  if (!p) return bad('+COPS', line, 'not a +COPS line');
  const mode = paramInt(p[0]);
  if (mode === undefined) return bad('+COPS', line, 'no numeric <mode>');
  const format = paramInt(p[1]) ?? null;
  const oper = paramStr(p[2]) ?? null;
  if (p.length >= 3 && format === null) return bad('+COPS', line, 'operator given without a numeric <format>');
  return ok({ mode, format, oper: oper === '' ? null : oper, act: paramInt(p[3]) ?? null });
}

export function copsModeName(mode: number): 'auto' | 'manual' | 'deregistered' | 'unknown' {
  // <mode> 4 (manual, falling back to automatic) is reported as manual: the user chose the network.
  return mode === 0 ? 'auto' : mode === 1 || mode === 4 ? 'manual' : mode === 2 ? 'deregistered' : 'unknown';
}

/**
 * `+CSQ: <rssi>,<ber>` (TS 27.007 §8.5): rssi 0 is -113 dBm or less, 1 is -111 dBm, 2..30 step 2 dB,
 * 31 is -51 dBm or more, 99 unknown. Values outside 0..31 (99, or vendor ranges) give dbm null.
 */
export function parseCsq(line: string): ParseResult<Signal> {
  const p = infoParams(line, '+CSQ:');
  if (!p) return bad('+CSQ', line, 'not a +CSQ line');
  const rssi = paramInt(p[0]);
  const ber = paramInt(p[1]);
  if (rssi === undefined || ber === undefined || rssi < 0 || ber < 0) return bad('+CSQ', line, 'needs numeric <rssi>,<ber>');
  return ok({ rssi, ber, dbm: rssi <= 31 ? -113 + 2 * rssi : null });
}

/** `+CIREG: <n>,<reg_info>[,<ext_info>]` (TS 27.007 §8.71): reg_info 1 = registered to IMS. */
export function parseCireg(line: string): ParseResult<{ n: number; registered: boolean; extInfo: number | null }> {
  const p = infoParams(line, '+CIREG:');
  if (!p) return bad('+CIREG', line, 'not a +CIREG line');
  const n = paramInt(p[0]);
  const info = paramInt(p[1]);
  if (n === undefined || info === undefined) return bad('+CIREG', line, 'needs numeric <n>,<reg_info>');
  return ok({ n, registered: info === 1, extInfo: paramInt(p[2]) ?? null });
}

/**
 * `+CCLK: "yy/MM/dd,hh:mm:ss±zz"` (TS 27.007 §8.15: local time, zone in quarter hours) → UTC and zone;
 * null for a clock still at its power-on default (a year before 2025: the network never set it);
 * undefined when the line is not a +CCLK answer.
 */
export function parseCclk(line: string): { utcMs: number; tzMinutes: number } | null | undefined {
  const m = /^\+CCLK:\s*"(\d\d)\/(\d\d)\/(\d\d),(\d\d):(\d\d):(\d\d)([+-]\d\d?)?"/.exec(line.trim());
  if (!m) return undefined;
  const [yy, mo, dd, hh, mi, ss] = m.slice(1, 7).map(Number) as [number, number, number, number, number, number];
  const year = yy >= 70 ? 1900 + yy : 2000 + yy; // "80/01/06" is the RTC's 1980 default
  if (year < 2025 || mo < 1 || mo > 12 || dd < 1 || dd > 31 || hh > 23 || mi > 59 || ss > 59) return null;
  const tzMinutes = m[7] ? Number(m[7]) * 15 : 0;
  return { utcMs: Date.UTC(year, mo - 1, dd, hh, mi, ss) - tzMinutes * 60_000, tzMinutes };
}
