/**
 * The relay report (the vendor manual's appendix F, "return the sending result"): after an SMS asked
 * for by a MESSAGE is sent or has failed, the gateway sends a MESSAGE whose body is
 * `SMS(callid:<Call-ID before @>) RELAY OK` or `… RELAY ERROR:<n>`. The manual says only that `<n>` is
 * an integer error code; the numbers below are ours (decision record "SIP MESSAGE and SMS").
 */

/** Why an SMS asked for by a MESSAGE was not sent. */
export type SmsRelayFailure =
  /** The modem answered +CMS ERROR (TS 27.005 §3.2.5); the code when it gave a number. */
  | { readonly kind: 'modem-refused'; readonly cmsError?: number }
  /** No line may send it: none ready, or none matches the line prefix. */
  | { readonly kind: 'no-line' }
  /** The text could not be built into SMS-SUBMIT PDUs. */
  | { readonly kind: 'cannot-encode' }
  /** The SIM's SMS limit is used up. */
  | { readonly kind: 'limit-reached' }
  /** Sending started but no answer came (timeout, lost port): the network may have it. */
  | { readonly kind: 'outcome-unknown' };

export type SmsRelayOutcome = { readonly ok: true } | { readonly ok: false; readonly failure: SmsRelayFailure };

/**
 * RELAY ERROR numbers. A modem's +CMS ERROR code (0–511, TS 27.005 §3.2.5) is passed on as is, so a
 * platform can look it up; 500 (its "unknown error") stands for a refusal without a number. The
 * gateway's own reasons use 1001+, outside that range.
 */
export const RELAY_ERROR_NUMBERS = {
  unknownModemError: 500,
  noLine: 1001,
  cannotEncode: 1002,
  limitReached: 1003,
  outcomeUnknown: 1004,
} as const;

/** The number `RELAY ERROR:<n>` carries for a failure. */
export function relayErrorNumber(failure: SmsRelayFailure): number {
  switch (failure.kind) {
    case 'modem-refused':
      return failure.cmsError !== undefined && Number.isInteger(failure.cmsError) && failure.cmsError >= 0 && failure.cmsError <= 511
        ? failure.cmsError
        : RELAY_ERROR_NUMBERS.unknownModemError;
    case 'no-line':
      return RELAY_ERROR_NUMBERS.noLine;
    case 'cannot-encode':
      return RELAY_ERROR_NUMBERS.cannotEncode;
    case 'limit-reached':
      return RELAY_ERROR_NUMBERS.limitReached;
    case 'outcome-unknown':
      return RELAY_ERROR_NUMBERS.outcomeUnknown;
  }
}

/** The part of a Call-ID before `@` (the whole Call-ID when it has none), as the manual's report uses it. */
export function callIdKey(callId: string): string {
  const at = callId.indexOf('@');
  return (at < 0 ? callId : callId.slice(0, at)).trim();
}

/**
 * The report body, e.g. `SMS(callid:76d95bb56a4410f4512954fe295493ea) RELAY OK`. No line break
 * after it: the manual's example text is 53 characters; its Content-Length says 54, one byte the
 * extraction does not show (decision record).
 */
export function relayReportBody(callId: string, outcome: SmsRelayOutcome): string {
  const result = outcome.ok ? 'RELAY OK' : `RELAY ERROR:${relayErrorNumber(outcome.failure)}`;
  return `SMS(callid:${callIdKey(callId)}) ${result}`;
}

/** A report read back: which request it answers and how it ended (undefined when the text is not a report). */
export interface RelayReport {
  readonly callIdKey: string;
  readonly ok: boolean;
  /** The error number of a `RELAY ERROR:<n>`. */
  readonly errorNumber?: number;
}

/** Reads a report body; surrounding whitespace and a trailing line break are allowed. */
export function parseRelayReport(body: string): RelayReport | undefined {
  const m = /^SMS\(callid:([^)\s]+)\) RELAY (?:(OK)|ERROR:(\d{1,9}))$/.exec(body.trim());
  if (m === null) return undefined;
  return m[2] === 'OK' ? { callIdKey: m[1]!, ok: true } : { callIdKey: m[1]!, ok: false, errorNumber: Number(m[3]) };
}
