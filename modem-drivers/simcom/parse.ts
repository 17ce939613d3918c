/**
 * Pure parsers for the SIMCom SIM7500/SIM7600 replies and URCs the SIMCom driver uses. No I/O, never throw:
 * each returns a ParseResult (see ../generic/parse.ts).
 *
 * Sources (formats, not wording): SIMCom SIM7500_SIM7600 Series AT Command Manual V1.x — §4.3 AT+CICCID,
 * AT+CPSI (inquiring UE system information), AT+CNSMOD (show network system mode), AT+SIMEI (module IMEI),
 * AT+CPCMREG (USB audio); the call URCs `VOICE CALL: BEGIN`, `VOICE CALL: END: <time>` and
 * `MISSED_CALL: <time> <number>` as SIM7600 firmware prints them. docs/modems.md says which of these are
 * documented and which are only observed by users.
 */
import type { Rat } from '../types.js';
import { infoParams, paramInt, paramStr, parseIccid, type ParseResult } from '../generic/parse.js';
import { imeiProblem } from '../../src/gsm/imei.js';

export { imeiProblem };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = (what: string, line: string, why: string): ParseResult<never> => ({
  ok: false,
  error: `${what}: ${why} in ${JSON.stringify(line.length > 200 ? line.slice(0, 200) + '...' : line)}`,
});

/** `+ICCID: <iccid>` (reply of AT+CICCID, §4.3) → ICCID (trailing F filler removed). */
export function parseCiccid(line: string): ParseResult<string> {
  if (!line.startsWith('+ICCID:')) return bad('+ICCID', line, 'not a +ICCID line');
  return parseIccid(line);
}

/**
 * <stat> of AT+CNSMOD → generation. 0 no service; 1 GSM, 2 GPRS, 3 EGPRS (EDGE); 4 WCDMA, 5 HSDPA, 6 HSUPA,
 * 7 HSPA; 8 LTE; 9-12 TDS-CDMA, TDS-HSDPA, TDS-HSUPA, TDS-HSPA; 13 CDMA (1x); 14 EVDO; 15 CDMA+EVDO hybrid;
 * 16 1xLTE (CDMA and LTE); 23 eHRPD; 24 CDMA+eHRPD hybrid.
 */
export function cnsmodToRat(stat: number): Rat | null {
  if ((stat >= 1 && stat <= 3) || stat === 13) return '2G';
  if ((stat >= 4 && stat <= 7) || (stat >= 9 && stat <= 12) || stat === 14 || stat === 15 || stat === 23 || stat === 24) {
    return '3G';
  }
  if (stat === 8 || stat === 16) return '4G';
  return null;
}

/** `+CNSMOD: <n>,<stat>` (read command) or `+CNSMOD: <stat>` (URC when <n>=1) → <stat>. */
export function parseCnsmod(line: string): ParseResult<number> {
  const p = infoParams(line, '+CNSMOD:');
  if (!p) return bad('+CNSMOD', line, 'not a +CNSMOD line');
  const stat = paramInt(p.length >= 2 ? p[1] : p[0]);
  return stat === undefined ? bad('+CNSMOD', line, 'needs a numeric <stat>') : ok(stat);
}

export interface CpsiInfo {
  /** "NO SERVICE", "GSM", "WCDMA", "LTE", "TDS", "CDMA", "EVDO", possibly with a "-LIMITED" suffix. */
  systemMode: string;
  /** "Online", "Offline", "Factory Test Mode", "Reset", "Low Power Mode". */
  operationMode: string | null;
  /** MCC+MNC from the "<MCC>-<MNC>" field, e.g. "46000"; null when absent. */
  plmn: string | null;
  rat: Rat | null;
}

/** <System Mode> of AT+CPSI? → generation. */
export function cpsiModeToRat(mode: string): Rat | null {
  const m = mode.trim().toUpperCase().replace(/-LIMITED$/, '');
  if (m === 'GSM' || m === 'CDMA') return '2G';
  if (m === 'WCDMA' || m === 'TDS' || m === 'TD-SCDMA' || m === 'EVDO' || m === 'HDR') return '3G';
  if (m === 'LTE') return '4G';
  if (m.startsWith('NR5G')) return '5G';
  return null;
}

/** `+CPSI: <System Mode>,<Operation Mode>[,<MCC>-<MNC>,...]` → the fields every RAT variant shares. */
export function parseCpsi(line: string): ParseResult<CpsiInfo> {
  const p = infoParams(line, '+CPSI:');
  if (!p) return bad('+CPSI', line, 'not a +CPSI line');
  const systemMode = paramStr(p[0])?.trim();
  if (!systemMode) return bad('+CPSI', line, 'no <System Mode>');
  const mccMnc = /^(\d{3})-(\d{2,3})$/.exec(paramStr(p[2]) ?? '');
  return ok({
    systemMode,
    operationMode: paramStr(p[1]) ?? null,
    plmn: mccMnc ? mccMnc[1]! + mccMnc[2]! : null,
    rat: cpsiModeToRat(systemMode),
  });
}

/** `+SIMEI: <imei>` (reply of AT+SIMEI?) → the 15 digits. */
export function parseSimei(line: string): ParseResult<string> {
  const p = infoParams(line, '+SIMEI:');
  if (!p) return bad('+SIMEI', line, 'not a +SIMEI line');
  const s = paramStr(p[0]);
  return s !== undefined && /^\d{15}$/.test(s) ? ok(s) : bad('+SIMEI', line, 'expected a 15-digit IMEI');
}

/** `+CPCMREG: <0|1>` (reply of AT+CPCMREG?) → whether USB audio is on. */
export function parseCpcmreg(line: string): ParseResult<boolean> {
  const p = infoParams(line, '+CPCMREG:');
  if (!p) return bad('+CPCMREG', line, 'not a +CPCMREG line');
  const v = paramInt(p[0]);
  return v === 0 || v === 1 ? ok(v === 1) : bad('+CPCMREG', line, 'expected 0 or 1');
}

/**
 * `VOICE CALL: END: <time>` → the call time in seconds (null when the text is not understood). SIM7600
 * firmware prints six digits, read here as HHMMSS (e.g. 000008); some SIMCom firmwares print m:ss. The
 * value is only logged; the gateway keeps its own call timing.
 */
export function parseVoiceCallEnd(line: string): ParseResult<{ seconds: number | null }> {
  const m = /^VOICE CALL:\s*END(?::\s*(.*))?$/.exec(line.trim());
  if (!m) return bad('VOICE CALL: END', line, 'not a VOICE CALL: END line');
  const t = (m[1] ?? '').trim();
  const hms = /^(\d{2})(\d{2})(\d{2})$/.exec(t);
  const msec = /^(\d{1,3}):(\d{2})$/.exec(t);
  let seconds: number | null = null;
  if (hms) seconds = Number(hms[1]) * 3600 + Number(hms[2]) * 60 + Number(hms[3]);
  else if (msec) seconds = Number(msec[1]) * 60 + Number(msec[2]);
  return ok({ seconds });
}

/** `+RXDTMF: <key>` (SIM7600 AT manual, AT+DDET): the key as a character, 0-9 * # A-D. */
export function parseRxDtmf(line: string): ParseResult<string> {
  const m = /^\+RXDTMF:\s*"?([0-9*#A-Da-d])"?$/.exec(line.trim());
  if (!m) return bad('+RXDTMF', line, 'not a +RXDTMF: <key> line');
  return ok(m[1]!.toUpperCase());
}

/** `MISSED_CALL: <time> <number>` (e.g. `MISSED_CALL: 11:53AM 08020866256`) → its parts. */
export function parseMissedCall(line: string): ParseResult<{ time: string | null; number: string | null }> {
  const m = /^MISSED_CALL:\s*(.*)$/.exec(line.trim());
  if (!m) return bad('MISSED_CALL', line, 'not a MISSED_CALL line');
  const rest = m[1]!.trim();
  const two = /^(\S+)\s+(\S+)$/.exec(rest);
  if (two) return ok({ time: two[1]!, number: two[2]! });
  return ok({ time: null, number: rest === '' ? null : rest });
}

