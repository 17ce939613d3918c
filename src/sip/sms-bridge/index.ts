/** SIP MESSAGE ↔ SMS bridge: MESSAGE → durable SMS, relay reports, received SMS → MESSAGE (docs/sip.md). */
export { createSipSmsBridge, DEFAULT_REPORT_RETRY, type SipSmsBridge, type SipSmsBridgeOptions } from './sip-sms-bridge.js';
export { createMessageHandler, smsIdOf, type Admit, type MessageHandlerOptions } from './message-handler.js';
export { resolveMessageTarget, type ExtensionContact, type MessageHop, type MessageTargetContext, type MessageTargetVerdict } from './message-target.js';
export { outcomeOf, PENDING_REPORT_KIND, REPORT_KIND, readReadyReport, readRecord, type ReadyReport, type RelayReportRecord } from './relay-report-record.js';
export { RelayReportTracker } from './relay-report-tracker.js';
export { RetryableSendError, sendErrorOf } from './send-outcome.js';
export { submitRefusalOf, type SubmitRefusal } from './submit-refusal.js';
export { TextMessageSender, type MessageEndpoint, type TextMessageSenderOptions } from './text-message-sender.js';
export type { BridgeStore } from './bridge-store.js';
