/**
 * The SDP/media contract the GSM → SIP router uses (the media sessions are made elsewhere and passed
 * in as an option). Written here as the shared contract says, so this part does not depend on where
 * the implementation lives.
 */
export interface MediaSession {
  /** Our SDP (offer or answer) as text, CRLF lines, UTF-8. */
  readonly localSdp: string;
  /** Feed the peer's SDP (an answer to our offer, or a re-offer). false when it is unusable (no common codec). */
  setRemote(sdp: string): boolean;
  /** Releases the RTP port pair. Idempotent. */
  close(): void;
}

export interface MediaSessions {
  /** A session that offers (GSM → SIP INVITEs); null when no RTP port is free. */
  offer(): MediaSession | null;
  /** A session answering an offer (SIP → GSM INVITEs). */
  answer(offerSdp: string): { ok: true; session: MediaSession } | { ok: false; status: 488 | 503; reason: string };
}
