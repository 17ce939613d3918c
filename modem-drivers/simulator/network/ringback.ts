/**
 * The network's in-band ringback: while an outgoing call alerts, the network plays the ringing tone to
 * the caller over the voice channel (the called side's "alerting" of TS 24.008 §5.2.1.5 with in-band
 * tones: the caller's MSC connects its tone generator to the traffic channel). A modem that carries the
 * call's audio before the answer hands it to its host, which is what early media forwards to SIP.
 *
 * The default is the tone of the Chinese network (ITU-T E.180 Suppl. 2: 450 Hz, 1 s on, 4 s off).
 * Frames go out on a 20 ms timer scheduled against the start time, only while the leg alerts; the
 * timers belong to the call's TimerBag and stop when it ends.
 */
import type { Clock } from '../types.js';
import type { SimLeg } from './call.js';
import type { TimerBag } from './timer-bag.js';
import { FRAME_MS, SILENCE_FRAME, toneFrames } from './tone.js';

export interface RingbackTone {
  hz: number;
  onMs: number;
  offMs: number;
}

export const DEFAULT_RINGBACK: RingbackTone = { hz: 450, onMs: 1000, offMs: 4000 };

/** Plays `tone` to `leg` (the caller) from now until it stops alerting. */
export function playRingback(leg: SimLeg, tone: RingbackTone, timers: TimerBag, clock: Clock): void {
  if (leg.state !== 'alerting') return;
  const frames = toneFrames(tone.hz);
  const onFrames = Math.max(1, Math.round(tone.onMs / FRAME_MS));
  const cycle = onFrames + Math.max(0, Math.round(tone.offMs / FRAME_MS));
  const start = clock.now();
  let n = 0;
  const tick = (): void => {
    if (leg.state !== 'alerting') return;
    leg.hearFromNetwork(n % cycle < onFrames ? frames[n % frames.length]! : SILENCE_FRAME);
    n++;
    timers.schedule(tick, Math.max(0, start + n * FRAME_MS - clock.now()));
  };
  timers.schedule(tick, 0);
}
