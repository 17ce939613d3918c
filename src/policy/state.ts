/**
 * Fresh and copied policy state. The state is plain JSON; `decide` never mutates its input: it
 * copies the lines an event touches (copy-on-write) and changes the copies.
 */
import { SLOTS, type LineState, type PolicyState, type SimState, type SlotId } from './types.js';

export function initialPolicyState(opts: { timeTrusted?: boolean; timeSource?: string | null; seed?: number } = {}): PolicyState {
  return {
    version: 1,
    timeTrusted: opts.timeTrusted ?? false,
    timeSource: opts.timeSource ?? null,
    rngState: (opts.seed ?? 0x9e3779b9) >>> 0,
    lines: {},
  };
}

export function emptySim(): SimState {
  return {
    iccid: null,
    presence: 'unknown',
    disabled: null,
    unusable: null,
    cardChangeUnconfirmed: false,
    smsBlocked: false,
    usage: {
      callSec: { total: 0, periodKey: null, period: 0 },
      callCount: { total: 0, periodKey: null, period: 0 },
      smsCount: { total: 0, periodKey: null, period: 0 },
    },
    cdr: { calls: 0, connected: 0, talkSec: 0, billedSec: 0 },
    today: { day: null, calls: 0, connected: 0, talkSec: 0, billedSec: 0, sms: 0, smsFailed: 0 },
    consecutive: { noAnswer: 0, failed: 0, noRinging: 0, short: 0 },
    lastConnectedAt: null,
  };
}

export function emptyLine(): LineState {
  return {
    bound: null,
    boundAt: null,
    binding: null,
    lastBound: null,
    bindCallSec: 0,
    bindCalls: 0,
    bindConnected: 0,
    bindSms: 0,
    call: null,
    pendingSwitch: null,
    slots: { A: emptySim(), B: emptySim(), C: emptySim(), D: emptySim() },
  };
}

/** A read-only line for queries about lines the state has not seen yet. */
export const UNKNOWN_LINE: LineState = emptyLine();

export function cloneSim(s: SimState): SimState {
  return {
    iccid: s.iccid,
    presence: s.presence,
    disabled: s.disabled === null ? null : { ...s.disabled },
    unusable: s.unusable == null ? null : { ...s.unusable },
    cardChangeUnconfirmed: s.cardChangeUnconfirmed,
    smsBlocked: s.smsBlocked,
    usage: { callSec: { ...s.usage.callSec }, callCount: { ...s.usage.callCount }, smsCount: { ...s.usage.smsCount } },
    cdr: { ...s.cdr },
    today: { ...s.today },
    consecutive: { ...s.consecutive },
    lastConnectedAt: s.lastConnectedAt,
  };
}

/** Copies a line; its SIM objects stay shared (copy them with cloneSim before changing them). */
export function cloneLine(l: LineState): LineState {
  return {
    ...l,
    call: l.call === null ? null : { ...l.call },
    pendingSwitch: l.pendingSwitch === null ? null : { ...l.pendingSwitch },
    // The SIMs are shared until written (the engine copies a SIM before changing it).
    slots: { ...l.slots },
  };
}

export function isSlotId(x: unknown): x is SlotId {
  return x === 'A' || x === 'B' || x === 'C' || x === 'D';
}

export { SLOTS };
