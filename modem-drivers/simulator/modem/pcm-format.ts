/**
 * The byte format of a simulated modem's PCM audio port and its conversion to and from the network's
 * voice frames (8 kHz, 16-bit, mono, 160 samples per 20 ms: network/tone.ts).
 *
 * On the port: signed 16-bit little-endian mono samples, at 8 kHz (EC25 AT+QPCMV; SIM7600 by default)
 * or 16 kHz (SIM7600 after AT+CPCMFRM=1), in port frames of 20 ms or 40 ms (some SIM7600 firmware
 * wants 640-byte writes at 8 kHz). 16 kHz is made from 8 kHz by repeating each sample, and 8 kHz from
 * 16 kHz by averaging each pair: crude filters, but a round trip through the port is sample-exact.
 */
import { FRAME_MS, FRAME_SAMPLES, SAMPLE_RATE } from '../network/tone.js';

export interface PcmFormat {
  sampleRate: 8000 | 16000;
  frameMs: 20 | 40;
}

export const DEFAULT_PCM_FORMAT: PcmFormat = { sampleRate: 8000, frameMs: 20 };

/** Bytes in one port frame: 320 at 8 kHz / 20 ms, 640 at 16 kHz or 40 ms, 1280 at both. */
export function portFrameBytes(f: PcmFormat): number {
  return ((f.sampleRate * f.frameMs) / 1000) * 2;
}

/** Network frames in one port frame (1 for 20 ms, 2 for 40 ms). */
export function networkFramesPerPortFrame(f: PcmFormat): number {
  return f.frameMs / FRAME_MS;
}

/** Network frames → one port frame's bytes. `frames.length` must be networkFramesPerPortFrame(f). */
export function toPortBytes(frames: readonly Int16Array[], f: PcmFormat): Buffer {
  const up = f.sampleRate / SAMPLE_RATE;
  const out = Buffer.alloc(portFrameBytes(f));
  let o = 0;
  for (const frame of frames) {
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      const s = frame[i] ?? 0;
      for (let r = 0; r < up; r++, o += 2) out.writeInt16LE(s, o);
    }
  }
  return out;
}

/** One port frame's bytes (exactly portFrameBytes(f)) → network frames. */
export function fromPortBytes(bytes: Buffer, f: PcmFormat): Int16Array[] {
  const down = f.sampleRate / SAMPLE_RATE;
  const frames: Int16Array[] = [];
  let o = 0;
  for (let n = 0; n < networkFramesPerPortFrame(f); n++) {
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      let sum = 0;
      for (let r = 0; r < down; r++, o += 2) sum += bytes.readInt16LE(o);
      frame[i] = Math.round(sum / down);
    }
    frames.push(frame);
  }
  return frames;
}

/**
 * Cuts the host's byte stream into whole port frames, whatever the chunking: an odd byte or a partial
 * frame waits for the rest, so samples never lose their 16-bit alignment.
 */
export class PortFramer {
  private pending: Buffer = Buffer.alloc(0);

  constructor(private readonly frameBytes: number) {}

  /** The whole frames completed by `chunk`. */
  push(chunk: Buffer): Buffer[] {
    const all = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: Buffer[] = [];
    let at = 0;
    for (; at + this.frameBytes <= all.length; at += this.frameBytes) out.push(all.subarray(at, at + this.frameBytes));
    // copied: the host may reuse its buffer after write() returns
    this.pending = Buffer.from(all.subarray(at));
    return out;
  }

  /** Bytes waiting for the rest of their frame. */
  get buffered(): number {
    return this.pending.length;
  }

  reset(): void {
    this.pending = Buffer.alloc(0);
  }
}
