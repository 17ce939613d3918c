/** The SIP message layer: model, parser, serializer and builders (see docs/sip.md). */
export { SipHeaders, type SipHeaderField } from './sip-headers.js';
export { canonicalHeaderName, headerKey } from './header-names.js';
export { SipRequest } from './sip-request.js';
export { SipResponse } from './sip-response.js';
export type { SipMessage } from './sip-message.js';
export { parseContactList, parseCSeq, parseNameAddr, parseSipUri, parseVia, parseViaList, rememberVia, type SipCSeq, type SipNameAddr, type SipUri, type SipVia } from './header-values.js';
export { parseSipMessage, type SipParseResult } from './sip-parser.js';
export { DEFAULT_SIP_PARSE_OPTIONS, sipParseOptions, type SipParseOptions } from './sip-parse-options.js';
export type { SipParseVerdict, SipRejectDiscard, SipRejectRespond, SipRejectStatus } from './sip-parse-verdict.js';
export { serializeSipMessage } from './serialize.js';
export { BRANCH_MAGIC_COOKIE, newBranch, newCallId, newTag, productToken } from './message-identifiers.js';
export {
  createAckForNon2xx,
  createCancel,
  createRejectionResponse,
  createRequest,
  createResponse,
  formatNameAddr,
  formatVia,
  isRfc3261Branch,
  type PartySpec,
  type RequestSpec,
  type ResponseOptions,
  type ViaSpec,
} from './message-factory.js';
