/**
 * Faster +CLCC polling (TS 27.007 §7.18) while an outgoing call is dialling or alerting on a modem that
 * does not report the answer by itself (voicecall.reportsAnswer false: the generic family, a Quectel
 * whose firmware refused AT+QINDCFG="ccinfo"). Without it the answer is seen at the line's next status
 * poll, up to probeIntervalMs (3 s) late, and the SIP caller misses the first words. Bounded: it stops
 * when the call leaves DIALING / ALERTING, when the line stops or loses its modem, and after
 * callSetupPollMaxMs, after which the status poll goes on alone (docs/decisions/0038-answer-detection.md).
 */
import type { VoiceCallCapability } from '../../modem-drivers/capabilities.js';
import type { ModemEvent } from '../../modem-drivers/types.js';
import type { Logger } from '../util/log.js';
import type { CallState } from '../call/call-state.js';

export interface CallSetupPoll {
  voice: VoiceCallCapability;
  /** The line's call state now. */
  state(): CallState;
  /** Whether the line still runs on the same modem. */
  isLive(): boolean;
  /** Hands a +CLCC reading to the line, as its status poll does. */
  publish(e: ModemEvent): void;
  sleep(ms: number): Promise<void>;
  now(): number;
  pollMs: number;
  maxMs: number;
  log: Logger;
}

const settingUp = (s: CallState) => s === 'DIALING' || s === 'ALERTING';

/** Whether a faster poll is worth it: no answer URC, and a poll period it would beat. */
export function needsCallSetupPoll(voice: VoiceCallCapability, pollMs: number, probeIntervalMs: number): boolean {
  return !voice.reportsAnswer && pollMs > 0 && pollMs < probeIntervalMs;
}

/** Polls until the call is answered or ended, the line goes away, or the bound is reached. */
export async function pollCallSetup(p: CallSetupPoll): Promise<void> {
  const until = p.now() + p.maxMs;
  while (p.isLive() && settingUp(p.state()) && p.now() < until) {
    await p.sleep(p.pollMs);
    if (!p.isLive() || !settingUp(p.state())) return;
    try {
      p.publish({ type: 'call-state', calls: await p.voice.list() });
    } catch (e) {
      // The status poll reads +CLCC too; one failed reading here is not worth more than a note.
      p.log.debug({ err: (e as Error).message }, 'call set-up poll: AT+CLCC failed');
    }
  }
}
