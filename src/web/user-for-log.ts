/**
 * How a user name from a login attempt appears in the log. A name that belongs to no account may be
 * a password typed into the wrong field, so it is never written as such: the log gets "(unknown)"
 * and a short keyed fingerprint instead, enough to see that failed attempts repeat the same name but
 * not to recover it. The key is random per process, so fingerprints cannot be compared across
 * restarts or precomputed.
 */
import { createHmac, randomBytes } from 'node:crypto';

const PROCESS_KEY = randomBytes(32);

export const UNKNOWN_USER = '(unknown)';

/** First 8 hex digits of HMAC-SHA256(process key, text). */
export function fingerprint(text: string): string {
  return createHmac('sha256', PROCESS_KEY).update(text, 'utf8').digest('hex').slice(0, 8);
}

/** A known user name as it may appear in logs: bounded, no control characters. */
export function loggableUser(user: string): string {
  const clean = user.replace(/[\u0000-\u001f\u007f]/g, '?');
  return clean.length > 64 ? `${clean.slice(0, 64)}…` : clean;
}

/** Log fields naming the user of an attempt: the name when it is an account, else a fingerprint. */
export function userForLog(user: string, known: boolean): { user: string; userFingerprint?: string } {
  return known ? { user: loggableUser(user) } : { user: UNKNOWN_USER, userFingerprint: fingerprint(user) };
}
