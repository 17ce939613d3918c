/** The public face of SIP digest authentication (docs/sip.md, "Digest authentication"). */
export { decodeWireText, encodeWireText, isQuotable, MAX_AUTH_HEADER_LENGTH } from './auth-header-lexer.js';
export { computeDigestResponse, computeHa1, type BaseDigestAlgorithm, type DigestAlgorithm, type DigestQop } from './digest-algorithm.js';
export { formatDigestChallenge, isWritableChallenge, parseDigestChallenge, type DigestChallenge } from './digest-challenge.js';
export { DigestClient } from './digest-client.js';
export type { DigestAnswer, DigestClientCredentials, DigestClientOptions, DigestRequest } from './digest-client-options.js';
export { IllegalDigestClientTransition, type DigestClientState } from './digest-client-state.js';
export { formatDigestCredentials, isWritableCredentials, parseDigestCredentials, type DigestCredentials } from './digest-credentials.js';
export type { DigestParseError, DigestParseErrorCode, DigestParseResult } from './digest-parse-result.js';
export { DEFAULT_NONCE_LIFETIME_MS, DigestServer, type DigestSecretLookup } from './digest-server.js';
export type {
  DigestChallengeHeaders,
  DigestChallengeOptions,
  DigestServerOptions,
  DigestServerRequest,
  DigestVerdict,
  DigestWrongReason,
  StoredDigestSecret,
} from './digest-server-options.js';
