/**
 * The SIP answer to an SMS the router refused (src/sms/sms-router.ts SubmitError). The number was
 * already checked by readInboundMessage, so a recipient refusal is policy: dial rules in strict mode
 * or no line prefix matching → 403 (RFC 3261 §21.4.4); a number the prefix stripping or dial rules
 * leave empty or broken → 484 Address Incomplete (§21.4.22). A text too long for 255 parts → 413
 * (RFC 3428 §7). The router's words go in a Warning (§20.43, code 399) for the sender's log.
 */
import { SubmitError } from '../../sms/sms-router.js';

export interface SubmitRefusal {
  readonly statusCode: 403 | 413 | 484;
  readonly reasonPhrase: string;
  readonly headers: readonly (readonly [string, string])[];
}

/** A Warning value: quoted text without quotes, backslashes or line breaks, bounded. */
function warning(text: string): readonly [string, string] {
  return ['Warning', `399 cellgate "${text.replace(/["\\\r\n]+/g, ' ').slice(0, 200)}"`];
}

/** The answer for a refusal, or undefined when `error` is not a refusal (a store failure: 500). */
export function submitRefusalOf(error: unknown): SubmitRefusal | undefined {
  if (!(error instanceof SubmitError)) return undefined;
  const headers = [warning(error.message)];
  if (error.field === 'text') return { statusCode: 413, reasonPhrase: 'Message Too Long', headers };
  if (error.field === 'recipient' && /not a phone number|is empty/.test(error.message)) return { statusCode: 484, reasonPhrase: 'Address Incomplete', headers };
  return { statusCode: 403, reasonPhrase: 'Forbidden', headers };
}
