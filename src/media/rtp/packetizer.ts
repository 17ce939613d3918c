/**
 * Packs the call's 20 ms frames into packets of the negotiated ptime (RFC 3551 §4.5: G.711 ptime 10–60
 * ms is common; SDP a=ptime, RFC 4566 §6), pure. 30, 50 and 60 ms packets buffer samples across frames;
 * 10 ms packets split each frame in two. Works on linear PCM; the codec is applied per packet, so a
 * codec change takes effect at the next packet.
 */
import { FRAME_SAMPLES } from '../audio-contract.js';

export const MIN_PTIME_MS = 10;
export const MAX_PTIME_MS = 60;

/** A usable ptime: whole 10 ms steps in 10–60 ms; anything else falls back to 20 ms. */
export function normalisePtime(ms: number): number {
  return Number.isInteger(ms) && ms >= MIN_PTIME_MS && ms <= MAX_PTIME_MS && ms % 10 === 0 ? ms : 20;
}

export class Packetizer {
  private packetSamples: number;
  private readonly pending = new Int16Array(MAX_PTIME_MS * 8 + FRAME_SAMPLES);
  private pendingCount = 0;

  constructor(ptimeMs: number) {
    this.packetSamples = normalisePtime(ptimeMs) * 8;
  }

  get samplesPerPacket(): number {
    return this.packetSamples;
  }

  /** Samples waiting for a packet to fill. */
  get pendingSamples(): number {
    return this.pendingCount;
  }

  setPtime(ms: number): void {
    this.packetSamples = normalisePtime(ms) * 8;
  }

  /**
   * Adds one frame; returns the packets' samples that are now complete (zero, one or more). When a frame
   * is exactly one packet with nothing pending (20 ms ptime, the usual case) the packet is the frame
   * itself, not a copy: valid for as long as the caller's frame is.
   */
  push(frame: Int16Array): Int16Array[] {
    if (this.pendingCount === 0 && frame.length === this.packetSamples) return [frame];
    const out: Int16Array[] = [];
    // After a change to a shorter ptime, samples already pending may fill several packets.
    while (this.pendingCount >= this.packetSamples) {
      out.push(this.pending.slice(0, this.packetSamples));
      this.pending.copyWithin(0, this.packetSamples, this.pendingCount);
      this.pendingCount -= this.packetSamples;
    }
    let from = 0;
    while (from < frame.length) {
      const take = Math.min(frame.length - from, this.packetSamples - this.pendingCount);
      this.pending.set(frame.subarray(from, from + take), this.pendingCount);
      this.pendingCount += take;
      from += take;
      if (this.pendingCount >= this.packetSamples) {
        out.push(this.pending.slice(0, this.packetSamples));
        this.pendingCount = 0;
      }
    }
    return out;
  }

  /** Drops samples not yet sent (a gap in the frames: they would be stale). Returns how many. */
  discard(): number {
    const n = this.pendingCount;
    this.pendingCount = 0;
    return n;
  }
}
