/**
 * Reads what a REGISTER asks for (RFC 3261 §10.2, §10.3 step 6): the Contact list or the `*`
 * wildcard, and each contact's requested expiry from its `expires` parameter, else the Expires header,
 * else the registrar's default. Pure: a bad value becomes a typed problem, never a throw.
 */
import type { SipRequest } from '../message/index.js';

/** RFC 3261 §20.19: delta-seconds; a value beyond 2**32-1 is taken as 2**32-1. */
const MAX_DELTA_SECONDS = 2 ** 32 - 1;

export interface RequestedContact {
  readonly uri: string;
  readonly q: string | undefined;
  /** Requested seconds, before the registrar's minimum and maximum apply. */
  readonly expiresS: number;
}

export type RegisterReading =
  | { kind: 'query' }
  | { kind: 'remove-all' }
  | { kind: 'contacts'; contacts: RequestedContact[] }
  | { kind: 'bad'; reason: string };

export function parseDeltaSeconds(value: string | null | undefined): number | undefined {
  if (typeof value !== 'string' || !/^\d{1,20}$/.test(value.trim())) return undefined;
  return Math.min(Number(value.trim()), MAX_DELTA_SECONDS);
}

export function readRegister(request: SipRequest, defaultExpiresS: number): RegisterReading {
  const expiresFields = request.headers.getAll('expires');
  if (expiresFields.length > 1) return { kind: 'bad', reason: 'Multiple Expires Headers' };
  const headerExpires = expiresFields.length === 1 ? parseDeltaSeconds(expiresFields[0]) : undefined;
  if (expiresFields.length === 1 && headerExpires === undefined) return { kind: 'bad', reason: 'Bad Expires Header' };
  const contacts = request.contacts;
  if (contacts === undefined) return { kind: 'bad', reason: 'Bad Contact Header' };
  if (contacts === '*') {
    // §10.3 step 6: `*` only alone and only with Expires: 0 (§10.2.2).
    if (request.headers.getAll('contact').length !== 1) return { kind: 'bad', reason: 'Wildcard Contact Not Alone' };
    if (headerExpires !== 0) return { kind: 'bad', reason: 'Wildcard Contact Needs Expires 0' };
    return { kind: 'remove-all' };
  }
  if (contacts.length === 0) return { kind: 'query' };
  const out: RequestedContact[] = [];
  for (const contact of contacts) {
    if (contact.scheme !== 'sip' && contact.scheme !== 'sips') return { kind: 'bad', reason: 'Unsupported Contact URI Scheme' };
    const param = contact.params['expires'];
    let expiresS = headerExpires ?? defaultExpiresS;
    if (param !== undefined) {
      const parsed = parseDeltaSeconds(param);
      if (parsed === undefined) return { kind: 'bad', reason: 'Bad Contact Expires Parameter' };
      expiresS = parsed;
    }
    out.push({ uri: contact.uri, q: contact.params['q'] ?? undefined, expiresS });
  }
  return { kind: 'contacts', contacts: out };
}
