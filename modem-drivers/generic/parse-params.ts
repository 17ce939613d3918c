/**
 * The shared ground of the TS 27.007 / 27.005 parsers: the result type and the parameter tokenizer of
 * information lines. No I/O, never throws.
 */

export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

export const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
export const bad = (what: string, line: string, why: string): ParseResult<never> => ({
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
