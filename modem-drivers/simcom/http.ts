/**
 * Pure pieces of the SIMCom data connectivity check (./data-check.ts): request checks, the
 * `+HTTPACTION:` parser and the meaning of the module's own status codes. No I/O, never throws.
 *
 * Sources (formats and codes, not wording): SIMCom SIM7500_SIM7600 Series HTTP(S) Application Note and the
 * HTTP(S) chapter of the SIM7500_SIM7600 Series AT Command Manual — AT+HTTPINIT (starts the HTTP service),
 * AT+HTTPPARA="URL","<url>", AT+HTTPACTION=<method> (0 = GET; OK, then `+HTTPACTION: <method>,
 * <statuscode>,<datalen>`, where a failed connection puts an <errcode> in the status field),
 * AT+HTTPTERM, the URCs +HTTP_PEER_CLOSED and +HTTP_NONET_EVENT, the <statuscode> table (HTTP codes plus
 * 600 Not HTTP PDU, 601 Network Error, 602 No memory, 603 DNS Error, 604 Stack Busy) and the <errcode>
 * table (701..719). The same tables are printed in SIMCom's A76XX HTTP(S) Application Note V1.00 §4.
 */
import type { HttpCheckFailure } from '../types.js';
import { infoParams, paramInt, type ParseResult } from '../generic/parse.js';
import { checkHttpRequest, HTTP_CHECK_DEFAULT_MS, HTTP_CHECK_MAX_MS, HTTP_CHECK_MIN_MS, type HttpRequest } from '../generic/http-request.js';

export { checkHttpRequest, HTTP_CHECK_DEFAULT_MS, HTTP_CHECK_MAX_MS, HTTP_CHECK_MIN_MS, type HttpRequest };

const ok = <T>(value: T): ParseResult<T> => ({ ok: true, value });
const bad = (what: string, line: string, why: string): ParseResult<never> => ({
  ok: false,
  error: `${what}: ${why} in ${JSON.stringify(line.length > 200 ? line.slice(0, 200) + '...' : line)}`,
});

/**
 * Longest URL sent in AT+HTTPPARA="URL" here. The manuals seen differ on the limit (256 bytes and more are
 * quoted); the command line also has to fit the module's input buffer, so a conservative 255.
 */
export const SIMCOM_URL_MAX = 255;

export interface HttpActionResult {
  /** 0 GET, 1 POST, 2 HEAD, 3 DELETE, 4 PUT. */
  method: number;
  /** The server's HTTP status, or the module's own code (600..604, 701..719). */
  status: number;
  /** <datalen>: length of the response body received. */
  length: number;
}

/** `+HTTPACTION: <method>,<statuscode>,<datalen>`. */
export function parseHttpAction(line: string): ParseResult<HttpActionResult> {
  const p = infoParams(line, '+HTTPACTION:');
  if (!p) return bad('+HTTPACTION', line, 'not a +HTTPACTION line');
  const method = paramInt(p[0]);
  const status = paramInt(p[1]);
  const length = paramInt(p[2]);
  if (method === undefined || status === undefined || length === undefined || method < 0 || status < 0 || length < 0) {
    return bad('+HTTPACTION', line, 'expected <method>,<statuscode>,<datalen>');
  }
  return ok({ method, status, length });
}

/** The module's own codes in the <statuscode> field: network side (6xx) and HTTP client (7xx). */
export const SIMCOM_HTTP_ERRORS: Readonly<Record<number, string>> = {
  600: 'not HTTP PDU',
  601: 'network error',
  602: 'no memory',
  603: 'DNS error',
  604: 'stack busy',
  701: 'alert state',
  702: 'unknown error',
  703: 'busy',
  704: 'connection closed error',
  705: 'timeout',
  706: 'receive/send socket data failed',
  707: 'file not exists or other memory error',
  708: 'invalid parameter',
  709: 'network error',
  710: 'start a new SSL session failed',
  711: 'wrong state',
  712: 'failed to create socket',
  713: 'get DNS failed',
  714: 'connect socket failed',
  715: 'handshake failed',
  716: 'close socket failed',
  717: 'no network error',
  718: 'send data timeout',
  719: 'CA missed',
};

/** True for a <statuscode> that is the module's error rather than the server's answer (600 and up). */
export function isSimcomHttpError(status: number): boolean {
  return status >= 600;
}

/** What a SIMCom status/error code means for the check. */
export function simcomHttpFailure(code: number): HttpCheckFailure {
  if (code === 603 || code === 713) return 'dns';
  if (code === 705 || code === 718) return 'timeout';
  if (code === 601 || code === 709 || code === 717) return 'no-data-connection';
  if (code === 704 || code === 706 || code === 710 || code === 712 || code === 714 || code === 715 || code === 719) return 'connect';
  return 'modem';
}

/** `DNS error (SIMCom code 603)`. */
export function describeSimcomHttpError(code: number): string {
  return `${SIMCOM_HTTP_ERRORS[code] ?? 'unlisted HTTP error'} (SIMCom code ${code})`;
}
