/**
 * The SIM policy engine: `decide(config, state, now, event) → { state, decisions }`.
 *
 * Pure: the clock is the `now` argument (ms epoch), local time comes from `config.timezone`, random
 * choices from a generator whose state is part of the policy state. The input state is never
 * changed; the lines an event touches are copied. The manual's rules implemented here:
 * - §4.8 limits: minutes (billed in whole billing periods), calls (with or without unanswered
 *   ones), SMS; hang up or finish when minutes run out; disable the SIM or block SMS when SMS run
 *   out; a new card resets its slot's remaining counts; untrusted time exhausts window/monthly limits.
 * - §4.12 switch rules (any trigger suffices; during a call hang up or wait) and disable rules.
 * - §3.2.1 / §3.2.3 counters: per-bind counters, total CDR, today's statistics, consecutive counters
 *   per SIM that survive switches.
 * See docs/policy.md for every rule and choice.
 */
import { billedSeconds, countInto, effectiveLimits, periodKeyAt, remainingOf } from './limits.js';
import { statsDayKey } from './local-time.js';
import { canCall, isUsable, remainingFor } from './queries.js';
import { chooseSlot, nextRandom } from './select.js';
import { cloneLine, cloneSim, emptyLine, isSlotId } from './state.js';
import { describeUnusable, isLastResort, isUnusableReason, markUnusable, unusableOf } from './unusable.js';
import {
  SLOTS,
  type CallEndCause,
  type DecideResult,
  type Decision,
  type LineState,
  type PolicyConfig,
  type PolicyEvent,
  type PolicyState,
  type SimState,
  type SlotId,
  type TriggerKind,
} from './types.js';

/** §3.2.3: today's statistics restart at 04:10 local time. */
export const DAILY_RESET_MINUTE = 4 * 60 + 10;

const TIME_TRIGGERS: readonly TriggerKind[] = ['bind-minutes', 'call-minutes'];

class Run {
  readonly decisions: Decision[] = [];
  readonly next: PolicyState;
  private readonly drafted = new Set<string>();

  constructor(
    readonly config: PolicyConfig,
    state: PolicyState,
    readonly now: number,
  ) {
    this.next = { ...state, lines: { ...state.lines } };
  }

  /** SIM objects created by this run (writable); the others are shared with the input state. */
  private readonly freshSims = new Set<SimState>();

  /** The writable copy of a SIM of a line returned by `line()` (created on first write). */
  sim(l: LineState, slot: SlotId): SimState {
    const cur = l.slots[slot];
    if (this.freshSims.has(cur)) return cur;
    const copy = cloneSim(cur);
    l.slots[slot] = copy;
    this.freshSims.add(copy);
    return copy;
  }

  /** The writable copy of a line (created on first use; its SIMs are copied on first write). */
  line(id: string): LineState {
    if (!this.drafted.has(id)) {
      const cur = this.next.lines[id];
      this.next.lines[id] = cur === undefined ? emptyLine() : cloneLine(cur);
      this.drafted.add(id);
    }
    return this.next.lines[id]!;
  }

  rng = (): number => {
    const r = nextRandom(this.next.rngState);
    this.next.rngState = r.seed;
    return r.value;
  };

  emit(d: Decision): void {
    this.decisions.push(d);
  }
}

// ---------------------------------------------------------------------------------------------
// Counting

function touchToday(sim: SimState, config: PolicyConfig, now: number): void {
  const day = statsDayKey(config.timezone, now, DAILY_RESET_MINUTE);
  if (sim.today.day !== day) sim.today = { day, calls: 0, connected: 0, talkSec: 0, billedSec: 0, sms: 0, smsFailed: 0 };
}

function countAttempt(run: Run, lineId: string, l: LineState, slot: SlotId): void {
  const sim = run.sim(l, slot);
  const limits = effectiveLimits(run.config, lineId, slot);
  touchToday(sim, run.config, run.now);
  sim.cdr.calls++;
  sim.today.calls++;
  if (l.bound === slot) l.bindCalls++;
  if (limits.callCountIncludesUnanswered) countInto(sim.usage.callCount, limits.callCount, run.config.timezone, run.now, 1);
}

function countAnswered(run: Run, lineId: string, l: LineState, slot: SlotId): void {
  const sim = run.sim(l, slot);
  const limits = effectiveLimits(run.config, lineId, slot);
  touchToday(sim, run.config, run.now);
  sim.cdr.connected++;
  sim.today.connected++;
  if (l.bound === slot) l.bindConnected++;
  if (!limits.callCountIncludesUnanswered) countInto(sim.usage.callCount, limits.callCount, run.config.timezone, run.now, 1);
}

/** How an ended call moves the consecutive counters (docs/policy.md "Consecutive counters"). */
function updateConsecutive(sim: SimState, connected: boolean, alerted: boolean, cause: CallEndCause, durationSec: number, shortCallSec: number): void {
  const c = sim.consecutive;
  if (connected) {
    c.noAnswer = 0;
    c.failed = 0;
    c.noRinging = 0;
    if (durationSec < shortCallSec) c.short++;
    else c.short = 0;
    return;
  }
  let kind: CallEndCause = cause;
  if (kind === 'normal') kind = alerted ? 'no-answer' : 'no-ringing';
  switch (kind) {
    case 'no-answer':
    case 'busy':
      // It rang (or the callee was reached): the network side worked.
      c.noAnswer++;
      c.failed = 0;
      c.noRinging = 0;
      break;
    case 'no-ringing':
      c.noRinging++;
      break;
    case 'failed':
      c.failed++;
      break;
  }
}

// ---------------------------------------------------------------------------------------------
// Triggers

/** The value a trigger compares with its threshold, for the SIM `slot` of line `l`. */
function triggerValue(kind: TriggerKind, l: LineState, slot: SlotId, now: number): number {
  const sim = l.slots[slot];
  const bound = l.bound === slot;
  switch (kind) {
    case 'bind-minutes':
      return bound && l.boundAt !== null ? (now - l.boundAt) / 60_000 : 0;
    case 'call-minutes': {
      if (!bound) return 0;
      let sec = l.bindCallSec;
      if (l.call !== null && l.call.answeredAt !== null && l.call.slot === slot) sec += Math.max(0, now - l.call.answeredAt) / 1000;
      return sec / 60;
    }
    case 'calls':
      return bound ? l.bindCalls : 0;
    case 'connected-calls':
      return bound ? l.bindConnected : 0;
    case 'sms':
      return bound ? l.bindSms : 0;
    case 'consecutive-no-answer':
      return sim.consecutive.noAnswer;
    case 'consecutive-failed':
      return sim.consecutive.failed;
    case 'consecutive-no-ringing':
      return sim.consecutive.noRinging;
    case 'consecutive-short':
      return sim.consecutive.short;
  }
}

function thresholdOk(n: unknown): n is number {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

/**
 * The first switch trigger reached, or null. `which`: 'time' = bind/call minutes only (checked on
 * ticks and during calls); 'all' = also the counting triggers (checked after the events that count).
 */
function firedSwitchTrigger(config: PolicyConfig, l: LineState, slot: SlotId, now: number, which: 'time' | 'all'): string | null {
  const t = config.switchRules.triggers;
  for (const kind of Object.keys(t) as TriggerKind[]) {
    const th = t[kind];
    if (!thresholdOk(th)) continue;
    if (which === 'time' && !TIME_TRIGGERS.includes(kind)) continue;
    if (triggerValue(kind, l, slot, now) >= th) return `switch rule: ${kind} reached ${th}`;
  }
  return null;
}

function disableSim(run: Run, lineId: string, l: LineState, slot: SlotId, info: { until: number | null; reason: string; trigger?: TriggerKind; liftsWhenSmsAvailable?: boolean }): void {
  const sim = run.sim(l, slot);
  sim.disabled = { since: run.now, ...info };
  run.emit({ type: 'disable', line: lineId, slot, until: info.until, reason: info.reason });
}

function enableSim(run: Run, lineId: string, l: LineState, slot: SlotId, reason: string): void {
  const sim = run.sim(l, slot);
  const trig = sim.disabled?.trigger;
  sim.disabled = null;
  sim.cardChangeUnconfirmed = false;
  // The counter that disabled the SIM starts again, or the same rule would fire at once.
  if (trig === 'consecutive-no-answer') sim.consecutive.noAnswer = 0;
  else if (trig === 'consecutive-failed') sim.consecutive.failed = 0;
  else if (trig === 'consecutive-no-ringing') sim.consecutive.noRinging = 0;
  else if (trig === 'consecutive-short') sim.consecutive.short = 0;
  run.emit({ type: 'enable', line: lineId, slot, reason });
}

/** Applies the disable rules to the SIM in use on line `l`. */
function applyDisableRules(run: Run, lineId: string, l: LineState, slot: SlotId): void {
  const sim = l.slots[slot];
  if (sim.disabled !== null) return;
  for (const rule of run.config.disableRules) {
    if (!thresholdOk(rule.threshold)) continue;
    if (rule.disableMinutes !== 'manual' && !(typeof rule.disableMinutes === 'number' && rule.disableMinutes > 0)) continue;
    if (triggerValue(rule.trigger, l, slot, run.now) < rule.threshold) continue;
    const until = rule.disableMinutes === 'manual' ? null : run.now + rule.disableMinutes * 60_000;
    disableSim(run, lineId, l, slot, { until, reason: `disable rule: ${rule.trigger} reached ${rule.threshold}`, trigger: rule.trigger });
    return;
  }
}

// ---------------------------------------------------------------------------------------------
// Binding and switching

/** Leaves the bound slot for the strategy's choice (or `to`); unbinds when nothing else is usable. */
function switchAway(run: Run, lineId: string, l: LineState, reason: string, to: SlotId | null, mustLeave: boolean): void {
  const from = l.bound;
  if (from === null) return;
  let target: SlotId | null = to !== null && to !== from && isUsable(l.slots[to], run.now) ? to : null;
  if (target === null) target = chooseSlot(run.config, run.next, run.now, lineId, run.rng, { exclude: from });
  if (target === null) {
    if (!mustLeave) return; // nothing better: stay on the current card
    run.emit({ type: 'unbind', line: lineId, slot: from, reason });
    l.lastBound = from;
    l.bound = null;
    l.boundAt = null;
    return;
  }
  run.emit({ type: 'switch', line: lineId, from, to: target, reason });
  l.lastBound = from;
  l.bound = null;
  l.boundAt = null;
  l.binding = target;
}

function bindIfIdle(run: Run, lineId: string, l: LineState): void {
  if (l.bound !== null || l.binding !== null || l.call !== null) return;
  const slot = chooseSlot(run.config, run.next, run.now, lineId, run.rng);
  if (slot === null) return;
  l.binding = slot;
  run.emit({ type: 'bind', line: lineId, slot, reason: 'line has no SIM bound' });
}

/**
 * SMS exhaustion per §4.8 短信次数耗尽, and lifting it once the limit has room again. Exhaustion is
 * imposed only by the SMS that used the last one (`impose`), so an operator can still enable a SIM
 * by hand; canSendSms refuses SMS on an exhausted SIM either way.
 */
function reviewSms(run: Run, lineId: string, l: LineState, slot: SlotId, impose: boolean): void {
  const sim = run.sim(l, slot);
  const limits = effectiveLimits(run.config, lineId, slot);
  const v = remainingOf(limits.smsCount, sim.usage.smsCount, run.config.timezone, run.now, run.next.timeTrusted);
  const exhausted = v === 0;
  const room = v === 'NO LIMIT' || (typeof v === 'number' && v > 0);
  if (sim.disabled?.liftsWhenSmsAvailable === true && room) enableSim(run, lineId, l, slot, 'SMS limit has room again');
  if (sim.smsBlocked && (room || run.config.onSmsExhausted !== 'block-sms')) {
    sim.smsBlocked = false;
    run.emit({ type: 'unblock-sms', line: lineId, slot, reason: room ? 'SMS limit has room again' : 'SMS exhaustion now disables the SIM' });
  }
  if (!exhausted || !impose) return;
  if (run.config.onSmsExhausted === 'disable-sim') {
    if (sim.disabled === null) disableSim(run, lineId, l, slot, { until: null, reason: 'SMS limit exhausted', liftsWhenSmsAvailable: true });
  } else if (!sim.smsBlocked) {
    sim.smsBlocked = true;
    run.emit({ type: 'block-sms', line: lineId, slot, reason: 'SMS limit exhausted' });
  }
}

/**
 * Re-evaluates a line after an event or as time passes. `counting` = the event changed counters
 * the counting triggers look at (call ended, SMS sent).
 */
function review(run: Run, lineId: string, l: LineState, counting: boolean): void {
  const { config, now } = run;
  // Expired disables, SMS exhaustion and its lifting, for every slot.
  for (const s of SLOTS) {
    const sim = l.slots[s];
    if (sim.disabled !== null && sim.disabled.until !== null && sim.disabled.until <= now) enableSim(run, lineId, l, s, 'disable period over');
    const cur = l.slots[s];
    if (cur.disabled?.liftsWhenSmsAvailable === true || cur.smsBlocked) reviewSms(run, lineId, l, s, false);
  }

  const call = l.call;
  if (call !== null) {
    // During a call: minutes running out, time triggers, and the SIM being disabled.
    if (config.onMinutesExhausted === 'hangup' && call.minutesDeadline !== null && now >= call.minutesDeadline && !call.hangupSent) {
      call.hangupSent = true;
      run.emit({ type: 'hangup', line: lineId, reason: 'call minutes exhausted' });
    }
    if (l.bound === call.slot) {
      applyDisableRules(run, lineId, l, call.slot);
      if (l.pendingSwitch === null) {
        const why = l.slots[call.slot].disabled !== null ? `SIM disabled: ${l.slots[call.slot].disabled!.reason}` : firedSwitchTrigger(config, l, call.slot, now, 'time');
        if (why !== null) {
          l.pendingSwitch = { reason: why, to: null };
          if (config.switchRules.duringCall === 'hangup' && !call.hangupSent) {
            call.hangupSent = true;
            run.emit({ type: 'hangup', line: lineId, reason: why });
          }
        }
      }
    }
    return;
  }

  if (l.bound !== null) {
    const slot = l.bound;
    if (l.slots[slot].disabled === null && l.slots[slot].presence !== 'empty') applyDisableRules(run, lineId, l, slot);
    const sim = l.slots[slot]; // read after the rules: a disable replaces the SIM object
    if (!isUsable(sim, now)) {
      l.pendingSwitch = null;
      const u = unusableOf(sim);
      const why = sim.presence === 'empty' ? 'SIM card removed' : sim.disabled !== null ? `SIM disabled: ${sim.disabled.reason}` : `SIM unusable: ${u?.detail ?? ''}`;
      // A slot whose mark may pass (no network) is kept when no other slot is usable.
      switchAway(run, lineId, l, why, null, !(sim.presence !== 'empty' && sim.disabled === null && isLastResort(sim)));
    } else if (l.pendingSwitch !== null) {
      const p = l.pendingSwitch;
      l.pendingSwitch = null;
      switchAway(run, lineId, l, p.reason, p.to, false);
    } else {
      let why = firedSwitchTrigger(config, l, slot, now, counting ? 'all' : 'time');
      if (why === null && config.switchRules.switchWhenExhausted && !canCall(config, run.next, now, lineId, slot).ok) {
        // Only worth it when another slot can call.
        const other = SLOTS.some((s) => s !== slot && canCall(config, run.next, now, lineId, s).ok);
        if (other) why = 'limits of this SIM exhausted';
      }
      if (why !== null) switchAway(run, lineId, l, why, null, false);
    }
  }
  bindIfIdle(run, lineId, l);
}

// ---------------------------------------------------------------------------------------------
// Events

function resetRemaining(sim: SimState): void {
  sim.usage = {
    callSec: { total: 0, periodKey: null, period: 0 },
    callCount: { total: 0, periodKey: null, period: 0 },
    smsCount: { total: 0, periodKey: null, period: 0 },
  };
}

/** §4.8 补充说明: a different card in the slot resets its remaining counts (and its consecutive counters). */
function newCard(sim: SimState, iccid: string): boolean {
  const changed = sim.iccid !== null && sim.iccid !== iccid;
  if (changed) {
    resetRemaining(sim);
    sim.consecutive = { noAnswer: 0, failed: 0, noRinging: 0, short: 0 };
  }
  sim.iccid = iccid;
  return changed;
}

function onCallEnded(run: Run, lineId: string, l: LineState, e: { durationSec: number; cause: CallEndCause }): void {
  const call = l.call;
  const slot = call?.slot ?? l.bound;
  if (slot === null) return;
  const sim = run.sim(l, slot);
  const duration = Number.isFinite(e.durationSec) && e.durationSec > 0 ? e.durationSec : 0;
  let connected: boolean;
  if (call === null) {
    // The attempt was not reported: count it now.
    connected = e.cause === 'normal' && duration > 0;
    countAttempt(run, lineId, l, slot);
    if (connected) countAnswered(run, lineId, l, slot);
  } else connected = call.answeredAt !== null;
  const limits = effectiveLimits(run.config, lineId, slot);
  if (connected) {
    const billed = billedSeconds(duration, run.config.billingPeriodSec);
    const key = call !== null && call.answeredAt !== null ? call.minutesPeriodKey : periodKeyAt(limits.callMinutes, run.config.timezone, run.now);
    countInto(sim.usage.callSec, limits.callMinutes, run.config.timezone, run.now, billed, key);
    touchToday(sim, run.config, run.now);
    sim.cdr.talkSec += duration;
    sim.cdr.billedSec += billed;
    sim.today.talkSec += duration;
    sim.today.billedSec += billed;
    if (l.bound === slot) l.bindCallSec += billed;
    sim.lastConnectedAt = run.now;
  }
  const shortSec = Number.isFinite(run.config.shortCallSec) ? run.config.shortCallSec : 0;
  updateConsecutive(sim, connected, call?.alerting ?? false, e.cause, duration, shortSec);
  l.call = null;
  if (l.bound === slot) {
    applyDisableRules(run, lineId, l, slot);
    // The consecutive switch triggers are checked here only, on the call that extends the run:
    // the counts survive switches, so checking them on every review would bounce off the SIM at once.
    if (l.pendingSwitch === null && l.slots[slot].disabled === null) {
      const t = run.config.switchRules.triggers;
      for (const kind of ['consecutive-no-answer', 'consecutive-failed', 'consecutive-no-ringing', 'consecutive-short'] as const) {
        const th = t[kind];
        if (thresholdOk(th) && triggerValue(kind, l, slot, run.now) >= th) {
          l.pendingSwitch = { reason: `switch rule: ${kind} reached ${th}`, to: null };
          break;
        }
      }
    }
  }
}

function lineEvent(run: Run, e: Exclude<PolicyEvent, { type: 'tick' } | { type: 'time-trust' }>): void {
  if (typeof e.line !== 'string') return;
  const lineId = e.line;
  const { config, now } = run;
  const l = run.line(lineId);
  let counting = false;
  switch (e.type) {
    case 'sim-bound': {
      if (!isSlotId(e.slot)) return;
      const sim = run.sim(l, e.slot);
      if (typeof e.iccid === 'string' && e.iccid !== '') newCard(sim, e.iccid);
      sim.presence = 'present';
      // The card is ready: whatever kept it from being so has passed (a no-network mark gets a new chance).
      sim.unusable = null;
      if (l.bound !== null && l.bound !== e.slot) l.lastBound = l.bound;
      l.bound = e.slot;
      l.boundAt = now;
      l.binding = null;
      l.bindCallSec = 0;
      l.bindCalls = 0;
      l.bindConnected = 0;
      l.bindSms = 0;
      l.pendingSwitch = null;
      break;
    }
    case 'call-attempt': {
      if (l.bound === null) return;
      const slot = l.bound;
      l.call = { slot, startedAt: now, alerting: false, answeredAt: null, minutesDeadline: null, minutesPeriodKey: null, hangupSent: false };
      countAttempt(run, lineId, l, slot);
      break;
    }
    case 'alerting':
      if (l.call === null) return;
      l.call.alerting = true;
      break;
    case 'answered': {
      const call = l.call;
      if (call === null || call.answeredAt !== null) return;
      call.answeredAt = now;
      call.alerting = true;
      countAnswered(run, lineId, l, call.slot);
      const limits = effectiveLimits(config, lineId, call.slot);
      call.minutesPeriodKey = periodKeyAt(limits.callMinutes, config.timezone, now);
      const left = remainingFor(config, run.next, now, lineId, call.slot, l.slots[call.slot]).callMinutes;
      call.minutesDeadline = left === 'NO LIMIT' ? null : now + (typeof left === 'number' ? left : 0) * 60_000;
      break;
    }
    case 'call-ended':
      onCallEnded(run, lineId, l, e);
      counting = true;
      break;
    case 'sms-sent': {
      if (l.bound === null) return;
      const sim = run.sim(l, l.bound);
      const limits = effectiveLimits(config, lineId, l.bound);
      countInto(sim.usage.smsCount, limits.smsCount, config.timezone, now, 1);
      touchToday(sim, config, now);
      sim.today.sms++;
      l.bindSms++;
      reviewSms(run, lineId, l, l.bound, true);
      counting = true;
      break;
    }
    case 'sms-failed': {
      if (l.bound === null) return;
      const sim = run.sim(l, l.bound);
      touchToday(sim, config, now);
      sim.today.smsFailed++;
      break;
    }
    case 'sim-card-changed': {
      if (!isSlotId(e.slot)) return;
      const sim = run.sim(l, e.slot);
      // Another card, or the same one reseated: a candidate again (0017).
      sim.unusable = null;
      if (e.iccid === null) {
        sim.presence = 'empty';
        if (sim.disabled !== null) sim.cardChangeUnconfirmed = true;
        if (l.binding === e.slot) l.binding = null;
      } else if (typeof e.iccid === 'string' && e.iccid !== '') {
        const known = sim.iccid;
        newCard(sim, e.iccid);
        sim.presence = 'present';
        if (sim.disabled !== null && known !== e.iccid) sim.cardChangeUnconfirmed = true;
      } else {
        sim.presence = 'unknown';
        if (sim.disabled !== null) sim.cardChangeUnconfirmed = true;
      }
      break;
    }
    case 'operator-enable': {
      if (!isSlotId(e.slot)) return;
      const sim = run.sim(l, e.slot);
      if (sim.disabled !== null) enableSim(run, lineId, l, e.slot, 'enabled by operator');
      sim.cardChangeUnconfirmed = false;
      sim.unusable = null;
      break;
    }
    case 'slot-unusable': {
      if (!isSlotId(e.slot) || !isUnusableReason(e.reason)) return;
      const sim = run.sim(l, e.slot);
      const detail = typeof e.detail === 'string' && e.detail !== '' ? e.detail : describeUnusable(e.reason);
      markUnusable(sim, e.reason, detail, typeof e.iccid === 'string' && e.iccid !== '' ? e.iccid : null, now);
      // A bind that cannot complete is given up, so that the review binds the next usable slot.
      if (l.binding === e.slot) l.binding = null;
      break;
    }
    case 'network-found': {
      if (!isSlotId(e.slot) || unusableOf(l.slots[e.slot])?.reason !== 'no-network') return;
      run.sim(l, e.slot).unusable = null;
      break;
    }
    case 'operator-disable': {
      if (!isSlotId(e.slot)) return;
      const m = e.minutes;
      const until = typeof m === 'number' && Number.isFinite(m) && m > 0 ? now + m * 60_000 : null;
      disableSim(run, lineId, l, e.slot, { until, reason: 'disabled by operator' });
      break;
    }
    case 'operator-switch': {
      const to = e.slot !== undefined && isSlotId(e.slot) ? e.slot : null;
      if (l.bound === null) break;
      if (l.call !== null) {
        l.pendingSwitch = { reason: 'switch requested by operator', to };
        if (config.switchRules.duringCall === 'hangup' && !l.call.hangupSent) {
          l.call.hangupSent = true;
          run.emit({ type: 'hangup', line: lineId, reason: 'switch requested by operator' });
        }
      } else switchAway(run, lineId, l, 'switch requested by operator', to, false);
      break;
    }
    case 'reset-stats': {
      if (!Array.isArray(e.slots)) return;
      for (const s of e.slots) {
        if (!isSlotId(s)) continue;
        const sim = run.sim(l, s);
        if (e.what === 'cdr') sim.cdr = { calls: 0, connected: 0, talkSec: 0, billedSec: 0 };
        else if (e.what === 'remaining') {
          resetRemaining(sim);
        }
      }
      break;
    }
    default:
      return;
  }
  review(run, lineId, l, counting);
}

/**
 * Feeds one event to the engine. Returns the new state (the input is not changed) and the
 * decisions to carry out, in order. Malformed events are ignored (no decisions), never thrown.
 */
export function decide(config: PolicyConfig, state: PolicyState, now: number, event: PolicyEvent): DecideResult {
  const run = new Run(config, state, now);
  if (event === null || typeof event !== 'object' || !Number.isFinite(now)) return { state, decisions: [] };
  switch (event.type) {
    case 'tick': {
      const ids = typeof event.line === 'string' ? [event.line] : Object.keys(state.lines);
      for (const id of ids) review(run, id, run.line(id), false);
      break;
    }
    case 'time-trust':
      run.next.timeTrusted = event.trusted === true;
      run.next.timeSource = typeof event.source === 'string' ? event.source : null;
      for (const id of Object.keys(state.lines)) review(run, id, run.line(id), false);
      break;
    default:
      lineEvent(run, event);
  }
  return { state: run.next, decisions: run.decisions };
}

/**
 * The earliest instant after `now` at which a tick can change something on its own: a call's
 * minutes running out, a time switch trigger, a disable expiring. Null = nothing pending. Window
 * and cycle boundaries are not included: tick at least once a minute as well.
 */
export function nextDeadline(config: PolicyConfig, state: PolicyState, now: number): number | null {
  let best = Infinity;
  const consider = (t: number): void => {
    if (t > now && t < best) best = t;
  };
  const t = config.switchRules.triggers;
  for (const l of Object.values(state.lines)) {
    for (const s of SLOTS) {
      const d = l.slots[s].disabled;
      if (d !== null && d.until !== null) consider(d.until);
    }
    if (l.call !== null && !l.call.hangupSent && l.call.minutesDeadline !== null && config.onMinutesExhausted === 'hangup') consider(l.call.minutesDeadline);
    if (l.bound !== null && l.boundAt !== null && thresholdOk(t['bind-minutes'])) consider(l.boundAt + t['bind-minutes'] * 60_000);
    if (l.call !== null && l.call.answeredAt !== null && l.bound === l.call.slot && thresholdOk(t['call-minutes'])) {
      consider(l.call.answeredAt + (t['call-minutes'] * 60 - l.bindCallSec) * 1000);
    }
  }
  return best === Infinity ? null : best;
}
