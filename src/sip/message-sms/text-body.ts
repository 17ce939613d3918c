import { splitOutside } from '../message/header-lists.js';
import type { SipRequest } from '../message/index.js';

/** Why a MESSAGE body cannot be read as SMS text. */
export type TextBodyProblem =
  | { readonly reason: 'missing-content-type'; readonly detail: string }
  | { readonly reason: 'unsupported-content-type'; readonly detail: string }
  | { readonly reason: 'unsupported-charset'; readonly detail: string }
  | { readonly reason: 'unsupported-content-encoding'; readonly detail: string }
  | { readonly reason: 'invalid-text-encoding'; readonly detail: string };

export type TextBodyResult = { readonly ok: true; readonly text: string } | { readonly ok: false; readonly problem: TextBodyProblem };

/** Charsets whose bytes we decode as UTF-8 (US-ASCII is its 7-bit subset). */
export const ACCEPTED_CHARSETS: readonly string[] = ['utf-8', 'us-ascii'];

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** `text/plain ;charset="UTF-8"` → type `text/plain` and lower-case parameters without quotes. */
export function readContentType(value: string): { type: string; params: Record<string, string> } {
  const [type = '', ...rest] = splitOutside(value, ';');
  const params: Record<string, string> = {};
  for (const segment of rest) {
    const eq = segment.indexOf('=');
    if (eq < 0) continue;
    params[segment.slice(0, eq).trim().toLowerCase()] = segment.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
  }
  return { type: type.toLowerCase().replace(/\s+/g, ''), params };
}

/**
 * The body of a MESSAGE as text. Only text/plain is SMS text. A missing charset is read as UTF-8,
 * not RFC 2046's US-ASCII default: the vendor manual's forwarded MESSAGE carries Chinese text under a
 * bare `text/plain`, and UTF-8 decodes ASCII unchanged. Bytes that are not valid UTF-8 are refused,
 * not replaced, so a text never reaches a phone garbled.
 */
export function readTextBody(request: SipRequest): TextBodyResult {
  const contentType = request.headers.get('content-type');
  // RFC 3261 §7.4.1 / §20.15: a non-empty body must say its type.
  if (contentType === undefined) {
    return request.body.length === 0 ? { ok: true, text: '' } : { ok: false, problem: { reason: 'missing-content-type', detail: 'a body without Content-Type' } };
  }
  const { type, params } = readContentType(contentType);
  if (type !== 'text/plain') return { ok: false, problem: { reason: 'unsupported-content-type', detail: `Content-Type ${type}` } };
  const charset = (params['charset'] ?? 'utf-8').toLowerCase();
  if (!ACCEPTED_CHARSETS.includes(charset)) return { ok: false, problem: { reason: 'unsupported-charset', detail: `charset ${charset}` } };
  const encoding = request.headers.get('content-encoding')?.trim().toLowerCase();
  if (encoding !== undefined && encoding !== '' && encoding !== 'identity') {
    return { ok: false, problem: { reason: 'unsupported-content-encoding', detail: `Content-Encoding ${encoding}` } };
  }
  if (charset === 'us-ascii' && request.body.some((byte) => byte > 0x7f)) {
    return { ok: false, problem: { reason: 'invalid-text-encoding', detail: '8-bit bytes in a US-ASCII body' } };
  }
  try {
    return { ok: true, text: utf8.decode(request.body) };
  } catch {
    return { ok: false, problem: { reason: 'invalid-text-encoding', detail: 'the body is not valid UTF-8' } };
  }
}
