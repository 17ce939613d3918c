/**
 * The last 24 hours of each line's radio signal, one sample a minute, for the status page's chart.
 * Samples come from what the line's status already reports (+CSQ as `signal`/`signalDbm`, TS 27.007
 * §8.5; the registration's radio technology as `reg`); nothing extra is asked of the modem.
 *
 * Memory is fixed per line: a ring of typed arrays (4 + 2 + 1 + 1 bytes a sample, 1440 samples ≈ 11 KiB),
 * the oldest sample overwritten by the newest. One timer samples every line; it is unref'd so it never
 * keeps the process alive, and stopped at shutdown.
 */
import type { LineStatus } from './types.js';

export type SignalRat = LineStatus['reg'];

export interface SignalSample {
  /** Unix time of the sample, in seconds. */
  t: number;
  /** Received signal strength in dBm; null when the modem reported it unknown (+CSQ 99). */
  dbm: number | null;
  /** 0..4 bars from +CSQ (see barsOf); null when unknown. */
  bars: number | null;
  /** The radio technology registered on, or "N" when not registered. */
  rat: SignalRat;
}

const RATS: readonly SignalRat[] = ['N', '2G', '3G', '4G', '5G'];
const NO_DBM = -32768;
const NO_BARS = 255;

/**
 * Bars from the +CSQ <rssi> (TS 27.007 §8.5: 0 = -113 dBm or less, 31 = -51 dBm or more, 99 = not
 * known), on the usual handset steps: ≤ -111 dBm none, then -109..-95, -93..-85, -83..-75, ≥ -73 dBm.
 */
export function barsOf(csq: number): number | null {
  if (!Number.isInteger(csq) || csq < 0 || csq > 31) return null;
  if (csq <= 1) return 0;
  if (csq <= 9) return 1;
  if (csq <= 14) return 2;
  if (csq <= 19) return 3;
  return 4;
}

/** A fixed-size ring of signal samples, oldest overwritten first. */
export class SignalRing {
  private readonly tSec: Uint32Array;
  private readonly dbm: Int16Array;
  private readonly bars: Uint8Array;
  private readonly rat: Uint8Array;
  private next = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('ring capacity must be a positive integer');
    this.tSec = new Uint32Array(capacity);
    this.dbm = new Int16Array(capacity);
    this.bars = new Uint8Array(capacity);
    this.rat = new Uint8Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(s: SignalSample): void {
    const i = this.next;
    this.tSec[i] = Math.max(0, Math.floor(s.t));
    this.dbm[i] = s.dbm === null || !Number.isFinite(s.dbm) ? NO_DBM : Math.max(-32767, Math.min(32767, Math.round(s.dbm)));
    this.bars[i] = s.bars === null ? NO_BARS : s.bars;
    this.rat[i] = Math.max(0, RATS.indexOf(s.rat));
    this.next = (i + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** Samples taken at or after `sinceSec`, oldest first. */
  since(sinceSec: number): SignalSample[] {
    const out: SignalSample[] = [];
    const first = (this.next - this.count + this.capacity) % this.capacity;
    for (let k = 0; k < this.count; k++) {
      const i = (first + k) % this.capacity;
      const t = this.tSec[i]!;
      if (t < sinceSec) continue;
      const dbm = this.dbm[i]!;
      const bars = this.bars[i]!;
      out.push({ t, dbm: dbm === NO_DBM ? null : dbm, bars: bars === NO_BARS ? null : bars, rat: RATS[this.rat[i]!] ?? 'N' });
    }
    return out;
  }
}

export interface SignalHistoryOptions {
  /** Time between samples (default 60 s). */
  stepMs?: number;
  /** How far back samples are kept (default 24 h). */
  keepMs?: number;
  now?: () => number;
}

/** The signal rings of every line, and the one timer that fills them. */
export class SignalHistory {
  readonly stepMs: number;
  readonly keepMs: number;
  private readonly now: () => number;
  private readonly rings = new Map<number, SignalRing>();
  private timer: NodeJS.Timeout | null = null;

  constructor(opts: SignalHistoryOptions = {}) {
    this.stepMs = opts.stepMs ?? 60_000;
    this.keepMs = opts.keepMs ?? 24 * 60 * 60_000;
    this.now = opts.now ?? Date.now;
  }

  /** Records one sample of each line's status now. */
  sample(statuses: readonly Pick<LineStatus, 'id' | 'signal' | 'signalDbm' | 'reg'>[]): void {
    const t = Math.floor(this.now() / 1000);
    for (const s of statuses) {
      let ring = this.rings.get(s.id);
      if (!ring) {
        ring = new SignalRing(Math.ceil(this.keepMs / this.stepMs));
        this.rings.set(s.id, ring);
      }
      ring.push({ t, dbm: s.signalDbm, bars: barsOf(s.signal), rat: s.reg });
    }
  }

  /** A line's samples of the last `hours`, oldest first (empty before its first sample). */
  samples(lineId: number, hours: number): SignalSample[] {
    const ring = this.rings.get(lineId);
    if (!ring) return [];
    return ring.since(Math.floor((this.now() - hours * 3_600_000) / 1000));
  }

  /** Samples `statuses()` every step until stop(); a second start() is ignored. */
  start(statuses: () => readonly Pick<LineStatus, 'id' | 'signal' | 'signalDbm' | 'reg'>[]): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      try {
        this.sample(statuses());
      } catch {
        // A line that cannot report its status now simply has no sample for this minute.
      }
    }, this.stepMs);
    this.timer.unref();
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }

  get running(): boolean {
    return this.timer !== null;
  }
}
