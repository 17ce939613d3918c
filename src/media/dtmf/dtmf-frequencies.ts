import type { DtmfDigit } from '../audio-contract.js';

/** ITU-T Q.23 §2: the four row (low group) and four column (high group) frequencies, in Hz. */
export const DTMF_ROW_HZ = [697, 770, 852, 941] as const;
export const DTMF_COLUMN_HZ = [1209, 1336, 1477, 1633] as const;

/** Q.23 Table 1: the keypad, indexed [row][column]. */
export const DTMF_KEYPAD: readonly (readonly DtmfDigit[])[] = [
  ['1', '2', '3', 'A'],
  ['4', '5', '6', 'B'],
  ['7', '8', '9', 'C'],
  ['*', '0', '#', 'D'],
];

export const DTMF_DIGITS: readonly DtmfDigit[] = ['0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '*', '#', 'A', 'B', 'C', 'D'];

/** The row and column frequency of a digit. */
export function dtmfFrequencies(digit: DtmfDigit): { rowHz: number; columnHz: number } {
  for (let r = 0; r < 4; r++) {
    const c = DTMF_KEYPAD[r].indexOf(digit);
    if (c >= 0) return { rowHz: DTMF_ROW_HZ[r], columnHz: DTMF_COLUMN_HZ[c] };
  }
  throw new Error(`not a DTMF digit: ${String(digit)}`);
}
