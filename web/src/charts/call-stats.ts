/**
 * ASR and ACD per SIM from call records, as the manual's "total CDR statistics" define them
 * (§3.2.3): outgoing calls only; ASR = answered calls / calls placed, ACD = average talk time of
 * the answered calls in seconds. Requests the policy refused never reached a modem, so they are
 * not attempts; calls still in progress have no outcome yet and are left out too.
 */
import type { CallRecord } from './records.js';

export interface SimCallStats {
  /** `<line><slot>`, e.g. "1A"; the slot is "?" when the record has none. */
  sim: string;
  line: number;
  slot: string;
  attempts: number;
  answered: number;
  /** 0..1, null with no attempts. */
  asr: number | null;
  /** seconds, null with no answered call. */
  acdSec: number | null;
  talkSec: number;
}

export function simKey(line: number, slot: string | null): string {
  return `${line}${slot ?? '?'}`;
}

export function callStatsBySim(records: readonly CallRecord[]): SimCallStats[] {
  const by = new Map<string, SimCallStats>();
  for (const r of records) {
    if (r.direction !== 'out' || r.active || r.outcome === null || r.outcome === 'refused') continue;
    const sim = simKey(r.line, r.slot);
    let s = by.get(sim);
    if (!s) by.set(sim, (s = { sim, line: r.line, slot: r.slot ?? '?', attempts: 0, answered: 0, asr: null, acdSec: null, talkSec: 0 }));
    s.attempts += 1;
    if (r.outcome === 'answered') {
      s.answered += 1;
      s.talkSec += Math.max(0, r.durationSec ?? 0);
    }
  }
  const out = [...by.values()];
  for (const s of out) {
    s.asr = s.attempts === 0 ? null : s.answered / s.attempts;
    s.acdSec = s.answered === 0 ? null : s.talkSec / s.answered;
  }
  return out.sort((a, b) => a.line - b.line || a.slot.localeCompare(b.slot));
}
