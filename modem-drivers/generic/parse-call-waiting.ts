/**
 * Pure parsers of call waiting and call hold replies: the +CCWA URC of a waiting call and the status
 * lines of AT+CCWA=<n>,2 (TS 27.007 §7.12), and the AT+CHLD=? list (§7.13). No I/O, never throw.
 */
import { bad, infoParams, ok, paramInt, paramStr, type ParseResult } from './parse-params.js';

/** A call waiting while another is up: `+CCWA: <number>,<type>,<class>[,<alpha>][,<CLI validity>...]`. */
export interface WaitingCallInfo {
  /** Empty when the number is withheld or unavailable (see `validity`). */
  number: string;
  numberType: number | null;
  /** <class>: 1 voice, 2 data, 4 fax... (a sum of TS 27.007 §7.11 class bits). */
  cls: number;
  /** <CLI validity>: 0 valid, 1 withheld, 2 not available; null when absent. */
  validity: number | null;
}

/** The +CCWA URC (§7.12); its first parameter is a quoted number, which tells it from a status line. */
export function parseCcwaUrc(line: string): ParseResult<WaitingCallInfo> {
  const p = infoParams(line, '+CCWA:');
  if (!p) return bad('+CCWA', line, 'not a +CCWA line');
  if (typeof p[0] !== 'string') return bad('+CCWA', line, 'no quoted <number> (a status line, not a waiting call)');
  const cls = paramInt(p[2]);
  if (cls === undefined) return bad('+CCWA', line, 'needs a numeric <class>');
  return ok({ number: paramStr(p[0]) ?? '', numberType: paramInt(p[1]) ?? null, cls, validity: paramInt(p[4]) ?? null });
}

/** Whether a line is the +CCWA URC of a waiting call rather than a `+CCWA: <status>,<class>` reply. */
export function isCcwaUrc(line: string): boolean {
  return /^\+CCWA:\s*"/.test(line.trim());
}

/** `+CCWA: <status>,<class>` of AT+CCWA=1,2 (§7.12): whether waiting is active for the class. */
export function parseCcwaStatus(line: string): ParseResult<{ active: boolean; cls: number }> {
  const p = infoParams(line, '+CCWA:');
  if (!p) return bad('+CCWA', line, 'not a +CCWA line');
  // A quoted first parameter is a waiting call's number: the URC, not a status line.
  const status = typeof p[0] === 'number' ? p[0] : undefined;
  const cls = paramInt(p[1]);
  if (status === undefined || (status !== 0 && status !== 1) || cls === undefined) return bad('+CCWA', line, 'needs <status> 0 or 1 and a numeric <class>');
  return ok({ active: status === 1, cls });
}

/**
 * `+CHLD: (0,1,1x,2,2x,3,4)` of AT+CHLD=? (§7.13): the <n> values the modem takes. Ranges such as
 * `(0-4)` are expanded; `1x` / `2x` stay as written.
 */
export function parseChldSupport(line: string): ParseResult<string[]> {
  const m = /^\+CHLD:\s*\(([^)]*)\)\s*$/.exec(line.trim());
  if (!m) return bad('+CHLD', line, 'expected "+CHLD: (<list>)"');
  const out: string[] = [];
  for (const raw of m[1]!.split(',')) {
    const item = raw.trim();
    if (item === '') continue;
    const range = /^(\d)-(\d)$/.exec(item);
    if (range) {
      for (let v = Number(range[1]); v <= Number(range[2]); v++) out.push(String(v));
    } else if (/^[0-9]x?$/i.test(item)) out.push(item.toLowerCase());
    else return bad('+CHLD', line, `unknown <n> "${item}"`);
  }
  return ok(out);
}
