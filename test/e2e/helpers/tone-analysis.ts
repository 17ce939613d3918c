/**
 * Checks on recorded call audio for the end-to-end tests: reading a 16-bit PCM WAV as a phone wrote it
 * (first channel, its own rate), the part of a recording that carries sound, the dominant frequency
 * (a Goertzel scan) and the share of power at given frequencies, and writing a test tone as WAV.
 */
import { toneShare } from './rtp-peer.js';

export interface Pcm {
  readonly rate: number;
  readonly samples: Int16Array;
}

/**
 * The first channel of a RIFF/WAVE file of 16-bit PCM. A writer that was stopped before closing the
 * file leaves a zero or oversized data length: the data then runs to the end of the file.
 */
export function readWav16(bytes: Buffer): Pcm {
  if (bytes.length < 12 || bytes.toString('latin1', 0, 4) !== 'RIFF' || bytes.toString('latin1', 8, 12) !== 'WAVE') throw new Error(`not a RIFF/WAVE file (${bytes.length} bytes)`);
  let at = 12;
  let rate = 0;
  let channels = 0;
  while (at + 8 <= bytes.length) {
    const id = bytes.toString('latin1', at, at + 4);
    const size = bytes.readUInt32LE(at + 4);
    const body = at + 8;
    if (id === 'fmt ') {
      const format = bytes.readUInt16LE(body);
      channels = bytes.readUInt16LE(body + 2);
      rate = bytes.readUInt32LE(body + 4);
      const bits = bytes.readUInt16LE(body + 14);
      if ((format !== 1 && format !== 0xfffe) || bits !== 16) throw new Error(`WAV format ${format} with ${bits} bits: expected 16-bit PCM`);
    } else if (id === 'data') {
      if (rate === 0) throw new Error('WAV data before its fmt chunk');
      const end = size === 0 || body + size > bytes.length ? bytes.length : body + size;
      const frames = Math.floor((end - body) / (2 * channels));
      const samples = new Int16Array(frames);
      for (let i = 0; i < frames; i++) samples[i] = bytes.readInt16LE(body + i * 2 * channels);
      return { rate, samples };
    }
    at = body + size + (size & 1);
  }
  throw new Error('WAV without a data chunk');
}

/** A WAV file (8 kHz unless told, 16-bit mono) of a sine of `hz` at about -10 dBFS, `seconds` long. */
export function toneWav(hz: number, seconds: number, rate = 8000): Buffer {
  const n = Math.round(seconds * rate);
  const out = Buffer.alloc(44 + n * 2);
  out.write('RIFF', 0, 'latin1');
  out.writeUInt32LE(36 + n * 2, 4);
  out.write('WAVEfmt ', 8, 'latin1');
  out.writeUInt32LE(16, 16);
  out.writeUInt16LE(1, 20); // PCM
  out.writeUInt16LE(1, 22); // mono
  out.writeUInt32LE(rate, 24);
  out.writeUInt32LE(rate * 2, 28);
  out.writeUInt16LE(2, 32);
  out.writeUInt16LE(16, 34);
  out.write('data', 36, 'latin1');
  out.writeUInt32LE(n * 2, 40);
  for (let i = 0; i < n; i++) out.writeInt16LE(Math.round(10_000 * Math.sin((2 * Math.PI * hz * i) / rate)), 44 + i * 2);
  return out;
}

/**
 * The 20 ms blocks of `pcm` louder than -40 dBFS, joined: the time the call carried sound, without the
 * silence before the far end answered or after it stopped (which would dilute a tone's share).
 */
export function voiced(pcm: Pcm): Pcm {
  const block = Math.round(pcm.rate / 50);
  const threshold = 32768 * 0.01;
  const kept: Int16Array[] = [];
  for (let at = 0; at + block <= pcm.samples.length; at += block) {
    const b = pcm.samples.subarray(at, at + block);
    let sum = 0;
    for (const v of b) sum += v * v;
    if (Math.sqrt(sum / block) >= threshold) kept.push(b);
  }
  const out = new Int16Array(kept.length * block);
  kept.forEach((b, i) => out.set(b, i * block));
  return { rate: pcm.rate, samples: out };
}

export interface ToneReport {
  /** Seconds of sound analysed. */
  readonly seconds: number;
  /** The frequency (25 Hz steps, 100 Hz to 3.9 kHz) with the most power. */
  readonly dominantHz: number;
  /** The share of the signal's power at each frequency asked about, averaged over 40 ms blocks: about 1 for a pure tone there. */
  readonly shares: Record<number, number>;
}

/** What is in `pcm`'s voiced part: its dominant frequency and the power share at each of `frequencies`. */
export function analyseTone(pcm: Pcm, frequencies: readonly number[]): ToneReport {
  const sound = voiced(pcm).samples;
  // Averaged over 40 ms blocks: 25 Hz wide bins, so a tone between the scan's steps still shows, and a
  // frame lost or concealed here and there moves the figures little.
  const block = Math.round(pcm.rate / 25);
  const blocks: Int16Array[] = [];
  for (let at = 0; at + block <= sound.length; at += block) blocks.push(sound.subarray(at, at + block));
  const share = (hz: number): number => (blocks.length === 0 ? 0 : blocks.reduce((sum, b) => sum + toneShare(b, hz, pcm.rate), 0) / blocks.length);
  let dominantHz = 0;
  let best = -1;
  for (let hz = 100; hz <= Math.min(3900, pcm.rate / 2 - 100); hz += 25) {
    const s = share(hz);
    if (s > best) {
      best = s;
      dominantHz = hz;
    }
  }
  const shares: Record<number, number> = {};
  for (const f of frequencies) shares[f] = share(f);
  return { seconds: sound.length / pcm.rate, dominantHz, shares };
}
