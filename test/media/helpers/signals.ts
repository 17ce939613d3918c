/** Test signals: tones, white noise with a fixed seed, and cutting audio into frames of any size. */
import { sineAmplitude } from '../../../src/media/dsp/levels.js';
import { prng } from '../../helpers/prng.js';

export function tone(freqs: { hz: number; dbm0: number }[], samples: number, sampleRate = 8000): Float64Array {
  const out = new Float64Array(samples);
  for (const f of freqs) {
    const a = sineAmplitude(f.dbm0);
    for (let i = 0; i < samples; i++) out[i] += a * Math.sin((2 * Math.PI * f.hz * i) / sampleRate);
  }
  return out;
}

/** A deterministic pseudo-random generator (mulberry32), so a failing noise test can be rerun. */
export const seededRandom = prng;

/** Gaussian white noise of the given mean square. */
export function whiteNoise(samples: number, meanSquare: number, random: () => number): Float64Array {
  const out = new Float64Array(samples);
  const sigma = Math.sqrt(meanSquare);
  for (let i = 0; i < samples; i++) {
    const u = Math.max(random(), 1e-12);
    out[i] = sigma * Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
  }
  return out;
}

export function toInt16(x: Float64Array): Int16Array {
  const out = new Int16Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = Math.max(-32768, Math.min(32767, Math.round(x[i])));
  return out;
}

export function concat(parts: Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** Cuts audio into chunks of `size` samples (the last may be shorter). */
export function chunks(x: Int16Array, size: number): Int16Array[] {
  const out: Int16Array[] = [];
  for (let i = 0; i < x.length; i += size) out.push(x.subarray(i, i + size));
  return out;
}

export function meanSquareOf(x: Float64Array): number {
  let s = 0;
  for (const v of x) s += v * v;
  return x.length ? s / x.length : 0;
}
