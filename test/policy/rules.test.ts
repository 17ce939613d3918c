import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  chooseSlot,
  nextDeadline,
  statistics,
  parseLimit,
  type DisableRule,
  type PolicyConfig,
  type SwitchRules,
  type TriggerKind,
} from '../../src/policy/index.js';
import { Driver, cfg } from './harness.js';

function rules(triggers: SwitchRules['triggers'], over: Partial<SwitchRules> = {}): Partial<PolicyConfig> {
  return { switchRules: { strategy: 'sequential', triggers, duringCall: 'wait', switchWhenExhausted: true, ...over } };
}
const switches = (d: Driver) => d.log.filter((x) => x.type === 'switch');

test('start-up: a line without a SIM binds the first usable slot, skipping empty ones', () => {
  const d = new Driver(cfg());
  d.feed({ type: 'sim-card-changed', line: '1', slot: 'A', iccid: null });
  assert.deepEqual(d.log[0], { type: 'bind', line: '1', slot: 'B', reason: 'line has no SIM bound' });
  assert.equal(d.line.bound, 'B');
});

test('switch after 2 calls moves A→B (sequential)', () => {
  const d = new Driver(cfg(rules({ calls: 2 })));
  d.start();
  d.call(30);
  assert.equal(switches(d).length, 0);
  d.call(0, { answered: false });
  assert.deepEqual(switches(d), [{ type: 'switch', line: '1', from: 'A', to: 'B', reason: 'switch rule: calls reached 2' }]);
  assert.equal(d.line.bound, 'B');
  assert.equal(d.line.bindCalls, 0, 'bind counters restart on the new SIM');
});

test('each counting trigger fires at its threshold', () => {
  const cases: Array<[TriggerKind, (d: Driver) => void]> = [
    ['connected-calls', (d) => { d.call(0, { answered: false }); d.call(20); d.call(20); }],
    ['sms', (d) => { d.sms(); d.sms(); }],
    ['consecutive-no-answer', (d) => { d.call(0, { answered: false }); d.call(0, { answered: false, cause: 'busy' }); }],
    ['consecutive-failed', (d) => { d.call(0, { answered: false, cause: 'failed', alert: false }); d.call(0, { answered: false, cause: 'failed', alert: false }); }],
    ['consecutive-no-ringing', (d) => { d.call(0, { answered: false, cause: 'no-ringing', alert: false }); d.call(0, { answered: false, cause: 'normal', alert: false }); }],
    ['consecutive-short', (d) => { d.call(3); d.call(4); }],
  ];
  for (const [kind, act] of cases) {
    const d = new Driver(cfg({ shortCallSec: 10, ...rules({ [kind]: 2 }) }));
    d.start();
    act(d);
    assert.deepEqual(switches(d), [{ type: 'switch', line: '1', from: 'A', to: 'B', reason: `switch rule: ${kind} reached 2` }], kind);
  }
});

test('a connected call breaks a no-answer run; a long call breaks a short run', () => {
  const d = new Driver(cfg({ shortCallSec: 10, ...rules({ 'consecutive-no-answer': 2, 'consecutive-short': 2 }) }));
  d.start();
  d.call(0, { answered: false });
  d.call(30);
  d.call(0, { answered: false });
  d.call(3);
  d.call(30);
  d.call(3);
  assert.equal(switches(d).length, 0);
  assert.deepEqual(d.line.slots.A.consecutive, { noAnswer: 0, failed: 0, noRinging: 0, short: 1 });
});

test('bind-minutes: switches on a tick; during a call waits (wait) or hangs up (hangup)', () => {
  const d = new Driver(cfg(rules({ 'bind-minutes': 10 })));
  d.start();
  assert.equal(nextDeadline(d.config, d.state, d.now), d.now + 600_000);
  assert.deepEqual(d.advance(599_000).length, 0);
  d.advance(1_000);
  assert.equal(switches(d).length, 1);
  assert.equal(d.line.bound, 'B');

  const w = new Driver(cfg(rules({ 'bind-minutes': 10 }, { duringCall: 'wait' })));
  w.start();
  w.feed({ type: 'call-attempt', line: '1' });
  w.feed({ type: 'answered', line: '1' });
  assert.deepEqual(w.advance(700_000), []);
  assert.equal(w.line.bound, 'A');
  w.feed({ type: 'call-ended', line: '1', durationSec: 700, cause: 'normal' });
  assert.equal(w.line.bound, 'B');

  const h = new Driver(cfg(rules({ 'bind-minutes': 10 }, { duringCall: 'hangup' })));
  h.start();
  h.feed({ type: 'call-attempt', line: '1' });
  h.feed({ type: 'answered', line: '1' });
  assert.deepEqual(h.advance(600_000), [{ type: 'hangup', line: '1', reason: 'switch rule: bind-minutes reached 10' }]);
  h.feed({ type: 'call-ended', line: '1', durationSec: 600, cause: 'normal' });
  assert.equal(h.line.bound, 'B');
});

test('call-minutes while bound counts the call in progress', () => {
  const h = new Driver(cfg(rules({ 'call-minutes': 3 }, { duringCall: 'hangup' })));
  h.start();
  h.call(61); // 2 billed minutes
  h.feed({ type: 'call-attempt', line: '1' });
  h.feed({ type: 'answered', line: '1' });
  assert.equal(nextDeadline(h.config, h.state, h.now), h.now + 60_000);
  assert.deepEqual(h.advance(59_000), []);
  assert.deepEqual(h.advance(1_000), [{ type: 'hangup', line: '1', reason: 'switch rule: call-minutes reached 3' }]);
});

test('strategies: sequential wraps D→A, random uses the rng, most-minutes picks the most remaining', () => {
  const d = new Driver(cfg(rules({ calls: 1 })));
  d.start('D');
  d.call(5);
  assert.equal(d.line.bound, 'A');

  const base = cfg({ ...rules({}, { strategy: 'random' }) });
  const r = new Driver(base);
  r.start('A');
  assert.equal(chooseSlot(base, r.state, r.now, '1', () => 0, { exclude: 'A' }), 'B');
  assert.equal(chooseSlot(base, r.state, r.now, '1', () => 0.99, { exclude: 'A' }), 'D');

  const L = (t: string) => { const x = parseLimit(t); if (!x.ok) throw new Error(x.error); return x.value; };
  const mm = cfg({ ...rules({}, { strategy: 'most-minutes' }), limits: { callMinutes: L('100'), callCountIncludesUnanswered: true }, slotLimits: { C: { callMinutes: L('500') }, D: { callMinutes: null } } });
  const m = new Driver(mm);
  m.start('A');
  assert.equal(chooseSlot(mm, m.state, m.now, '1', Math.random, { exclude: 'A' }), 'D', 'NO LIMIT is the most');
  m.feed({ type: 'operator-disable', line: '1', slot: 'D' });
  assert.equal(chooseSlot(mm, m.state, m.now, '1', Math.random, { exclude: 'A' }), 'C');
});

test('switch with no other usable slot stays put; exhausted limits move to a slot that can call', () => {
  const d = new Driver(cfg(rules({ calls: 1 })));
  for (const s of ['B', 'C', 'D'] as const) d.feed({ type: 'sim-card-changed', line: '1', slot: s, iccid: null });
  d.start();
  d.call(5);
  assert.equal(d.line.bound, 'A');
  assert.equal(switches(d).length, 0);

  const L = (t: string) => { const x = parseLimit(t); if (!x.ok) throw new Error(x.error); return x.value; };
  const e = new Driver(cfg({ ...rules({}), limits: { callCount: L('1'), callCountIncludesUnanswered: true } }));
  e.start();
  e.call(5);
  assert.deepEqual(switches(e), [{ type: 'switch', line: '1', from: 'A', to: 'B', reason: 'limits of this SIM exhausted' }]);
});

test('operator switch: to a chosen slot, or the next one; during a call per duringCall', () => {
  const d = new Driver(cfg(rules({})));
  d.start();
  d.feed({ type: 'operator-switch', line: '1', slot: 'C' });
  assert.equal(d.line.bound, 'C');
  d.feed({ type: 'operator-switch', line: '1' });
  assert.equal(d.line.bound, 'D');
  d.feed({ type: 'call-attempt', line: '1' });
  d.feed({ type: 'operator-switch', line: '1', slot: 'B' });
  assert.equal(d.line.bound, 'D');
  d.feed({ type: 'call-ended', line: '1', durationSec: 0, cause: 'failed' });
  assert.equal(d.line.bound, 'B');
});

function disabling(rule: DisableRule, extra: Partial<PolicyConfig> = {}): Driver {
  const d = new Driver(cfg({ disableRules: [rule], ...extra }));
  d.start();
  return d;
}

test('disable rule: three unanswered calls in a row disable the SIM (red) for n minutes, then it returns', () => {
  const d = disabling({ trigger: 'consecutive-no-answer', threshold: 3, disableMinutes: 30 });
  d.call(0, { answered: false });
  d.call(0, { answered: false });
  const t = d.now + 20_000;
  const out = d.call(0, { answered: false });
  assert.deepEqual(out.slice(0, 2), [
    { type: 'disable', line: '1', slot: 'A', until: t + 30 * 60_000, reason: 'disable rule: consecutive-no-answer reached 3' },
    { type: 'switch', line: '1', from: 'A', to: 'B', reason: 'SIM disabled: disable rule: consecutive-no-answer reached 3' },
  ]);
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').colour, 'red');
  assert.equal(statistics(d.config, d.state, d.now, '1', 'B').colour, 'blue');
  assert.equal(statistics(d.config, d.state, d.now, '1', 'C').colour, 'green');
  assert.equal(nextDeadline(d.config, d.state, d.now), t + 30 * 60_000);
  d.advance(30 * 60_000);
  assert.deepEqual(d.log.at(-1), { type: 'enable', line: '1', slot: 'A', reason: 'disable period over' });
  assert.equal(d.line.slots.A.consecutive.noAnswer, 0, 'the counter that disabled it restarts');
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').colour, 'green');
});

test('disable rule "manual": stays disabled until an operator enables it', () => {
  const d = disabling({ trigger: 'consecutive-failed', threshold: 1, disableMinutes: 'manual' });
  d.call(0, { answered: false, cause: 'failed', alert: false });
  assert.equal(d.line.slots.A.disabled?.until, null);
  d.advance(365 * 86_400_000);
  assert.notEqual(d.line.slots.A.disabled, null);
  assert.deepEqual(d.feed({ type: 'operator-enable', line: '1', slot: 'A' }), [{ type: 'enable', line: '1', slot: 'A', reason: 'enabled by operator' }]);
  assert.equal(d.line.slots.A.disabled, null);
});

test('disable rule with 0 minutes disables nothing', () => {
  const d = disabling({ trigger: 'calls', threshold: 1, disableMinutes: 0 });
  d.call(5);
  assert.equal(d.line.slots.A.disabled, null);
  assert.equal(d.log.length, 0);
});

test('every trigger kind works as a disable rule', () => {
  const acts: Record<TriggerKind, (d: Driver) => void> = {
    'bind-minutes': (d) => d.advance(120_000),
    'call-minutes': (d) => d.call(120),
    calls: (d) => { d.call(0, { answered: false }); d.call(0, { answered: false }); },
    'connected-calls': (d) => { d.call(20); d.call(20); },
    sms: (d) => { d.sms(); d.sms(); },
    'consecutive-no-answer': (d) => { d.call(0, { answered: false }); d.call(0, { answered: false }); },
    'consecutive-failed': (d) => { d.call(0, { answered: false, cause: 'failed' }); d.call(0, { answered: false, cause: 'failed' }); },
    'consecutive-no-ringing': (d) => { d.call(0, { answered: false, cause: 'no-ringing', alert: false }); d.call(0, { answered: false, cause: 'no-ringing', alert: false }); },
    'consecutive-short': (d) => { d.call(1); d.call(1); },
  };
  for (const [kind, act] of Object.entries(acts) as Array<[TriggerKind, (d: Driver) => void]>) {
    const d = disabling({ trigger: kind, threshold: 2, disableMinutes: 5 });
    act(d);
    assert.equal(d.line.slots.A.disabled?.reason, `disable rule: ${kind} reached 2`, kind);
    assert.equal(d.line.bound, 'B', kind);
  }
});

test('a disable during a call: wait lets it finish, hangup ends it', () => {
  for (const duringCall of ['wait', 'hangup'] as const) {
    const d = disabling({ trigger: 'bind-minutes', threshold: 5, disableMinutes: 10 }, rules({}, { duringCall }));
    d.feed({ type: 'call-attempt', line: '1' });
    d.feed({ type: 'answered', line: '1' });
    const out = d.advance(300_000);
    assert.equal(out[0]?.type, 'disable');
    assert.deepEqual(out.slice(1), duringCall === 'hangup' ? [{ type: 'hangup', line: '1', reason: 'SIM disabled: disable rule: bind-minutes reached 5' }] : []);
    assert.equal(d.line.bound, 'A', 'still in the call');
    d.feed({ type: 'call-ended', line: '1', durationSec: 300, cause: 'normal' });
    assert.equal(d.line.bound, 'B');
  }
});

test('consecutive counters are per SIM and survive switches (§3.2.1)', () => {
  const d = new Driver(cfg({ ...rules({ calls: 1 }), disableRules: [{ trigger: 'consecutive-no-answer', threshold: 2, disableMinutes: 60 }] }));
  for (const s of ['C', 'D'] as const) d.feed({ type: 'sim-card-changed', line: '1', slot: s, iccid: null });
  d.start();
  d.call(0, { answered: false }); // A: 1, switch to B
  assert.equal(d.line.bound, 'B');
  d.call(30); // B connected: B's run is 0, A's stays 1; switch to A
  assert.equal(d.line.bound, 'A');
  assert.equal(d.line.slots.A.consecutive.noAnswer, 1);
  d.call(0, { answered: false }); // A: 2 → disabled
  assert.notEqual(d.line.slots.A.disabled, null);
});

test('colours: grey when empty, brown when a disabled slot sees a card change, operator enable confirms', () => {
  const d = disabling({ trigger: 'calls', threshold: 1, disableMinutes: 'manual' }, {
    limits: { smsCount: (() => { const x = parseLimit('5'); if (!x.ok) throw new Error(); return x.value; })(), callCountIncludesUnanswered: true },
  });
  d.sms();
  d.sms();
  d.call(5);
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').colour, 'red');
  d.feed({ type: 'sim-card-changed', line: '1', slot: 'A', iccid: 'ICCID-OTHER' });
  const s = statistics(d.config, d.state, d.now, '1', 'A');
  assert.equal(s.colour, 'brown');
  assert.equal(s.status, 'disabled-card-changed');
  assert.equal(s.remaining.smsCount, 5, 'a new ICCID resets the remaining counts');
  d.feed({ type: 'operator-enable', line: '1', slot: 'A' });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').colour, 'green');
  // A change without a readable ICCID in a disabled slot: brown too, no reset (not confirmed).
  d.feed({ type: 'operator-disable', line: '1', slot: 'C' });
  d.feed({ type: 'sim-card-changed', line: '1', slot: 'C' });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'C').colour, 'brown');
  d.feed({ type: 'sim-card-changed', line: '1', slot: 'D', iccid: null });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'D').colour, 'grey');
});

test('a disabled slot is never bound: sim-bound of a disabled slot is left at once', () => {
  const d = new Driver(cfg());
  d.feed({ type: 'operator-disable', line: '1', slot: 'A' });
  d.log = [];
  d.feed({ type: 'sim-bound', line: '1', slot: 'A', iccid: 'x' });
  assert.equal(d.log[0]?.type, 'switch');
  assert.equal(d.line.bound, 'B');
  for (const s of ['B', 'C', 'D'] as const) d.feed({ type: 'operator-disable', line: '1', slot: s });
  assert.deepEqual(d.log.at(-1), { type: 'unbind', line: '1', slot: 'D', reason: 'SIM disabled: disabled by operator' });
  assert.equal(d.line.bound, null);
  d.feed({ type: 'operator-enable', line: '1', slot: 'C' });
  assert.equal(d.line.bound, 'C');
});

test('malformed events are ignored, not thrown', async () => {
  const { decide, initialPolicyState, defaultPolicyConfig } = await import('../../src/policy/index.js');
  const c = defaultPolicyConfig();
  const s = initialPolicyState();
  for (const e of [null, {}, { type: 'nope', line: '1' }, { type: 'sim-bound', line: '1', slot: 'Z' }, { type: 'reset-stats', line: '1', slots: 'A' }, { type: 'call-ended', line: 3 }]) {
    const r = decide(c, s, 0, e as never);
    assert.ok(Array.isArray(r.decisions));
  }
  assert.deepEqual(decide(c, s, Number.NaN, { type: 'tick' }).decisions, []);
});
