/**
 * An energy voice activity detector for 20 ms frames (the manual's §4.5 "静音抑制" / VAD: send no
 * voice packets while the GSM side is silent). A frame is speech when its level is both above an
 * absolute floor and a margin above the tracked background noise; after speech stops the detector
 * holds "speech" for a hangover, so word endings and short pauses are not clipped.
 */
import { meanSquare } from '../dsp/goertzel.js';
import { powerToDbm0 } from '../dsp/levels.js';
import { FRAME_MS, SAMPLE_RATE } from '../audio-contract.js';

export interface VadOptions {
  /** Frames below this level are never speech (dBm0). */
  minSpeechDbm0: number;
  /** Speech must be this far above the background noise estimate (dB). */
  marginDb: number;
  /** How long "speech" is held after the last loud frame (ms). */
  hangoverMs: number;
}

export const DEFAULT_VAD_OPTIONS: VadOptions = { minSpeechDbm0: -45, marginDb: 9, hangoverMs: 200 };

export type VadState = 'silence' | 'speech' | 'hangover';

const LEGAL_EDGES: Record<VadState, readonly VadState[]> = {
  silence: ['silence', 'speech'],
  speech: ['speech', 'hangover'],
  hangover: ['hangover', 'speech', 'silence'],
};

/** The one transition function; throws on an edge the detector must never take. */
export function vadTransition(from: VadState, to: VadState): VadState {
  if (!LEGAL_EDGES[from].includes(to)) throw new Error(`VAD: illegal transition ${from} → ${to}`);
  return to;
}

export interface VadDecision {
  /** Whether to send this frame (speech or hangover). */
  active: boolean;
  state: VadState;
  levelDbm0: number;
  /** The background noise estimate (dBm0): what comfort noise should reproduce. */
  noiseDbm0: number;
}

/** The noise estimate falls at once to a quieter frame and rises slowly (≈ 3 dB/s), so speech does not drag it up. */
const NOISE_RISE_DB_PER_FRAME = (3 * FRAME_MS) / 1000;
const INITIAL_NOISE_DBM0 = -70;

export class EnergyVad {
  private readonly options: VadOptions;
  private state: VadState = 'silence';
  private noiseDbm0 = INITIAL_NOISE_DBM0;
  private hangoverLeftMs = 0;

  constructor(options: Partial<VadOptions> = {}) {
    this.options = { ...DEFAULT_VAD_OPTIONS, ...options };
  }

  process(frame: Int16Array): VadDecision {
    const level = Math.max(-100, powerToDbm0(meanSquare(frame, 0, frame.length)));
    const loud = level >= this.options.minSpeechDbm0 && level >= this.noiseDbm0 + this.options.marginDb;
    if (!loud) this.noiseDbm0 = level < this.noiseDbm0 ? level : Math.min(level, this.noiseDbm0 + NOISE_RISE_DB_PER_FRAME);
    else this.noiseDbm0 += NOISE_RISE_DB_PER_FRAME; // a long loud stretch may be noise after all: creep toward it
    const frameMs = (frame.length * 1000) / SAMPLE_RATE;
    let next: VadState;
    if (loud) {
      next = 'speech';
    } else if (this.state === 'speech') {
      next = 'hangover';
      this.hangoverLeftMs = this.options.hangoverMs;
    } else if (this.state === 'hangover') {
      this.hangoverLeftMs -= frameMs;
      next = this.hangoverLeftMs > 0 ? 'hangover' : 'silence';
    } else {
      next = 'silence';
    }
    this.state = vadTransition(this.state, next);
    return { active: this.state !== 'silence', state: this.state, levelDbm0: level, noiseDbm0: this.noiseDbm0 };
  }
}
