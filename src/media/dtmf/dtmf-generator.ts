/**
 * In-band DTMF: the frames of a digit's tone pair (ITU-T Q.23 frequencies) followed by a silent gap,
 * 20 ms at a time. The oscillators keep their phase across frames, so a digit split over frames has no
 * discontinuity at the frame edges.
 */
import { FRAME_SAMPLES, SAMPLE_RATE, type DtmfDigit } from '../audio-contract.js';
import { SineBank } from '../dsp/sine-bank.js';
import { dtmfFrequencies } from './dtmf-frequencies.js';

export interface DtmfToneOptions {
  /** Tone duration; Q.24 receivers need at least 40 ms. Default 100. */
  durationMs: number;
  /** Silence after the tone, before the next digit; default 60 (Q.24: pauses of 40 ms must be recognised). */
  gapMs: number;
  /** Level of each tone of the pair, in dBm0; default −10. */
  levelDbm0: number;
  /** Column (high) tone above the row tone, in dB (Q.23 allows some twist); default 0. */
  twistDb: number;
}

export const DEFAULT_DTMF_TONE_OPTIONS: DtmfToneOptions = { durationMs: 100, gapMs: 60, levelDbm0: -10, twistDb: 0 };

interface QueuedDigit {
  bank: SineBank;
  toneSamples: number;
  totalSamples: number;
  done: number;
}

/** A queue of digits played out as 20 ms frames. */
export class DtmfGenerator {
  private readonly queue: QueuedDigit[] = [];

  /** Queues a digit (throws on a value that is not a DTMF digit). */
  enqueue(digit: DtmfDigit, options: Partial<DtmfToneOptions> = {}): void {
    const o = { ...DEFAULT_DTMF_TONE_OPTIONS, ...options };
    const { rowHz, columnHz } = dtmfFrequencies(digit);
    const bank = new SineBank(
      [
        { frequencyHz: rowHz, levelDbm0: o.levelDbm0 },
        { frequencyHz: columnHz, levelDbm0: o.levelDbm0 + o.twistDb },
      ],
      SAMPLE_RATE,
    );
    const toneSamples = Math.max(0, Math.round((o.durationMs * SAMPLE_RATE) / 1000));
    const gapSamples = Math.max(0, Math.round((o.gapMs * SAMPLE_RATE) / 1000));
    this.queue.push({ bank, toneSamples, totalSamples: toneSamples + gapSamples, done: 0 });
  }

  /** Whether digits (or their gaps) remain to be played. */
  get busy(): boolean {
    return this.queue.length > 0;
  }

  /** The next 20 ms frame, or null when nothing is queued. A frame may end one digit and begin the next. */
  nextFrame(): Int16Array | null {
    if (this.queue.length === 0) return null;
    const frame = new Int16Array(FRAME_SAMPLES);
    let at = 0;
    while (at < FRAME_SAMPLES && this.queue.length > 0) {
      const d = this.queue[0];
      const toneLeft = Math.max(0, d.toneSamples - d.done);
      const tone = Math.min(toneLeft, FRAME_SAMPLES - at);
      if (tone > 0) d.bank.addTo(frame, at, tone);
      at += tone;
      d.done += tone;
      const gap = Math.min(d.totalSamples - d.done, FRAME_SAMPLES - at);
      at += gap;
      d.done += gap;
      if (d.done >= d.totalSamples) this.queue.shift();
    }
    return frame;
  }

  /** All the frames of one digit and its gap (the last frame padded with silence). */
  static digitFrames(digit: DtmfDigit, options: Partial<DtmfToneOptions> = {}): Int16Array[] {
    const g = new DtmfGenerator();
    g.enqueue(digit, options);
    const frames: Int16Array[] = [];
    for (let f = g.nextFrame(); f; f = g.nextFrame()) frames.push(f);
    return frames;
  }
}
