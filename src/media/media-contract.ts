/**
 * What SIP calls need of the media side (SDP offer/answer over an RTP port pair), as interfaces: the
 * call parts (src/sip/to-gsm, src/sip/from-gsm) depend on this contract, media-sessions.ts implements it.
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
  /** A session that offers (GSM → SIP INVITEs, or an INVITE without SDP); null when no RTP port is free. */
  offer(): MediaSession | null;
  /** A session answering an offer (SIP → GSM INVITEs): 488 when no common codec, 503 when no port is free. */
  answer(offerSdp: string): { ok: true; session: MediaSession } | { ok: false; status: 488 | 503; reason: string };
}
