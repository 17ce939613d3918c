/** The SIP core: the endpoint joining transports, transactions and dialogs (see docs/sip.md, section Core). */
export { SipEndpoint } from './sip-endpoint.js';
export { DEFAULT_ACCEPT, type SipEndpointOptions } from './sip-endpoint-options.js';
export type { SipDialogListener, SipIncomingRequest, SipRequestHandler, SipRespondVerdict, SipResponseSpec, SipStatelessAnswer } from './sip-request-handler.js';
export type { OutgoingInvite, SipInviteEvents, SipInviteOutcome, SipRequestEvents, SipRequestOutcome } from './client-outcome.js';
export { SourceRateLimiter, SOURCE_RATE_LIMIT_DEFAULTS, type RateVerdict, type SourceRateLimitOptions } from './source-rate-limiter.js';
export { checkNewRequest, headerTokens, type RequestRejection } from './request-checks.js';
export { nextHopTarget, type NextHopVerdict } from './next-hop.js';
export { normalisedSentBy, transactionRequestOf, transactionResponseOf } from './transaction-views.js';
