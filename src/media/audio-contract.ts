/**
 * The two ends a call's audio bridge joins, as interfaces: the RTP end (src/media/rtp) and the modem's
 * PCM end (src/media/modem-audio). The bridge (src/media/bridge) depends only on these.
 *
 * One clock drives a bridged call: the modem writer's drift-corrected 20 ms tick. On each tick it pulls
 * the next frame for the modem from the RTP end's jitter buffer, and each frame the modem sends is
 * handed to the RTP end at once. So network jitter is absorbed in one place, with one cap.
 *
 * Audio inside cellgate is always 8 kHz, 16-bit signed, mono, in 20 ms frames of 160 samples. An end
 * that meets something else (a SIMCom port at 16 kHz or with 40 ms frames, a ptime of 30 ms) converts at
 * its own edge.
 */

/** 20 ms of 8 kHz mono audio: 160 samples. */
export const FRAME_SAMPLES = 160;
export const SAMPLE_RATE = 8000;
export const FRAME_MS = 20;

/** The DTMF events both ends speak (RFC 4733 §3.2 events 0–15). */
export type DtmfDigit = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7' | '8' | '9' | '*' | '#' | 'A' | 'B' | 'C' | 'D';

export interface RtpEndStats {
  packetsSent: number;
  packetsReceived: number;
  /** RFC 3550 A.3: expected − received, from the extended highest sequence number. */
  packetsLost: number;
  /** RFC 3550 A.8 interarrival jitter, in milliseconds. */
  jitterMs: number;
  /** Frames the jitter buffer concealed (lost or late) and packets it dropped for being too late/over cap. */
  concealedFrames: number;
  droppedPackets: number;
  /** Current jitter buffer depth in milliseconds (never above its cap). */
  bufferMs: number;
  /** The loss fraction and jitter the peer reported in its last RTCP receiver report block, or null. */
  remoteReport: { fractionLost: number; cumulativeLost: number; jitterMs: number } | null;
}

/** A call's RTP stream after SDP negotiation. */
export interface RtpEnd {
  /** Sends one 20 ms frame (encoded with the negotiated codec, packed per the negotiated ptime). */
  sendFrame(frame: Int16Array): void;
  /**
   * 20 ms of silence not sent (voice activity detection, manual §4.5 "静音抑制"): the stream's clock goes
   * on, and an RFC 3389 comfort-noise packet of `levelDbov` goes out at the start of the silence and
   * now and then during it, where CN was negotiated.
   */
  sendSilence?(levelDbov: number): void;
  /**
   * The next 20 ms frame to play out: from the jitter buffer, concealment after a loss, or silence. The
   * array may be reused by the next call: a caller that keeps the samples copies them.
   */
  nextFrame(): Int16Array;
  /** Whether the peer accepts RFC 4733 telephone-events (a payload type was negotiated). */
  readonly sendsTelephoneEvents: boolean;
  /**
   * Sends a digit as RFC 4733 telephone-events; false when none were negotiated (the bridge then mixes
   * an in-band tone into the frames it sends).
   */
  sendDigit(digit: DtmfDigit, durationMs: number): boolean;
  /** A digit received as RFC 4733 events, reported once at its start. */
  onDigit(listener: (digit: DtmfDigit) => void): void;
  /** No RTP received for the configured time while the call is up (manual §4.5 "RTP timeout"). */
  onTimeout(listener: () => void): void;
  stats(): RtpEndStats;
  close(): void;
}

export interface ModemAudioStats {
  framesIn: number;
  framesOut: number;
  /** Ticks that found no frame to write and wrote silence. */
  underruns: number;
  /** Frames read from the modem that arrived before the previous one was taken and were dropped. */
  overruns: number;
  /** Times the port went quiet for a second during the call and was reopened. */
  recoveries: number;
  /**
   * 20 ms ticks the writer clock skipped because the process stalled (more than 100 ms behind): audio
   * the modem did not get. framesOut + skippedTicks is the time the port was written, in frames.
   */
  skippedTicks: number;
}

/** A call's PCM path to the modem (its USB audio port). */
export interface ModemAudioEnd {
  /** Each 20 ms frame the modem sends (what the GSM party says); valid during the call only (copy to keep). */
  onFrame(listener: (frame: Int16Array) => void): void;
  /** Where the writer clock takes the next frame for the modem every 20 ms; null writes silence. */
  setSource(source: (() => Int16Array | null) | null): void;
  /** The port stayed dead after recovery was tried: the call has no audio. */
  onDead(listener: (reason: string) => void): void;
  stats(): ModemAudioStats;
  /**
   * For an end opened before the answer (early media): the call is connected now, so a port that stays
   * silent from here on is dead. Absent where the end has no dead-port watch.
   */
  armDeadWatch?(): void;
  /** Stops the clock, turns the modem's PCM off and closes the port. */
  close(): Promise<void>;
}

/**
 * A packet transform between the RTP end and its sockets: SRTP/SRTCP (RFC 3711) when SDES keys were
 * negotiated (RFC 4568), none otherwise. `unprotect*` returns null for a packet that fails
 * authentication or replay checks: it is dropped and counted, never thrown.
 */
export interface PacketTransform {
  protectRtp(packet: Buffer): Buffer;
  unprotectRtp(packet: Buffer): Buffer | null;
  protectRtcp(packet: Buffer): Buffer;
  unprotectRtcp(packet: Buffer): Buffer | null;
}
