/**
 * In-band DTMF detection (ITU-T Q.24 style) over 8 kHz audio fed in frames of any length.
 *
 * The audio is analysed in windows of WINDOW_SAMPLES (102 samples, 12.75 ms: bins close enough to tell
 * 697 from 770 Hz) every HOP_SAMPLES (51, half a window). Each window is classified as one digit or
 * none by the checks below; a digit is reported once CONFIRM_WINDOWS consecutive windows hold it, and
 * not again until RELEASE_WINDOWS consecutive windows lack it (a gap). The half-window hop is what lets
 * one energy threshold both accept tones 1.5 % off frequency and refuse 20 ms bursts.
 * The thresholds and why they are what they are: docs/decisions/0045-dtmf-detector-tones-and-srtp.md.
 */
import { SAMPLE_RATE, type DtmfDigit } from '../audio-contract.js';
import { goertzelFilter, goertzelPower, meanSquare, type GoertzelFilter } from '../dsp/goertzel.js';
import { sinePower } from '../dsp/levels.js';
import { DTMF_COLUMN_HZ, DTMF_KEYPAD, DTMF_ROW_HZ } from './dtmf-frequencies.js';

export const WINDOW_SAMPLES = 102;
export const HOP_SAMPLES = 51;
/**
 * 4 windows at a 51-sample hop: a tone must cover 102 + 3·51 samples of mostly-tone windows
 * (≈ 25–32 ms). A 20 ms burst gives at most 3; a 40 ms digit, even 1.5 % off frequency, at least 4.
 */
export const CONFIRM_WINDOWS = 4;
/** A 40 ms pause always gives 6 windows without the digit; a 5 ms dropout at most 3. */
export const RELEASE_WINDOWS = 4;

export interface DtmfDetectorOptions {
  /** Q.24 sensitivity: the weakest tone (each of the pair) accepted, in dBm0. */
  minToneDbm0: number;
  /** Column tone above row tone ("normal twist"), at most this many dB. */
  maxNormalTwistDb: number;
  /** Row tone above column tone ("reverse twist"), at most this many dB. */
  maxReverseTwistDb: number;
  /** The winning row/column must beat every other row/column by this many dB. */
  minRelativePeakDb: number;
  /** The column tone's second harmonic must be this many dB below it (speech is rich in harmonics). */
  minHarmonicRejectionDb: number;
  /** The two tones must carry at least this fraction of the window's energy. */
  minToneEnergyFraction: number;
}

export const DEFAULT_DTMF_DETECTOR_OPTIONS: DtmfDetectorOptions = {
  minToneDbm0: -30,
  maxNormalTwistDb: 8,
  maxReverseTwistDb: 4,
  minRelativePeakDb: 8,
  minHarmonicRejectionDb: 15,
  minToneEnergyFraction: 0.6,
};

export interface DetectedDigit {
  digit: DtmfDigit;
  /** When the tone began, in ms from the first sample fed (to within about one window). */
  startMs: number;
}

/** The detector's state, one digit at a time. */
export type DetectorState =
  | { name: 'idle' }
  /** `hits` consecutive windows held `digit`; CONFIRM_WINDOWS confirm it. */
  | { name: 'pending'; digit: DtmfDigit; hits: number; startSample: number }
  /** `digit` was reported; it lasts until RELEASE_WINDOWS windows without it. */
  | { name: 'active'; digit: DtmfDigit }
  /** `digit` was reported and the last `misses` windows lacked it. */
  | { name: 'ending'; digit: DtmfDigit; misses: number };

type WindowResult = DtmfDigit | null;

function pending(digit: DtmfDigit, startSample: number): DetectorState {
  return { name: 'pending', digit, hits: 1, startSample };
}

/**
 * The one transition function: the next state after a window classified as `seen`, and the digit to
 * report (if any). Every state takes every window result, so there is no illegal edge to refuse.
 */
export function nextDetectorState(state: DetectorState, seen: WindowResult, windowStartSample: number): { state: DetectorState; report: DetectedDigit | null } {
  switch (state.name) {
    case 'idle':
      return { state: seen ? pending(seen, windowStartSample) : state, report: null };
    case 'pending':
      if (seen !== state.digit) return { state: seen ? pending(seen, windowStartSample) : { name: 'idle' }, report: null };
      if (state.hits + 1 < CONFIRM_WINDOWS) return { state: { ...state, hits: state.hits + 1 }, report: null };
      return { state: { name: 'active', digit: seen }, report: { digit: seen, startMs: (state.startSample * 1000) / SAMPLE_RATE } };
    case 'active':
      return { state: seen === state.digit ? state : { name: 'ending', digit: state.digit, misses: 1 }, report: null };
    case 'ending':
      if (seen === state.digit) return { state: { name: 'active', digit: seen }, report: null };
      if (state.misses + 1 < RELEASE_WINDOWS) return { state: { ...state, misses: state.misses + 1 }, report: null };
      return { state: seen ? pending(seen, windowStartSample) : { name: 'idle' }, report: null };
  }
}

const dbToRatio = (db: number): number => 10 ** (db / 10);

export class GoertzelDtmfDetector {
  private readonly rows: GoertzelFilter[] = DTMF_ROW_HZ.map((f) => goertzelFilter(f, SAMPLE_RATE));
  private readonly columns: GoertzelFilter[] = DTMF_COLUMN_HZ.map((f) => goertzelFilter(f, SAMPLE_RATE));
  private readonly columnHarmonics: GoertzelFilter[] = DTMF_COLUMN_HZ.map((f) => goertzelFilter(2 * f, SAMPLE_RATE));
  private readonly window = new Float64Array(WINDOW_SAMPLES);
  private readonly options: DtmfDetectorOptions;
  private readonly minTonePower: number;
  private filled = 0;
  /** Sample number (from the first fed) of window[0]. */
  private windowStart = 0;
  private state: DetectorState = { name: 'idle' };

  constructor(options: Partial<DtmfDetectorOptions> = {}) {
    this.options = { ...DEFAULT_DTMF_DETECTOR_OPTIONS, ...options };
    this.minTonePower = sinePower(this.options.minToneDbm0);
  }

  /** Feeds samples (a 20 ms frame or any other length); returns the digits that began and were confirmed. */
  push(samples: Int16Array): DetectedDigit[] {
    const found: DetectedDigit[] = [];
    for (let i = 0; i < samples.length; i++) {
      this.window[this.filled++] = samples[i];
      if (this.filled < WINDOW_SAMPLES) continue;
      const step = nextDetectorState(this.state, this.classifyWindow(), this.windowStart);
      this.state = step.state;
      if (step.report) found.push(step.report);
      // Slide by half a window: the second half becomes the first.
      this.window.copyWithin(0, HOP_SAMPLES);
      this.filled = WINDOW_SAMPLES - HOP_SAMPLES;
      this.windowStart += HOP_SAMPLES;
    }
    return found;
  }

  currentState(): DetectorState {
    return this.state;
  }

  /** The digit one window holds, or null when any Q.24 check fails. */
  private classifyWindow(): WindowResult {
    const o = this.options;
    const b = this.window;
    const energy = meanSquare(b, 0, WINDOW_SAMPLES);
    // No single frequency's power can exceed twice the window's mean square (Cauchy–Schwarz), so a
    // window this quiet cannot pass the level check: skip the filters (most windows of a call).
    if (2 * energy < this.minTonePower) return null;
    const rowPower = this.rows.map((f) => goertzelPower(b, 0, WINDOW_SAMPLES, f));
    const colPower = this.columns.map((f) => goertzelPower(b, 0, WINDOW_SAMPLES, f));
    const row = indexOfMax(rowPower);
    const col = indexOfMax(colPower);
    const r = rowPower[row];
    const c = colPower[col];
    // Sensitivity: each tone of the pair above the minimum level.
    if (r < this.minTonePower || c < this.minTonePower) return null;
    // Twist (Q.24 §3): the high-group tone may exceed the low by the normal twist, the low the high by the reverse.
    if (c > r * dbToRatio(o.maxNormalTwistDb) || r > c * dbToRatio(o.maxReverseTwistDb)) return null;
    // Relative peak: no other row or column comes close (talk-off protection).
    const peak = dbToRatio(o.minRelativePeakDb);
    for (let k = 0; k < 4; k++) {
      if (k !== row && rowPower[k] * peak > r) return null;
      if (k !== col && colPower[k] * peak > c) return null;
    }
    // The pair carries most of the window's energy: speech and music spread theirs wider.
    if (r + c < o.minToneEnergyFraction * energy) return null;
    // Second harmonic of the column tone: a voice with a harmonic there is not a DTMF generator. (Row
    // harmonics are not checked: 2×770 and 2×852 fall inside the column tones' main lobes.)
    if (goertzelPower(b, 0, WINDOW_SAMPLES, this.columnHarmonics[col]) * dbToRatio(o.minHarmonicRejectionDb) > c) return null;
    return DTMF_KEYPAD[row][col];
  }
}

function indexOfMax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
