/**
 * A clocked adaptive jitter buffer for one RTP stream, pure (time comes in as arguments).
 *
 * Packets are pushed as they arrive (any length of decoded 8 kHz PCM at their RTP timestamp); the call's
 * one audio clock pops exactly one 20 ms frame per tick. Playout runs at `playTs` (RTP timestamp units)
 * and advances one frame per pop, so output is always continuous.
 *
 * Delay: every packet's transit (arrival in sample units − timestamp) goes into a window of the last
 * packets. The fastest one defines where the newest audio could be now (`reference = now − min
 * transit`), and the spread (max − min transit) is how far behind that reference playout must run for
 * the slowest packet to still be on time. The buffer holds (repeats concealment without advancing) when
 * it runs dry while not clearly past target, and skips a frame when it is a frame and a half over target; the
 * target never exceeds the hard cap, and no push can make the buffered audio deeper than the cap, so
 * delay cannot creep. A clean stream's spread is ~0: each packet plays at the first tick after it
 * arrives, the one-frame minimum.
 *
 * Packet loss concealment after ITU-T G.711 Appendix I's idea: the last good frame is repeated,
 * attenuated from 10 ms into the erasure by 20 % per 10 ms, reaching silence at 60 ms.
 *
 * Memory per packet: a caller that decodes into `buffer(n)` and pushes with `recycle` gets the array
 * back through `buffer` once it has played (or was dropped), and `pop` fills a frame the caller keeps.
 * A call then allocates no sample memory per packet: off-heap typed-array memory comes from malloc and
 * is freed only after a garbage collection, 100 times a second per call otherwise.
 */
import { FRAME_SAMPLES } from '../audio-contract.js';

export interface JitterBufferOptions {
  /** Hard cap on buffered audio and playout delay, ms (default 120). */
  capMs?: number;
  /** Packets whose transit the delay estimate looks at (default 100: 2 s of 20 ms packets). */
  window?: number;
}

export interface JitterBufferStats {
  framesPlayed: number;
  /** Frames synthesised by concealment (loss, late packets), the silent tail after 60 ms excluded. */
  concealedFrames: number;
  droppedLate: number;
  droppedDuplicate: number;
  /** Audio discarded unplayed to stay under the cap (counted in packets). */
  droppedOverCap: number;
  /** Frames skipped unplayed to bring the delay back down to target (clock skew, jitter that eased). */
  skippedFrames: number;
  /** Ticks held (concealment without advancing) to let the delay grow to target. */
  heldFrames: number;
  resyncs: number;
}

export type JitterBufferState = 'idle' | 'playing';

const EDGES: Readonly<Record<JitterBufferState, readonly JitterBufferState[]>> = { idle: ['playing', 'idle'], playing: ['playing', 'idle'] };

export function jitterBufferTransition(from: JitterBufferState, to: JitterBufferState): JitterBufferState {
  if (!EDGES[from].includes(to)) throw new Error(`jitter buffer: illegal transition ${from} → ${to}`);
  return to;
}

interface Chunk {
  /** Unwrapped timestamp of the first sample. */
  ts: number;
  seq: number;
  pcm: Int16Array;
  /** `pcm` goes back to the spare arrays once played or dropped. */
  recycle: boolean;
}

const SAMPLES_PER_MS = 8;
/** A transit this far from the fastest packet's is a new timeline (restarted sender, new origin): resync. */
const RESYNC_SAMPLES = 8000;
/** G.711 Appendix I: attenuation starts 10 ms into an erasure and reaches silence after 60 ms. */
const PLC_HOLD_SAMPLES = 80;
const PLC_END_SAMPLES = 480;
/**
 * A frame is skipped only when playout runs this far behind target: a frame and a half. A clean stream
 * whose packets arrive right at the clock's tick, with the tick's timer itself a few ms late now and
 * then, puts a frame's worth of audio in the buffer one tick and none the next; with one frame of slack
 * that made the buffer skip (lose) a frame now and then.
 */
const SKIP_SLACK_SAMPLES = FRAME_SAMPLES + FRAME_SAMPLES / 2;
/**
 * Playout that stays more than a frame behind target (plus this margin) at every tick for
 * SUSTAIN_TICKS in a row skips a frame too. A delay that went up with a jitter spike comes back down
 * this way once the spike leaves the transit window; by the instant rule above only an excess of a
 * frame and a half would, so up to 30 ms too much could stay for the rest of the call. Measured over
 * many ticks, the tick-to-tick swing of a stream arriving at the tick does not count: its least delay
 * is ~0.
 */
const SUSTAIN_TICKS = 25;
const SUSTAIN_MARGIN_SAMPLES = 16;
/**
 * Such a skip waits for a quiet frame (every sample under about −30 dBFS): a pause in speech, where a
 * frame less is not heard. The instant rule above, for an excess of a frame and a half, does not wait.
 */
const QUIET_PEAK = 1024;
/**
 * The stream's newest packet arriving already behind playout this many times in a row: its sender paused
 * with its timestamps running on (a re-INVITE, hold, a stalled peer; RFC 3550 lets it) and its packets
 * now come a pause later than the transit window expects. Without a resync every packet would be dropped
 * as late until the pre-pause transits leave the window, up to 2 s of audio. Stragglers (reordered
 * packets older than the newest) never count, so jitter alone does not trigger it.
 */
const LATE_RUN_RESYNC = 3;
/** Spare sample arrays kept for reuse: more than a cap's worth of 20 ms packets is never held at once. */
const MAX_SPARE = 8;

export class JitterBuffer {
  readonly capSamples: number;
  private readonly windowSize: number;
  private state: JitterBufferState = 'idle';
  private chunks: Chunk[] = [];
  private playTs = 0;
  /** Unwrapping: the last packet's raw and unwrapped timestamp. */
  private lastRaw = 0;
  private lastUnwrapped = 0;
  /** The newest timestamp pushed (unwrapped), and how many newest packets in a row arrived too late. */
  private newestTs = -Infinity;
  private lateRun = 0;
  private readonly transits: Float64Array;
  private transitCount = 0;
  private transitNext = 0;
  private minTransit = 0;
  private maxTransit = 0;
  /** Length of the newest packet: the step in which audio arrives. */
  private packetSamples = FRAME_SAMPLES;
  private readonly lastGood = new Int16Array(FRAME_SAMPLES);
  /** Samples concealed since the last good sample (position within the erasure). */
  private erasure = 0;
  private readonly covered = new Uint8Array(FRAME_SAMPLES);
  /** The least excess of delay over target (samples) over the last ticks, and how many ticks that is. */
  private leastExcess = Infinity;
  private excessTicks = 0;
  /** The excess lasted: a frame goes at the next quiet one, unless the excess ends first. */
  private skipDue = false;
  private readonly spare: Int16Array[] = [];
  readonly stats: JitterBufferStats = { framesPlayed: 0, concealedFrames: 0, droppedLate: 0, droppedDuplicate: 0, droppedOverCap: 0, skippedFrames: 0, heldFrames: 0, resyncs: 0 };

  constructor(o: JitterBufferOptions = {}) {
    const capMs = o.capMs ?? 120;
    this.capSamples = Math.max(FRAME_SAMPLES, Math.round(capMs * SAMPLES_PER_MS));
    this.windowSize = Math.max(4, o.window ?? 100);
    this.transits = new Float64Array(this.windowSize);
  }

  get currentState(): JitterBufferState {
    return this.state;
  }

  /** Audio buffered ahead of the playout point, ms. */
  get depthMs(): number {
    if (this.state === 'idle' || this.chunks.length === 0) return 0;
    const last = this.chunks[this.chunks.length - 1]!;
    return Math.max(0, last.ts + last.pcm.length - this.playTs) / SAMPLES_PER_MS;
  }

  /** The playout delay the buffer aims at: the transit spread, under the cap less one frame. */
  get targetMs(): number {
    return this.targetSamples() / SAMPLES_PER_MS;
  }

  private targetSamples(): number {
    // Audio comes in packet-sized steps: with packets longer than a frame (ptime 30–60 ms) a frame can
    // straddle two packets, so playout must run up to (packet − frame) further behind.
    const granularity = Math.max(0, this.packetSamples - FRAME_SAMPLES);
    return Math.min(this.capSamples - FRAME_SAMPLES, Math.max(0, this.maxTransit - this.minTransit) + granularity);
  }

  /**
   * An array of `samples` samples to decode a packet into before `push(…, recycle = true)`: a spare one
   * of that length that has played, or a new one. Its contents are undefined.
   */
  buffer(samples: number): Int16Array {
    for (let i = this.spare.length - 1; i >= 0; i--) {
      const a = this.spare[i]!;
      if (a.length !== samples) continue;
      this.spare[i] = this.spare[this.spare.length - 1]!;
      this.spare.pop();
      return a;
    }
    return new Int16Array(samples);
  }

  /** Drops everything and starts over with the next packet (new SSRC, or the caller knows the timeline broke). */
  reset(): void {
    for (const c of this.chunks) this.release(c);
    this.chunks = [];
    this.transitCount = 0;
    this.transitNext = 0;
    this.newestTs = -Infinity;
    this.lateRun = 0;
    this.restartExcess();
    this.state = jitterBufferTransition(this.state, 'idle');
  }

  /**
   * A packet's decoded audio: `timestamp` is its RTP timestamp, `arrivalMs` when it arrived (any epoch,
   * the clock pop uses). The buffer keeps `pcm` (no copy); with `recycle` it hands the array out again
   * from `buffer` once done with it, so the caller must not touch it after the push.
   */
  push(seq: number, timestamp: number, pcm: Int16Array, arrivalMs: number, recycle = false): void {
    const chunk: Chunk = { ts: 0, seq, pcm, recycle };
    if (pcm.length === 0) return this.release(chunk);
    let ts = this.unwrap(timestamp);
    const transit = arrivalMs * SAMPLES_PER_MS - ts;
    if (this.state === 'playing' && this.transitCount > 0 && Math.abs(transit - this.minTransit) > RESYNC_SAMPLES) {
      this.stats.resyncs++;
      this.reset();
      ts = this.unwrap(timestamp);
    }
    this.recordTransit(transit);
    if (this.state === 'idle') {
      this.state = jitterBufferTransition(this.state, 'playing');
      this.playTs = ts;
      this.erasure = 0;
    }
    this.packetSamples = pcm.length;
    const end = ts + pcm.length;
    const newest = ts > this.newestTs;
    if (newest) this.newestTs = ts;
    if (end <= this.playTs) {
      if (newest && ++this.lateRun >= LATE_RUN_RESYNC) {
        // The stream's present is behind playout: start over from this packet (played at once).
        this.stats.resyncs++;
        this.reset();
        return this.push(seq, timestamp, pcm, arrivalMs, recycle);
      }
      this.stats.droppedLate++;
      return this.release(chunk);
    }
    this.lateRun = 0;
    // Insert sorted by timestamp; a packet overlapping one already held is a duplicate.
    let i = this.chunks.length;
    while (i > 0 && this.chunks[i - 1]!.ts > ts) i--;
    const before = this.chunks[i - 1];
    const after = this.chunks[i];
    if ((before && before.ts + before.pcm.length > ts) || (after && after.ts < end)) {
      this.stats.droppedDuplicate++;
      return this.release(chunk);
    }
    chunk.ts = ts;
    this.chunks.splice(i, 0, chunk);
    // The cap: audio beyond it pushes the playout point forward, discarding the oldest audio.
    const newestEnd = this.chunks[this.chunks.length - 1]!.ts + this.chunks[this.chunks.length - 1]!.pcm.length;
    if (newestEnd - this.playTs > this.capSamples) this.advanceTo(this.alignedAtLeast(newestEnd - this.capSamples), true);
  }

  /**
   * The next 20 ms frame, at clock time `nowMs`, written into `out` (a new array when absent), which is
   * returned. Always exactly one frame.
   */
  pop(nowMs: number, out: Int16Array = new Int16Array(FRAME_SAMPLES)): Int16Array {
    if (this.state === 'idle') return out.fill(0);
    const reference = nowMs * SAMPLES_PER_MS - this.minTransit;
    const target = this.targetSamples();
    // Too far behind the newest audio: skip a frame (hard cap: as many as needed).
    let delay = reference - this.playTs;
    if (delay > this.capSamples) {
      this.advanceTo(this.alignedAtLeast(reference - this.capSamples), true);
      delay = reference - this.playTs;
    } else if ((delay > target + SKIP_SLACK_SAMPLES || (this.sustainedExcess(delay - target) && this.quietFrame())) && this.hasFrameAfter(this.playTs + FRAME_SAMPLES)) {
      this.stats.skippedFrames++;
      this.restartExcess();
      this.advanceTo(this.playTs + FRAME_SAMPLES);
      delay -= FRAME_SAMPLES;
    }
    const covered = this.assemble(out);
    if (covered === FRAME_SAMPLES) {
      this.lastGood.set(out);
      this.erasure = 0;
      this.advanceTo(this.playTs + FRAME_SAMPLES);
      this.stats.framesPlayed++;
      return out;
    }
    // Dry (nothing buffered reaches the end of this frame) and not clearly past target: the missing
    // audio may be late, not lost. Wait for it one tick longer, keeping any part already here for the
    // next tick. Half a frame of slack covers a window minimum that lags a slowly drifting sender clock.
    const dry = !this.hasFrameAfter(this.playTs + FRAME_SAMPLES - 1);
    if (dry && delay < target + FRAME_SAMPLES / 2 && delay + FRAME_SAMPLES <= this.capSamples) {
      this.conceal(out, false);
      this.stats.heldFrames++;
      return out;
    }
    this.conceal(out, covered > 0);
    this.advanceTo(this.playTs + FRAME_SAMPLES);
    this.stats.framesPlayed++;
    return out;
  }

  /**
   * Notes this tick's excess; true once it stayed over a frame (and the margin) for SUSTAIN_TICKS ticks,
   * and from then on while it lasts (the skip waits for a quiet frame).
   */
  private sustainedExcess(excess: number): boolean {
    const over = excess >= FRAME_SAMPLES + SUSTAIN_MARGIN_SAMPLES;
    if (this.skipDue) {
      if (!over) this.restartExcess();
      return this.skipDue;
    }
    if (excess < this.leastExcess) this.leastExcess = excess;
    if (++this.excessTicks < SUSTAIN_TICKS) return false;
    const lasted = this.leastExcess >= FRAME_SAMPLES + SUSTAIN_MARGIN_SAMPLES;
    this.restartExcess();
    this.skipDue = lasted;
    return lasted;
  }

  private restartExcess(): void {
    this.leastExcess = Infinity;
    this.excessTicks = 0;
    this.skipDue = false;
  }

  /** Whether the frame at the playout point is quiet (what is held of it; a gap counts as quiet). */
  private quietFrame(): boolean {
    const from = this.playTs;
    const to = from + FRAME_SAMPLES;
    for (const c of this.chunks) {
      if (c.ts >= to) break;
      const a = Math.max(from, c.ts) - c.ts;
      const b = Math.min(to, c.ts + c.pcm.length) - c.ts;
      for (let i = a; i < b; i++) if (c.pcm[i]! >= QUIET_PEAK || c.pcm[i]! <= -QUIET_PEAK) return false;
    }
    return true;
  }

  private recordTransit(t: number): void {
    this.transits[this.transitNext] = t;
    this.transitNext = (this.transitNext + 1) % this.windowSize;
    if (this.transitCount < this.windowSize) this.transitCount++;
    let min = Infinity;
    let max = -Infinity;
    for (let i = 0; i < this.transitCount; i++) {
      const v = this.transits[i]!;
      if (v < min) min = v;
      if (v > max) max = v;
    }
    this.minTransit = min;
    this.maxTransit = max;
  }

  private unwrap(raw: number): number {
    const r = raw >>> 0;
    if (this.state === 'idle' && this.chunks.length === 0) {
      this.lastRaw = r;
      this.lastUnwrapped = r;
      return r;
    }
    // Nearest interpretation to the last timestamp: 32-bit signed difference.
    const u = this.lastUnwrapped + ((r - this.lastRaw) | 0);
    this.lastRaw = r;
    this.lastUnwrapped = u;
    return u;
  }

  /** The first frame boundary (on the playout grid) at or after ts. */
  private alignedAtLeast(ts: number): number {
    const frames = Math.ceil((ts - this.playTs) / FRAME_SAMPLES);
    return this.playTs + Math.max(0, frames) * FRAME_SAMPLES;
  }

  private hasFrameAfter(ts: number): boolean {
    const last = this.chunks[this.chunks.length - 1];
    return last !== undefined && last.ts + last.pcm.length > ts;
  }

  /** Moves playout to ts; `discarding` when jumping over audio not yet played (cap or delay control). */
  private advanceTo(ts: number, discarding = false): void {
    const from = this.playTs;
    this.playTs = ts;
    while (this.chunks.length > 0 && this.chunks[0]!.ts + this.chunks[0]!.pcm.length <= ts) {
      const c = this.chunks.shift()!;
      if (discarding && c.ts >= from) this.stats.droppedOverCap++;
      this.release(c);
    }
  }

  private release(c: Chunk): void {
    if (c.recycle && this.spare.length < MAX_SPARE) this.spare.push(c.pcm);
  }

  /** Copies the held audio of [playTs, playTs + frame) into out; returns how many samples it covered. */
  private assemble(out: Int16Array): number {
    this.covered.fill(0);
    let n = 0;
    const from = this.playTs;
    const to = from + FRAME_SAMPLES;
    for (const c of this.chunks) {
      if (c.ts >= to) break;
      const cEnd = c.ts + c.pcm.length;
      if (cEnd <= from) continue;
      const a = Math.max(from, c.ts);
      const b = Math.min(to, cEnd);
      out.set(c.pcm.subarray(a - c.ts, b - c.ts), a - from);
      this.covered.fill(1, a - from, b - from);
      n += b - a;
    }
    return n;
  }

  /** Fills the uncovered samples of out from the last good frame, faded per G.711 Appendix I. */
  private conceal(out: Int16Array, partial: boolean): void {
    const counted = this.erasure < PLC_END_SAMPLES;
    for (let i = 0; i < FRAME_SAMPLES; i++) {
      if (partial && this.covered[i]) continue;
      const t = this.erasure + i;
      const gain = t < PLC_HOLD_SAMPLES ? 1 : Math.max(0, 1 - (t - PLC_HOLD_SAMPLES) / (PLC_END_SAMPLES - PLC_HOLD_SAMPLES));
      out[i] = gain === 0 ? 0 : Math.round(this.lastGood[i]! * gain);
    }
    this.erasure += FRAME_SAMPLES;
    if (counted) this.stats.concealedFrames++;
  }
}
