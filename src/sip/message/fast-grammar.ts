import { fastCallId, fastContact, fastContentType, fastCSeq, fastFromTo, fastRouteList, fastStartLine, fastVia } from './fast-headers.js';
import { fastSipUri } from './fast-uri.js';

/**
 * Fast paths in front of sip.js's grammar for the rules the SIP layers call, keyed by rule name. Each
 * returns the parts of the grammar's result its callers read, or undefined when the value is not one
 * of the plain shapes it knows; then the grammar decides. See the fast-grammar decision record.
 */
const FAST_RULES: Readonly<Record<string, (text: string) => unknown>> = {
  Request_Response: fastStartLine,
  Via: fastVia,
  CSeq: fastCSeq,
  From: fastFromTo,
  To: fastFromTo,
  Contact: fastContact,
  Record_Route: fastRouteList,
  Call_ID: fastCallId,
  Content_Type: fastContentType,
  SIP_URI: (text) => fastSipUri(text),
};

/** The fast reading of `text` under `rule`, or undefined when the grammar must decide. */
export function fastGrammarParse(text: string, rule: string): unknown {
  const fast = FAST_RULES[rule];
  return fast === undefined ? undefined : fast(text);
}
