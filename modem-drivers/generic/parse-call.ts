/** Pure parsers of call replies and URCs (TS 27.007 §7.18 +CLCC, §7.6 +CLIP, §6.10 +CEER). */
import type { CallInfo } from '../types.js';
import { bad, infoParams, ok, paramInt, paramStr, type ParseResult } from './parse-params.js';
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
