/**
 * Argument checks the families' audio capabilities share: a gain or echo-canceller value outside what the
 * family's manual documents is refused before anything is sent, naming the range.
 */
import type { AudioGains, PcmFormat } from '../capabilities.js';
import { InvalidArgumentError } from './errors.js';

export type Range = readonly [number, number];

/** Throws InvalidArgumentError unless `value` is an integer within `range` (inclusive). */
export function checkInRange(what: string, value: number, range: Range): void {
  if (!Number.isInteger(value) || value < range[0] || value > range[1]) {
    throw new InvalidArgumentError(`${what} must be an integer from ${range[0]} to ${range[1]}, got ${String(value)}`);
  }
}

/** Checks both gains that are given; returns them for the caller to send. */
export function checkGains(gains: AudioGains, ranges: { mic: Range; speaker: Range }): AudioGains {
  if (gains.mic !== undefined) checkInRange('mic gain', gains.mic, ranges.mic);
  if (gains.speaker !== undefined) checkInRange('speaker gain', gains.speaker, ranges.speaker);
  return gains;
}

/** The PCM format a family option asks for, or the default when it names none or something invalid. */
export function pcmFormatOf(sampleRate: unknown, frameMs: unknown, fallback: PcmFormat): PcmFormat {
  return {
    sampleRate: sampleRate === 8000 || sampleRate === 16000 ? sampleRate : fallback.sampleRate,
    frameMs: frameMs === 20 || frameMs === 40 ? frameMs : fallback.frameMs,
  };
}
