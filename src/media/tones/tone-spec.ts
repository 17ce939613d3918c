/**
 * The manual's tone syntax (appendix B "自定义提示音制式", custom call-progress tones):
 *
 *   nf, rpt, p1on, p1off, p2on, p2off, p3on, p3off, f1, f2, f3, f4, l1, l2, l3, l4
 *
 * nf: how many frequencies are mixed, 1–4. rpt: how many times the "syllable" (beats 1–3 in turn) is
 * played, 0 meaning forever. pNon/pNoff: beat N's sound and pause in ms. fN: frequency N in Hz,
 * 300–3000. lN: its gain, 0–31, where 0 is 3 dB and each step is 1 dB less (so 23 is −20 dB); the level
 * is taken as dBm0. The appendix's own example, "450 Hz at −20 dB, continuous":
 * `1,0,100,0,0,0,0,0,450,0,0,0,23,0,0,0` (one 100 ms beat without pause, repeated forever).
 * Frequencies and gains past nf are not used; they must still be numbers, as the example's zeros are.
 */
import type { ToneComponent } from '../dsp/sine-bank.js';

export interface ToneBeat {
  onMs: number;
  offMs: number;
}

export interface ToneSpec {
  /** The mixed frequencies (1–4), each with its level in dBm0. */
  components: ToneComponent[];
  /** The three beats of one syllable, as written (a beat of 0/0 plays nothing). */
  beats: [ToneBeat, ToneBeat, ToneBeat];
  /** How many times the syllable plays; 0 = forever. */
  repeat: number;
}

export type ToneSpecResult = { ok: true; spec: ToneSpec } | { ok: false; error: string };

const FIELD_NAMES = ['nf', 'rpt', 'p1on', 'p1off', 'p2on', 'p2off', 'p3on', 'p3off', 'f1', 'f2', 'f3', 'f4', 'l1', 'l2', 'l3', 'l4'] as const;
const MIN_HZ = 300;
const MAX_HZ = 3000;
const MAX_GAIN_STEP = 31;
/** A beat longer than a minute is a typo, not a cadence. */
const MAX_BEAT_MS = 60_000;

/** The level in dBm0 of a gain step lN: 0 → +3, each step 1 dB less. */
export function gainStepToDbm0(step: number): number {
  return 3 - step;
}

export function dbm0ToGainStep(dbm0: number): number {
  return 3 - dbm0;
}

/** Parses the appendix B syntax; never throws, and names the field at fault. */
export function parseToneSpec(text: string): ToneSpecResult {
  if (typeof text !== 'string') return { ok: false, error: 'a tone is text of 16 comma-separated numbers' };
  const fields = text.split(',').map((f) => f.trim());
  if (fields.length !== FIELD_NAMES.length) {
    return { ok: false, error: `a tone has ${FIELD_NAMES.length} comma-separated fields (${FIELD_NAMES.join(',')}), not ${fields.length}` };
  }
  const values: number[] = [];
  for (let i = 0; i < fields.length; i++) {
    if (!/^\d{1,6}$/.test(fields[i])) return { ok: false, error: `${FIELD_NAMES[i]} must be a whole number ≥ 0, not "${fields[i]}"` };
    values.push(Number(fields[i]));
  }
  const [nf, repeat] = values;
  if (nf < 1 || nf > 4) return { ok: false, error: `nf (the number of frequencies) must be 1 to 4, not ${nf}` };
  const beats: ToneBeat[] = [];
  for (let b = 0; b < 3; b++) {
    const onMs = values[2 + 2 * b];
    const offMs = values[3 + 2 * b];
    if (onMs > MAX_BEAT_MS || offMs > MAX_BEAT_MS) return { ok: false, error: `beat ${b + 1} is longer than ${MAX_BEAT_MS} ms` };
    beats.push({ onMs, offMs });
  }
  if (beats.every((b) => b.onMs === 0)) return { ok: false, error: 'no beat sounds: at least one of p1on, p2on, p3on must be above 0' };
  const components: ToneComponent[] = [];
  for (let k = 0; k < nf; k++) {
    const hz = values[8 + k];
    const step = values[12 + k];
    if (hz < MIN_HZ || hz > MAX_HZ) return { ok: false, error: `f${k + 1} must be ${MIN_HZ} to ${MAX_HZ} Hz, not ${hz}` };
    if (step > MAX_GAIN_STEP) return { ok: false, error: `l${k + 1} must be 0 to ${MAX_GAIN_STEP} (0 = 3 dB, each step 1 dB less), not ${step}` };
    components.push({ frequencyHz: hz, levelDbm0: gainStepToDbm0(step) });
  }
  return { ok: true, spec: { components, beats: beats as ToneSpec['beats'], repeat } };
}

/** Writes a spec back in the appendix B syntax (unused frequencies and gains as 0). */
export function formatToneSpec(spec: ToneSpec): string {
  const f = [0, 0, 0, 0];
  const l = [0, 0, 0, 0];
  spec.components.forEach((c, k) => {
    f[k] = c.frequencyHz;
    l[k] = dbm0ToGainStep(c.levelDbm0);
  });
  const beats = spec.beats.flatMap((b) => [b.onMs, b.offMs]);
  return [spec.components.length, spec.repeat, ...beats, ...f, ...l].join(',');
}
