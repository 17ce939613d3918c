/**
 * Pure parsers for the Quectel EC2x / EG2x replies and URCs the Quectel driver uses. No I/O, never throw:
 * each returns a ParseResult (see ../generic/parse.ts) or, for URC classification, a tagged value.
 *
 * Sources (formats, not wording): Quectel EC25&EC21 AT Commands Manual V1.3 — §5.7 AT+QCCID, §6.9 AT+QNWINFO,
 * §6.10 AT+QSPN, AT+QINDCFG (the "csq" / "act" / "smsfull" / "ccinfo" URCs) and the summary of URCs (RDY,
 * +QIND: SMS DONE, +QIND: PB DONE); Quectel QCFG AT commands / IMS application note for AT+QCFG="ims";
 * AT+EGMR=0,7 (IMEI read, `+EGMR: "<imei>"`) as used with EC2x modules. docs/modems.md lists what is
 * documented and what is only reported by users.
 */
import type { CallInfo, Rat } from '../types.js';
import { infoParams, paramInt, paramStr, parseIccid, type ParseResult } from '../generic/parse.js';
import { imeiProblem } from '../../src/gsm/imei.js';

export { imeiProblem };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = (what: string, line: string, why: string): ParseResult<never> => ({
  ok: false,
  error: `${what}: ${why} in ${JSON.stringify(line.length > 200 ? line.slice(0, 200) + '...' : line)}`,
});

/**
 * `+QTONEDET: <dtmfcode>` (EC2x AT manual, AT+QTONEDET): the key as its ASCII code (48-57 for 0-9,
 * 42 *, 35 #, 65-68 A-D) → the key. Other codes (the firmware's single-tone reports) are not keys.
 */
export function parseQtonedet(line: string): ParseResult<string> {
  const p = infoParams(line, '+QTONEDET:');
  if (!p || p.length !== 1) return bad('+QTONEDET', line, 'not a +QTONEDET: <code> line');
  const code = paramInt(p[0]);
  const key = code === undefined || code < 0 || code > 127 ? '' : String.fromCharCode(code);
  return /^[0-9*#A-D]$/.test(key) ? ok(key) : bad('+QTONEDET', line, 'the code is not a DTMF key');
}

/** `+QCCID: <iccid>` (§5.7) → ICCID (trailing F filler removed). */
export function parseQccid(line: string): ParseResult<string> {
  if (!line.startsWith('+QCCID:')) return bad('+QCCID', line, 'not a +QCCID line');
  return parseIccid(line);
}

export interface QcfgIms {
  /** 0: the carrier configuration (MBN) decides, 1: IMS enabled, 2: IMS disabled; null for other values. */
  config: 0 | 1 | 2 | null;
  /** VoLTE state: true ready, false not ready; null when the firmware does not report it. */
  volte: boolean | null;
}

/**
 * `+QCFG: "ims",<value>[,<VoLTE_state>]`. Older firmware answers without the second field; the VoLTE state
 * is then unknown (null), not false.
 */
export function parseQcfgIms(line: string): ParseResult<QcfgIms> {
  const p = infoParams(line, '+QCFG:');
  if (!p) return bad('+QCFG', line, 'not a +QCFG line');
  if (paramStr(p[0])?.toLowerCase() !== 'ims') return bad('+QCFG', line, 'not the "ims" setting');
  const value = paramInt(p[1]);
  if (value === undefined) return bad('+QCFG', line, 'needs a numeric <value>');
  const config = value === 0 || value === 1 || value === 2 ? value : null;
  const state = paramInt(p[2]);
  return ok({ config, volte: state === 1 ? true : state === 0 ? false : null });
}

export interface QnwInfo {
  /** Access technology text as reported: "FDD LTE", "WCDMA", "GSM", "No Service", ... */
  act: string;
  rat: Rat | null;
  /** Numeric operator (MCC+MNC). */
  plmn: string | null;
  band: string | null;
  channel: number | null;
}

/**
 * <Act> text of +QNWINFO (§6.9) → generation. The manual lists NONE/No Service, CDMA1X, CDMA1X AND HDR,
 * CDMA1X AND EHRPD, HDR, HDR-EHRPD, GSM, GPRS, EDGE, WCDMA, HSDPA, HSUPA, HSPA+, TDSCDMA, TDD LTE, FDD LTE.
 */
export function qnwinfoActToRat(act: string): Rat | null {
  const a = act.trim().toUpperCase();
  if (a === '' || a === 'NONE' || a === 'NO SERVICE') return null;
  if (a.startsWith('NR5G')) return '5G';
  if (a.includes('LTE')) return '4G';
  if (a === 'GSM' || a === 'GPRS' || a === 'EDGE' || a === 'CDMA1X') return '2G';
  if (/WCDMA|HSDPA|HSUPA|HSPA|TDSCDMA|TD-SCDMA|HDR|EHRPD|EVDO/.test(a)) return '3G';
  return null;
}

/** `+QNWINFO: <Act>,<oper>,<band>,<channel>` or `+QNWINFO: No Service` (§6.9). */
export function parseQnwinfo(line: string): ParseResult<QnwInfo> {
  const p = infoParams(line, '+QNWINFO:');
  if (!p) return bad('+QNWINFO', line, 'not a +QNWINFO line');
  const act = paramStr(p[0])?.trim();
  if (!act) return bad('+QNWINFO', line, 'no <Act>');
  const oper = paramStr(p[1]);
  return ok({
    act,
    rat: qnwinfoActToRat(act),
    plmn: oper && /^\d{5,6}$/.test(oper) ? oper : null,
    band: paramStr(p[2]) ?? null,
    channel: paramInt(p[3]) ?? null,
  });
}

export interface QspnInfo {
  fullName: string | null;
  shortName: string | null;
  spn: string | null;
  /** 0: GSM 7-bit default alphabet, 1: UCS2 (the names are then hex UCS2 and decoded here). */
  alphabet: number | null;
  /** Registered PLMN, MCC+MNC. */
  rplmn: string | null;
}

/** Hex UCS2 (big-endian, TS 27.007 §5.5 character set "UCS2") → text; undefined when not hex UCS2. */
export function decodeUcs2Hex(hex: string): string | undefined {
  if (!/^(?:[0-9A-Fa-f]{4})+$/.test(hex)) return undefined;
  let s = '';
  for (let i = 0; i < hex.length; i += 4) s += String.fromCharCode(parseInt(hex.slice(i, i + 4), 16));
  return s;
}

/** `+QSPN: <FNN>,<SNN>,<SPN>,<alphabet>,<RPLMN>` (§6.10). */
export function parseQspn(line: string): ParseResult<QspnInfo> {
  const p = infoParams(line, '+QSPN:');
  if (!p) return bad('+QSPN', line, 'not a +QSPN line');
  if (p.length < 2) return bad('+QSPN', line, 'needs at least <FNN>,<SNN>');
  const alphabet = paramInt(p[3]) ?? null;
  const name = (v: string | undefined) => {
    if (v === undefined || v === '') return null;
    return alphabet === 1 ? decodeUcs2Hex(v) ?? v : v;
  };
  const rplmn = paramStr(p[4]);
  return ok({
    fullName: name(paramStr(p[0])),
    shortName: name(paramStr(p[1])),
    spn: name(paramStr(p[2])),
    alphabet,
    rplmn: rplmn && /^\d{5,6}$/.test(rplmn) ? rplmn : null,
  });
}

export type QindEvent =
  | { kind: 'sms-done' }
  | { kind: 'pb-done' }
  | { kind: 'csq'; rssi: number; ber: number }
  | { kind: 'act'; act: string }
  | { kind: 'smsfull'; storage: string }
  | { kind: 'ccinfo'; report: ParseResult<CcinfoReport> }
  | { kind: 'other'; text: string };

/**
 * `+QIND: SMS DONE`, `+QIND: PB DONE` (start-up), `+QIND: "csq",<rssi>,<ber>`, `+QIND: "act",<actvalue>`,
 * `+QIND: "smsfull",<storage>`, `+QIND: "ccinfo",...` (AT+QINDCFG; see parseQindCcinfo). Anything else is
 * 'other' (e.g. `+QIND: "FOTA",...`).
 */
export function classifyQind(line: string): QindEvent {
  const text = line.startsWith('+QIND:') ? line.slice(6).trim() : line.trim();
  const up = text.toUpperCase();
  if (up === 'SMS DONE') return { kind: 'sms-done' };
  if (up === 'PB DONE') return { kind: 'pb-done' };
  const p = infoParams('+QIND:' + text, '+QIND:') ?? [];
  const type = paramStr(p[0])?.toLowerCase();
  if (type === 'csq') {
    const rssi = paramInt(p[1]);
    const ber = paramInt(p[2]);
    if (rssi !== undefined && ber !== undefined) return { kind: 'csq', rssi, ber };
  }
  const arg = paramStr(p[1]);
  if (type === 'act' && arg) return { kind: 'act', act: arg };
  if (type === 'smsfull' && arg) return { kind: 'smsfull', storage: arg };
  if (type === 'ccinfo') return { kind: 'ccinfo', report: parseQindCcinfo(line) };
  return { kind: 'other', text };
}

/** `+EGMR: "<imei>"` (reply of AT+EGMR=0,7) → the 15 digits. */
export function parseEgmrImei(line: string): ParseResult<string> {
  const p = infoParams(line, '+EGMR:');
  if (!p) return bad('+EGMR', line, 'not a +EGMR line');
  const s = paramStr(p[0]);
  return s !== undefined && /^\d{15}$/.test(s) ? ok(s) : bad('+EGMR', line, 'expected a 15-digit IMEI');
}


/** A call state change reported by `+QIND: "ccinfo"`: the call as +CLCC would list it, or its release. */
export type CcinfoReport = { kind: 'call'; call: CallInfo } | { kind: 'released'; index: number; direction: 'mo' | 'mt' };

/** <stat> values of +CLCC (TS 27.007 §7.18), in order. */
const CLCC_STATES: readonly CallInfo['state'][] = ['active', 'held', 'dialing', 'alerting', 'incoming', 'waiting'];

/**
 * `+QIND: "ccinfo",<id>,<dir>,<stat>,<mode>,<mpty>,<number>,<type>[,<alpha>]`, sent after
 * AT+QINDCFG="ccinfo",1 on every change of a call's state. The fields are those of +CLCC (TS 27.007 §7.18):
 * <stat> 0 active, 1 held, 2 dialling, 3 alerting, 4 incoming, 5 waiting. A released call is reported
 * with <stat> -1 (as EC2x firmware prints it); 6 and 7 (the "disconnected" values of ^DSCI-style reports)
 * are read as released too.
 */
export function parseQindCcinfo(line: string): ParseResult<CcinfoReport> {
  const p = infoParams(line.trim(), '+QIND:');
  if (!p || paramStr(p[0])?.toLowerCase() !== 'ccinfo') return bad('+QIND', line, 'not a "ccinfo" report');
  const [index, dir, stat, mode, mpty] = [1, 2, 3, 4, 5].map((k) => paramInt(p[k]));
  if (index === undefined || dir === undefined || stat === undefined || mode === undefined || mpty === undefined) {
    return bad('+QIND', line, 'needs numeric <id>,<dir>,<stat>,<mode>,<mpty>');
  }
  if (dir !== 0 && dir !== 1) return bad('+QIND', line, `<dir> ${dir} is neither 0 (MO) nor 1 (MT)`);
  const direction = dir === 0 ? 'mo' : 'mt';
  if (stat === -1 || stat === 6 || stat === 7) return ok({ kind: 'released', index, direction });
  const state = CLCC_STATES[stat];
  if (!state) return bad('+QIND', line, `unknown call <stat> ${stat}`);
  const number = paramStr(p[6]);
  return ok({
    kind: 'call',
    call: {
      index,
      direction,
      state,
      mode: mode === 0 ? 'voice' : mode === 1 ? 'data' : mode === 2 ? 'fax' : 'other',
      multiparty: mpty === 1,
      number: number === undefined || number === '' ? null : number,
      type: paramInt(p[7]) ?? null,
    },
  });
}
