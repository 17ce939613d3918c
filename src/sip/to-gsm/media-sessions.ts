/**
 * The media side as the SIP → GSM calls use it (the SDP/media contract): a session answering the
 * caller's offer, or offering when the INVITE had no SDP (RFC 3261 §13.2.1: the answer then comes in
 * the ACK). Declared here so the calls depend on the contract, not on its implementation.
 */
export interface MediaSession {
  /** Our SDP (offer or answer) as text, CRLF lines, UTF-8. */
  readonly localSdp: string;
  /** Feeds the peer's SDP (an answer to our offer, or a re-offer); false when unusable (no common codec). */
  setRemote(sdp: string): boolean;
  /** Releases the RTP port pair. Idempotent. */
  close(): void;
}

export interface MediaSessions {
  /** A session that offers; null when no RTP port is free. */
  offer(): MediaSession | null;
  /** A session answering an offer: 488 when no common codec, 503 when no port is free. */
  answer(offerSdp: string): { ok: true; session: MediaSession } | { ok: false; status: 488 | 503; reason: string };
}
