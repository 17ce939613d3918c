/** TP-Validity-Period, relative format (TS 23.040 §9.2.3.12.1): one octet, four ranges. */
import { PduError } from './pdu-error.js';

/** Minutes a relative TP-VP octet stands for. */
export function decodeRelativeValidity(vp: number): number {
  const v = vp & 0xff;
  if (v <= 143) return (v + 1) * 5; // 5-minute steps up to 12 hours
  if (v <= 167) return 12 * 60 + (v - 143) * 30; // 30-minute steps up to 24 hours
  if (v <= 196) return (v - 166) * 24 * 60; // days, 2..30
  return (v - 192) * 7 * 24 * 60; // weeks, 5..63
}

/** Longest relative validity: 63 weeks. */
export const MAX_RELATIVE_VALIDITY_MINUTES = decodeRelativeValidity(0xff);

/**
 * The TP-VP octet for `minutes`: the shortest period that is at least `minutes` long (a message is
 * never given less time than asked), 5 minutes at the least, 63 weeks (0xFF) at the most.
 * Throws PduError('encode') for a negative or non-finite value.
 */
export function encodeRelativeValidity(minutes: number): number {
  if (!Number.isFinite(minutes) || minutes < 0) throw new PduError('encode', `validity: ${minutes} minutes is not a duration`);
  if (minutes <= 12 * 60) return Math.max(0, Math.ceil(minutes / 5) - 1);
  if (minutes <= 24 * 60) return 143 + Math.ceil((minutes - 12 * 60) / 30);
  if (minutes <= 30 * 24 * 60) return 166 + Math.max(2, Math.ceil(minutes / (24 * 60)));
  if (minutes <= MAX_RELATIVE_VALIDITY_MINUTES) return 192 + Math.max(5, Math.ceil(minutes / (7 * 24 * 60)));
  return 0xff;
}
