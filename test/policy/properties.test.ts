/**
 * Property tests over random configurations and random event sequences, with a simulated line that
 * does what the engine decides (binds, switches, hangs up) and only calls / sends SMS when allowed.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import {
  canCall,
  canSendSms,
  chooseSlot,
  decide,
  defaultPolicyConfig,
  initialPolicyState,
  isUsable,
  nextDeadline,
  SLOTS,
  TRIGGER_KINDS,
  type Decision,
  type LimitSpec,
  type PolicyConfig,
  type PolicyEvent,
  type PolicyState,
  type SlotId,
} from '../../src/policy/index.js';
import { activePeriod, effectiveLimits } from '../../src/policy/limits.js';

const T0 = Date.UTC(2025, 2, 28, 22, 0); // crosses the EU DST change and a month end

const smallSpec: fc.Arbitrary<LimitSpec | null> = fc.oneof(
  fc.constant(null),
  fc.integer({ min: 0, max: 12 }).map((amount) => ({ kind: 'total' as const, amount })),
  fc.record({ day: fc.integer({ min: 1, max: 28 }), amount: fc.integer({ min: 0, max: 12 }) }).map((r) => ({ kind: 'monthly' as const, ...r })),
  fc.record({ a: fc.integer({ min: 0, max: 8 }), b: fc.integer({ min: 0, max: 8 }) }).map(({ a, b }) => ({
    kind: 'windows' as const,
    windows: [
      { start: 6 * 60, end: 12 * 60, amount: a },
      { start: 20 * 60, end: 2 * 60, amount: b },
    ],
  })),
);

const configArb: fc.Arbitrary<PolicyConfig> = fc
  .record({
    timezone: fc.constantFrom('UTC', 'Europe/Berlin', 'Asia/Kolkata', 'America/New_York'),
    billingPeriodSec: fc.constantFrom(1, 6, 30, 45, 60),
    callMinutes: smallSpec,
    callCount: smallSpec,
    smsCount: smallSpec,
    includes: fc.boolean(),
    onSmsExhausted: fc.constantFrom('disable-sim' as const, 'block-sms' as const),
    strategy: fc.constantFrom('sequential' as const, 'random' as const, 'most-minutes' as const),
    duringCall: fc.constantFrom('hangup' as const, 'wait' as const),
    switchWhenExhausted: fc.boolean(),
    triggers: fc.dictionary(fc.constantFrom(...TRIGGER_KINDS), fc.integer({ min: 1, max: 6 }), { maxKeys: 3 }),
    disableRules: fc.array(
      fc.record({
        trigger: fc.constantFrom(...TRIGGER_KINDS),
        threshold: fc.integer({ min: 1, max: 6 }),
        disableMinutes: fc.oneof(fc.constant('manual' as const), fc.integer({ min: 0, max: 90 })),
      }),
      { maxLength: 2 },
    ),
    bOverride: smallSpec,
  })
  .map((r) =>
    defaultPolicyConfig({
      timezone: r.timezone,
      billingPeriodSec: r.billingPeriodSec,
      onMinutesExhausted: 'hangup',
      onSmsExhausted: r.onSmsExhausted,
      limits: { callMinutes: r.callMinutes, callCount: r.callCount, smsCount: r.smsCount, callCountIncludesUnanswered: r.includes },
      slotLimits: { B: { callMinutes: r.bOverride } },
      shortCallSec: 10,
      switchRules: { strategy: r.strategy, triggers: r.triggers, duringCall: r.duringCall, switchWhenExhausted: r.switchWhenExhausted },
      disableRules: r.disableRules,
    }),
  );

type Action =
  | { a: 'call'; ringSec: number; answer: boolean; talkSec: number; cause: 'normal' | 'no-answer' | 'busy' | 'failed' | 'no-ringing'; alert: boolean }
  | { a: 'sms'; ok: boolean }
  | { a: 'wait'; minutes: number }
  | { a: 'card'; slot: SlotId; what: 'same' | 'new' | 'empty' | 'unknown' }
  | { a: 'enable' | 'disable'; slot: SlotId; minutes: number | null }
  | { a: 'force'; slot: SlotId | null }
  | { a: 'trust'; trusted: boolean }
  | { a: 'reset'; what: 'cdr' | 'remaining'; slot: SlotId };

const slotArb = fc.constantFrom<SlotId>('A', 'B', 'C', 'D');
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { weight: 8, arbitrary: fc.record({ a: fc.constant('call' as const), ringSec: fc.integer({ min: 0, max: 40 }), answer: fc.boolean(), talkSec: fc.integer({ min: 0, max: 900 }), cause: fc.constantFrom('normal' as const, 'no-answer' as const, 'busy' as const, 'failed' as const, 'no-ringing' as const), alert: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ a: fc.constant('sms' as const), ok: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ a: fc.constant('wait' as const), minutes: fc.integer({ min: 1, max: 600 }) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('card' as const), slot: slotArb, what: fc.constantFrom('same' as const, 'new' as const, 'empty' as const, 'unknown' as const) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constantFrom('enable' as const, 'disable' as const), slot: slotArb, minutes: fc.option(fc.integer({ min: 1, max: 120 })) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('force' as const), slot: fc.option(slotArb) }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('trust' as const), trusted: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ a: fc.constant('reset' as const), what: fc.constantFrom('cdr' as const, 'remaining' as const), slot: slotArb }) },
);

class World {
  state: PolicyState;
  now = T0;
  /** The cards physically in the slots (null = empty). */
  cards: Record<SlotId, string | null> = { A: 'a0', B: 'b0', C: 'c0', D: 'd0' };
  cardSerial = 0;
  hungUp = false;

  constructor(readonly config: PolicyConfig) {
    this.state = initialPolicyState({ timeTrusted: true, seed: 7 });
  }

  feed(e: PolicyEvent): void {
    const before = this.state;
    const snapshot = JSON.stringify(before);
    const r = decide(this.config, this.state, this.now, e);
    assert.equal(JSON.stringify(before), snapshot, 'decide changed its input state');
    this.state = r.state;
    this.check(r.decisions);
    for (const d of r.decisions) this.carryOut(d);
  }

  carryOut(d: Decision): void {
    if (d.type === 'hangup') this.hungUp = true;
    if (d.type === 'bind' || d.type === 'switch') {
      const slot = d.type === 'bind' ? d.slot : d.to;
      const card = this.cards[slot];
      if (card === null) this.feed({ type: 'sim-card-changed', line: '1', slot, iccid: null });
      else this.feed({ type: 'sim-bound', line: '1', slot, iccid: card });
    }
  }

  /** The invariants checked after every decision. */
  check(decisions: Decision[]): void {
    const l = this.state.lines['1'];
    if (l === undefined) return;
    for (const d of decisions) {
      if (d.type === 'bind' || d.type === 'switch') {
        const to = d.type === 'bind' ? d.slot : d.to;
        assert.ok(isUsable(l.slots[to], this.now), `decided to bind ${to}, which is disabled or empty`);
      }
    }
    if (l.bound !== null && !isUsable(l.slots[l.bound], this.now)) {
      assert.ok(l.call !== null, `slot ${l.bound} is bound while disabled/empty and no call is finishing`);
    }
    // chooseSlot never picks an unusable slot while a usable one exists.
    const usable = SLOTS.filter((s) => isUsable(l.slots[s], this.now));
    const pick = chooseSlot(this.config, this.state, this.now, '1', Math.random);
    if (usable.length === 0) assert.equal(pick, null);
    else assert.ok(pick !== null && usable.includes(pick), `chose ${String(pick)} from ${usable.join('')}`);
  }

  /** No counted use above a limit by more than one billing period (minutes) or at all (counts). */
  checkLimits(periodAt: Record<string, { key: string | null; amount: number } | null>): void {
    const l = this.state.lines['1'];
    if (l === undefined) return;
    for (const s of SLOTS) {
      const lim = effectiveLimits(this.config, '1', s);
      const u = l.slots[s].usage;
      const checks: Array<[LimitSpec | null | undefined, typeof u.callSec, number, number, string]> = [
        [lim.callMinutes, u.callSec, 60, this.config.billingPeriodSec, 'callMinutes'],
        [lim.callCount, u.callCount, 1, 0, 'callCount'],
        [lim.smsCount, u.smsCount, 1, 0, 'smsCount'],
      ];
      for (const [spec, bucket, scale, slack, what] of checks) {
        if (spec === null || spec === undefined) continue;
        if (spec.kind === 'total') {
          assert.ok(bucket.total <= spec.amount * scale + slack, `${s} ${what}: ${bucket.total} > ${spec.amount * scale} + ${slack}`);
          continue;
        }
        const p = periodAt[`${s}|${what}|${bucket.periodKey}`];
        if (bucket.periodKey !== null && p !== undefined && p !== null) {
          assert.ok(bucket.period <= p.amount * scale + slack, `${s} ${what} in ${bucket.periodKey}: ${bucket.period} > ${p.amount * scale} + ${slack}`);
        }
      }
    }
  }

  /** Advances the clock to `until`, ticking at every deadline on the way; returns early on a hangup. */
  runUntil(until: number): void {
    if (this.hungUp) return;
    for (;;) {
      const dl = nextDeadline(this.config, this.state, this.now);
      if (dl === null || dl > until) break;
      this.now = dl;
      this.feed({ type: 'tick' });
      if (this.hungUp) return;
    }
    this.now = until;
    this.feed({ type: 'tick' });
  }
}

function remember(w: World, periods: Record<string, { key: string | null; amount: number } | null>): void {
  // The limit amount of every period a bucket can be in, keyed by slot and period key.
  for (const s of SLOTS) {
    const lim = effectiveLimits(w.config, '1', s);
    for (const what of ['callMinutes', 'callCount', 'smsCount'] as const) {
      const spec = lim[what];
      if (spec === null || spec === undefined || spec.kind === 'total') continue;
      const p = activePeriod(spec, w.config.timezone, w.now);
      if (p !== null) periods[`${s}|${what}|${p.key}`] = p;
    }
  }
}

function run(config: PolicyConfig, actions: Action[]): void {
  const w = new World(config);
  const periods: Record<string, { key: string | null; amount: number } | null> = {};
  remember(w, periods);
  w.feed({ type: 'tick', line: '1' }); // start-up: bind
  for (const act of actions) {
    const l = w.state.lines['1']!;
    switch (act.a) {
      case 'call': {
        if (l.bound === null || !canCall(config, w.state, w.now, '1', l.bound).ok) break;
        w.hungUp = false;
        w.feed({ type: 'call-attempt', line: '1' });
        w.runUntil(w.now + act.ringSec * 1000);
        remember(w, periods);
        if (act.alert && !w.hungUp) w.feed({ type: 'alerting', line: '1' });
        if (act.answer && !w.hungUp) {
          w.feed({ type: 'answered', line: '1' });
          remember(w, periods);
          const answeredAt = w.now;
          w.runUntil(w.now + act.talkSec * 1000);
          w.feed({ type: 'call-ended', line: '1', durationSec: (w.now - answeredAt) / 1000, cause: 'normal' });
        } else w.feed({ type: 'call-ended', line: '1', durationSec: 0, cause: act.cause === 'normal' ? 'no-answer' : act.cause });
        w.hungUp = false;
        break;
      }
      case 'sms':
        if (l.bound === null || !canSendSms(config, w.state, w.now, '1', l.bound).ok) break;
        remember(w, periods);
        w.feed({ type: act.ok ? 'sms-sent' : 'sms-failed', line: '1' });
        break;
      case 'wait':
        w.runUntil(w.now + act.minutes * 60_000);
        break;
      case 'card': {
        if (act.what === 'empty') w.cards[act.slot] = null;
        else if (act.what === 'new' || w.cards[act.slot] === null) w.cards[act.slot] = `n${++w.cardSerial}`;
        const iccid = act.what === 'unknown' ? undefined : w.cards[act.slot];
        if (act.slot === l.bound && l.call !== null) break; // no card swaps under a call
        w.feed(iccid === undefined ? { type: 'sim-card-changed', line: '1', slot: act.slot } : { type: 'sim-card-changed', line: '1', slot: act.slot, iccid });
        break;
      }
      case 'enable':
        w.feed({ type: 'operator-enable', line: '1', slot: act.slot });
        break;
      case 'disable':
        w.feed({ type: 'operator-disable', line: '1', slot: act.slot, minutes: act.minutes });
        break;
      case 'force':
        w.feed(act.slot === null ? { type: 'operator-switch', line: '1' } : { type: 'operator-switch', line: '1', slot: act.slot });
        break;
      case 'trust':
        w.feed({ type: 'time-trust', trusted: act.trusted, source: 'test' });
        break;
      case 'reset':
        w.feed({ type: 'reset-stats', line: '1', slots: [act.slot], what: act.what });
        break;
    }
    w.checkLimits(periods);
    assert.equal(w.state.lines['1']!.call, null, 'every call ended');
  }
  // The state stays plain JSON.
  assert.deepEqual(JSON.parse(JSON.stringify(w.state)), w.state);
}

export { run };
test('property: limits hold (minutes within one billing period), disabled SIMs are never bound, chooseSlot picks usable slots', () => {
  fc.assert(
    fc.property(configArb, fc.array(actionArb, { minLength: 1, maxLength: 80 }), (config, actions) => run(config, actions)),
    { numRuns: Number(process.env.POLICY_RUNS ?? 300) },
  );
});
