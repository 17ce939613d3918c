/**
 * MESSAGE requests the gateway sends: a received SMS forwarded to an extension or peer (the vendor
 * manual's §4.10 "forward SMS to VoIP") and the relay report (relay-report.ts). Pure builders on
 * createRequest; the SIP core sends them in a non-INVITE client transaction.
 */
import { createRequest, type PartySpec, type SipRequest, type ViaSpec } from '../message/index.js';
import { relayReportBody, type SmsRelayOutcome } from './relay-report.js';

/** The Content-Type of every MESSAGE we send (the manual writes bare text/plain; the charset makes UTF-8 explicit). */
export const TEXT_MESSAGE_CONTENT_TYPE = 'text/plain;charset=UTF-8';

/** An SMS received on a line. */
export interface ReceivedSms {
  /** The originating address as the network gave it (`+8613670128297`, or alphanumeric). */
  readonly sender: string;
  /** The line that received it, 1-based (the manual's `L1` is line 1). */
  readonly line: number;
  readonly text: string;
}

/** Where a MESSAGE goes and who sends it; the rest of createRequest's RequestSpec. */
export interface TextMessageTarget {
  /** Request-URI, e.g. `sip:101@192.168.2.2:6060`. */
  readonly uri: string;
  /** The gateway (its registration ID or line account); a tag is made when missing. */
  readonly from: PartySpec;
  /** The extension or peer, no tag (out of dialog, RFC 3428 §4). */
  readonly to: PartySpec;
  readonly via: ViaSpec;
  readonly cseq: number;
  /** cellgate's version for User-Agent. */
  readonly version: string;
  readonly callId?: string;
  readonly contact?: string;
  readonly routes?: readonly string[];
}

/**
 * The forwarded SMS body in the manual's format: the sender number, CRLF, then `(L<line>)` and the
 * text, e.g. `+8613670128297\r\n(L1)你好` (the manual's Content-Length 26 = 14 + 2 + 4 + 6 bytes).
 * Line breaks in the sender would shift the text into the first line, so they become spaces.
 * Throws RangeError for a line that is not a positive integer (a caller's bug, not input).
 */
export function forwardedSmsBody(sms: ReceivedSms): string {
  if (!Number.isInteger(sms.line) || sms.line < 1) throw new RangeError(`line must be a positive integer, got ${sms.line}`);
  return `${sms.sender.replace(/[\r\n]+/g, ' ')}\r\n(L${sms.line})${sms.text}`;
}

/** A forwarded SMS read back (undefined when the body is not in that format). */
export function parseForwardedSmsBody(body: string): ReceivedSms | undefined {
  const m = /^([^\r\n]*)\r?\n\(L([1-9][0-9]{0,5})\)([\s\S]*)$/.exec(body);
  return m === null ? undefined : { sender: m[1]!.trim(), line: Number(m[2]), text: m[3]! };
}

/** A MESSAGE with a text/plain UTF-8 body (RFC 3428 §4: out of dialog, no Contact needed). */
export function createTextMessage(target: TextMessageTarget, text: string): SipRequest {
  return createRequest({
    method: 'MESSAGE',
    uri: target.uri,
    via: target.via,
    from: target.from,
    to: target.to,
    cseq: target.cseq,
    version: target.version,
    ...(target.callId !== undefined ? { callId: target.callId } : {}),
    ...(target.contact !== undefined ? { contact: target.contact } : {}),
    ...(target.routes !== undefined ? { routes: target.routes } : {}),
    contentType: TEXT_MESSAGE_CONTENT_TYPE,
    body: text,
  });
}

/** The MESSAGE forwarding a received SMS. */
export function createForwardedSmsMessage(target: TextMessageTarget, sms: ReceivedSms): SipRequest {
  return createTextMessage(target, forwardedSmsBody(sms));
}

/** The MESSAGE reporting how the SMS asked for by the MESSAGE with `callId` ended. */
export function createRelayReportMessage(target: TextMessageTarget, callId: string, outcome: SmsRelayOutcome): SipRequest {
  return createTextMessage(target, relayReportBody(callId, outcome));
}
