/**
 * Pure parsers for the information lines of 3GPP TS 27.007 and TS 27.005 (PDU mode). No I/O, never throw:
 * every parser returns `{ ok: true, value }` or `{ ok: false, error }` with a message that names the line.
 */
import type { CallInfo, Rat, RegStatus, Registration, Signal, SimState, StoredSms } from '../types.js';

export { cmeErrorText, cmsErrorText, describeFinal } from './error-codes.js';

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = (what: string, line: string, why: string): ParseResult<never> => ({
  ok: false,
  error: `${what}: ${why} in ${JSON.stringify(line.length > 200 ? line.slice(0, 200) + '...' : line)}`,
});

/** The value of a successful parse, else undefined (for `firstOf` steps). */
export function valueOf<T>(r: ParseResult<T>): T | undefined {
  return r.ok ? r.value : undefined;
}

// ---------------------------------------------------------------------------------------------------------
// Parameter tokenizer

/**
 * One parameter of an information line: an unquoted decimal integer is a number, an omitted parameter is
 * null, everything else (quoted strings, bare words such as `READY`, ranges such as `(0-2)`) is a string.
 */
export type AtParam = number | string | null;

/**
 * Splits the parameters of an information line (the text after `+XXX: `) at the commas that separate them.
 *
 * - Quoted strings (ITU-T V.250 §5.4.2.2) may hold commas; `\HH` (two hex digits) and `\"` are unescaped.
 *   A `"` inside a string that is not followed by a comma or the end of the line is kept as text: some
 *   modems pass operator text with raw quotes (`"Say "hi""`) rather than `\22`.
 * - `(...)` groups (test command ranges) are kept whole as strings.
 * - An unquoted decimal integer becomes a number unless it has a leading zero (`0123` stays a string,
 *   since such fields are codes whose digits matter, e.g. an unquoted LAC).
 */
export function tokenize(params: string): AtParam[] {
  const out: AtParam[] = [];
  const s = params;
  let i = 0;
  if (s.trim() === '') return out;
  for (;;) {
    while (i < s.length && s[i] === ' ') i++;
    if (s[i] === '"') {
      i++;
      let v = '';
      for (;;) {
        if (i >= s.length) break; // unterminated: take the rest
        const c = s[i]!;
        if (c === '\\') {
          const hex = s.slice(i + 1, i + 3);
          if (/^[0-9A-Fa-f]{2}$/.test(hex)) {
            v += String.fromCharCode(parseInt(hex, 16));
            i += 3;
            continue;
          }
          if (s[i + 1] === '"' || s[i + 1] === '\\') {
            v += s[i + 1];
            i += 2;
            continue;
          }
          v += c;
          i++;
          continue;
        }
        if (c === '"') {
          let j = i + 1;
          while (j < s.length && s[j] === ' ') j++;
          if (j >= s.length || s[j] === ',') {
            i = j;
            break;
          }
          v += c;
          i++;
          continue;
        }
        v += c;
        i++;
      }
      out.push(v);
    } else if (s[i] === '(') {
      let depth = 0;
      const start = i;
      while (i < s.length) {
        if (s[i] === '(') depth++;
        else if (s[i] === ')' && --depth === 0) {
          i++;
          break;
        }
        i++;
      }
      out.push(s.slice(start, i));
      while (i < s.length && s[i] !== ',') i++;
    } else {
      const start = i;
      while (i < s.length && s[i] !== ',') i++;
      const raw = s.slice(start, i).trim();
      if (raw === '') out.push(null);
      else if (/^-?(0|[1-9]\d{0,14})$/.test(raw)) out.push(Number(raw));
      else out.push(raw);
    }
    if (i >= s.length) break;
    // s[i] === ','
    i++;
    if (i >= s.length) {
      out.push(null);
      break;
    }
  }
  return out;
}

/** Parameters of `line` when it starts with `prefix` (e.g. `+CSQ:`), else undefined. */
export function infoParams(line: string, prefix: string): AtParam[] | undefined {
  if (!line.startsWith(prefix)) return undefined;
  return tokenize(line.slice(prefix.length));
}

/** A parameter as an integer: numbers, and strings holding a decimal integer. */
export function paramInt(p: AtParam | undefined): number | undefined {
  if (typeof p === 'number') return Number.isInteger(p) ? p : undefined;
  if (typeof p === 'string' && /^-?\d{1,15}$/.test(p.trim())) return Number(p.trim());
  return undefined;
}

/** A parameter as text (numbers in decimal); null/absent is undefined. */
export function paramStr(p: AtParam | undefined): string | undefined {
  if (p === null || p === undefined) return undefined;
  return typeof p === 'number' ? String(p) : p;
}

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

// ---------------------------------------------------------------------------------------------------------
// Calls

const CALL_STATES: readonly CallInfo['state'][] = ['active', 'held', 'dialing', 'alerting', 'incoming', 'waiting'];

/**
 * One `+CLCC: <ccid>,<dir>,<stat>,<mode>,<mpty>[,<number>,<type>[,<alpha>[,<priority>[,<CLI validity>]]]]`
 * row (TS 27.007 §7.18). <mode> 0 voice, 1 data, 2 fax; the voice-then-data modes 3..9 read as 'other'.
 */
export function parseClcc(line: string): ParseResult<CallInfo> {
  const p = infoParams(line, '+CLCC:');
  if (!p) return bad('+CLCC', line, 'not a +CLCC line');
  const [index, dir, stat, mode, mpty] = [0, 1, 2, 3, 4].map((k) => paramInt(p[k]));
  if (index === undefined || dir === undefined || stat === undefined || mode === undefined || mpty === undefined) {
    return bad('+CLCC', line, 'needs numeric <ccid>,<dir>,<stat>,<mode>,<mpty>');
  }
  if (dir !== 0 && dir !== 1) return bad('+CLCC', line, `<dir> ${dir} is neither 0 (MO) nor 1 (MT)`);
  const state = CALL_STATES[stat];
  if (!state) return bad('+CLCC', line, `unknown call <stat> ${stat}`);
  const number = paramStr(p[5]);
  return ok({
    index,
    direction: dir === 0 ? 'mo' : 'mt',
    state,
    mode: mode === 0 ? 'voice' : mode === 1 ? 'data' : mode === 2 ? 'fax' : 'other',
    multiparty: mpty === 1,
    number: number === undefined || number === '' ? null : number,
    type: paramInt(p[6]) ?? null,
  });
}

export interface ClipInfo {
  /** Empty when the number is withheld or unavailable (see `validity`). */
  number: string;
  numberType: number | null;
  /** <CLI validity>: 0 valid, 1 withheld by the originator, 2 not available (interworking); null if absent. */
  validity: number | null;
}

/** `+CLIP: <number>,<type>[,<subaddr>,<satype>[,[<alpha>][,<CLI validity>]]]` (TS 27.007 §7.6). */
export function parseClip(line: string): ParseResult<ClipInfo> {
  const p = infoParams(line, '+CLIP:');
  if (!p) return bad('+CLIP', line, 'not a +CLIP line');
  if (p.length === 0) return bad('+CLIP', line, 'no <number>');
  return ok({ number: paramStr(p[0]) ?? '', numberType: paramInt(p[1]) ?? null, validity: paramInt(p[5]) ?? null });
}

/**
 * `+CEER: <report>` (TS 27.007 §6.10): free text chosen by the manufacturer. Returns the text without the
 * prefix (one surrounding pair of quotes removed); null when the report is empty.
 */
export function parseCeer(line: string): ParseResult<string | null> {
  if (!line.startsWith('+CEER:')) return bad('+CEER', line, 'not a +CEER line');
  let s = line.slice(6).trim();
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"') && s.indexOf('"', 1) === s.length - 1) s = s.slice(1, -1).trim();
  return ok(s === '' ? null : s);
}

// ---------------------------------------------------------------------------------------------------------
// USSD

export interface UssdReply {
  /** <m>: 0 no further action, 1 further action required, 2 terminated by network, 3 other client, 4 not supported, 5 timeout. */
  m: number;
  str: string | null;
  dcs: number | null;
}

/**
 * `+CUSD: <m>[,<str>,<dcs>]` (TS 27.007 §7.15). The string is taken from the first quote to the last quote
 * before the trailing `,<dcs>`, so commas and unescaped quotes inside it survive; `\HH` escapes
 * (V.250 §5.4.2.2) are decoded. Interpreting <str> by <dcs> and +CSCS is the caller's job.
 */
export function parseCusd(line: string): ParseResult<UssdReply> {
  if (!line.startsWith('+CUSD:')) return bad('+CUSD', line, 'not a +CUSD line');
  const rest = line.slice(6).trim();
  // `s` flag: a multi-line <str> joined by the driver holds line breaks.
  const m = /^(\d+)\s*(?:,(.*))?$/s.exec(rest);
  if (!m) return bad('+CUSD', line, 'no numeric <m>');
  const mode = Number(m[1]);
  const tail = m[2]?.trim();
  if (tail === undefined || tail === '') return ok({ m: mode, str: null, dcs: null });
  if (tail.startsWith('"')) {
    const q = /^"(.*)"\s*(?:,\s*(\d*)\s*)?$/s.exec(tail);
    if (q) return ok({ m: mode, str: unescapeHex(q[1]!), dcs: q[2] ? Number(q[2]) : null });
    // unterminated quote: keep what is there
    return ok({ m: mode, str: unescapeHex(tail.slice(1)), dcs: null });
  }
  // unquoted <str> (some firmware sends hex without quotes)
  const u = /^(.*?)\s*(?:,\s*(\d+))?$/s.exec(tail)!;
  return ok({ m: mode, str: u[1] === '' ? null : u[1]!, dcs: u[2] ? Number(u[2]) : null });
}

/**
 * Multi-line USSD text: TS 27.007 §7.15 puts <str> in one quoted string, but the network's text often
 * holds line breaks ("1. Balance\n2. Data"), which modems send as they are, so the line framer cuts one
 * +CUSD into several lines. True when this +CUSD line opens a quoted <str> that it does not close, i.e.
 * more lines of the same string follow.
 */
export function cusdIsOpen(line: string): boolean {
  if (!line.startsWith('+CUSD:')) return false;
  const m = /^\s*\d+\s*,\s*"(.*)$/s.exec(line.slice(6));
  return m !== null && !cusdCloses(m[1]!);
}

/** True when a continuation line of an open +CUSD <str> ends it: a closing quote, then nothing or `,<dcs>`. */
export function cusdCloses(continuation: string): boolean {
  return /"\s*(?:,\s*\d*\s*)?$/.test(continuation);
}

function unescapeHex(s: string): string {
  return s.replace(/\\([0-9A-Fa-f]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)));
}

// ---------------------------------------------------------------------------------------------------------
// SIM

const CPIN_CODES: readonly SimState[] = ['READY', 'SIM PIN', 'SIM PUK', 'SIM PIN2', 'SIM PUK2', 'PH-SIM PIN'];

/**
 * `+CPIN: <code>` (TS 27.007 §8.3). Codes outside SimState (PH-NET PIN and other personalisation locks,
 * vendor words such as NOT READY) read as 'UNKNOWN'; `NOT INSERTED` (sent as a URC by several modems)
 * is kept.
 */
export function parseCpin(line: string): ParseResult<SimState> {
  if (!line.startsWith('+CPIN:')) return bad('+CPIN', line, 'not a +CPIN line');
  const code = line.slice(6).trim().replace(/^"(.*)"$/, '$1').toUpperCase();
  if (code === '') return bad('+CPIN', line, 'no <code>');
  if ((CPIN_CODES as readonly string[]).includes(code)) return ok(code as SimState);
  if (code === 'NOT INSERTED') return ok('NOT INSERTED');
  return ok('UNKNOWN');
}

/** SIM state implied by a +CME ERROR code of AT+CPIN? (TS 27.007 §9.2.1), undefined when it says nothing. */
export function simStateOfCme(code: number): SimState | undefined {
  switch (code) {
    case 10:
      return 'NOT INSERTED';
    case 11:
      return 'SIM PIN';
    case 12:
      return 'SIM PUK';
    case 13:
    case 15:
      return 'FAILURE';
    case 14:
      return 'BUSY';
    case 17:
      return 'SIM PIN2';
    case 18:
      return 'SIM PUK2';
    case 5:
      return 'PH-SIM PIN';
    default:
      return undefined;
  }
}

/** Same for the verbose error texts (AT+CMEE=2) some modems use regardless of the setting. */
export function simStateOfCmeText(text: string): SimState | undefined {
  const t = text.trim().toLowerCase();
  if (t.includes('not inserted')) return 'NOT INSERTED';
  if (t.includes('puk2')) return 'SIM PUK2';
  if (t.includes('pin2')) return 'SIM PIN2';
  if (t.includes('ph-sim pin')) return 'PH-SIM PIN';
  if (t.includes('puk required')) return 'SIM PUK';
  if (t.includes('pin required')) return 'SIM PIN';
  if (t.includes('busy')) return 'BUSY';
  if (t.includes('failure') || t.includes('wrong')) return 'FAILURE';
  return undefined;
}

/**
 * ICCID from a reply line of AT+CCID / AT+ICCID / vendor variants: an optional `+XXX:` prefix, optional
 * quotes, then 18..22 characters starting with the ITU-T E.118 industry identifier 89. Letters are kept
 * (some Chinese operators issue ICCIDs with letters); a trailing F filler is removed.
 */
export function parseIccid(line: string): ParseResult<string> {
  const s = line
    .replace(/^[+^$%][A-Z]+:\s*/i, '')
    .trim()
    .replace(/^"(.*)"$/, '$1')
    .toUpperCase();
  if (!/^89[0-9A-Z]{16,20}$/.test(s)) return bad('ICCID', line, 'no ICCID (18-22 characters starting with 89)');
  return ok(s.replace(/F+$/, ''));
}

/** `+CRSM: <sw1>,<sw2>[,<response>]` (TS 27.007 §8.18). */
export function parseCrsm(line: string): ParseResult<{ sw1: number; sw2: number; response: string }> {
  const p = infoParams(line, '+CRSM:');
  if (!p) return bad('+CRSM', line, 'not a +CRSM line');
  const sw1 = paramInt(p[0]);
  const sw2 = paramInt(p[1]);
  if (sw1 === undefined || sw2 === undefined) return bad('+CRSM', line, 'needs numeric <sw1>,<sw2>');
  return ok({ sw1, sw2, response: (paramStr(p[2]) ?? '').toUpperCase() });
}

/**
 * ICCID from the EF_ICCID (file id 2FE2 = 12258) contents read with AT+CRSM=176,12258,0,0,10: ten bytes of
 * BCD with swapped nibbles (TS 31.102 §4.1.1 / TS 51.011 §10.1.1), `F` filler removed.
 */
export function iccidFromEf(hex: string): ParseResult<string> {
  if (!/^([0-9A-Fa-f]{2}){9,11}$/.test(hex)) return bad('EF_ICCID', hex, 'expected 9-11 bytes of hex');
  let s = '';
  for (let i = 0; i < hex.length; i += 2) s += hex[i + 1]! + hex[i]!;
  return parseIccid(s.toUpperCase());
}

/** IMSI line of AT+CIMI (TS 27.007 §5.6): 6..15 digits. */
export function parseImsi(line: string): ParseResult<string> {
  const s = line.replace(/^\+CIMI:\s*/, '').trim().replace(/^"(.*)"$/, '$1');
  return /^\d{6,15}$/.test(s) ? ok(s) : bad('IMSI', line, 'expected 6-15 digits');
}

/** IMEI line of AT+CGSN (TS 27.007 §5.4; `+CGSN: "<imei>"` from AT+CGSN=1): 15 digits. */
export function parseImei(line: string): ParseResult<string> {
  const s = line.replace(/^\+CGSN:\s*/, '').trim().replace(/^"(.*)"$/, '$1');
  return /^\d{15}$/.test(s) ? ok(s) : bad('IMEI', line, 'expected 15 digits');
}

/**
 * Reply text of AT+CGMI / AT+CGMM / AT+CGMR (TS 27.007 §5.1-5.3): the first non-empty line, without a
 * `+CGMx:` prefix or surrounding quotes that some firmware adds.
 */
export function parseIdentityText(lines: readonly string[], prefix: string): ParseResult<string> {
  for (const l of lines) {
    let s = l.trim();
    if (s.startsWith(prefix)) s = s.slice(prefix.length).trim();
    s = s.replace(/^"(.*)"$/, '$1').trim();
    if (s !== '') return ok(s);
  }
  return bad(prefix.replace(/:$/, ''), lines.join(' | '), 'empty reply');
}

/** International numbers (type of address 145, TS 24.008 §10.5.4.7) get a leading `+`. */
export function numberWithType(number: string, type: number | null): string {
  return type === 145 && number !== '' && !number.startsWith('+') ? `+${number}` : number;
}

/** `+CNUM: [<alpha>],<number>,<type>[,<speed>,<service>[,<itc>]]` (TS 27.007 §7.1). */
export function parseCnum(line: string): ParseResult<{ alpha: string | null; number: string; type: number | null }> {
  const p = infoParams(line, '+CNUM:');
  if (!p) return bad('+CNUM', line, 'not a +CNUM line');
  const number = paramStr(p[1]);
  if (number === undefined) return bad('+CNUM', line, 'no <number>');
  const type = paramInt(p[2]) ?? null;
  return ok({ alpha: paramStr(p[0]) || null, number: numberWithType(number, type), type });
}

/** `+CSCA: <sca>,<tosca>` (TS 27.005 §3.3.1); address null when empty. */
export function parseCsca(line: string): ParseResult<{ address: string | null; type: number | null }> {
  const p = infoParams(line, '+CSCA:');
  if (!p) return bad('+CSCA', line, 'not a +CSCA line');
  const sca = paramStr(p[0]) ?? '';
  const type = paramInt(p[1]) ?? null;
  return ok({ address: sca === '' ? null : numberWithType(sca, type), type });
}

// ---------------------------------------------------------------------------------------------------------
// SMS (TS 27.005, PDU mode)

/** `+CMTI: <mem>,<index>` and `+CDSI: <mem>,<index>` (TS 27.005 §3.4.1). */
export function parseMemIndex(line: string, prefix: '+CMTI:' | '+CDSI:' | string): ParseResult<{ mem: string; index: number }> {
  const p = infoParams(line, prefix);
  if (!p) return bad(prefix, line, `not a ${prefix} line`);
  const mem = paramStr(p[0]);
  const index = paramInt(p[1]);
  if (!mem || index === undefined || index < 0) return bad(prefix, line, 'needs <mem>,<index>');
  return ok({ mem, index });
}

/** `+CMT: [<alpha>],<length>` header of a directly routed SMS-DELIVER (TS 27.005 §3.4.1, PDU mode). */
export function parseCmtHeader(line: string): ParseResult<{ alpha: string | null; length: number }> {
  const p = infoParams(line, '+CMT:');
  if (!p) return bad('+CMT', line, 'not a +CMT line');
  const length = paramInt(p.length >= 2 ? p[1] : p[0]);
  if (length === undefined || length <= 0) return bad('+CMT', line, 'no TPDU <length>');
  return ok({ alpha: p.length >= 2 ? paramStr(p[0]) || null : null, length });
}

/** `+CDS: <length>` header of a directly routed SMS-STATUS-REPORT (TS 27.005 §3.4.1, PDU mode). */
export function parseCdsHeader(line: string): ParseResult<{ length: number }> {
  const p = infoParams(line, '+CDS:');
  if (!p) return bad('+CDS', line, 'not a +CDS line');
  const length = paramInt(p[0]);
  if (length === undefined || length <= 0 || p.length !== 1) return bad('+CDS', line, 'expected PDU-mode `+CDS: <length>`');
  return ok({ length });
}

/** `+CMGR: <stat>,[<alpha>],<length>` (TS 27.005 §3.4.3, PDU mode). */
export function parseCmgrHeader(line: string): ParseResult<{ stat: number; alpha: string | null; length: number }> {
  const p = infoParams(line, '+CMGR:');
  if (!p) return bad('+CMGR', line, 'not a +CMGR line');
  const stat = paramInt(p[0]);
  const length = paramInt(p[2]);
  if (stat === undefined || length === undefined) return bad('+CMGR', line, 'expected PDU-mode `<stat>,[<alpha>],<length>`');
  return ok({ stat, alpha: paramStr(p[1]) || null, length });
}

/** `+CMGL: <index>,<stat>,[<alpha>],<length>` (TS 27.005 §3.4.2, PDU mode). */
export function parseCmglHeader(line: string): ParseResult<{ index: number; stat: number; alpha: string | null; length: number }> {
  const p = infoParams(line, '+CMGL:');
  if (!p) return bad('+CMGL', line, 'not a +CMGL line');
  const index = paramInt(p[0]);
  const stat = paramInt(p[1]);
  const length = paramInt(p[3]);
  if (index === undefined || stat === undefined || length === undefined) {
    return bad('+CMGL', line, 'expected PDU-mode `<index>,<stat>,[<alpha>],<length>`');
  }
  return ok({ index, stat, alpha: paramStr(p[2]) || null, length });
}

/** A PDU body line: hex octets, at least the <length> TPDU octets announced by its header. */
export function checkPdu(pdu: string | undefined, length: number): ParseResult<string> {
  if (pdu === undefined) return { ok: false, error: `PDU body missing (header announced ${length} TPDU octets)` };
  const s = pdu.trim();
  if (!/^([0-9A-Fa-f]{2})+$/.test(s)) return bad('PDU', pdu, 'not hex octets');
  if (s.length / 2 < length) return bad('PDU', pdu, `shorter than the ${length} TPDU octets announced`);
  return ok(s.toUpperCase());
}

/** The reply lines of AT+CMGR=<index>: header then PDU. */
export function parseCmgr(lines: readonly string[], index: number): ParseResult<StoredSms> {
  const i = lines.findIndex((l) => l.startsWith('+CMGR:'));
  if (i < 0) return { ok: false, error: `+CMGR: no header in reply (${lines.length} lines)` };
  const h = parseCmgrHeader(lines[i]!);
  if (!h.ok) return h;
  const pdu = checkPdu(lines[i + 1], h.value.length);
  if (!pdu.ok) return pdu;
  return ok({ index, stat: h.value.stat, pdu: pdu.value });
}

/**
 * The reply lines of AT+CMGL: header/PDU pairs. Entries with a broken header or PDU are left out and
 * reported in `errors`, so one damaged slot does not hide the others.
 */
export function parseCmgl(lines: readonly string[]): { messages: StoredSms[]; errors: string[] } {
  const messages: StoredSms[] = [];
  const errors: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    if (!line.startsWith('+CMGL:')) {
      errors.push(`+CMGL: unexpected line ${JSON.stringify(line)}`);
      continue;
    }
    const h = parseCmglHeader(line);
    const body = lines[i + 1];
    const hasBody = body !== undefined && !body.startsWith('+CMGL:');
    if (hasBody) i++;
    if (!h.ok) {
      errors.push(h.error);
      continue;
    }
    const pdu = checkPdu(hasBody ? body : undefined, h.value.length);
    if (!pdu.ok) {
      errors.push(`+CMGL index ${h.value.index}: ${pdu.error}`);
      continue;
    }
    messages.push({ index: h.value.index, stat: h.value.stat, pdu: pdu.value });
  }
  return { messages, errors };
}

/** `+CMGS: <mr>[,<ackpdu>]` (TS 27.005 §3.5.1): the TP-Message-Reference 0..255. */
export function parseCmgs(line: string): ParseResult<number> {
  const p = infoParams(line, '+CMGS:');
  if (!p) return bad('+CMGS', line, 'not a +CMGS line');
  const mr = paramInt(p[0]);
  if (mr === undefined || mr < 0 || mr > 255) return bad('+CMGS', line, 'no <mr> in 0..255');
  return ok(mr);
}

export interface CpmsMemory {
  mem: string | null;
  used: number;
  total: number;
}

/**
 * +CPMS (TS 27.005 §3.2.2): the read form `+CPMS: <mem1>,<used1>,<total1>,<mem2>,...` or the set form
 * `+CPMS: <used1>,<total1>,<used2>,<total2>,<used3>,<total3>` (mem null).
 */
export function parseCpms(line: string): ParseResult<CpmsMemory[]> {
  const p = infoParams(line, '+CPMS:');
  if (!p) return bad('+CPMS', line, 'not a +CPMS line');
  const out: CpmsMemory[] = [];
  const named = typeof p[0] === 'string';
  const step = named ? 3 : 2;
  for (let i = 0; i + step <= p.length; i += step) {
    const used = paramInt(p[i + step - 2]);
    const total = paramInt(p[i + step - 1]);
    if (used === undefined || total === undefined) return bad('+CPMS', line, 'non-numeric <used>/<total>');
    out.push({ mem: named ? paramStr(p[i]) ?? null : null, used, total });
  }
  if (out.length === 0 || p.length % step !== 0) return bad('+CPMS', line, 'incomplete memory triples/pairs');
  return ok(out);
}

/**
 * `+CPMS: (<mem1>s),(<mem2>s),(<mem3>s)`, the test form of +CPMS (TS 27.005 §3.2.2): the memories each
 * parameter accepts, upper-cased, e.g. `[["SM","ME","MT","SR"],["SM","ME","MT"],["SM","ME","MT"]]`.
 */
export function parseCpmsTest(line: string): ParseResult<string[][]> {
  const p = infoParams(line, '+CPMS:');
  if (!p) return bad('+CPMS', line, 'not a +CPMS line');
  const out: string[][] = [];
  for (const g of p) {
    if (typeof g !== 'string' || !/^\(.*\)$/.test(g)) return bad('+CPMS', line, 'expected parenthesised lists of memories');
    const mems = g
      .slice(1, -1)
      .split(',')
      .map((m) => m.trim().replace(/^"(.*)"$/, '$1').toUpperCase())
      .filter((m) => m !== '');
    if (!mems.every((m) => /^[A-Z]{2}$/.test(m))) return bad('+CPMS', line, 'a memory name is not two letters');
    out.push(mems);
  }
  if (out.length === 0 || out[0]!.length === 0) return bad('+CPMS', line, 'no <mem1> list');
  return ok(out);
}
