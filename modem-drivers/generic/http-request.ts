/**
 * Checks shared by the vendors' data connectivity checks (DataCheckCapability.httpCheck): the request's URL,
 * APN and timeout, normalised for the modem. Pure; never throws.
 */
import type { HttpCheckOptions } from '../types.js';
import type { ParseResult } from './parse.js';

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });

export const HTTP_CHECK_DEFAULT_MS = 60_000;
/** Bounds of the check's timeout: <rsptime> is whole seconds; five minutes is plenty for one GET. */
export const HTTP_CHECK_MIN_MS = 1_000;
export const HTTP_CHECK_MAX_MS = 300_000;

export interface HttpRequest {
  /** The URL as the WHATWG parser normalised it (quotes and controls percent-encoded). */
  url: string;
  apn: string | undefined;
  /** The timeout in whole seconds (rounded up). */
  seconds: number;
}

/**
 * APN network identifier: labels of letters, digits and hyphens separated by dots (TS 23.003 §9.1), at
 * most 100 octets; the underscore some operators use is accepted too. Quotes never reach the command.
 */
const APN = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** Checks and normalises httpCheck()'s options; `maxUrl` is the family's URL length limit. */
export function checkHttpRequest(opts: HttpCheckOptions, maxUrl: number): ParseResult<HttpRequest> {
  if (opts === null || typeof opts !== 'object') return { ok: false, error: 'httpCheck needs { url, apn?, timeoutMs? }' };
  if (typeof opts.url !== 'string' || opts.url.trim() === '') return { ok: false, error: 'check URL is missing' };
  let u: URL;
  try {
    u = new URL(opts.url.trim());
  } catch {
    return { ok: false, error: `check URL ${JSON.stringify(opts.url)} is not a valid URL` };
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') return { ok: false, error: `check URL must be http:// or https://, got ${u.protocol}` };
  if (u.username !== '' || u.password !== '') return { ok: false, error: 'check URL must not carry a user name or password' };
  u.hash = ''; // never sent to the server
  const url = u.href;
  if (/[^\x21-\x7e]|"/.test(url)) {
    return { ok: false, error: 'check URL holds characters the modem cannot take' };
  }
  if (url.length > maxUrl) return { ok: false, error: `check URL is ${url.length} characters long; this modem takes at most ${maxUrl}` };
  let apn: string | undefined;
  if (opts.apn !== undefined) {
    if (typeof opts.apn !== 'string' || opts.apn.length > 100 || !APN.test(opts.apn)) {
      return { ok: false, error: `APN ${JSON.stringify(opts.apn)} is not valid (labels of letters, digits, - and _ separated by dots, at most 100 characters)` };
    }
    apn = opts.apn;
  }
  const ms = opts.timeoutMs ?? HTTP_CHECK_DEFAULT_MS;
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < HTTP_CHECK_MIN_MS || ms > HTTP_CHECK_MAX_MS) {
    return { ok: false, error: `timeoutMs must be ${HTTP_CHECK_MIN_MS}..${HTTP_CHECK_MAX_MS}, got ${String(ms)}` };
  }
  return ok({ url, apn, seconds: Math.ceil(ms / 1000) });
}
