import { isToken } from './header-names.js';
import type { SipHeaderField } from './sip-headers.js';

/** Where the start line, the header fields and the body lie in a message (a latin1 string, one char per byte). */
export interface HeaderSection {
  readonly startLine: string;
  readonly fields: SipHeaderField[];
  /** Byte offset of the body (just past the empty line), or of the end when the empty line is missing. */
  readonly bodyOffset: number;
}

export type HeaderSectionError =
  | { readonly kind: 'no-start-line' }
  | { readonly kind: 'too-many-headers'; readonly count: number }
  | { readonly kind: 'header-too-long'; readonly name: string; readonly bytes: number }
  | { readonly kind: 'bad-header-line'; readonly line: string }
  | { readonly kind: 'unterminated'; readonly startLine: string; readonly fields: SipHeaderField[] };

/**
 * Splits the head of a message: start line, header fields with folded lines joined (RFC 3261 §7.3.1:
 * a line starting with SP or HTAB continues the previous one) and the body offset. CRLFs before the
 * start line are skipped (RFC 3261 §7.5). Caps are checked while scanning, so an oversized head is
 * refused without being split further. A message whose bytes end right after a header line's CRLF,
 * without the empty line, is taken as having no body: a datagram's end bounds it anyway.
 */
export function splitHeaderSection(text: string, limits: { maxHeaders: number; maxHeaderBytes: number }): HeaderSection | HeaderSectionError {
  let start = 0;
  while (text.startsWith('\r\n', start)) start += 2;
  const firstEnd = text.indexOf('\r\n', start);
  if (firstEnd < 0) return { kind: 'no-start-line' };
  const startLine = text.slice(start, firstEnd);
  const fields: SipHeaderField[] = [];
  let pos = firstEnd + 2;
  // The header line being read, its folds joined; split into name and value once it is complete.
  let current: string | undefined;
  const finish = (): HeaderSectionError | undefined => {
    if (current === undefined) return undefined;
    const line = current;
    current = undefined;
    const colon = line.indexOf(':');
    if (colon < 0) return { kind: 'bad-header-line', line };
    // Trimmed by index: one slice each for the name and the value.
    let nameEnd = colon;
    while (nameEnd > 0 && isBlank(line.charCodeAt(nameEnd - 1))) nameEnd--;
    const name = line.slice(0, nameEnd);
    if (!isToken(name)) return { kind: 'bad-header-line', line };
    let valueStart = colon + 1;
    let valueEnd = line.length;
    while (valueStart < valueEnd && isBlank(line.charCodeAt(valueStart))) valueStart++;
    while (valueEnd > valueStart && isBlank(line.charCodeAt(valueEnd - 1))) valueEnd--;
    fields.push({ name, value: line.slice(valueStart, valueEnd) });
    return undefined;
  };
  for (;;) {
    const end = text.indexOf('\r\n', pos);
    if (end < 0) {
      // No CRLF left: either the bytes stop exactly after a CRLF (no empty line) or mid-line.
      if (pos < text.length) return { kind: 'unterminated', startLine, fields };
      const error = finish();
      if (error !== undefined) return error;
      return { startLine, fields, bodyOffset: text.length };
    }
    const lineStart = pos;
    pos = end + 2;
    if (end === lineStart) {
      const error = finish();
      if (error !== undefined) return error;
      return { startLine, fields, bodyOffset: pos };
    }
    const first = text.charCodeAt(lineStart);
    if ((first === 0x20 || first === 0x09) && current !== undefined) {
      current += ' ' + text.slice(lineStart, end).trim();
    } else {
      const error = finish();
      if (error !== undefined) return error;
      if (fields.length + 1 > limits.maxHeaders) return { kind: 'too-many-headers', count: fields.length + 1 };
      current = text.slice(lineStart, end);
    }
    if (current !== undefined && current.length > limits.maxHeaderBytes) {
      return { kind: 'header-too-long', name: current.slice(0, Math.max(0, current.indexOf(':'))).trim(), bytes: current.length };
    }
  }
}

/** SP or HTAB, the whitespace around a header's colon (RFC 3261 §7.3.1, HCOLON). */
function isBlank(code: number): boolean {
  return code === 0x20 || code === 0x09;
}
