/**
 * Plays a tone spec (appendix B syntax, tone-spec.ts) as 20 ms frames: the syllable's beats in turn,
 * each its sound then its pause, the syllable repeated `repeat` times (0 = forever), then silence.
 */
import { FRAME_SAMPLES, SAMPLE_RATE } from '../audio-contract.js';
import { SineBank } from '../dsp/sine-bank.js';
import type { ToneSpec } from './tone-spec.js';

interface Segment {
  samples: number;
  sounding: boolean;
}

export class TonePlayer {
  private readonly bank: SineBank;
  private readonly syllable: Segment[];
  private readonly repeat: number;
  private syllablesDone = 0;
  private segment = 0;
  private intoSegment = 0;
  private ended = false;

  constructor(spec: ToneSpec) {
    this.bank = new SineBank(spec.components, SAMPLE_RATE);
    this.syllable = spec.beats
      .flatMap((b) => [
        { samples: msToSamples(b.onMs), sounding: true },
        { samples: msToSamples(b.offMs), sounding: false },
      ])
      .filter((s) => s.samples > 0);
    this.repeat = spec.repeat;
    this.ended = this.syllable.length === 0;
  }

  /** True once a finite tone has played all its syllables; later frames are silence. */
  get finished(): boolean {
    return this.ended;
  }

  nextFrame(): Int16Array {
    const frame = new Int16Array(FRAME_SAMPLES);
    let at = 0;
    while (at < FRAME_SAMPLES && !this.ended) {
      const seg = this.syllable[this.segment];
      const n = Math.min(seg.samples - this.intoSegment, FRAME_SAMPLES - at);
      if (seg.sounding) this.bank.addTo(frame, at, n);
      else this.bank.skip(n);
      at += n;
      this.intoSegment += n;
      if (this.intoSegment === seg.samples) this.advanceSegment();
    }
    return frame;
  }

  private advanceSegment(): void {
    this.intoSegment = 0;
    this.segment++;
    if (this.segment < this.syllable.length) return;
    this.segment = 0;
    this.syllablesDone++;
    if (this.repeat !== 0 && this.syllablesDone >= this.repeat) this.ended = true;
  }
}

function msToSamples(ms: number): number {
  return Math.round((ms * SAMPLE_RATE) / 1000);
}
