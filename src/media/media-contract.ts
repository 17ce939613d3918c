/**
 * What SIP calls need of the media side (SDP offer/answer over an RTP port pair, and the call's audio),
 * as interfaces: the call parts (src/sip/to-gsm, src/sip/from-gsm) depend on this contract,
 * media-sessions.ts implements it.
 */
import type { DtmfDigit } from './audio-contract.js';

export type { DtmfDigit } from './audio-contract.js';

/** What the call's audio tells the call. */
export interface CallAudioEvents {
  /** A digit the SIP side sent as RFC 4733 telephone-events. */
  sipDigit(digit: DtmfDigit): void;
  /** A digit the GSM side keyed (the modem's DTMF report, or found in its audio). */
  gsmDigit(digit: DtmfDigit): void;
  /** The audio failed for good: no RTP for the configured time, or the modem's audio port died. */
  failed(reason: string): void;
}

export interface MediaSession {
  /** Our SDP (offer or answer) as text, CRLF lines, UTF-8. */
  readonly localSdp: string;
  /** Feed the peer's SDP (an answer to our offer, or a re-offer). false when it is unusable (no common codec). */
  setRemote(sdp: string): boolean;
  /**
   * Joins the RTP stream to the audio of the GSM call on `lineId`: at 183 with early media, or at the
   * answer. null: the SIP side is answered before any GSM call (two-stage dialling): a dial tone plays
   * and in-band digits are heard until a later call names the line. Before the peer's SDP is known the
   * audio starts once it is. After a line is named, further calls change nothing.
   */
  startAudio(lineId: number | null, events: CallAudioEvents): void;
  /** Keys a digit to the GSM side (AT+VTS or in-band); ignored while no audio runs. */
  keyToGsm(digit: DtmfDigit): void;
  /** Sends a digit to the SIP side as RFC 4733 events (in-band without them); ignored while no audio runs. */
  sendDigitToSip(digit: DtmfDigit): void;
  /** Stops the audio and releases the RTP port pair. Idempotent. */
  close(): void;
}

export interface MediaSessions {
  /** A session that offers (GSM → SIP INVITEs, or an INVITE without SDP); null when no RTP port is free. */
  offer(): MediaSession | null;
  /** A session answering an offer (SIP → GSM INVITEs): 488 when no common codec, 503 when no port is free. */
  answer(offerSdp: string): { ok: true; session: MediaSession } | { ok: false; status: 488 | 503; reason: string };
}
