import { grammarParse } from './grammar-cache.js';
import { canonicalHeaderName } from './header-names.js';
import { SipHeaders } from './sip-headers.js';
import { parseContactList, parseCSeq, parseNameAddr, parseViaList } from './header-values.js';

/** One header problem: the reason phrase names the header (RFC 3261 §21.4.1 lets 400 say why). */
export interface HeaderProblem {
  readonly reasonPhrase: string;
  readonly detail: string;
}

const MAX_DELTA_SECONDS = 2 ** 32 - 1;
const REQUIRED = ['via', 'from', 'to', 'call-id', 'cseq'] as const;
const REQUIRED_IN_REQUESTS = [...REQUIRED, 'max-forwards'] as const;
const SINGLE_VALUED = ['from', 'to', 'call-id', 'cseq', 'max-forwards', 'content-length', 'content-type', 'expires'] as const;

/** RFC 1123 date in GMT, the only form SIP allows (RFC 3261 §20.17). */
const SIP_DATE = /^(Mon|Tue|Wed|Thu|Fri|Sat|Sun), \d{2} (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) \d{4} \d{2}:\d{2}:\d{2} GMT$/;

function bad(name: string, detail: string): HeaderProblem {
  return { reasonPhrase: `Bad ${canonicalHeaderName(name)} Header`, detail };
}

function isDeltaSeconds(text: string | null | undefined): boolean {
  return typeof text === 'string' && /^\d{1,10}$/.test(text) && Number(text) <= MAX_DELTA_SECONDS;
}

/**
 * Checks the headers SIP processing relies on (RFC 3261 §8.1.1 and §8.2, table in §20): presence,
 * single occurrence where the grammar allows one value, and syntax through sip.js's grammar plus the
 * limits sip.js does not enforce (CSeq below 2**31, Max-Forwards up to 255, delta-seconds in 32 bits,
 * a GMT Date). Returns the first problem found, or undefined.
 */
export function checkHeaders(headers: SipHeaders, request: { method: string } | undefined, requireMaxForwards: boolean): HeaderProblem | undefined {
  const required = request !== undefined && requireMaxForwards ? REQUIRED_IN_REQUESTS : REQUIRED;
  for (const name of required) {
    if (!headers.has(name)) return { reasonPhrase: `Missing ${canonicalHeaderName(name)} Header`, detail: `no ${name} header` };
  }
  for (const name of SINGLE_VALUED) {
    const count = headers.count(name);
    if (count > 1) return { reasonPhrase: `Multiple ${canonicalHeaderName(name)} Headers`, detail: `${count} ${name} headers` };
  }
  for (const value of headers.getAll('via')) if (parseViaList(value) === undefined) return bad('via', `via: ${value}`);
  for (const name of ['from', 'to'] as const) {
    const value = headers.get(name)!;
    if (parseNameAddr(value, name === 'from' ? 'From' : 'To') === undefined) return bad(name, `${name}: ${value}`);
  }
  const callId = headers.get('call-id')!;
  if (grammarParse(callId, 'Call_ID') === -1) return bad('call-id', `call-id: ${callId}`);
  const cseqText = headers.get('cseq')!;
  const cseq = parseCSeq(cseqText);
  if (cseq === undefined) return bad('cseq', `cseq: ${cseqText}`);
  // RFC 3261 §8.1.1.5: the CSeq method matches the request's; RFC 4475 §3.1.2.17/18 want 400 otherwise.
  if (request !== undefined && cseq.method !== request.method) {
    return { reasonPhrase: 'CSeq Method Mismatch', detail: `cseq method ${cseq.method} in a ${request.method}` };
  }
  const maxForwards = headers.get('max-forwards');
  if (maxForwards !== undefined && !(/^\d{1,10}$/.test(maxForwards) && Number(maxForwards) <= 255)) return bad('max-forwards', `max-forwards: ${maxForwards}`);
  const contentLength = headers.get('content-length');
  if (contentLength !== undefined && !/^\d{1,10}$/.test(contentLength)) return bad('content-length', `content-length: ${contentLength}`);
  const contentType = headers.get('content-type');
  if (contentType !== undefined && grammarParse(contentType, 'Content_Type') === -1) return bad('content-type', `content-type: ${contentType}`);
  const expires = headers.get('expires');
  if (expires !== undefined && !isDeltaSeconds(expires)) return bad('expires', `expires: ${expires}`);
  for (const value of headers.getAll('contact')) {
    const contacts = parseContactList(value);
    if (contacts === undefined) return bad('contact', `contact: ${value}`);
    if (contacts !== '*' && contacts.some((c) => 'expires' in c.params && !isDeltaSeconds(c.params['expires']))) return bad('contact', `contact expires: ${value}`);
  }
  for (const name of ['route', 'record-route'] as const) {
    for (const value of headers.getAll(name)) {
      if (grammarParse(value, 'Record_Route') === -1) return bad(name, `${name}: ${value}`);
    }
  }
  const date = headers.get('date');
  if (date !== undefined && !SIP_DATE.test(date)) return bad('date', `date: ${date}`);
  return undefined;
}
