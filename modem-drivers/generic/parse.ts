/**
 * Pure parsers for the information lines of 3GPP TS 27.007 and TS 27.005 (PDU mode), one file per
 * capability; this module gathers them. No I/O, never throw: every parser returns `{ ok: true, value }` or
 * `{ ok: false, error }` with a message that names the line.
 */
export { cmeErrorText, cmsErrorText, describeFinal } from './error-codes.js';
export { infoParams, paramInt, paramStr, tokenize, valueOf, type AtParam, type ParseResult } from './parse-params.js';
export * from './parse-netreg.js';
export * from './parse-call.js';
export * from './parse-call-waiting.js';
export * from './parse-ussd.js';
export * from './parse-sim.js';
export * from './parse-sms.js';
