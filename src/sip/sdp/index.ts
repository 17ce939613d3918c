/** SDP for the gateway's audio (RFC 4566 parsing, RFC 3264 offer/answer); pure. See docs/sip.md. */
export { parseSdp, mediaConnection, mediaDirection, SDP_LIMITS } from './sdp-parse.js';
export type { SdpConnection, SdpDescription, SdpDirection, SdpError, SdpErrorCode, SdpMedia, SdpOrigin, SdpParseResult, SdpRtpMap } from './sdp-parse.js';
export { buildAnswer, buildOffer, mirrorDirection, readAnswer, OFFERED_CODECS, PTIME_MS, TELEPHONE_EVENT_PT } from './sdp-negotiate.js';
export type { AnswerResult, AudioCodec, G711, LocalSdpParams, NegotiatedAudio, ReadAnswerResult } from './sdp-negotiate.js';
