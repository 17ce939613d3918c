/**
 * The checks a UAS makes on a new request before any handler sees it (RFC 3261 §8.2), as a pure
 * function: the rejection to send, or undefined to go on.
 */
import { splitOutside } from '../message/header-lists.js';
import type { SipRequest } from '../message/index.js';

export interface RequestRejection {
  readonly statusCode: number;
  readonly reasonPhrase: string;
  readonly headers: readonly (readonly [string, string])[];
}

/** Every entry of every field of a comma-list header, trimmed. */
export function headerTokens(request: SipRequest, name: string): string[] {
  return request.headers.getAll(name).flatMap((value) => splitOutside(value, ',')).map((t) => t.trim()).filter((t) => t !== '');
}

/**
 * `allowed`: the methods with a handler (plus those the endpoint answers itself). Order follows §8.2:
 * hop limit first (a UAS gets nothing useful from a looped request), then method (§8.2.1), then
 * extensions (§8.2.2.3, never for CANCEL or ACK).
 */
export function checkNewRequest(request: SipRequest, allowed: readonly string[], supported: readonly string[]): RequestRejection | undefined {
  if (request.maxForwards === 0 && request.method !== 'OPTIONS') {
    return { statusCode: 483, reasonPhrase: 'Too Many Hops', headers: [] };
  }
  if (!allowed.includes(request.method)) {
    return { statusCode: 405, reasonPhrase: 'Method Not Allowed', headers: [['Allow', allowed.join(', ')]] };
  }
  if (request.method !== 'CANCEL' && request.method !== 'ACK' && request.headers.has('require')) {
    const unknown = headerTokens(request, 'require').filter((tag) => !supported.some((s) => s.toLowerCase() === tag.toLowerCase()));
    if (unknown.length > 0) return { statusCode: 420, reasonPhrase: 'Bad Extension', headers: [['Unsupported', unknown.join(', ')]] };
  }
  return undefined;
}
