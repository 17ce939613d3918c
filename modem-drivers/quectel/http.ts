/**
 * Pure pieces of the Quectel data connectivity check (./data-check.ts): request checks, the
 * `+QIACT:` and `+QHTTPGET:` parsers and the HTTP(S) error code table. No I/O, never throws.
 *
 * Sources (formats and codes, not wording): Quectel EC2x&EG9x&EM05 HTTP(S) AT Commands Manual / HTTP(S)
 * Application Note — AT+QHTTPCFG="contextid", AT+QHTTPURL=<URL_length>,<timeout> (CONNECT, the URL
 * bytes, OK; URL_length 1..700), AT+QHTTPGET=<rsptime> (OK, then `+QHTTPGET: <err>[,<httprspcode>
 * [,<content_length>]]`; <httprspcode> only when <err> is 0), "Summary of Error Codes" (701..730);
 * Quectel EC2x TCP/IP AT Commands Manual — AT+QICSGP=<contextID>,<context_type>,<APN>,<username>,
 * <password>,<authentication>, AT+QIACT? (`+QIACT: <contextID>,<context_state>,<context_type>[,<IP>]`).
 */
import type { HttpCheckFailure } from '../types.js';
import { infoParams, paramInt, paramStr, type ParseResult } from '../generic/parse.js';
import { checkHttpRequest, HTTP_CHECK_DEFAULT_MS, HTTP_CHECK_MAX_MS, HTTP_CHECK_MIN_MS, type HttpRequest } from '../generic/http-request.js';

export { checkHttpRequest, HTTP_CHECK_DEFAULT_MS, HTTP_CHECK_MAX_MS, HTTP_CHECK_MIN_MS, type HttpRequest };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = (what: string, line: string, why: string): ParseResult<never> => ({
  ok: false,
  error: `${what}: ${why} in ${JSON.stringify(line.length > 200 ? line.slice(0, 200) + '...' : line)}`,
});

/** Longest URL AT+QHTTPURL takes (<URL_length> 1..700). */
export const QUECTEL_URL_MAX = 700;

export interface QiactRow {
  contextId: number;
  /** <context_state>: true activated. */
  active: boolean;
  /** <context_type>: 1 IPv4, 2 IPv6, 3 IPv4v6. */
  type: number;
  ip: string | null;
}

/** `+QIACT: <contextID>,<context_state>,<context_type>[,"<IP_address>"]` (one row per active context). */
export function parseQiact(line: string): ParseResult<QiactRow> {
  const p = infoParams(line, '+QIACT:');
  if (!p) return bad('+QIACT', line, 'not a +QIACT line');
  const contextId = paramInt(p[0]);
  const state = paramInt(p[1]);
  const type = paramInt(p[2]);
  if (contextId === undefined || state === undefined || type === undefined) return bad('+QIACT', line, 'expected <contextID>,<state>,<type>');
  return ok({ contextId, active: state === 1, type, ip: paramStr(p[3]) ?? null });
}

export interface QhttpgetResult {
  /** <err>: 0 success, else a code of QUECTEL_HTTP_ERRORS. */
  err: number;
  /** <httprspcode>, present when err is 0. */
  status: number | null;
  /** <content_length>, when the server sent one. */
  length: number | null;
}

/** `+QHTTPGET: <err>[,<httprspcode>[,<content_length>]]`. */
export function parseQhttpget(line: string): ParseResult<QhttpgetResult> {
  const p = infoParams(line, '+QHTTPGET:');
  if (!p) return bad('+QHTTPGET', line, 'not a +QHTTPGET line');
  const err = paramInt(p[0]);
  if (err === undefined || err < 0) return bad('+QHTTPGET', line, 'no <err>');
  const status = p.length > 1 ? paramInt(p[1]) : undefined;
  const length = p.length > 2 ? paramInt(p[2]) : undefined;
  if (p.length > 1 && (status === undefined || status < 0)) return bad('+QHTTPGET', line, 'unreadable <httprspcode>');
  if (p.length > 2 && (length === undefined || length < 0)) return bad('+QHTTPGET', line, 'unreadable <content_length>');
  if (err === 0 && status === undefined) return bad('+QHTTPGET', line, 'success without <httprspcode>');
  return ok({ err, status: status ?? null, length: length ?? null });
}

/** The HTTP(S) "Summary of Error Codes" (<err> of +QHTTPGET and of +CME ERROR after the HTTP commands). */
export const QUECTEL_HTTP_ERRORS: Readonly<Record<number, string>> = {
  701: 'HTTP(S) unknown error',
  702: 'HTTP(S) timeout',
  703: 'HTTP(S) busy',
  704: 'HTTP(S) UART busy',
  705: 'HTTP(S) no GET/POST requests',
  706: 'HTTP(S) network busy',
  707: 'HTTP(S) network open failed',
  708: 'HTTP(S) network no configuration',
  709: 'HTTP(S) network deactivated',
  710: 'HTTP(S) network error',
  711: 'HTTP(S) URL error',
  712: 'HTTP(S) empty URL',
  713: 'HTTP(S) IP address error',
  714: 'HTTP(S) DNS error',
  715: 'HTTP(S) socket create error',
  716: 'HTTP(S) socket connect error',
  717: 'HTTP(S) socket read error',
  718: 'HTTP(S) socket write error',
  719: 'HTTP(S) socket closed',
  720: 'HTTP(S) data encode error',
  721: 'HTTP(S) data decode error',
  722: 'HTTP(S) read timeout',
  723: 'HTTP(S) response failed',
  724: 'incoming call busy',
  725: 'voice call busy',
  726: 'input timeout',
  727: 'wait data timeout',
  728: 'wait HTTP(S) response timeout',
  729: 'memory allocation failed',
  730: 'invalid parameter',
};

/** What a Quectel HTTP(S) error code means for the check. */
export function quectelHttpFailure(code: number): HttpCheckFailure {
  if (code === 714) return 'dns';
  if (code === 702 || code === 722 || code === 727 || code === 728) return 'timeout';
  if (code >= 706 && code <= 710) return 'no-data-connection';
  if (code === 713 || (code >= 715 && code <= 719) || code === 723) return 'connect';
  return 'modem';
}

/** `HTTP(S) DNS error (Quectel error 714)`. */
export function describeQuectelHttpError(code: number): string {
  return `${QUECTEL_HTTP_ERRORS[code] ?? 'unlisted HTTP(S) error'} (Quectel error ${code})`;
}
