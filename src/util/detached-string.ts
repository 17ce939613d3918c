/**
 * A copy of `text` that shares no memory with the string it was cut from. V8 keeps a slice of 13
 * characters or more as a view into its parent, so a short value kept for long (a SIP transaction's
 * branch and reply address, kept for Timer J's 32 s) would otherwise keep the whole message text it
 * was parsed from alive with it.
 */
const SLICE_MIN_LENGTH = 13;

export function detachedString(text: string): string {
  return text.length < SLICE_MIN_LENGTH ? text : Buffer.from(text, 'utf8').toString('utf8');
}
