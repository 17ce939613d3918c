/**
 * Re-frames a sample stream into frames of another length: 40 ms port frames into two 20 ms frames, or
 * 20 ms frames into 40 ms ones (whole frames only; what is left waits for the next push). Pure.
 */
export class Reframer {
  private readonly pending: Int16Array;
  private fill = 0;

  constructor(readonly outSamples: number) {
    if (!Number.isInteger(outSamples) || outSamples <= 0) throw new RangeError(`frame length must be a positive integer, got ${outSamples}`);
    this.pending = new Int16Array(outSamples);
  }

  /** Whole frames of `outSamples`; an input that is exactly one frame, with nothing pending, is passed on as it is. */
  push(samples: Int16Array): Int16Array[] {
    if (this.fill === 0 && samples.length === this.outSamples) return [samples];
    const out: Int16Array[] = [];
    let at = 0;
    while (at < samples.length) {
      const n = Math.min(this.outSamples - this.fill, samples.length - at);
      this.pending.set(samples.subarray(at, at + n), this.fill);
      this.fill += n;
      at += n;
      if (this.fill === this.outSamples) {
        out.push(this.pending.slice());
        this.fill = 0;
      }
    }
    return out;
  }

  reset(): void {
    this.fill = 0;
  }
}
