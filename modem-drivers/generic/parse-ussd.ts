/** Pure parsers of +CUSD (TS 27.007 §7.15), including <str> spread over several lines. */
import { bad, ok, type ParseResult } from './parse-params.js';
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
