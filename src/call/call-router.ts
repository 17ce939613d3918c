/**
 * The CallRouter seam: what happens to a call that rings in from the mobile network. A router looks at
 * the call (line, card, caller) and returns a decision as data; the call service carries it out. The
 * default router has nowhere to send a call, so it lets the call ring for the configured time (the
 * caller hears ringing, as with a phone nobody picks up) and then rejects it; the call is recorded as
 * missed with the gateway's reason. The SIP bridge plugs in here with a router that forwards calls
 * (`forward`): the service hands the VoIP side a control of the GSM side and follows the call's end.
 */
import type { Call } from './call.js';

/** Let the call ring for `afterMs`, then hang it up (reject it), giving `cause` as the gateway's reason. */
export interface RejectAfterRing {
  action: 'reject';
  afterMs: number;
  cause: string;
}

/** What the VoIP side may ask of the GSM call while it is forwarded. */
export interface VoipLegControl {
  /** The VoIP side answered: answer the GSM call (ATA). Resolves true once it is answered, false when it could not be. */
  answerGsm(): Promise<boolean>;
  /**
   * Switch on the line's DTMF detection and hand `onKey` each key the GSM caller presses until the call
   * ends (two-stage dialling). Rejects, with the reason as its message, when the line cannot.
   */
  detectKeys(onKey: (key: string) => void): Promise<void>;
  /** The VoIP side will not take the call: reject the GSM call. `voipCause` e.g. "486 Busy Here". */
  rejectGsm(voipCause: string, gatewayCause: string): void;
  /** The VoIP side hung up an answered call: hang up the GSM side. */
  hangUpGsm(voipCause: string): void;
}

/** The VoIP side of a forwarded call, as the call service drives it. */
export interface VoipLegHandle {
  /** The GSM call ended (the caller hung up, or the line dropped it): CANCEL or BYE the VoIP side. Returns its cause for the record, null when it had ended already. */
  gsmEnded(): string | null;
}

/** Forward the call to VoIP: `start` runs once, as the call starts ringing; the call rings until the VoIP side decides. */
export interface ForwardToVoip {
  action: 'forward';
  /** The VoIP peer for the record: a URI, an extension, a registrar group. */
  peer: string;
  start(control: VoipLegControl): VoipLegHandle;
}

export type IncomingDecision = RejectAfterRing | ForwardToVoip;

export interface CallRouter {
  /** Decides for an incoming GSM call, when it starts ringing. Must not throw. */
  route(call: Call): IncomingDecision;
}

/** Rejects every incoming call after `ringTimeoutSec()` seconds of ringing (read at each call). */
export class RingThenRejectRouter implements CallRouter {
  constructor(private readonly ringTimeoutSec: () => number) {}

  route(_call: Call): RejectAfterRing {
    const sec = this.ringTimeoutSec();
    return { action: 'reject', afterMs: sec * 1000, cause: `no route for incoming calls: rejected after ${sec} s of ringing` };
  }
}
