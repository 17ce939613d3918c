/**
 * What an outside party does with a call's voice path once both legs are active (outside-world.ts):
 *  - echo: sends back every frame it hears, at once or `delayMs` later and `lossDb` quieter (an echo
 *    return loss a host's echo canceller can be measured against; ITU-T G.168 speaks of ERL in dB);
 *  - tone: a sine at `toneHz` (425 Hz dial tone, 1 kHz test tone, tone.ts);
 *  - play: 8 kHz s16le samples (a WAV or raw file, wav.ts), looped unless `loop` is false;
 *  - silence.
 * Any of them can also `record` what the party hears, bounded (`maxMs`, 60 s by default): the frames as
 * received, retrievable with recordingOf(leg) while the leg is referenced (the control API keeps the
 * last ended calls). Sent frames go out on a 20 ms one-shot timer scheduled against the start time, only
 * while the leg is active; every timer belongs to the call's TimerBag and stops when the call ends.
 */
import { readFileSync } from 'node:fs';
import type { CallLeg, Clock } from '../types.js';
import type { SimLeg } from './call.js';
import type { TimerBag } from './timer-bag.js';
import { FRAME_MS, FRAME_SAMPLES, toneFrames } from './tone.js';
import { readPcm } from './wav.js';

export type RecordOption = true | { maxMs?: number };

export type OutsideAudio =
  | 'echo'
  | 'silence'
  | { toneHz: number; record?: RecordOption }
  | { echo: { delayMs?: number; lossDb?: number }; record?: RecordOption }
  /** A file path (WAV 8 kHz 16-bit mono, or raw s16le 8 kHz) or the samples themselves. */
  | { play: string | Int16Array; loop?: boolean; record?: RecordOption }
  /** Listens only. */
  | { record: RecordOption };

/** What a party heard: frames in arrival order, from the first one's clock time. */
export interface PartyRecording {
  startedAt: number | null;
  /** Samples heard (at most maxMs worth). */
  samples(): Int16Array;
  /** Frames that arrived after the bound was reached and were not kept. */
  framesNotKept: number;
}

export const DEFAULT_RECORD_MS = 60_000;
/** The longest recording a party keeps, whatever is asked: 10 minutes (9.6 MB). */
export const MAX_RECORD_MS = 600_000;

const recordings = new WeakMap<CallLeg, PartyRecording>();

/** The recording of an outside party's leg that was told to record, or undefined. */
export function recordingOf(leg: CallLeg): PartyRecording | undefined {
  return recordings.get(leg);
}

/** Reads a file to play: WAV (8 kHz 16-bit mono) or raw s16le. Returns the samples or an error text. */
export function loadPlayFile(path: string): { samples: Int16Array } | { error: string } {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    return { error: `cannot read ${path}: ${(e as Error).message}` };
  }
  const r = readPcm(bytes);
  if ('error' in r) return { error: `${path}: ${r.error}` };
  if (r.samples.length === 0) return { error: `${path}: no samples` };
  return r;
}

/** Attaches `audio` to an outside party's leg (see the file comment). Never throws. */
export function attachOutsideAudio(leg: SimLeg, audio: OutsideAudio | undefined, timers: TimerBag, clock: Clock): void {
  if (audio === undefined || audio === 'silence') return;
  if (audio === 'echo') {
    leg.onAudio((frame) => leg.sendAudio(frame));
    return;
  }
  if (audio.record !== undefined) attachRecorder(leg, audio.record, clock);
  if ('echo' in audio) attachEcho(leg, audio.echo ?? {}, timers);
  else if ('toneHz' in audio) attachSender(leg, toneFrames(audio.toneHz), true, timers, clock);
  else if ('play' in audio) {
    const samples = typeof audio.play === 'string' ? loadPlayFile(audio.play) : { samples: audio.play };
    // A file that went missing since the rule was set: the party stays silent.
    if ('samples' in samples && samples.samples instanceof Int16Array) attachSender(leg, framesOf(samples.samples), audio.loop !== false, timers, clock);
  }
}

function attachRecorder(leg: SimLeg, opt: RecordOption, clock: Clock): void {
  const wantMs = opt === true ? DEFAULT_RECORD_MS : (opt.maxMs ?? DEFAULT_RECORD_MS);
  const maxFrames = Math.max(1, Math.floor(Math.min(MAX_RECORD_MS, Number.isFinite(wantMs) ? wantMs : DEFAULT_RECORD_MS) / FRAME_MS));
  const frames: Int16Array[] = [];
  const rec: PartyRecording = {
    startedAt: null,
    framesNotKept: 0,
    samples() {
      const out = new Int16Array(frames.length * FRAME_SAMPLES);
      frames.forEach((f, i) => out.set(f.subarray(0, FRAME_SAMPLES), i * FRAME_SAMPLES));
      return out;
    },
  };
  recordings.set(leg, rec);
  leg.onAudio((frame) => {
    rec.startedAt ??= clock.now();
    if (frames.length >= maxFrames) rec.framesNotKept++;
    else frames.push(frame.slice()); // frames are shared by their senders: keep a copy
  });
}

function attachEcho(leg: SimLeg, opt: { delayMs?: number; lossDb?: number }, timers: TimerBag): void {
  const delayMs = Math.max(0, Number.isFinite(opt.delayMs) ? opt.delayMs! : 0);
  const lossDb = Math.max(0, Number.isFinite(opt.lossDb) ? opt.lossDb! : 0);
  const gain = Math.pow(10, -lossDb / 20);
  leg.onAudio((frame) => {
    let out = frame;
    if (lossDb > 0) {
      out = new Int16Array(frame.length);
      for (let i = 0; i < frame.length; i++) out[i] = Math.round(frame[i]! * gain);
    } else if (delayMs > 0) out = frame.slice();
    if (delayMs === 0) leg.sendAudio(out);
    else timers.schedule(() => leg.sendAudio(out), delayMs);
  });
}

/** Cuts samples into 20 ms frames, the last one padded with silence. */
function framesOf(samples: Int16Array): Int16Array[] {
  const frames: Int16Array[] = [];
  for (let at = 0; at < samples.length; at += FRAME_SAMPLES) {
    const f = new Int16Array(FRAME_SAMPLES);
    f.set(samples.subarray(at, Math.min(samples.length, at + FRAME_SAMPLES)));
    frames.push(f);
  }
  return frames;
}

function attachSender(leg: SimLeg, frames: readonly Int16Array[], loop: boolean, timers: TimerBag, clock: Clock): void {
  if (frames.length === 0) return;
  leg.onState((state) => {
    if (state !== 'active') return;
    const start = clock.now();
    let n = 0;
    const tick = (): void => {
      if (leg.state !== 'active' || (!loop && n >= frames.length)) return;
      leg.sendAudio(frames[n % frames.length]!);
      n++;
      // Scheduled against the start time so the frame rate does not drift.
      timers.schedule(tick, Math.max(0, start + n * FRAME_MS - clock.now()));
    };
    // First frame once both legs are active (answer() activates the legs one after the other).
    timers.schedule(tick, 0);
  });
}
