import { grammarParse } from './grammar-cache.js';
import { isToken } from './header-names.js';
import { splitHeaderSection } from './header-section.js';
import { checkHeaders } from './header-checks.js';
import { SipHeaders, type SipHeaderField } from './sip-headers.js';
import type { SipMessage } from './sip-message.js';
import { sipParseOptions, type SipParseOptions } from './sip-parse-options.js';
import type { SipParseVerdict, SipRejectStatus } from './sip-parse-verdict.js';
import { SipRequest } from './sip-request.js';
import { SipResponse } from './sip-response.js';

export type SipParseResult = { readonly ok: true; readonly message: SipMessage } | { readonly ok: false; readonly verdict: SipParseVerdict };

type StartLine =
  | { kind: 'request'; method: string; uri: string; version: string; scheme: string; parsed: boolean; uriHasHeaders: boolean }
  | { kind: 'response'; statusCode: number; reasonPhrase: string; version: string }
  | { kind: 'unknown' };

/** Header values and reason phrases may carry UTF-8 (RFC 3261 §25.1 TEXT-UTF8char). */
const HIGH_BYTE = /[\x80-\xff]/;

function latin1ToUtf8(text: string): string {
  return HIGH_BYTE.test(text) ? Buffer.from(text, 'latin1').toString('utf8') : text;
}

const discard = (detail: string): SipParseResult => ({ ok: false, verdict: { action: 'discard', detail } });

/**
 * Reads the start line with sip.js's `Request_Response` rule. When the grammar refuses a line that
 * still has the request shape `token SP something SP SIP/x.y`, the method is kept so the sender can
 * be told 400 (RFC 4475 §3.1.2.7–3.1.2.10) or 505.
 */
function readStartLine(line: string): StartLine {
  const parsed = grammarParse(line, 'Request_Response') as
    | -1
    | { method?: string; uri_headers?: Record<string, unknown>; sip_version: string; status_code?: number; reason_phrase?: string };
  if (parsed !== -1 && parsed.status_code !== undefined) {
    return { kind: 'response', statusCode: parsed.status_code, reasonPhrase: parsed.reason_phrase ?? '', version: parsed.sip_version };
  }
  if (parsed !== -1 && parsed.method !== undefined) {
    const uri = line.slice(parsed.method.length + 1, line.lastIndexOf(' '));
    const scheme = uri.slice(0, Math.max(0, uri.indexOf(':'))).toLowerCase();
    const uriHasHeaders = parsed.uri_headers !== undefined && Object.keys(parsed.uri_headers).length > 0;
    return { kind: 'request', method: parsed.method, uri, version: parsed.sip_version, scheme, parsed: true, uriHasHeaders };
  }
  if (line.startsWith('SIP/')) return { kind: 'unknown' };
  const loose = /^(\S+) +(.*?) *(SIP\/\S*)? *$/.exec(line);
  if (loose === null || !isToken(loose[1]!)) return { kind: 'unknown' };
  return { kind: 'request', method: loose[1]!, uri: loose[2]!, version: loose[3] ?? '', scheme: '', parsed: false, uriHasHeaders: false };
}

/**
 * Parses one SIP message from its bytes (RFC 3261 §7). Sizes are capped first; the start line and the
 * headers other layers depend on go through sip.js's grammar (fed as latin1 so offsets and
 * Content-Length count bytes) and the checks in header-checks.ts. The result is the message, or a
 * verdict: the response RFC 3261 asks for (400, 416, 505, 513; RFC 4475 §3 names which) or `discard`
 * when nothing can be answered. It never throws for bad input.
 */
export function parseSipMessage(bytes: Buffer, options: Partial<SipParseOptions> = {}): SipParseResult {
  const limits = sipParseOptions(options);
  const tooLarge = bytes.length > limits.maxMessageBytes;
  // Only the head is ever scanned as text; a body is sliced from the bytes.
  const headBytes = Math.min(bytes.length, limits.maxMessageBytes, limits.maxHeaders * (limits.maxHeaderBytes + 2) + 2 * limits.maxHeaderBytes);
  const text = bytes.toString('latin1', 0, tooLarge ? headBytes : bytes.length);
  const section = splitHeaderSection(text, limits);
  const startLineText = 'startLine' in section ? section.startLine : text.slice(0, Math.max(0, text.indexOf('\r\n')));
  const start = readStartLine(startLineText.replace(/^(\r\n)+/, ''));
  if (start.kind === 'unknown') return discard('no SIP start line');

  // Responses are never answered (RFC 3261 §18.1.2 drops bad ones), so every rejection of one is a discard.
  const reject = (statusCode: SipRejectStatus, reasonPhrase: string, detail: string, fields: readonly SipHeaderField[] = 'fields' in section ? section.fields : []): SipParseResult =>
    start.kind === 'response'
      ? discard(`response: ${detail}`)
      : { ok: false, verdict: { action: 'respond', statusCode, reasonPhrase, method: start.method, headers: new SipHeaders(fields.map((f) => ({ name: f.name, value: latin1ToUtf8(f.value) }))), detail } };
  if (tooLarge) return reject(513, 'Message Too Large', `${bytes.length} bytes, limit ${limits.maxMessageBytes}`);
  if ('kind' in section) {
    switch (section.kind) {
      case 'no-start-line':
        return discard('no CRLF after the start line');
      case 'too-many-headers':
        return reject(513, 'Message Too Large', `more than ${limits.maxHeaders} header fields`);
      case 'header-too-long':
        return reject(513, 'Message Too Large', `header ${section.name} is ${section.bytes} bytes, limit ${limits.maxHeaderBytes}`);
      case 'bad-header-line':
        return reject(400, 'Malformed Header Line', `no header name and colon in: ${section.line.slice(0, 80)}`);
      case 'unterminated':
        return reject(400, 'Incomplete Header Section', 'the bytes end inside a header line', section.fields);
    }
  }
  return finishMessage(bytes, start, section.fields, section.bodyOffset, limits, reject);
}

function finishMessage(
  bytes: Buffer,
  start: Extract<StartLine, { kind: 'request' }> | Extract<StartLine, { kind: 'response' }>,
  fields: readonly SipHeaderField[],
  bodyOffset: number,
  limits: SipParseOptions,
  reject: (statusCode: SipRejectStatus, reasonPhrase: string, detail: string) => SipParseResult,
): SipParseResult {
  // Grammar checks run on the bytes as latin1 (RFC 3261 §25.1 is a byte grammar); the model holds text.
  const headers = SipHeaders.adopt(fields);
  const isRequest = start.kind === 'request';
  if (isRequest) {
    // RFC 3261 §8.2.2.1 follows syntax; the version comes first (RFC 3261 §21.5.6, RFC 4475 §3.1.2.16).
    if (start.version !== 'SIP/2.0' && /^SIP\/\d+\.\d+$/.test(start.version)) return reject(505, 'Version Not Supported', `version ${start.version}`);
    if (!start.parsed) return reject(400, 'Bad Request-Line', `request line does not match RFC 3261 §25.1`);
  } else if (start.version !== 'SIP/2.0' || start.statusCode < 100 || start.statusCode > 699) {
    return discard(`response status line ${start.version} ${start.statusCode}`);
  }
  const problem = checkHeaders(headers, isRequest ? { method: start.method } : undefined, limits.requireMaxForwards);
  if (problem !== undefined) return reject(400, problem.reasonPhrase, problem.detail);
  const lengthText = headers.get('content-length');
  let body: Buffer;
  if (lengthText === undefined) {
    // RFC 3261 §18.3: Content-Length is mandatory on streams; a datagram's body is the rest of it.
    if (limits.transport === 'stream') return reject(400, 'Missing Content-Length Header', 'stream message without Content-Length');
    body = Buffer.from(bytes.subarray(bodyOffset));
  } else {
    const length = Number(lengthText);
    // RFC 3261 §18.3: a Content-Length beyond the datagram is answered with 400; extra bytes are dropped.
    if (bodyOffset + length > bytes.length) return reject(400, 'Bad Content-Length Header', `content-length ${length} but ${bytes.length - bodyOffset} body bytes`);
    body = Buffer.from(bytes.subarray(bodyOffset, bodyOffset + length));
  }
  // Most heads are plain ASCII, where the latin1 and the UTF-8 readings are the same text.
  const textHeaders = fields.some((f) => HIGH_BYTE.test(f.value)) ? SipHeaders.adopt(fields.map((f) => ({ name: f.name, value: latin1ToUtf8(f.value) }))) : headers;
  if (start.kind === 'response') return { ok: true, message: new SipResponse(start.statusCode, latin1ToUtf8(start.reasonPhrase), textHeaders, body) };
  // RFC 3261 §19.1.1 (table): headers are not allowed in a Request-URI (RFC 4475 §3.1.2.11).
  if (start.uriHasHeaders) return reject(400, 'Bad Request-URI', 'a Request-URI carrying URI headers');
  if (!limits.supportedUriSchemes.includes(start.scheme)) return reject(416, 'Unsupported URI Scheme', `scheme ${start.scheme}`);
  return { ok: true, message: new SipRequest(start.method, start.uri, textHeaders, body) };
}
