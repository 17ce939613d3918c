/** SIP MESSAGE ↔ SMS formats: reading MESSAGEs to relay, relay reports, forwarded SMS (see docs/sip.md). */
export { readInboundMessage, type DestinationMode, type InboundMessageVerdict, type InboundReject, type InboundRejectReason, type InboundSms } from './inbound-message.js';
export { ACCEPTED_CHARSETS, readContentType, readTextBody, type TextBodyProblem, type TextBodyResult } from './text-body.js';
export { callIdKey, parseRelayReport, RELAY_ERROR_NUMBERS, relayErrorNumber, relayReportBody, type RelayReport, type SmsRelayFailure, type SmsRelayOutcome } from './relay-report.js';
export {
  createForwardedSmsMessage,
  createRelayReportMessage,
  createTextMessage,
  forwardedSmsBody,
  parseForwardedSmsBody,
  TEXT_MESSAGE_CONTENT_TYPE,
  type ReceivedSms,
  type TextMessageTarget,
} from './outbound-message.js';
