/**
 * Reception statistics for one RTP source, pure: RFC 3550 A.1 sequence validation (a new source is on
 * probation until MIN_SEQUENTIAL packets arrive in sequence; wraparound counts cycles; a large jump is
 * believed only when the next packet confirms it), A.3 loss counts and the per-report fraction lost,
 * and A.8 interarrival jitter.
 */
import type { ReportBlock } from './rtcp-packet.js';

const RTP_SEQ_MOD = 1 << 16;
/** A.1 defaults: 3000 ahead is still "the same stream", 100 behind is a late packet. */
export const MAX_DROPOUT = 3000;
export const MAX_MISORDER = 100;
export const MIN_SEQUENTIAL = 2;

export type SequenceVerdict = 'valid' | 'probation' | 'bad';

export class ReceiveStats {
  private baseSeq = 0;
  private maxSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private cycles = 0;
  private receivedCount = 0;
  private receivedPrior = 0;
  private expectedPrior = 0;
  private probation = MIN_SEQUENTIAL;
  private started = false;
  /** A.8 state: previous relative transit time (timestamp units) and the running estimate. */
  private transit: number | null = null;
  private jitterUnits = 0;

  constructor(private readonly clockRate = 8000) {}

  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.receivedCount = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }

  /** RFC 3550 A.1 update_seq: whether a packet with this sequence number counts as valid. */
  updateSequence(seq: number): SequenceVerdict {
    if (!this.started) {
      this.started = true;
      this.initSeq(seq);
      this.maxSeq = (seq - 1) & 0xffff;
      this.probation = MIN_SEQUENTIAL;
    }
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.receivedCount++;
          return 'valid';
        }
      } else {
        this.probation = MIN_SEQUENTIAL - 1;
        this.maxSeq = seq;
      }
      return 'probation';
    }
    if (udelta < MAX_DROPOUT) {
      // In order, with a permissible gap; a smaller number means the 16 bits wrapped.
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - MAX_MISORDER) {
      // A very large jump: the source restarted if the next packet follows this one.
      if (seq === this.badSeq) {
        this.initSeq(seq);
      } else {
        this.badSeq = (seq + 1) & 0xffff;
        return 'bad';
      }
    }
    // Otherwise a duplicate or a reordered packet: counted as received (A.3 lets "lost" go negative).
    this.receivedCount++;
    return 'valid';
  }

  /** RFC 3550 A.8: fold one packet's RTP timestamp and arrival time (ms, any epoch) into the jitter. */
  updateJitter(timestamp: number, arrivalMs: number): void {
    const arrival = Math.round((arrivalMs * this.clockRate) / 1000);
    const transit = (arrival - timestamp) | 0;
    if (this.transit !== null) {
      const d = Math.abs((transit - this.transit) | 0);
      this.jitterUnits += (d - this.jitterUnits) / 16;
    }
    this.transit = transit;
  }

  /** Packets counted as received (duplicates included, A.3). */
  get received(): number {
    return this.receivedCount;
  }

  get extendedHighestSeq(): number {
    return this.cycles + this.maxSeq;
  }

  get expected(): number {
    return this.probation > 0 ? 0 : this.extendedHighestSeq - this.baseSeq + 1;
  }

  /** A.3 cumulative lost: expected − received (negative with duplicates). */
  get lost(): number {
    return this.expected - this.receivedCount;
  }

  get jitter(): number {
    return Math.floor(this.jitterUnits);
  }

  get jitterMs(): number {
    return (this.jitterUnits * 1000) / this.clockRate;
  }

  /**
   * The report block for this source (§6.4.1) and the start of the next interval: the fraction lost is
   * over the packets expected since the previous call (A.3).
   */
  reportBlock(ssrc: number, lsr = 0, dlsr = 0): ReportBlock {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    const receivedInterval = this.receivedCount - this.receivedPrior;
    this.expectedPrior = expected;
    this.receivedPrior = this.receivedCount;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost = expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.min(255, Math.floor((lostInterval * 256) / expectedInterval));
    return { ssrc, fractionLost, cumulativeLost: Math.max(-0x800000, Math.min(0x7fffff, this.lost)), extendedHighestSeq: this.extendedHighestSeq >>> 0, jitter: this.jitter, lsr, dlsr };
  }
}
