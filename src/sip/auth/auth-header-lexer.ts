/**
 * The generic shape shared by WWW-Authenticate, Proxy-Authenticate, Authorization and
 * Proxy-Authorization values (RFC 3261 §25.1): `scheme LWS auth-param *(COMMA auth-param)` where
 * `auth-param = token EQUAL (token / quoted-string)`.
 *
 * Input is in wire form: one JS character per byte, as the message parser delivers header values when
 * it is fed latin1. Parameter values come out unquoted and decoded from UTF-8 (RFC 3261 §25.1 allows
 * UTF8-NONASCII in quoted strings); invalid UTF-8 is refused rather than guessed at.
 *
 * Each header field value holds exactly one challenge or credentials: RFC 3261 §7.3.1 forbids
 * combining these four headers into one comma-separated value.
 */
import { parseFailure, type DigestParseResult } from './digest-parse-result.js';

/** Caps that hold before any parsing work: a value, one parameter's value, and the parameter count. */
export const MAX_AUTH_HEADER_LENGTH = 4096;
export const MAX_AUTH_PARAM_VALUE_LENGTH = 1024;
export const MAX_AUTH_PARAMS = 32;

export interface AuthParam {
  /** Lower-cased: parameter names are case-insensitive (RFC 3261 §7.3.1, RFC 7616 §3.3). */
  name: string;
  /** Unquoted, unescaped and UTF-8 decoded. */
  value: string;
  /** Whether the value was a quoted-string on the wire (some parameters require one or the other). */
  quoted: boolean;
}

export interface AuthHeader {
  /** As written; compare case-insensitively. */
  scheme: string;
  params: Map<string, AuthParam>;
}

// token = 1*(alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~")  (RFC 3261 §25.1)
const TOKEN_CHAR = /[A-Za-z0-9\-.!%*_+`'~]/;
/** TOKEN_CHAR by character code, for the scanning loop (one regex test per character was a visible cost). */
const IS_TOKEN_CODE: readonly boolean[] = Array.from({ length: 128 }, (_, code) => TOKEN_CHAR.test(String.fromCharCode(code)));
const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Wire form (one char per byte) → text, or undefined when the bytes are not UTF-8. */
export function decodeWireText(wire: string): string | undefined {
  // Pure ASCII is by far the common case and needs no decoding.
  if (!/[^\x00-\x7f]/.test(wire)) return wire;
  try {
    return utf8.decode(Buffer.from(wire, 'latin1'));
  } catch {
    return undefined;
  }
}

/** Text → wire form (UTF-8 bytes, one char per byte). */
export function encodeWireText(text: string): string {
  return Buffer.from(text, 'utf8').toString('latin1');
}

class Cursor {
  pos = 0;
  constructor(readonly text: string) {}
  get done(): boolean {
    return this.pos >= this.text.length;
  }
  peek(): string {
    return this.text[this.pos] ?? '';
  }
  /** Skips LWS: spaces, tabs, and CRLF line folds (a CRLF must be followed by SP/HTAB). Returns whether any was skipped. */
  skipLinearWhitespace(): boolean {
    const start = this.pos;
    for (;;) {
      const c = this.peek();
      if (c === ' ' || c === '\t') this.pos++;
      else if (c === '\r' && this.text[this.pos + 1] === '\n' && /[ \t]/.test(this.text[this.pos + 2] ?? '')) this.pos += 3;
      else break;
    }
    return this.pos > start;
  }
  readToken(): string {
    const start = this.pos;
    while (this.pos < this.text.length && IS_TOKEN_CODE[this.text.charCodeAt(this.pos)] === true) this.pos++;
    return this.text.slice(start, this.pos);
  }
}

/** Reads a quoted-string whose opening quote is at the cursor; returns the unescaped wire text. */
function readQuotedString(cur: Cursor): string | undefined {
  cur.pos++; // opening DQUOTE
  const text = cur.text;
  let out = '';
  // Plain runs are copied whole; only escapes and folds are handled a character at a time.
  let run = cur.pos;
  while (cur.pos < text.length) {
    const code = text.charCodeAt(cur.pos);
    if (code === 0x22) {
      out += text.slice(run, cur.pos);
      cur.pos++;
      return out;
    }
    if (code === 0x5c) {
      // quoted-pair = "\" (%x00-09 / %x0B-0C / %x0E-7F): any ASCII but CR and LF.
      const next = text[cur.pos + 1];
      if (next === undefined || next === '\r' || next === '\n' || next.charCodeAt(0) > 0x7f) return undefined;
      out += text.slice(run, cur.pos) + next;
      cur.pos += 2;
      run = cur.pos;
      continue;
    }
    if (code === 0x0d) {
      // Only a line fold is allowed inside; it stands for the whitespace after it.
      out += text.slice(run, cur.pos);
      if (!cur.skipLinearWhitespace()) return undefined;
      out += ' ';
      run = cur.pos;
      continue;
    }
    // qdtext excludes control characters other than HTAB (LWS).
    if ((code < 0x20 && code !== 0x09) || code === 0x7f) return undefined;
    cur.pos++;
  }
  return undefined; // unterminated
}

/** Parses one challenge or credentials value into its scheme and parameters. Never throws. */
export function parseAuthHeader(wire: string): DigestParseResult<AuthHeader> {
  if (typeof wire !== 'string') return parseFailure('bad-syntax', 'not a string');
  if (wire.length > MAX_AUTH_HEADER_LENGTH) return parseFailure('too-long', `value longer than ${MAX_AUTH_HEADER_LENGTH} characters`);
  if (/[^\x00-\xff]/.test(wire)) return parseFailure('bad-encoding', 'character above 0xFF in a wire-form value');
  const cur = new Cursor(wire);
  cur.skipLinearWhitespace();
  const scheme = cur.readToken();
  if (scheme === '') return parseFailure('bad-syntax', 'no auth scheme');
  const params = new Map<string, AuthParam>();
  const hadSpace = cur.skipLinearWhitespace();
  if (cur.done) return { ok: true, value: { scheme, params } };
  if (!hadSpace) return parseFailure('bad-syntax', 'no whitespace after the auth scheme');
  for (;;) {
    const name = cur.readToken();
    if (name === '') return parseFailure('bad-syntax', `parameter name expected at offset ${cur.pos}`);
    cur.skipLinearWhitespace();
    if (cur.peek() !== '=') return parseFailure('bad-syntax', `"=" expected after ${name}`);
    cur.pos++;
    cur.skipLinearWhitespace();
    let raw: string | undefined;
    const quoted = cur.peek() === '"';
    if (quoted) raw = readQuotedString(cur);
    else {
      raw = cur.readToken();
      if (raw === '') raw = undefined;
    }
    if (raw === undefined) return parseFailure('bad-syntax', `bad value for ${name}`);
    if (raw.length > MAX_AUTH_PARAM_VALUE_LENGTH) return parseFailure('too-long', `value of ${name} longer than ${MAX_AUTH_PARAM_VALUE_LENGTH}`);
    const value = decodeWireText(raw);
    if (value === undefined) return parseFailure('bad-encoding', `value of ${name} is not UTF-8`);
    const key = name.toLowerCase();
    if (params.has(key)) return parseFailure('duplicate-parameter', `${key} given twice`);
    if (params.size >= MAX_AUTH_PARAMS) return parseFailure('too-many-parameters', `more than ${MAX_AUTH_PARAMS} parameters`);
    params.set(key, { name: key, value, quoted });
    cur.skipLinearWhitespace();
    if (cur.done) break;
    if (cur.peek() !== ',') return parseFailure('bad-syntax', `"," expected at offset ${cur.pos}`);
    cur.pos++;
    cur.skipLinearWhitespace();
  }
  return { ok: true, value: { scheme, params } };
}

/** Characters a quoted-string cannot carry even escaped (RFC 3261 §25.1: quoted-pair excludes CR, LF). */
export function isQuotable(text: string): boolean {
  return !/[\r\n]/.test(text);
}

/** Text → a quoted-string in wire form, escaping `"` and `\`. The caller checks isQuotable first. */
export function quoteString(text: string): string {
  if (!isQuotable(text)) throw new RangeError('text with CR or LF cannot be a quoted-string');
  // `"`, `\` and control characters other than HTAB only travel as a quoted-pair.
  return `"${encodeWireText(text).replace(/["\\\x00-\x08\x0b\x0c\x0e-\x1f\x7f]/g, (c) => `\\${c}`)}"`;
}

export function isToken(text: string): boolean {
  return text.length > 0 && [...text].every((c) => TOKEN_CHAR.test(c));
}
