/**
 * The forward number of SIP → GSM calls (manual §4.6 "转移号码"), one setting with two modes:
 * - a plain number: two-stage dialling skips its second stage and dials this number;
 * - "M1:<service number>": every call dials the service number instead, and 1 s after it answers the
 *   number the call would have dialled goes to the service as DTMF, key by key, ended by "#".
 */
export type ForwardNumber =
  | { readonly mode: 'none' }
  | { readonly mode: 'fixed'; readonly number: string }
  | { readonly mode: 'service'; readonly service: string };

/** A plain forward number: what the schema accepts as a phone number. */
export const FIXED_FORWARD_NUMBER = /^\+?[0-9*#]{1,32}$/;
/** "M1:" and the service number. */
export const SERVICE_FORWARD_NUMBER = /^M1:(\+?[0-9*#]{1,32})$/;

/** Delay between the service's answer and the first key (manual §4.6: "1 秒后"). */
export const SERVICE_DIGITS_DELAY_MS = 1000;

/** The setting read; a value that is neither form (the schema refuses it) counts as none. */
export function readForwardNumber(value: string | null): ForwardNumber {
  if (value === null) return { mode: 'none' };
  const service = SERVICE_FORWARD_NUMBER.exec(value);
  if (service !== null) return { mode: 'service', service: service[1]! };
  return FIXED_FORWARD_NUMBER.test(value) ? { mode: 'fixed', number: value } : { mode: 'none' };
}

/** The keys sent to the service: the called number, then "#" (§4.6). Null when it holds no DTMF key form. */
export function serviceDigits(calledNumber: string): string | null {
  const digits = `${calledNumber}#`;
  return /^[0-9*#]{2,64}$/.test(digits) ? digits : null;
}
