/**
 * The SIP final status for a GSM call that ended before it was answered (`sip.calls.causeStatus`).
 * The GSM leg's cause (Call.gsm.cause) is what the modem said: a V.250 result code (NO CARRIER, BUSY,
 * NO ANSWER, NO DIALTONE; TS 27.007 §6.2), HANGUP from a vendor end report, an AT error kind when
 * ATD itself failed, or a +CEER text (TS 24.008 table 10.5.123 cause names). Pure; never throws.
 *
 * Classes:
 * - busy: BUSY, "User busy".
 * - noAnswer: NO ANSWER, "No answer from user", "No user responding"; also NO CARRIER or HANGUP after
 *   the callee was alerted (it rang, then the network cleared it: the usual no-answer ending).
 * - rejected: "Call rejected".
 * - unreachable: NO DIALTONE (no network service), "Subscriber absent", "Unassigned number",
 *   "No route to destination", "Destination out of order".
 * - other: everything else, a cause-less end (the gateway hung up itself) included.
 */

export type GsmEndClass = 'busy' | 'noAnswer' | 'rejected' | 'unreachable' | 'other';

/** `sip.calls.causeStatus`: one SIP status (400–699) per class. */
export type CauseStatusTable = Readonly<Record<GsmEndClass, number>>;

const CEER_CLASSES: readonly (readonly [RegExp, GsmEndClass])[] = [
  [/user busy/i, 'busy'],
  [/no answer|no user responding/i, 'noAnswer'],
  [/call rejected/i, 'rejected'],
  [/subscriber absent|unassigned|unallocated|no route to destination|destination out of order|invalid number/i, 'unreachable'],
];

/** The class of a GSM end cause; `alerted`: the callee's phone rang first. */
export function classifyGsmEnd(cause: string | null, alerted: boolean): GsmEndClass {
  if (typeof cause !== 'string') return 'other';
  const text = cause.trim().toUpperCase();
  if (text === 'BUSY') return 'busy';
  if (text === 'NO ANSWER') return 'noAnswer';
  if (text === 'NO DIALTONE' || text === 'NO DIAL TONE') return 'unreachable';
  if (text === 'NO CARRIER' || text === 'HANGUP') return alerted ? 'noAnswer' : 'other';
  for (const [pattern, klass] of CEER_CLASSES) if (pattern.test(cause)) return klass;
  return 'other';
}

const REASONS: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  408: 'Request Timeout',
  410: 'Gone',
  480: 'Temporarily Unavailable',
  486: 'Busy Here',
  487: 'Request Terminated',
  500: 'Server Internal Error',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
};

/** A reason phrase for a status (RFC 3261 §21), or a generic one for its class. */
export function reasonPhraseFor(status: number): string {
  return REASONS[status] ?? (status >= 600 ? 'Global Failure' : status >= 500 ? 'Server Error' : 'Request Failed');
}

/** The final response for a GSM leg that ended unanswered. An out-of-range table entry falls back to 503. */
export function statusForGsmEnd(cause: string | null, alerted: boolean, table: CauseStatusTable): { status: number; reason: string; class: GsmEndClass } {
  const klass = classifyGsmEnd(cause, alerted);
  const configured = table[klass];
  const status = Number.isInteger(configured) && configured >= 400 && configured <= 699 ? configured : 503;
  return { status, reason: reasonPhraseFor(status), class: klass };
}
