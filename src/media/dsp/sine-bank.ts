import { sineAmplitude } from './levels.js';

/** One component of a tone: a frequency in Hz and its level in dBm0. */
export interface ToneComponent {
  frequencyHz: number;
  levelDbm0: number;
}

/**
 * A sum of sines whose phases carry on from one call to the next, so a tone cut into 20 ms frames has
 * no clicks at the frame edges.
 */
export class SineBank {
  private readonly phaseSteps: number[];
  private readonly amplitudes: number[];
  private readonly phases: number[];

  constructor(components: readonly ToneComponent[], sampleRate: number) {
    this.phaseSteps = components.map((c) => (2 * Math.PI * c.frequencyHz) / sampleRate);
    this.amplitudes = components.map((c) => sineAmplitude(c.levelDbm0));
    this.phases = components.map(() => 0);
  }

  /** Adds `count` samples of the tone into out[start…], clamping to 16 bits. */
  addTo(out: Int16Array, start: number, count: number): void {
    const n = this.phases.length;
    for (let i = start; i < start + count; i++) {
      let v = out[i];
      for (let k = 0; k < n; k++) v += this.amplitudes[k] * Math.sin(this.phases[k] + this.phaseSteps[k] * (i - start));
      out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : Math.round(v);
    }
    for (let k = 0; k < n; k++) this.phases[k] = (this.phases[k] + this.phaseSteps[k] * count) % (2 * Math.PI);
  }

  /** Advances the phases without producing samples (a pause keeps the oscillators running). */
  skip(count: number): void {
    for (let k = 0; k < this.phases.length; k++) this.phases[k] = (this.phases[k] + this.phaseSteps[k] * count) % (2 * Math.PI);
  }
}
