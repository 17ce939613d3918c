/**
 * AT+CHLD (TS 27.007 §7.13, the HOLD supplementary service of TS 22.083) over the simulated modem's two
 * calls: 0 releases the waiting call (User Determined User Busy: its caller hears busy) or else the held
 * ones; 1 releases the active calls and accepts the waiting or held one; 1x releases call x; 2 holds the
 * active calls and accepts the waiting or held one (the swap).
 */
import type { CallControl, CallSession } from './core-calls.js';
import { cme, OK, type Outcome } from './outcome.js';

const isWaiting = (s: CallSession): boolean => s.direction === 'mt' && s.state === 'incoming';
const isActive = (s: CallSession): boolean => s.state === 'active' && !s.held;
const isHeld = (s: CallSession): boolean => s.state === 'active' && s.held;

export function callHold(calls: CallControl, n: string): Outcome {
  const all = calls.sessions();
  const waiting = all.find(isWaiting);
  const active = all.filter(isActive);
  const held = all.filter(isHeld);
  if (/^1[1-7]$/.test(n)) {
    const target = all.find((s) => s.index === Number(n[1]));
    if (!target) return cme(3);
    calls.release(target);
    return OK;
  }
  switch (n) {
    case '0':
      if (waiting) calls.release(waiting);
      else if (held.length > 0) for (const s of held) calls.release(s);
      else return cme(3);
      return OK;
    case '1':
      if (active.length === 0 && !waiting && held.length === 0) return cme(3);
      // The waiting call is answered before the release: released first, it would ring as the only call.
      if (waiting) {
        const answered = accept(waiting, held);
        for (const s of active) calls.release(s);
        return answered;
      }
      for (const s of active) calls.release(s);
      return accept(undefined, held);
    case '2':
      if (active.length === 0 && !waiting && held.length === 0) return cme(3);
      for (const s of active) s.held = true;
      return accept(waiting, held);
    default:
      // 2x (private talk) and 3, 4 (multiparty, transfer) are not simulated.
      return cme(3);
  }
}

/** The waiting call is answered, else the calls held before are taken back (§7.13 "accepts the other"). */
function accept(waiting: CallSession | undefined, heldBefore: CallSession[]): Outcome {
  if (waiting) {
    try {
      waiting.leg.answer();
    } catch {
      return cme(3);
    }
    return OK;
  }
  for (const s of heldBefore) s.held = false;
  return OK;
}
