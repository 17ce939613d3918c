/**
 * In-band DTMF detection (ITU-T Q.24 style) over 8 kHz audio fed in frames of any length.
 *
 * The audio is cut into blocks of BLOCK_SAMPLES (102 samples, 12.75 ms: close enough bins to tell
 * 697 from 770 Hz, short enough for a 40 ms digit to fill two whole blocks wherever it starts). Each
 * block is classified as one digit or none by the checks below; a digit is reported once it has been
 * seen in two consecutive blocks, and not again until two consecutive blocks without it (a gap).
 * The thresholds and why they are what they are: docs/decisions/0043-dtmf-detector-and-srtp.md.
 */
import { SAMPLE_RATE, type DtmfDigit } from '../audio-contract.js';
import { goertzelFilter, goertzelPower, meanSquare, type GoertzelFilter } from '../dsp/goertzel.js';
import { sinePower } from '../dsp/levels.js';
import { DTMF_COLUMN_HZ, DTMF_KEYPAD, DTMF_ROW_HZ } from './dtmf-frequencies.js';

export const BLOCK_SAMPLES = 102;

export interface DtmfDetectorOptions {
  /** Q.24 Table 1 sensitivity: the weakest tone (each of the pair) accepted, in dBm0. */
  minToneDbm0: number;
  /** Q.24: column tone above row tone ("normal twist"), at most this many dB. */
  maxNormalTwistDb: number;
  /** Row tone above column tone ("reverse twist"), at most this many dB. */
  maxReverseTwistDb: number;
  /** The winning row/column must beat every other row/column by this many dB. */
  minRelativePeakDb: number;
  /** The column tone's second harmonic must be this many dB below it (speech is rich in harmonics). */
  minHarmonicRejectionDb: number;
  /** The two tones must carry at least this fraction of the block's energy. */
  minToneEnergyFraction: number;
}

export const DEFAULT_DTMF_DETECTOR_OPTIONS: DtmfDetectorOptions = {
  minToneDbm0: -30,
  maxNormalTwistDb: 8,
  maxReverseTwistDb: 4,
  minRelativePeakDb: 8,
  minHarmonicRejectionDb: 15,
  minToneEnergyFraction: 0.85,
};

export interface DetectedDigit {
  digit: DtmfDigit;
  /** When the tone began, in ms from the first sample fed (block resolution, 12.75 ms). */
  startMs: number;
}

/** The detector's state, one digit at a time. */
export type DetectorState =
  | { name: 'idle' }
  /** One block held `digit`; a second confirms it. */
  | { name: 'pending'; digit: DtmfDigit; startSample: number }
  /** `digit` was reported; it lasts until two blocks without it. */
  | { name: 'active'; digit: DtmfDigit }
  /** `digit` was reported and the last block lacked it; one more such block ends it. */
  | { name: 'ending'; digit: DtmfDigit };

type BlockResult = DtmfDigit | null;

/**
 * The one transition function: the next state after a block classified as `seen`, and the digit to
 * report (if any). Every state takes every block result, so there is no illegal edge to refuse.
 */
export function nextDetectorState(state: DetectorState, seen: BlockResult, blockStartSample: number): { state: DetectorState; report: DetectedDigit | null } {
  switch (state.name) {
    case 'idle':
      return { state: seen ? { name: 'pending', digit: seen, startSample: blockStartSample } : state, report: null };
    case 'pending':
      if (seen === state.digit) return { state: { name: 'active', digit: seen }, report: { digit: seen, startMs: (state.startSample * 1000) / SAMPLE_RATE } };
      return { state: seen ? { name: 'pending', digit: seen, startSample: blockStartSample } : { name: 'idle' }, report: null };
    case 'active':
      return { state: seen === state.digit ? state : { name: 'ending', digit: state.digit }, report: null };
    case 'ending':
      if (seen === state.digit) return { state: { name: 'active', digit: seen }, report: null };
      return { state: seen ? { name: 'pending', digit: seen, startSample: blockStartSample } : { name: 'idle' }, report: null };
  }
}

const dbToRatio = (db: number): number => 10 ** (db / 10);

export class GoertzelDtmfDetector {
  private readonly rows: GoertzelFilter[] = DTMF_ROW_HZ.map((f) => goertzelFilter(f, SAMPLE_RATE));
  private readonly columns: GoertzelFilter[] = DTMF_COLUMN_HZ.map((f) => goertzelFilter(f, SAMPLE_RATE));
  private readonly columnHarmonics: GoertzelFilter[] = DTMF_COLUMN_HZ.map((f) => goertzelFilter(2 * f, SAMPLE_RATE));
  private readonly block = new Float64Array(BLOCK_SAMPLES);
  private readonly options: DtmfDetectorOptions;
  private readonly minTonePower: number;
  private filled = 0;
  private blockStart = 0;
  private state: DetectorState = { name: 'idle' };

  constructor(options: Partial<DtmfDetectorOptions> = {}) {
    this.options = { ...DEFAULT_DTMF_DETECTOR_OPTIONS, ...options };
    this.minTonePower = sinePower(this.options.minToneDbm0);
  }

  /** Feeds samples (a 20 ms frame or any other length); returns the digits that began and were confirmed. */
  push(samples: Int16Array): DetectedDigit[] {
    const found: DetectedDigit[] = [];
    for (let i = 0; i < samples.length; i++) {
      this.block[this.filled++] = samples[i];
      if (this.filled < BLOCK_SAMPLES) continue;
      const step = nextDetectorState(this.state, this.classifyBlock(), this.blockStart);
      this.state = step.state;
      if (step.report) found.push(step.report);
      this.filled = 0;
      this.blockStart += BLOCK_SAMPLES;
    }
    return found;
  }

  currentState(): DetectorState {
    return this.state;
  }

  /** The digit one block holds, or null when any Q.24 check fails. */
  private classifyBlock(): BlockResult {
    const o = this.options;
    const b = this.block;
    const energy = meanSquare(b, 0, BLOCK_SAMPLES);
    // No single frequency's power can exceed twice the block's mean square (Cauchy–Schwarz), so a
    // block this quiet cannot pass the level check: skip the filters (most blocks of a call).
    if (2 * energy < this.minTonePower) return null;
    const rowPower = this.rows.map((f) => goertzelPower(b, 0, BLOCK_SAMPLES, f));
    const colPower = this.columns.map((f) => goertzelPower(b, 0, BLOCK_SAMPLES, f));
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
    // The pair carries most of the block's energy: speech and music spread theirs wider.
    if (r + c < o.minToneEnergyFraction * energy) return null;
    // Second harmonic of the column tone: a voice with a harmonic there is not a DTMF generator. (Row
    // harmonics are not checked: 2×770 and 2×852 fall inside the column tones' main lobes.)
    if (goertzelPower(b, 0, BLOCK_SAMPLES, this.columnHarmonics[col]) * dbToRatio(o.minHarmonicRejectionDb) > c) return null;
    return DTMF_KEYPAD[row][col];
  }
}

function indexOfMax(values: number[]): number {
  let best = 0;
  for (let i = 1; i < values.length; i++) if (values[i] > values[best]) best = i;
  return best;
}
