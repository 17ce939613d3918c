/**
 * JSON text parsing with useful syntax errors. `JSON.parse` on Node 20 often says neither where
 * nor what ("Unexpected token '}', ... is not valid JSON"), so when it fails a small scanner that
 * follows the RFC 8259 grammar walks the text again to find the first offending character and
 * name the problem with a line and column. Pure: no I/O.
 */

export interface JsonSyntaxError {
  message: string;
  /** 1-based line number. */
  line: number;
  /** 1-based column (UTF-16 code units, as editors count on the BMP). */
  column: number;
  /** 0-based offset into the text. */
  offset: number;
}

export type JsonParseResult = { ok: true; value: unknown } | { ok: false; error: JsonSyntaxError };

/** `3:14: expected ',' or '}' after a property value` */
export function formatJsonSyntaxError(e: JsonSyntaxError): string {
  return `${e.line}:${e.column}: ${e.message}`;
}

export function parseJsonText(text: string): JsonParseResult {
  // A UTF-8 byte order mark (editors on Windows add one) is not JSON whitespace; blank it so offsets stay put.
  const src = text.charCodeAt(0) === 0xfeff ? ` ${text.slice(1)}` : text;
  if (src.trim() === '') return { ok: false, error: at(src, 0, 'the file is empty; expected a JSON object such as {}') };
  try {
    return { ok: true, value: JSON.parse(src) };
  } catch (err) {
    const found = locateSyntaxError(src);
    if (found) return { ok: false, error: at(src, found.offset, found.message) };
    return { ok: false, error: at(src, 0, err instanceof Error ? err.message : String(err)) };
  }
}

function at(text: string, offset: number, message: string): JsonSyntaxError {
  let line = 1;
  let lineStart = 0;
  const end = Math.min(offset, text.length);
  for (let i = 0; i < end; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return { message, line, column: end - lineStart + 1, offset: end };
}

type Want = 'value' | 'first-item' | 'next-item' | 'first-key' | 'next-key' | 'colon' | 'comma-or-close' | 'end';

/** First syntax error in `text` per RFC 8259, or undefined if the text is valid JSON. */
export function locateSyntaxError(text: string): { offset: number; message: string } | undefined {
  const stack: Array<'{' | '['> = [];
  let want: Want = 'value';
  let i = 0;
  const n = text.length;
  const fail = (offset: number, message: string) => ({ offset, message });
  const afterValue = (): Want => (stack.length === 0 ? 'end' : 'comma-or-close');
  const show = (c: string) => (c === "'" ? `"'"` : `'${c}'`);

  for (;;) {
    // RFC 8259 §2: insignificant whitespace is space, tab, line feed, carriage return.
    while (i < n && (text[i] === ' ' || text[i] === '\t' || text[i] === '\n' || text[i] === '\r')) i++;
    if (i < n && text[i] === '/' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      return fail(i, 'comments are not allowed in JSON');
    }
    if (i >= n) {
      if (want === 'end') return undefined;
      if (want === 'value' && stack.length === 0) return fail(i, 'unexpected end of input; expected a value');
      const open = stack[stack.length - 1] === '{' ? "'}'" : "']'";
      return fail(i, `unexpected end of input; a ${open} is missing`);
    }
    const c = text[i]!;
    switch (want) {
      case 'end':
        return fail(i, `unexpected ${show(c)} after the end of the document`);
      case 'colon':
        if (c !== ':') return fail(i, `expected ':' after a property name, got ${show(c)}`);
        i++;
        want = 'value';
        continue;
      case 'comma-or-close': {
        const top = stack[stack.length - 1]!;
        if (c === ',') {
          i++;
          want = top === '{' ? 'next-key' : 'next-item';
          continue;
        }
        if ((c === '}' && top === '{') || (c === ']' && top === '[')) {
          stack.pop();
          i++;
          want = afterValue();
          continue;
        }
        const close = top === '{' ? "'}'" : "']'";
        const what = top === '{' ? 'a property value' : 'an array item';
        return fail(i, `expected ',' or ${close} after ${what}, got ${show(c)}`);
      }
      case 'first-key':
      case 'next-key':
        if (c === '}') {
          if (want === 'next-key') return fail(i, "trailing comma before '}'");
          stack.pop();
          i++;
          want = afterValue();
          continue;
        }
        if (c === '"') {
          const r = scanString(text, i);
          if ('message' in r) return r;
          i = r.end;
          want = 'colon';
          continue;
        }
        if (c === "'") return fail(i, 'property names must be in double quotes, not single quotes');
        if (/[A-Za-z_$]/.test(c)) return fail(i, 'property names must be in double quotes');
        return fail(i, `expected a property name in double quotes, got ${show(c)}`);
      case 'value':
      case 'first-item':
      case 'next-item': {
        if (c === ']' && want !== 'value') {
          if (want === 'next-item') return fail(i, "trailing comma before ']'");
          stack.pop();
          i++;
          want = afterValue();
          continue;
        }
        if (c === '{') {
          stack.push('{');
          i++;
          want = 'first-key';
          continue;
        }
        if (c === '[') {
          stack.push('[');
          i++;
          want = 'first-item';
          continue;
        }
        if (c === '"') {
          const r = scanString(text, i);
          if ('message' in r) return r;
          i = r.end;
          want = afterValue();
          continue;
        }
        if (c === '-' || (c >= '0' && c <= '9')) {
          const r = scanNumber(text, i);
          if ('message' in r) return r;
          i = r.end;
          want = afterValue();
          continue;
        }
        if (/[A-Za-z_$]/.test(c)) {
          const m = /^[A-Za-z_$][\w$]*/.exec(text.slice(i, i + 64))!;
          const word = m[0];
          if (word === 'true' || word === 'false' || word === 'null') {
            i += word.length;
            want = afterValue();
            continue;
          }
          return fail(i, `unexpected word "${word}"; strings must be in double quotes`);
        }
        if (c === "'") return fail(i, 'strings must be in double quotes, not single quotes');
        return fail(i, `unexpected ${show(c)}; expected a value`);
      }
    }
  }
}

function scanString(text: string, start: number): { end: number } | { offset: number; message: string } {
  let i = start + 1;
  while (i < text.length) {
    const code = text.charCodeAt(i);
    if (code === 0x22) return { end: i + 1 };
    if (code === 0x5c) {
      const e = text[i + 1];
      if (e === undefined) break;
      if (e === 'u') {
        if (!/^[0-9A-Fa-f]{4}$/.test(text.slice(i + 2, i + 6))) return { offset: i, message: 'invalid \\u escape: expected 4 hex digits' };
        i += 6;
        continue;
      }
      if ('"\\/bfnrt'.includes(e)) {
        i += 2;
        continue;
      }
      return { offset: i, message: `invalid escape '\\${e}' in string` };
    }
    // RFC 8259 §7: control characters U+0000..U+001F must be escaped.
    if (code < 0x20) {
      return { offset: i, message: code === 10 ? 'unterminated string (line break inside a string)' : 'control character inside a string; escape it' };
    }
    i++;
  }
  return { offset: start, message: 'unterminated string' };
}

function scanNumber(text: string, start: number): { end: number } | { offset: number; message: string } {
  // RFC 8259 §6: number = [ minus ] int [ frac ] [ exp ]; int = zero / ( digit1-9 *DIGIT )
  let i = start;
  const digit = (k: number) => k < text.length && text[k]! >= '0' && text[k]! <= '9';
  if (text[i] === '-') i++;
  if (!digit(i)) return { offset: i, message: 'expected a digit' };
  if (text[i] === '0') {
    i++;
    if (digit(i)) return { offset: start, message: 'numbers cannot have leading zeros' };
  } else {
    while (digit(i)) i++;
  }
  if (text[i] === '.') {
    i++;
    if (!digit(i)) return { offset: i, message: "expected a digit after '.'" };
    while (digit(i)) i++;
  }
  if (text[i] === 'e' || text[i] === 'E') {
    i++;
    if (text[i] === '+' || text[i] === '-') i++;
    if (!digit(i)) return { offset: i, message: 'expected a digit in the exponent' };
    while (digit(i)) i++;
  }
  return { end: i };
}

/** A key given twice in one object; JSON.parse keeps only the last value (RFC 8259 §4: names SHOULD be unique). */
export interface DuplicateKey {
  /** Keys and indices down to the duplicate, e.g. ['lines', 0, 'port']. */
  path: Array<string | number>;
  line: number;
  column: number;
  /** Where the same key was first given in that object. */
  first: { line: number; column: number };
}

type Frame =
  | { kind: 'object'; keys: Map<string, number>; key: string | undefined; wantKey: boolean }
  | { kind: 'array'; index: number };

/**
 * Every duplicate key in a text that is valid JSON (check `parseJsonText` first), in text order.
 * Keys are compared after unescaping, so "port" and "\u0070ort" are the same key. Iterative, and a
 * path is only built for a duplicate, so deep nesting costs neither stack nor quadratic memory.
 */
export function findDuplicateKeys(text: string): DuplicateKey[] {
  const out: DuplicateKey[] = [];
  const stack: Frame[] = [];
  // Where each open container sits in its parent: the parent's current key or index.
  const pathTo = (depth: number): Array<string | number> =>
    stack.slice(0, depth).map((f) => (f.kind === 'object' ? (f.key ?? '') : f.index));
  let i = 0;
  const n = text.length;
  while (i < n) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r' || c === '\ufeff' || c === ':') {
      i++;
      continue;
    }
    const top = stack[stack.length - 1];
    if (c === '{' || c === '[') {
      stack.push(c === '{' ? { kind: 'object', keys: new Map(), key: undefined, wantKey: true } : { kind: 'array', index: 0 });
      i++;
      continue;
    }
    if (c === '}' || c === ']') {
      stack.pop();
      i++;
      continue;
    }
    if (c === ',') {
      if (top?.kind === 'object') top.wantKey = true;
      else if (top?.kind === 'array') top.index++;
      i++;
      continue;
    }
    if (c === '"') {
      let j = i + 1;
      while (j < n && text[j] !== '"') j += text[j] === '\\' ? 2 : 1;
      if (top?.kind === 'object' && top.wantKey) {
        const key = JSON.parse(text.slice(i, j + 1)) as string;
        const seen = top.keys.get(key);
        if (seen !== undefined) {
          const here = at(text, i, '');
          const first = at(text, seen, '');
          out.push({ path: [...pathTo(stack.length - 1), key], line: here.line, column: here.column, first: { line: first.line, column: first.column } });
        } else {
          top.keys.set(key, i);
        }
        top.key = key;
        top.wantKey = false;
      }
      i = j + 1;
      continue;
    }
    // A number, true, false or null: skip to the next delimiter.
    while (i < n && !' \t\n\r,:]}'.includes(text[i]!)) i++;
  }
  return out;
}
