/**
 * Line prefix matching (manual §4.3 "线路前缀匹配", §4.3 "按线路配置" and Appendix D "线路绑定坐席"):
 * choosing the line for an outgoing call or SMS from the first characters of the caller/sender number
 * ("主叫号匹配", mode 'caller') or of the callee/recipient number ("被叫号匹配", mode 'callee').
 *
 * Each line has a prefix list written `前缀1,前缀2,…`, e.g. `00,13,15,17,2`; a prefix may hold digits,
 * letters and symbols, and the list is at most 140 characters (§4.3). In callee mode the option
 * "拨号时自动去除前缀" removes the matched prefix from the number that is dialled (Appendix D, plan 2:
 * extension 101 dials `001<number>` to leave on line 1, and line 1 dials `<number>`).
 *
 * Decisions (the manual does not say):
 * - Every line's prefixes are compared with the number; the longest matching prefix wins. Several lines
 *   can share that longest prefix: routeByPrefix returns all of them (ascending line ids) so that the
 *   caller can pick one by SIM policy or round robin; matchLinePrefix, which returns one line, breaks
 *   the tie with the lowest line id.
 * - Matching is case-sensitive and character by character (prefixes may be letters, e.g. SIP user names).
 * - No prefix routing configured (an empty table, or no line has any prefix): routeByPrefix returns
 *   `{ lines: 'any', callee }` with the callee untouched; every line is a candidate.
 * - Prefix routing configured but nothing matches: routeByPrefix returns null. A call is then refused
 *   (§4.3 "按线路配置": the gateway answers 603); an SMS is refused too. A line without any prefix while
 *   other lines have some is never chosen by prefix.
 * - `strip` only applies in callee mode (§4.3 offers it only with "被叫号匹配"); in caller mode the
 *   callee is returned unchanged. Stripping can leave an empty number; the caller must refuse it.
 * - parsePrefixList: items are separated by `,` (the full-width `，` of Chinese input methods is also
 *   accepted); blanks around items are ignored; an empty item or a blank inside an item is an error;
 *   repeated prefixes are kept once, in first-seen order.
 *
 * Pure: no I/O; bad input returns errors or null and never throws.
 */

/** §4.3: "不能超过 140 个字符". */
export const MAX_PREFIX_LIST_LENGTH = 140;

export interface LinePrefixes {
  line: number;
  prefixes: string[];
}

export type PrefixListParseResult =
  | { ok: true; prefixes: string[] }
  | { ok: false; error: string; /** 1-based column in the text */ column?: number };

export interface PrefixMatch {
  line: number;
  prefix: string;
}

export type PrefixRoute =
  /** No prefix routing is configured: any line may carry it. */
  | { lines: 'any'; callee: string }
  /** The lines whose prefix matched with the longest length (ascending), and the callee to dial. */
  | { lines: number[]; callee: string; prefix: string };

export interface RouteByPrefixOptions {
  mode: 'caller' | 'callee';
  /** "拨号时自动去除前缀": callee mode only. */
  strip: boolean;
  table: readonly LinePrefixes[];
  caller: string;
  callee: string;
}

const isBlank = (ch: string): boolean => /\s/u.test(ch);

/** Parses a §4.3 prefix list such as `00,13,15,17,2`. Never throws. */
export function parsePrefixList(text: string, opts: { maxLength?: number } = {}): PrefixListParseResult {
  if (typeof text !== 'string') return { ok: false, error: 'the prefix list must be a text' };
  const maxLength = opts.maxLength ?? MAX_PREFIX_LIST_LENGTH;
  if (text.length > maxLength) {
    return { ok: false, error: `the prefix list is ${text.length} characters long; at most ${maxLength} are allowed` };
  }
  if (text.trim() === '') return { ok: true, prefixes: [] };
  const prefixes: string[] = [];
  const seen = new Set<string>();
  let start = 0;
  let n = 0;
  for (const item of text.split(/[,，]/u)) {
    n++;
    let lead = 0;
    while (lead < item.length && isBlank(item[lead]!)) lead++;
    let tail = item.length;
    while (tail > lead && isBlank(item[tail - 1]!)) tail--;
    const prefix = item.slice(lead, tail);
    if (prefix === '') {
      return { ok: false, error: `prefix ${n} is empty (column ${start + lead + 1})`, column: start + lead + 1 };
    }
    for (let i = 0; i < prefix.length; i++) {
      if (isBlank(prefix[i]!)) {
        const column = start + lead + i + 1;
        return { ok: false, error: `prefix ${n} (${JSON.stringify(prefix)}) contains a blank (column ${column})`, column };
      }
    }
    if (!seen.has(prefix)) {
      seen.add(prefix);
      prefixes.push(prefix);
    }
    start += item.length + 1;
  }
  return { ok: true, prefixes };
}

/** Canonical text of a prefix list: `00,13,15`. */
export function formatPrefixList(prefixes: readonly string[]): string {
  return Array.isArray(prefixes) ? prefixes.join(',') : '';
}

function validEntry(e: unknown): e is LinePrefixes {
  return (
    typeof e === 'object' &&
    e !== null &&
    typeof (e as LinePrefixes).line === 'number' &&
    Number.isFinite((e as LinePrefixes).line) &&
    Array.isArray((e as LinePrefixes).prefixes)
  );
}

/** All lines sharing the longest prefix that starts `number`, with that prefix; null when none. */
function longestMatches(table: readonly LinePrefixes[], number: string): { lines: number[]; prefix: string } | null {
  let best: string | null = null;
  let lines: number[] = [];
  for (const entry of table) {
    if (!validEntry(entry)) continue;
    let lineBest: string | null = null;
    for (const p of entry.prefixes) {
      if (typeof p !== 'string' || !number.startsWith(p)) continue;
      if (lineBest === null || p.length > lineBest.length) lineBest = p;
    }
    if (lineBest === null) continue;
    if (best === null || lineBest.length > best.length) {
      best = lineBest;
      lines = [entry.line];
    } else if (lineBest.length === best.length) {
      if (!lines.includes(entry.line)) lines.push(entry.line);
    }
  }
  if (best === null) return null;
  return { lines: lines.sort((a, b) => a - b), prefix: best };
}

/** The line whose prefix is the longest one starting `number` (ties: lowest line id); null when none. */
export function matchLinePrefix(table: readonly LinePrefixes[], number: string): PrefixMatch | null {
  if (!Array.isArray(table) || typeof number !== 'string') return null;
  const m = longestMatches(table, number);
  return m ? { line: m.lines[0]!, prefix: m.prefix } : null;
}

/** Whether any line has at least one prefix, i.e. prefix routing is configured. */
export function prefixRoutingConfigured(table: readonly LinePrefixes[]): boolean {
  return Array.isArray(table) && table.some((e) => validEntry(e) && e.prefixes.some((p) => typeof p === 'string'));
}

/**
 * §4.3: the candidate lines for a call or SMS and the callee to dial. `{ lines: 'any' }` when no line
 * has prefixes; null when prefixes are configured and none matches (refuse: 603 for a call).
 */
export function routeByPrefix(opts: RouteByPrefixOptions): PrefixRoute | null {
  if (typeof opts !== 'object' || opts === null) return null;
  const { mode, strip, table, caller, callee } = opts;
  if (typeof callee !== 'string' || typeof caller !== 'string') return null;
  if (!prefixRoutingConfigured(table)) return { lines: 'any', callee };
  const number = mode === 'caller' ? caller : mode === 'callee' ? callee : null;
  if (number === null) return null;
  const m = longestMatches(table, number);
  if (!m) return null;
  const dialled = mode === 'callee' && strip === true ? callee.slice(m.prefix.length) : callee;
  return { lines: m.lines, callee: dialled, prefix: m.prefix };
}
