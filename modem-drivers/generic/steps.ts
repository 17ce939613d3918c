/**
 * Building blocks for settings sequences (init, SMS init): a setting is a list of alternative commands
 * tried in order until one answers OK, run with runSequence (src/at/sequence.ts). Vendors compose their
 * own lists from these, e.g. `[attempt('AT+CREG=2'), attempt('AT+CREG=1')]`.
 */
import { done, fail, next, runSequence, type SeqStep } from '../../src/at/sequence.js';
import type { AtChannelApi, AtCommand } from '../../src/at/types.js';
import { describeFinal } from './error-codes.js';

/** One setting: alternatives in order; the first OK settles it. */
export type Setting = readonly SeqStep<true>[];

const cmdText = (c: AtCommand | string) => (typeof c === 'string' ? c : c.cmd);

/**
 * An alternative that may be refused (an older modem, an unsupported value): OK settles the setting,
 * an error result or a timeout goes on to the next alternative; when there is none the setting is skipped.
 */
export function attempt(cmd: AtCommand | string): SeqStep<true> {
  return { cmd, on: (r) => (r.ok ? done(true as const) : next), optional: true };
}

/** An alternative that must work: OK settles the setting, anything else fails the whole sequence. */
export function required(cmd: AtCommand | string): SeqStep<true> {
  return { cmd, on: (r) => (r.ok ? done(true as const) : fail(`${cmdText(cmd)}: ${describeFinal(r.final)}`)) };
}

/**
 * Runs settings one after the other. Resolves with the settings no alternative of which worked (each
 * listed by its first command), so the caller can log them; rejects on a `required` failure (SequenceError)
 * or a closed port.
 */
export async function runSettings(ch: AtChannelApi, settings: readonly Setting[]): Promise<string[]> {
  const skipped: string[] = [];
  for (const s of settings) {
    if (s.length === 0) continue;
    const r = await runSequence(ch, s);
    if (r === undefined) skipped.push(cmdText(s[0]!.cmd));
  }
  return skipped;
}
