/**
 * The CallRouter seam: what happens to a call that rings in from the mobile network. A router looks at
 * the call (line, card, caller) and returns a decision as data; the call service carries it out. The
 * default router has nowhere to send a call, so it lets the call ring for the configured time (the
 * caller hears ringing, as with a phone nobody picks up) and then rejects it; the call is recorded as
 * missed with the gateway's reason. The SIP bridge plugs in here with a router that forwards calls.
 */
import type { Call } from './call.js';

/** Let the call ring for `afterMs`, then hang it up (reject it), giving `cause` as the gateway's reason. */
export interface RejectAfterRing {
  action: 'reject';
  afterMs: number;
  cause: string;
}

export type IncomingDecision = RejectAfterRing;

export interface CallRouter {
  /** Decides for an incoming GSM call, when it starts ringing. Must not throw. */
  route(call: Call): IncomingDecision;
}

/** Rejects every incoming call after `ringTimeoutSec()` seconds of ringing (read at each call). */
export class RingThenRejectRouter implements CallRouter {
  constructor(private readonly ringTimeoutSec: () => number) {}

  route(_call: Call): IncomingDecision {
    const sec = this.ringTimeoutSec();
    return { action: 'reject', afterMs: sec * 1000, cause: `no route for incoming calls: rejected after ${sec} s of ringing` };
  }
}
