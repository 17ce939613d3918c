/**
 * Signal levels in dBm0 for 16-bit linear audio. ITU-T G.711 (§ "Table 1a/1b"): the A-law coder's
 * full-scale sine is +3.14 dBm0, so 0 dBm0 is a sine whose peak is 3.14 dB below 16-bit full scale.
 */
const FULL_SCALE = 32767;
const FULL_SCALE_SINE_DBM0 = 3.14;

/** Peak amplitude of a sine at `dbm0`. */
export function sineAmplitude(dbm0: number): number {
  return FULL_SCALE * 10 ** ((dbm0 - FULL_SCALE_SINE_DBM0) / 20);
}

/** Mean square (power) of a sine at `dbm0`. */
export function sinePower(dbm0: number): number {
  const a = sineAmplitude(dbm0);
  return (a * a) / 2;
}

/** The dBm0 of a mean-square power (−Infinity for silence). */
export function powerToDbm0(meanSquare: number): number {
  if (meanSquare <= 0) return -Infinity;
  return 10 * Math.log10(meanSquare / sinePower(0));
}
