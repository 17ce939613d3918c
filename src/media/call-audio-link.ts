/**
 * How a media session reaches a call's audio: the daemon gives media sessions a starter that, for a
 * line and a negotiated stream, opens the modem's audio and an RTP end over the session's port pair and
 * joins them (src/wiring/call-audio.ts). Kept as an interface so sessions stay testable without modems.
 */
import type { NegotiatedAudio } from '../sip/sdp/index.js';
import type { DtmfDigit } from './audio-contract.js';
import type { CallAudioEvents } from './media-contract.js';
import type { RtpPortPair } from './rtp-port-pool.js';

/** A running call audio. */
export interface CallAudioLink {
  /** The line's GSM call carries the audio from now on (after a start without a line). */
  attachLine(lineId: number): void;
  keyToGsm(digit: DtmfDigit): void;
  sendDigitToSip(digit: DtmfDigit): void;
  /** The peer's SDP changed (re-INVITE): new address, codec or ptime; SSRC and sequence go on. */
  update(audio: NegotiatedAudio): void;
  close(): Promise<void>;
}

export interface CallAudioRequest {
  /** null: no GSM call yet (two-stage dialling): local tones and digit detection until a line attaches. */
  readonly lineId: number | null;
  readonly ports: RtpPortPair;
  readonly audio: NegotiatedAudio;
  readonly events: CallAudioEvents;
}

/** Resolves null when the call can have no audio. */
export type CallAudioStarter = (request: CallAudioRequest) => Promise<CallAudioLink | null>;
