/**
 * The limit syntax of the gateway's limit configuration (manual §4.8), parsed and printed.
 *
 *   total     `100`                              at most 100, never resets by itself
 *   windows   `05:00-12:00,100|12:00-23:00,200`  per local day, 100 from 05:00 to 12:00 and 200
 *                                                from 12:00 to 23:00; other times are unlimited
 *   monthly   `D5,1000`                          1000 per cycle; a cycle starts on day 5 at 00:00
 *
 * Choices (docs/policy.md):
 * - Monthly days are 1-28 so that every month has the start day; `D29`..`D31` are refused.
 * - A window may wrap midnight (`22:00-06:00`): that instance starts on one local day and ends on the
 *   next. `24:00` is accepted as an end only. An empty window (`08:00-08:00`) is refused.
 * - Windows may not overlap; touching (`05:00-12:00|12:00-23:00`) is fine.
 * - Amounts are non-negative decimal integers up to 1,000,000,000; leading zeros are accepted and
 *   dropped when printing. Spaces around `|`, `,`, `-` and at the ends are accepted.
 * - `D` may be written `d`. Hours may have one digit (`5:00`); minutes always have two.
 * - The printed form is canonical: windows sorted by start, `HH:MM`, no spaces, upper-case `D`.
 *
 * Pure: no I/O; bad input returns `{ ok: false, error }` and never throws.
 */

export const MAX_AMOUNT = 1_000_000_000;
export const MAX_MONTH_DAY = 28;

/**
 * A time window in minutes after local midnight: start 0..1439, end 1..1440 (1440 = 24:00).
 * end < start means the window wraps midnight (22:00-06:00).
 */
export interface LimitWindow {
  start: number;
  end: number;
  amount: number;
}

export type LimitSpec =
  | { kind: 'total'; amount: number }
  | { kind: 'windows'; windows: LimitWindow[] }
  | { kind: 'monthly'; day: number; amount: number };

export type LimitParseResult =
  | { ok: true; value: LimitSpec }
  | { ok: false; error: string; /** 1-based column in the input where the problem is */ column: number };

class SyntaxFailure {
  constructor(
    readonly message: string,
    readonly column: number,
  ) {}
}

/** A tiny cursor over the input; columns are 1-based. */
class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  skipSpaces(): void {
    while (this.pos < this.text.length && (this.text[this.pos] === ' ' || this.text[this.pos] === '\t')) this.pos++;
  }
  describeHere(): string {
    return this.done ? 'end of text' : JSON.stringify(this.peek());
  }
  fail(message: string, at = this.pos): never {
    throw new SyntaxFailure(message, at + 1);
  }
  digits(): { text: string; at: number } {
    const at = this.pos;
    while (this.pos < this.text.length && this.text.charCodeAt(this.pos) >= 48 && this.text.charCodeAt(this.pos) <= 57) this.pos++;
    return { text: this.text.slice(at, this.pos), at };
  }
  expect(ch: string, what: string): void {
    this.skipSpaces();
    if (this.peek() !== ch) this.fail(`expected ${what} but found ${this.describeHere()}`);
    this.pos++;
    this.skipSpaces();
  }
}

function readAmount(c: Cursor, context: string): number {
  c.skipSpaces();
  const { text, at } = c.digits();
  if (text === '') {
    if (c.peek() === '-') c.fail(`${context} must not be negative`);
    c.fail(`expected ${context} (a whole number) but found ${c.describeHere()}`);
  }
  if (c.peek() === '.') c.fail(`${context} must be a whole number`);
  const n = Number(text);
  if (n > MAX_AMOUNT) c.fail(`${context} ${text} is larger than ${MAX_AMOUNT}`, at);
  return n;
}

/** Reads `H:MM` or `HH:MM`; returns minutes after midnight. `24:00` (1440) only as an end. */
function readTime(c: Cursor, which: 'start' | 'end'): number {
  c.skipSpaces();
  const h = c.digits();
  if (h.text === '' || h.text.length > 2) c.fail(`expected the ${which} time as HH:MM but found ${h.text === '' ? c.describeHere() : JSON.stringify(h.text)}`, h.at);
  if (c.peek() !== ':') c.fail(`expected ":" after the hour but found ${c.describeHere()}`);
  c.pos++;
  const m = c.digits();
  if (m.text.length !== 2) c.fail(`expected two-digit minutes after ":" but found ${m.text === '' ? c.describeHere() : JSON.stringify(m.text)}`, m.at);
  const hour = Number(h.text);
  const minute = Number(m.text);
  if (hour === 24 && minute === 0) {
    if (which === 'start') c.fail('24:00 can only end a window', h.at);
    return 1440;
  }
  if (hour > 23) c.fail(`hour ${hour} is not 00-23`, h.at);
  if (minute > 59) c.fail(`minute ${m.text} is not 00-59`, m.at);
  return hour * 60 + minute;
}

export function formatTime(minutes: number): string {
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return `${h < 10 ? '0' : ''}${h}:${m < 10 ? '0' : ''}${m}`;
}

function formatWindowRange(w: { start: number; end: number }): string {
  return `${formatTime(w.start)}-${formatTime(w.end)}`;
}

/** The parts of [0,1440) a window covers (a wrapping window covers two). */
function segments(w: LimitWindow): Array<[number, number]> {
  return w.end > w.start ? [[w.start, w.end]] : [[w.start, 1440], [0, w.end]];
}

export function windowsOverlap(a: LimitWindow, b: LimitWindow): boolean {
  for (const [s1, e1] of segments(a)) for (const [s2, e2] of segments(b)) if (s1 < e2 && s2 < e1) return true;
  return false;
}

function parseMonthly(c: Cursor): LimitSpec {
  c.pos++; // the D
  c.skipSpaces();
  const d = c.digits();
  if (d.text === '') c.fail(`expected the cycle start day after "D" but found ${c.describeHere()}`);
  const day = Number(d.text);
  if (day < 1 || day > MAX_MONTH_DAY) c.fail(`day must be 1-${MAX_MONTH_DAY} (got ${d.text}); every month has days 1-28`, d.at);
  c.expect(',', '"," after the day');
  const amount = readAmount(c, 'the amount');
  c.skipSpaces();
  if (!c.done) c.fail(`expected end of text after the amount but found ${c.describeHere()}`);
  return { kind: 'monthly', day, amount };
}

function parseWindows(c: Cursor): LimitSpec {
  const windows: LimitWindow[] = [];
  const texts: string[] = [];
  for (;;) {
    c.skipSpaces();
    const startAt = c.pos;
    const start = readTime(c, 'start');
    c.expect('-', '"-" between the start and end times');
    const end = readTime(c, 'end');
    if (start === end) c.fail(`window ${formatWindowRange({ start, end })} is empty (use 00:00-24:00 for the whole day)`, startAt);
    c.expect(',', '"," after the time range');
    const amount = readAmount(c, 'the amount');
    // 00:00 as an end is the coming midnight: stored (and printed) as 24:00.
    const w: LimitWindow = { start, end: end === 0 ? 1440 : end, amount };
    for (let i = 0; i < windows.length; i++) {
      if (windowsOverlap(windows[i]!, w)) c.fail(`windows overlap: ${texts[i]} and ${formatWindowRange(w)}`, startAt);
    }
    windows.push(w);
    texts.push(formatWindowRange(w));
    c.skipSpaces();
    if (c.done) break;
    if (c.peek() !== '|') c.fail(`expected "|" before the next window or end of text but found ${c.describeHere()}`);
    c.pos++;
    c.skipSpaces();
    if (c.done) c.fail('expected another window after "|" but found end of text');
  }
  windows.sort((a, b) => a.start - b.start);
  return { kind: 'windows', windows };
}

/**
 * Parses one limit. Errors quote the input and name the column and what was expected, e.g.
 * `"05:00-25:00,100" column 7: hour 25 is not 00-23`.
 */
export function parseLimit(input: string): LimitParseResult {
  if (typeof input !== 'string') return { ok: false, error: 'a limit must be text', column: 1 };
  const c = new Cursor(input);
  try {
    c.skipSpaces();
    if (c.done) c.fail('expected a limit: an amount ("100"), time windows ("05:00-12:00,100|12:00-23:00,200") or a monthly cycle ("D5,1000")');
    const ch = c.peek();
    if (ch === 'D' || ch === 'd') return { ok: true, value: parseMonthly(c) };
    // An amount alone, or the start of a time window: look past the digits.
    const save = c.pos;
    c.digits();
    const next = c.peek();
    c.pos = save;
    if (next === ':') return { ok: true, value: parseWindows(c) };
    if (ch === '-') c.fail('the amount must not be negative');
    if (!(ch >= '0' && ch <= '9')) {
      c.fail(`expected an amount, a time window (HH:MM-HH:MM,amount) or "D<day>,<amount>" but found ${c.describeHere()}`);
    }
    const amount = readAmount(c, 'the amount');
    c.skipSpaces();
    if (!c.done) {
      if (c.peek() === ',') c.fail('expected end of text after the amount but found ","; a monthly limit is written "D<day>,<amount>"');
      c.fail(`expected end of text after the amount but found ${c.describeHere()}`);
    }
    return { ok: true, value: { kind: 'total', amount } };
  } catch (e) {
    if (e instanceof SyntaxFailure) {
      return { ok: false, error: `${JSON.stringify(input)} column ${e.column}: ${e.message}`, column: e.column };
    }
    return { ok: false, error: `${JSON.stringify(input)}: ${String(e)}`, column: 1 };
  }
}

/** Blank text means "no limit" (null); anything else is parsed. */
export function parseOptionalLimit(input: string | null | undefined): LimitParseResult | { ok: true; value: null } {
  if (input === null || input === undefined || input.trim() === '') return { ok: true, value: null };
  return parseLimit(input);
}

/** The canonical text of a limit. */
export function printLimit(spec: LimitSpec): string {
  switch (spec.kind) {
    case 'total':
      return String(spec.amount);
    case 'monthly':
      return `D${spec.day},${spec.amount}`;
    case 'windows':
      return [...spec.windows]
        .sort((a, b) => a.start - b.start)
        .map((w) => `${formatWindowRange(w)},${w.amount}`)
        .join('|');
  }
}

/**
 * Checks a LimitSpec built in code (not parsed), e.g. from a JSON configuration. Returns an error
 * message or null. A spec passing this check prints to text that parses back to an equal spec
 * (once its windows are sorted by start).
 */
export function validateLimit(spec: LimitSpec): string | null {
  const amountOk = (n: unknown): boolean => typeof n === 'number' && Number.isInteger(n) && n >= 0 && n <= MAX_AMOUNT;
  if (spec === null || typeof spec !== 'object') return 'a limit must be an object';
  switch (spec.kind) {
    case 'total':
      return amountOk(spec.amount) ? null : `amount must be a whole number 0-${MAX_AMOUNT}`;
    case 'monthly':
      if (!Number.isInteger(spec.day) || spec.day < 1 || spec.day > MAX_MONTH_DAY) return `day must be 1-${MAX_MONTH_DAY}`;
      return amountOk(spec.amount) ? null : `amount must be a whole number 0-${MAX_AMOUNT}`;
    case 'windows': {
      if (!Array.isArray(spec.windows) || spec.windows.length === 0) return 'at least one window is needed';
      for (const w of spec.windows) {
        if (!Number.isInteger(w.start) || w.start < 0 || w.start > 1439) return 'a window start must be 00:00-23:59';
        if (!Number.isInteger(w.end) || w.end < 1 || w.end > 1440) return 'a window end must be 00:01-24:00 (midnight is written 24:00)';
        if (w.start === w.end) return `window ${formatWindowRange(w)} is empty`;
        if (!amountOk(w.amount)) return `amount must be a whole number 0-${MAX_AMOUNT}`;
      }
      for (let i = 0; i < spec.windows.length; i++)
        for (let j = i + 1; j < spec.windows.length; j++)
          if (windowsOverlap(spec.windows[i]!, spec.windows[j]!))
            return `windows overlap: ${formatWindowRange(spec.windows[i]!)} and ${formatWindowRange(spec.windows[j]!)}`;
      return null;
    }
    default:
      return 'unknown limit kind';
  }
}
