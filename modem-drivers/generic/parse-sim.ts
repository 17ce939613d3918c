/** Pure parsers of SIM and identity replies (TS 27.007 §5, §7.1, §8.3, §8.18; TS 27.005 §3.3.1 +CSCA). */
import type { SimState } from '../types.js';
import { bad, infoParams, ok, paramInt, paramStr, type ParseResult } from './parse-params.js';
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
