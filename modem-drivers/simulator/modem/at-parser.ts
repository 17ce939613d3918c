/**
 * The DCE side of ITU-T V.250: turns the bytes a host writes into command lines, one byte at a time, and
 * splits each command line into commands. Pure: no I/O, no timers, never throws.
 *
 * Command state (V.250 §5.2):
 *  - A command line is terminated by S3 (CR by default, §6.2.1). Everything before the prefix `AT` or
 *    `at` is ignored (§5.2.1), so a line without the prefix produces an 'ignored' event and no answer.
 *  - S5 (backspace, §6.2.3) deletes the character before it. Other control characters (0x00..0x1F,
 *    0x7F) are ignored (§5.2.1), which also covers LF after CR, ESC and Ctrl-Z outside a prompt.
 *  - `A/` (or `a/`) repeats the previous command line at once, no terminator needed (§5.2.4).
 *  - Outside quoted strings, spaces are ignored and lower case is upper case (§5.2.1, §5.3).
 * Prompt state (3GPP TS 27.005 §3.5.1, after `AT+CMGS` / `AT+CMGW` printed `> `): bytes are collected
 * until Ctrl-Z (0x1A, send) or ESC (0x1B, cancel); the host's CR/LF are not part of the data.
 * Data state (vendor upload commands such as Quectel AT+QHTTPURL=<len>,<timeout>, after `CONNECT`):
 * exactly <len> bytes are taken as they are, whatever they hold, then the parser is back in command state.
 */

/** One parameter of an extended command: null when omitted (`AT+CNMI=2,,0`). */
export interface AtArg {
  /** The text: quotes removed and `\HH` escapes decoded for quoted strings, trimmed otherwise. */
  value: string;
  quoted: boolean;
}

export type AtCommandKind =
  /** V.250 §5.3.1 basic command: one letter (or `&` + letter) and an optional number, e.g. E0, &F, Z, I. */
  | { kind: 'basic'; name: string; value: number | null }
  /** V.250 §6.3.1 dial: everything after D up to and including a `;` (voice call, TS 27.007 §6.2). */
  | { kind: 'dial'; dialString: string; voice: boolean }
  /** V.250 §5.3.2 S-parameters: `S3=13`, `S0?`. */
  | { kind: 's-param'; index: number; op: 'set' | 'read'; value: number | null }
  /** V.250 §5.4 extended commands: `+CMGF=0` (set), `+CSQ` (exec), `+CREG?` (read), `+CSCS=?` (test). */
  | { kind: 'extended'; name: string; op: 'exec' | 'set' | 'read' | 'test'; args: (AtArg | null)[]; rawArgs: string };

/** A command with the exact text it came from (for failCommand prefixes and logs). */
export type AtCommand = AtCommandKind & { text: string };

export type ParsedLine = { ok: true; commands: AtCommand[] } | { ok: false; commands: AtCommand[]; error: string };

export type ParserEvent =
  /** A complete command line; `body` is what followed `AT`. */
  | { kind: 'line'; body: string; parsed: ParsedLine }
  /** A terminated line without the `AT` prefix (ignored by the DCE). */
  | { kind: 'ignored'; text: string }
  /** `A/`: repeat the previous command line. */
  | { kind: 'repeat' }
  /** Prompt data ended by Ctrl-Z. */
  | { kind: 'prompt-data'; data: string }
  /** Prompt abandoned with ESC. */
  | { kind: 'prompt-cancel'; data: string }
  /** The <len> bytes announced to a data state (latin1). */
  | { kind: 'connect-data'; data: string }
  /** A line longer than the buffer: dropped, answered ERROR. */
  | { kind: 'overflow'; bytes: number };

export const CTRL_Z = 0x1a;
export const ESC = 0x1b;
/** Longest command line kept (EC25 and SIM7600 accept a few hundred characters; V.250 asks for at least 40). */
export const MAX_COMMAND_LINE = 1024;
/** Longest prompt data kept: a PDU is at most 2 × (12 + 164) hex digits; text mode input at most a few hundred. */
export const MAX_PROMPT_DATA = 4096;

export class AtParser {
  /** S3, command line termination character (V.250 §6.2.1). */
  s3 = 13;
  /** S5, command line editing character (V.250 §6.2.3). */
  s5 = 8;
  private buf = '';
  private overflowed = 0;
  private prompt = false;
  /** Bytes still expected in data state; 0 in command or prompt state. */
  private dataLeft = 0;

  /** True while collecting prompt data. */
  get inPrompt(): boolean {
    return this.prompt;
  }

  /** True while collecting the bytes of a data state. */
  get inData(): boolean {
    return this.dataLeft > 0;
  }

  /** Enter data state for exactly `length` bytes (the DCE just printed CONNECT); 0 or less does nothing. */
  enterData(length: number): void {
    if (!(length > 0)) return;
    this.prompt = false;
    this.dataLeft = Math.floor(length);
    this.buf = '';
    this.overflowed = 0;
  }

  /** Enter prompt state (the DCE just printed `> `). */
  enterPrompt(): void {
    this.prompt = true;
    this.buf = '';
    this.overflowed = 0;
  }

  /** Forget everything half-received and return to command state (power-on, reopen). */
  reset(): void {
    this.prompt = false;
    this.dataLeft = 0;
    this.buf = '';
    this.overflowed = 0;
  }

  /** Feeds one byte; returns the event it completes, if any. */
  push(b: number): ParserEvent | undefined {
    if (this.dataLeft > 0) return this.pushData(b);
    return this.prompt ? this.pushPrompt(b) : this.pushCommand(b);
  }

  private pushData(b: number): ParserEvent | undefined {
    this.buf += String.fromCharCode(b & 0xff);
    if (--this.dataLeft > 0) return undefined;
    const data = this.buf;
    this.buf = '';
    return { kind: 'connect-data', data };
  }

  /** Feeds a chunk, calling `out` for every event. */
  feed(chunk: Uint8Array, out: (e: ParserEvent) => void): void {
    for (let i = 0; i < chunk.length; i++) {
      const e = this.push(chunk[i]!);
      if (e) out(e);
    }
  }

  private pushPrompt(b: number): ParserEvent | undefined {
    if (b === CTRL_Z || b === ESC) {
      const data = this.buf;
      this.buf = '';
      this.prompt = false;
      return b === CTRL_Z ? { kind: 'prompt-data', data } : { kind: 'prompt-cancel', data };
    }
    if (b === 13 || b === 10) return undefined;
    if (b === this.s5) {
      this.buf = this.buf.slice(0, -1);
      return undefined;
    }
    if (this.buf.length < MAX_PROMPT_DATA) this.buf += String.fromCharCode(b);
    return undefined;
  }

  private pushCommand(b: number): ParserEvent | undefined {
    if (b === this.s3) {
      const text = this.buf;
      const over = this.overflowed;
      this.buf = '';
      this.overflowed = 0;
      if (over > 0) return { kind: 'overflow', bytes: over };
      const at = findPrefix(text);
      if (at < 0) return text.length > 0 ? { kind: 'ignored', text } : undefined;
      const body = text.slice(at + 2);
      return { kind: 'line', body, parsed: parseCommandLine(body) };
    }
    if (b === this.s5) {
      this.buf = this.buf.slice(0, -1);
      return undefined;
    }
    if (b < 0x20 || b === 0x7f) return undefined;
    if (this.overflowed > 0 || this.buf.length >= MAX_COMMAND_LINE) {
      this.overflowed++;
      return undefined;
    }
    const c = String.fromCharCode(b);
    if (c === '/' && this.buf.length > 0) {
      const last = this.buf[this.buf.length - 1];
      if ((last === 'A' || last === 'a') && findPrefix(this.buf) < 0) {
        this.buf = '';
        return { kind: 'repeat' };
      }
    }
    this.buf += c;
    return undefined;
  }
}

/** Position of the `AT` / `at` prefix (V.250 §5.2.1), or -1. */
function findPrefix(text: string): number {
  const a = text.indexOf('AT');
  const b = text.indexOf('at');
  if (a < 0) return b;
  if (b < 0) return a;
  return Math.min(a, b);
}

const EXT_START = '+$%^*#!';
const NAME_CHAR = /[A-Z0-9!%\-./:_]/;

/**
 * Splits the body of a command line (what follows `AT`) into commands. On a syntax error the commands
 * before it are returned with the error (V.250 §5.2.1: the rest of the line is not executed).
 */
export function parseCommandLine(body: string): ParsedLine {
  const commands: AtCommand[] = [];
  let i = 0;
  const n = body.length;
  const fail = (error: string): ParsedLine => ({ ok: false, commands, error });
  while (i < n) {
    const c = body[i]!;
    if (c === ' ' || c === ';') {
      i++;
      continue;
    }
    const start = i;
    if (EXT_START.includes(c)) {
      // V.250 §5.4.1: extended command names; vendors use other lead characters ($, ^, %, *).
      i++;
      let name = c;
      while (i < n && (NAME_CHAR.test(body[i]!.toUpperCase()) || body[i] === ' ')) {
        if (body[i] !== ' ') name += body[i]!.toUpperCase();
        i++;
      }
      if (name.length === 1) return fail(`extended command without a name at ${start}`);
      let op: 'exec' | 'set' | 'read' | 'test' = 'exec';
      let rawArgs = '';
      if (body[i] === '?') {
        op = 'read';
        i++;
      } else if (body[i] === '=') {
        i++;
        let j = i;
        while (j < n && body[j] === ' ') j++;
        if (body[j] === '?') {
          op = 'test';
          i = j + 1;
        } else {
          op = 'set';
          const end = argsEnd(body, i);
          if (end < 0) return fail(`unterminated string in ${name}`);
          rawArgs = body.slice(i, end);
          i = end;
        }
      }
      while (i < n && body[i] === ' ') i++;
      if (i < n && body[i] !== ';') return fail(`unexpected ${JSON.stringify(body[i])} after ${name}`);
      const args = op === 'set' ? splitArgs(rawArgs) : [];
      commands.push({ kind: 'extended', name, op, args, rawArgs, text: body.slice(start, i).trim() });
      continue;
    }
    let letter = c.toUpperCase();
    if (c === '&') {
      i++;
      while (i < n && body[i] === ' ') i++;
      if (i >= n || !/[A-Za-z]/.test(body[i]!)) return fail(`& without a letter at ${start}`);
      letter = '&' + body[i]!.toUpperCase();
    } else if (!/[A-Za-z]/.test(c)) {
      return fail(`unexpected ${JSON.stringify(c)} at ${start}`);
    }
    i++;
    if (letter === 'D') {
      // V.250 §6.3.1: the dial string runs to the end of the line or to a `;` that returns to command state.
      let dial = '';
      while (i < n && body[i] !== ';') {
        if (body[i] !== ' ') dial += body[i];
        i++;
      }
      const voice = body[i] === ';';
      if (voice) i++;
      commands.push({ kind: 'dial', dialString: dial, voice, text: body.slice(start, i) });
      continue;
    }
    if (letter === 'S') {
      let digits = '';
      while (i < n && /\d/.test(body[i]!)) digits += body[i++];
      if (digits === '') return fail(`S without a parameter number at ${start}`);
      while (i < n && body[i] === ' ') i++;
      if (body[i] === '?') {
        i++;
        commands.push({ kind: 's-param', index: Number(digits), op: 'read', value: null, text: body.slice(start, i) });
        continue;
      }
      if (body[i] === '=') {
        i++;
        let v = '';
        while (i < n && /[\d ]/.test(body[i]!)) {
          if (body[i] !== ' ') v += body[i];
          i++;
        }
        commands.push({ kind: 's-param', index: Number(digits), op: 'set', value: v === '' ? 0 : Number(v), text: body.slice(start, i) });
        continue;
      }
      return fail(`S${digits} without = or ?`);
    }
    let digits = '';
    while (i < n && /[\d ]/.test(body[i]!)) {
      if (body[i] !== ' ') digits += body[i];
      i++;
    }
    commands.push({ kind: 'basic', name: letter, value: digits === '' ? null : Number(digits), text: body.slice(start, i).trim() });
  }
  return { ok: true, commands };
}

/** Index where the arguments of a set command end (a `;` outside quotes, or the end); -1 if a quote is open. */
function argsEnd(s: string, from: number): number {
  let q = false;
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '"') q = !q;
    else if (c === ';' && !q) return i;
  }
  return q ? -1 : s.length;
}

/** Splits `2,"SM",,"a,b"` at the commas outside quotes (V.250 §5.4.2). */
export function splitArgs(raw: string): (AtArg | null)[] {
  const out: (AtArg | null)[] = [];
  if (raw.trim() === '') return out;
  let i = 0;
  for (;;) {
    while (i < raw.length && raw[i] === ' ') i++;
    if (raw[i] === '"') {
      i++;
      let v = '';
      while (i < raw.length && raw[i] !== '"') {
        const hex = raw[i] === '\\' ? /^[0-9A-Fa-f]{2}/.exec(raw.slice(i + 1, i + 3)) : null;
        if (hex) {
          v += String.fromCharCode(parseInt(hex[0], 16));
          i += 3;
        } else v += raw[i++];
      }
      i++; // closing quote
      while (i < raw.length && raw[i] !== ',') i++;
      out.push({ value: v, quoted: true });
    } else {
      const start = i;
      while (i < raw.length && raw[i] !== ',') i++;
      const v = raw.slice(start, i).trim().toUpperCase();
      out.push(v === '' ? null : { value: v, quoted: false });
    }
    if (i >= raw.length) break;
    i++; // comma
    if (i >= raw.length) {
      out.push(null);
      break;
    }
  }
  return out;
}
