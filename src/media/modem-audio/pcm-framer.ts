/**
 * Cuts the modem's PCM byte stream into whole frames of the port's size. Reads come in chunks of any size
 * (USB packets, the tty's buffering); a frame is handed on only once all its bytes are in, so 16-bit
 * alignment holds across every split as long as the stream does (NMEA sentences are removed first:
 * nmea-filter.ts). Pure.
 */
import { NmeaFilter } from './nmea-filter.js';

export class PcmFramer {
  private readonly pending: Buffer;
  private fill = 0;
  private readonly nmea = new NmeaFilter();

  constructor(readonly frameBytes: number) {
    if (!Number.isInteger(frameBytes) || frameBytes <= 0 || frameBytes % 2 !== 0) throw new RangeError(`frame size must be a positive even number of bytes, got ${frameBytes}`);
    this.pending = Buffer.alloc(frameBytes);
  }

  /** NMEA sentences cut out of the stream so far. */
  get sentencesRemoved(): number {
    return this.nmea.removed;
  }

  /**
   * Every frame `chunk` completes, each `frameBytes` long: a frame that lies whole in the chunk is a
   * view of its bytes, one that spans reads a copy. The port reuses its read buffer, so a frame is only
   * valid until the caller returns (the modem audio end hands each on synchronously).
   */
  push(chunk: Buffer): Buffer[] {
    const audio = this.nmea.push(chunk);
    const frames: Buffer[] = [];
    let at = 0;
    if (this.fill === 0) {
      for (; at + this.frameBytes <= audio.length; at += this.frameBytes) frames.push(audio.subarray(at, at + this.frameBytes));
    }
    while (at < audio.length) {
      const n = Math.min(this.frameBytes - this.fill, audio.length - at);
      audio.copy(this.pending, this.fill, at, at + n);
      this.fill += n;
      at += n;
      if (this.fill === this.frameBytes) {
        frames.push(Buffer.from(this.pending));
        this.fill = 0;
      }
    }
    return frames;
  }

  /** Drops a partial frame (the port was reopened: what follows does not continue it). */
  reset(): void {
    this.fill = 0;
  }
}
