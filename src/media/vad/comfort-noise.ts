/**
 * RFC 3389 comfort noise (CN) payloads. §3: the first octet is the noise level as −dBov (0–127),
 * optionally followed by spectral reflection coefficients, one octet each (§3.2). 0 dBov is the
 * overload point: a full-scale square wave (§3.1), so a full-scale sine is −3 dBov.
 */
export const MAX_NOISE_ATTENUATION_DB = 127;
const FULL_SCALE = 32767;

export interface ComfortNoise {
  /** The noise level in dBov (0 down to −127). */
  levelDbov: number;
  /** The raw reflection coefficient octets, if the sender gave any (§3.2); kept, not modelled. */
  reflectionCoefficients: Uint8Array;
}

/** The level in dBov of a mean-square power of 16-bit samples (−127 for silence). */
export function meanSquareToDbov(meanSquare: number): number {
  if (meanSquare <= 0) return -MAX_NOISE_ATTENUATION_DB;
  return Math.max(-MAX_NOISE_ATTENUATION_DB, Math.min(0, 10 * Math.log10(meanSquare / (FULL_SCALE * FULL_SCALE))));
}

/** The mean square a dBov level stands for. */
export function dbovToMeanSquare(dbov: number): number {
  return FULL_SCALE * FULL_SCALE * 10 ** (dbov / 10);
}

/** A CN payload carrying only the level (the spectrum is left to the receiver: white noise, §3.2). */
export function encodeComfortNoise(levelDbov: number): Buffer {
  const attenuation = Math.round(-levelDbov);
  return Buffer.from([Math.max(0, Math.min(MAX_NOISE_ATTENUATION_DB, Number.isFinite(attenuation) ? attenuation : MAX_NOISE_ATTENUATION_DB))]);
}

/** Decodes a CN payload; null for an empty payload or a level octet with its top bit set (§3: 0–127). */
export function decodeComfortNoise(payload: Uint8Array): ComfortNoise | null {
  if (payload.length < 1 || payload[0] > MAX_NOISE_ATTENUATION_DB) return null;
  return { levelDbov: -payload[0], reflectionCoefficients: Uint8Array.from(payload.subarray(1)) };
}

/**
 * Fills frames with white noise at a CN level, for the side that receives CN and must play something
 * (a seeded generator so the output is repeatable).
 */
export class ComfortNoiseGenerator {
  private seed: number;

  constructor(seed = 0x2545f491) {
    this.seed = seed >>> 0 || 1;
  }

  frame(levelDbov: number, samples: number): Int16Array {
    const out = new Int16Array(samples);
    // Uniform noise in [−a, a] has mean square a²/3.
    const a = Math.sqrt(3 * dbovToMeanSquare(levelDbov));
    for (let i = 0; i < samples; i++) {
      // xorshift32
      let x = this.seed;
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      this.seed = x >>> 0;
      out[i] = Math.round((this.seed / 0xffffffff) * 2 * a - a);
    }
    return out;
  }
}
