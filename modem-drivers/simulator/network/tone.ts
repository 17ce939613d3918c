/**
 * Voice frames for the simulated voice path: 8 kHz, 16-bit, mono, 160 samples (20 ms) per frame,
 * the PCM format modems put on their USB audio interface.
 *
 * A tone is precomputed once per frequency as the shortest run of frames after which its phase
 * repeats (50 / gcd(hz, 50) frames for a whole frequency: 2 for 425 Hz, 1 for 1000 Hz), so an active
 * call sending a tone allocates nothing per frame. Frames are shared: receivers must not modify them.
 */
export const SAMPLE_RATE = 8000;
export const FRAME_SAMPLES = 160;
export const FRAME_MS = 20;
/** About -12 dBFS: loud enough to detect, far from clipping. */
export const TONE_AMPLITUDE = 8000;

const cache = new Map<number, readonly Int16Array[]>();

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** The repeating frames of a sine tone of `hz` (rounded to a whole Hz, 1..3999). */
export function toneFrames(hz: number): readonly Int16Array[] {
  const f = Math.min(SAMPLE_RATE / 2 - 1, Math.max(1, Math.round(Number.isFinite(hz) ? hz : 1000)));
  const hit = cache.get(f);
  if (hit) return hit;
  const framesPerSecond = 1000 / FRAME_MS;
  const count = framesPerSecond / gcd(f, framesPerSecond);
  const frames: Int16Array[] = [];
  for (let i = 0; i < count; i++) {
    const frame = new Int16Array(FRAME_SAMPLES);
    for (let k = 0; k < FRAME_SAMPLES; k++) {
      frame[k] = Math.round(TONE_AMPLITUDE * Math.sin((2 * Math.PI * f * (i * FRAME_SAMPLES + k)) / SAMPLE_RATE));
    }
    frames.push(frame);
  }
  cache.set(f, frames);
  return frames;
}

/** One frame of silence (shared). */
export const SILENCE_FRAME: Int16Array = new Int16Array(FRAME_SAMPLES);
