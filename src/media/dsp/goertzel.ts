/**
 * The Goertzel algorithm: the power of one frequency in a block of samples, with a second-order
 * recursion (cheaper than an FFT when only a few frequencies matter, as for DTMF).
 */
export interface GoertzelFilter {
  readonly frequency: number;
  /** 2·cos(2π f / fs), the recursion's coefficient. */
  readonly coefficient: number;
}

export function goertzelFilter(frequency: number, sampleRate: number): GoertzelFilter {
  return { frequency, coefficient: 2 * Math.cos((2 * Math.PI * frequency) / sampleRate) };
}

/**
 * The power of `filter`'s frequency in samples[start, start+length), scaled as the mean square of that
 * component: a sine of amplitude A at exactly that frequency gives about A²/2, the same scale as
 * sum(x²)/length, so the two can be compared directly.
 */
export function goertzelPower(samples: ArrayLike<number>, start: number, length: number, filter: GoertzelFilter): number {
  const c = filter.coefficient;
  let s1 = 0;
  let s2 = 0;
  const end = start + length;
  for (let i = start; i < end; i++) {
    const s0 = samples[i] + c * s1 - s2;
    s2 = s1;
    s1 = s0;
  }
  const magnitudeSquared = s1 * s1 + s2 * s2 - c * s1 * s2;
  return (2 * magnitudeSquared) / (length * length);
}

/** Mean square of samples[start, start+length). */
export function meanSquare(samples: ArrayLike<number>, start: number, length: number): number {
  let sum = 0;
  const end = start + length;
  for (let i = start; i < end; i++) sum += samples[i] * samples[i];
  return length > 0 ? sum / length : 0;
}
