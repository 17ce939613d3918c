/**
 * A SIP MESSAGE asking the gateway to send an SMS (the vendor manual's appendix F): where the
 * destination number comes from, the text, and the SIP status to answer when the request cannot be
 * relayed. Pure: the SIP core answers and the SMS pipeline sends.
 */
import { parseSipUri, type SipRequest } from '../message/index.js';
import { readTextBody, type TextBodyProblem } from './text-body.js';

/**
 * Where the destination number is read (the manual's "Message Body" and "To Header" options):
 * `body` — the first line of the body, the rest is the text; `to-header` — the user part of To, the
 * whole body is the text.
 */
export type DestinationMode = 'body' | 'to-header';

/** An SMS to send, read from a MESSAGE. */
export interface InboundSms {
  /** `+` and 1–20 digits (TS 23.040 §9.1.2.5 address digits), as given. */
  readonly destination: string;
  /** The SMS text exactly as carried (line breaks kept). */
  readonly text: string;
  /** The Call-ID, for the relay report. */
  readonly callId: string;
  /** To carried `messagetype=SMS` (the PBX seed's marker for "relay this as an SMS"). */
  readonly markedAsSms: boolean;
}

export type InboundRejectReason =
  | TextBodyProblem['reason']
  | 'not-message'
  | 'missing-call-id'
  | 'missing-destination'
  | 'bad-destination'
  | 'empty-text'
  | 'not-sms-message-type';

/** The final response to send instead of relaying. */
export interface InboundReject {
  readonly reason: InboundRejectReason;
  readonly statusCode: 400 | 405 | 415 | 488;
  readonly reasonPhrase: string;
  /** Header fields the response must carry (Accept / Accept-Encoding with a 415, Allow with a 405). */
  readonly headers: readonly (readonly [string, string])[];
  /** What was wrong, for the log. */
  readonly detail: string;
}

export type InboundMessageVerdict = { readonly ok: true; readonly sms: InboundSms } | { readonly ok: false; readonly reject: InboundReject };

/** `+` then 1–20 digits: what an SMS-SUBMIT TP-DA holds (TS 23.040 §9.1.2.5). */
const NUMBER = /^\+?[0-9]{1,20}$/;

const REJECTS: Record<InboundRejectReason, Omit<InboundReject, 'reason' | 'detail'>> = {
  'not-message': { statusCode: 405, reasonPhrase: 'Method Not Allowed', headers: [['Allow', 'MESSAGE']] },
  'missing-call-id': { statusCode: 400, reasonPhrase: 'Missing Call-ID', headers: [] },
  // RFC 3261 §7.4.1: a body needs its Content-Type; a request that breaks the rules is a 400 (§21.4.1).
  'missing-content-type': { statusCode: 400, reasonPhrase: 'Missing Content-Type', headers: [] },
  // RFC 3428 §7 and RFC 3261 §8.2.3: a body the UAS cannot handle gets a 415 listing what it takes
  // (Accept for a type or charset, Accept-Encoding for an encoding).
  'unsupported-content-type': { statusCode: 415, reasonPhrase: 'Unsupported Media Type', headers: [['Accept', 'text/plain']] },
  'unsupported-charset': { statusCode: 415, reasonPhrase: 'Unsupported Media Type', headers: [['Accept', 'text/plain;charset=UTF-8']] },
  'unsupported-content-encoding': { statusCode: 415, reasonPhrase: 'Unsupported Media Type', headers: [['Accept-Encoding', 'identity']] },
  'invalid-text-encoding': { statusCode: 400, reasonPhrase: 'Invalid Text Encoding', headers: [] },
  'missing-destination': { statusCode: 400, reasonPhrase: 'Missing Destination Number', headers: [] },
  'bad-destination': { statusCode: 400, reasonPhrase: 'Invalid Destination Number', headers: [] },
  'empty-text': { statusCode: 400, reasonPhrase: 'Empty Message Text', headers: [] },
  // RFC 3261 §21.4.26: understood, but this gateway relays SMS only.
  'not-sms-message-type': { statusCode: 488, reasonPhrase: 'Not Acceptable Here', headers: [] },
};

function reject(reason: InboundRejectReason, detail: string): InboundMessageVerdict {
  return { ok: false, reject: { reason, detail, ...REJECTS[reason] } };
}

/** Percent-escapes in a URI user part are decoded (RFC 3261 §19.1.2); a broken escape keeps the text. */
function unescapeUser(user: string): string {
  try {
    return decodeURIComponent(user);
  } catch {
    return user;
  }
}

/** The number named by To: the user of a SIP URI or the number of a tel URI, parameters dropped. */
function toNumber(request: SipRequest): string | undefined {
  const to = request.to;
  if (to === undefined) return undefined;
  if (to.scheme === 'tel') return unescapeUser(to.uri.slice(4).split(';')[0]!).trim();
  const user = parseSipUri(to.uri)?.user;
  // A user part may carry `;phone-context=…` style parameters (RFC 3966 §5.1.5 in a SIP user).
  return user === undefined ? undefined : unescapeUser(user.split(';')[0]!).trim();
}

/** Splits at the first line break, CRLF or bare LF (a UA may send either). */
function splitFirstLine(text: string): { first: string; rest: string } {
  const m = /\r?\n/.exec(text);
  return m === null ? { first: text, rest: '' } : { first: text.slice(0, m.index), rest: text.slice(m.index + m[0].length) };
}

/**
 * `messagetype` on To (PBX seed §13.7: `To: <sip:102@…>;messagetype=SMS`): undefined when absent,
 * else its value without quotes. Parameter names are case-insensitive (RFC 3261 §7.3.1).
 */
function messageType(request: SipRequest): string | undefined {
  const value = request.to?.params['messagetype'];
  return value === undefined ? undefined : (value ?? '').replace(/^"(.*)"$/, '$1');
}

/**
 * Reads a MESSAGE as an SMS to send: the destination (by `mode`) and the text, or the final response
 * to answer with. Checks run in the order a sender can fix them: method, Call-ID, message type, body
 * type and encoding, destination, text. Never throws.
 */
export function readInboundMessage(request: SipRequest, mode: DestinationMode): InboundMessageVerdict {
  if (request.method !== 'MESSAGE') return reject('not-message', `method ${request.method}`);
  const callId = request.callId;
  if (callId === undefined || callId.trim() === '') return reject('missing-call-id', 'no Call-ID');
  const type = messageType(request);
  if (type !== undefined && type.toUpperCase() !== 'SMS') return reject('not-sms-message-type', `messagetype=${type}`);
  const body = readTextBody(request);
  if (!body.ok) return reject(body.problem.reason, body.problem.detail);
  let destination: string | undefined;
  let text: string;
  if (mode === 'body') {
    const { first, rest } = splitFirstLine(body.text);
    destination = first.trim();
    text = rest;
  } else {
    destination = toNumber(request);
    text = body.text;
  }
  if (destination === undefined || destination === '') return reject('missing-destination', mode === 'body' ? 'the first body line is empty' : 'To has no user part');
  if (!NUMBER.test(destination)) return reject('bad-destination', `destination ${JSON.stringify(destination.slice(0, 40))}`);
  if (text.trim() === '') return reject('empty-text', 'no text after the destination');
  return { ok: true, sms: { destination, text, callId, markedAsSms: type !== undefined } };
}
