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
  let current: { name: string; line: string } | undefined;
  const finish = (): HeaderSectionError | undefined => {
    if (current === undefined) return undefined;
    const colon = current.line.indexOf(':');
    const name = colon < 0 ? '' : current.line.slice(0, colon).replace(/[ \t]+$/, '');
    if (colon < 0 || !isToken(name)) return { kind: 'bad-header-line', line: current.line };
    fields.push({ name, value: current.line.slice(colon + 1).trim() });
    current = undefined;
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
    const line = text.slice(pos, end);
    pos = end + 2;
    if (line === '') {
      const error = finish();
      if (error !== undefined) return error;
      return { startLine, fields, bodyOffset: pos };
    }
    if ((line[0] === ' ' || line[0] === '\t') && current !== undefined) {
      current.line += ' ' + line.trim();
    } else {
      const error = finish();
      if (error !== undefined) return error;
      if (fields.length + 1 > limits.maxHeaders) return { kind: 'too-many-headers', count: fields.length + 1 };
      current = { name: line.slice(0, Math.max(0, line.indexOf(':'))), line };
    }
    if (current !== undefined && current.line.length > limits.maxHeaderBytes) {
      return { kind: 'header-too-long', name: current.name.trim(), bytes: current.line.length };
    }
  }
}
