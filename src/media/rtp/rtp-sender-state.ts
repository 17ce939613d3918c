/**
 * What an RTP sender numbers its packets with, pure: a random SSRC, sequence number and timestamp origin
 * (RFC 3550 §5.1: random starts make known-plaintext attacks on encryption harder), then a sequence that
 * grows by one per packet and a timestamp that grows with the sampling clock. One state lives for the
 * whole call: a re-INVITE that changes codec, ptime or the remote address keeps the SSRC and continues
 * both counters, so the peer sees one stream. The marker bit goes on the first packet of each talkspurt
 * (RFC 3551 §4.1), which includes the first packet of the stream.
 */
import { randomBytes } from 'node:crypto';

/** 32 random bits. */
export type Random32 = () => number;

export const cryptoRandom32: Random32 = () => randomBytes(4).readUInt32BE(0);

export interface RtpHeaderFields {
  sequence: number;
  timestamp: number;
  marker: boolean;
}

export class RtpSenderState {
  readonly ssrc: number;
  private sequence: number;
  private timestamp: number;
  private talkspurtStart = true;
  /** §6.4.1 sender info: packets and payload octets sent since the stream began. */
  packetCount = 0;
  octetCount = 0;
  /** The RTP timestamp of the newest media sample sent, for the SR's RTP timestamp. */
  lastTimestamp: number;

  constructor(random: Random32 = cryptoRandom32) {
    this.ssrc = random() >>> 0;
    this.sequence = random() & 0xffff;
    this.timestamp = random() >>> 0;
    this.lastTimestamp = this.timestamp;
  }

  /** Header fields for the next media packet carrying `samples` samples and `payloadBytes` octets. */
  nextMedia(samples: number, payloadBytes: number): RtpHeaderFields {
    const fields = { sequence: this.sequence, timestamp: this.timestamp, marker: this.talkspurtStart };
    this.talkspurtStart = false;
    this.lastTimestamp = this.timestamp;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.timestamp = (this.timestamp + samples) >>> 0;
    this.count(payloadBytes);
    return fields;
  }

  /**
   * Sequence number for a packet that carries its own timestamp (an RFC 4733 event: its timestamp is
   * the event's start, taken with `peekTimestamp`). The media timestamp is not advanced.
   */
  nextSequence(payloadBytes: number): number {
    const s = this.sequence;
    this.sequence = (this.sequence + 1) & 0xffff;
    this.count(payloadBytes);
    return s;
  }

  /** The timestamp the next media packet will carry. */
  peekTimestamp(): number {
    return this.timestamp;
  }

  /**
   * Time passed without sending (silence suppressed, hold, a gap in the frames handed to us): the
   * timestamp keeps pace with the clock and the next packet opens a new talkspurt.
   */
  skip(samples: number): void {
    this.timestamp = (this.timestamp + samples) >>> 0;
    this.talkspurtStart = true;
  }

  /** The next packet starts a talkspurt (marker set) without a gap in the timestamp. */
  markTalkspurt(): void {
    this.talkspurtStart = true;
  }

  private count(payloadBytes: number): void {
    this.packetCount = (this.packetCount + 1) >>> 0;
    this.octetCount = (this.octetCount + payloadBytes) >>> 0;
  }
}
