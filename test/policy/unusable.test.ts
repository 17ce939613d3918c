/**
 * Slots whose card cannot become ready (docs/decisions/0017-unusable-slots.md): the field case of a
 * line left on a PIN-locked card with every slot "green", and what makes a slot a candidate again.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseSlot, statistics, type Decision } from '../../src/policy/index.js';
import { Driver, cfg } from './harness.js';

const moves = (ds: Decision[]) => ds.filter((x) => x.type === 'bind' || x.type === 'switch');

/** A line bound to B whose card is then removed: the engine switches to C and waits for C's sim-bound. */
function onCAfterBRemoved(): Driver {
  const d = new Driver(cfg(), { autoBind: false });
  d.feed({ type: 'sim-bound', line: '1', slot: 'B', iccid: 'ICCID-B' });
  const out = d.feed({ type: 'sim-card-changed', line: '1', slot: 'B', iccid: null });
  assert.deepEqual(moves(out), [{ type: 'switch', line: '1', from: 'B', to: 'C', reason: 'SIM card removed' }]);
  assert.equal(d.line.binding, 'C');
  return d;
}

test('the slot the line was sent to needs a PIN nobody configured: marked unusable, the next usable slot is bound', () => {
  const d = onCAfterBRemoved();
  const out = d.feed({ type: 'slot-unusable', line: '1', slot: 'C', reason: 'pin-required', detail: 'SIM in slot C needs a PIN; none configured (lines[].pins.C)', iccid: 'ICCID-C' });
  assert.deepEqual(moves(out), [{ type: 'bind', line: '1', slot: 'D', reason: 'line has no SIM bound' }]);
  assert.equal(d.line.binding, 'D');
  d.feed({ type: 'sim-bound', line: '1', slot: 'D', iccid: 'ICCID-D' });
  assert.equal(d.line.bound, 'D');

  const c = statistics(d.config, d.state, d.now, '1', 'C');
  assert.equal(c.status, 'unusable');
  assert.equal(c.colour, 'orange');
  assert.deepEqual(c.unusable, { reason: 'pin-required', detail: 'SIM in slot C needs a PIN; none configured (lines[].pins.C)', since: d.now, iccid: 'ICCID-C' });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'D').colour, 'blue');
  // Never chosen again while marked, whatever the strategy.
  for (const strategy of ['sequential', 'random', 'most-minutes'] as const) {
    const config = cfg({ switchRules: { strategy, triggers: {}, duringCall: 'wait', switchWhenExhausted: true } });
    for (let i = 0; i < 20; i++) assert.notEqual(chooseSlot(config, d.state, d.now, '1', () => i / 20, { exclude: 'D' }), 'C');
  }
});

test('a re-inserted card, a changed ICCID or an operator enable make the slot a candidate again', () => {
  const d = onCAfterBRemoved();
  d.feed({ type: 'slot-unusable', line: '1', slot: 'C', reason: 'pin-required', iccid: 'ICCID-C' });
  d.feed({ type: 'sim-bound', line: '1', slot: 'D', iccid: 'ICCID-D' });
  // B came back (card-detect): B is a candidate again, C is not.
  d.feed({ type: 'sim-card-changed', line: '1', slot: 'B', iccid: 'ICCID-B' });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'B').status, 'standby');
  assert.equal(chooseSlot(d.config, d.state, d.now, '1', () => 0, { exclude: 'D' }), 'A');
  // A different card in C: the mark goes with the old card.
  d.feed({ type: 'sim-card-changed', line: '1', slot: 'C', iccid: 'ICCID-C2' });
  assert.equal(d.line.slots.C.unusable, null);
  assert.equal(statistics(d.config, d.state, d.now, '1', 'C').colour, 'green');
  // Marked again (the new card is locked too), then an operator enables it: a candidate again.
  d.feed({ type: 'slot-unusable', line: '1', slot: 'C', reason: 'puk-required' });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'C').unusable?.detail, 'the SIM is blocked behind its PUK');
  d.feed({ type: 'operator-enable', line: '1', slot: 'C' });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'C').status, 'standby');
  // The card becoming ready (an ICCID read after a PIN was configured) clears it as well.
  d.feed({ type: 'slot-unusable', line: '1', slot: 'C', reason: 'pin-refused' });
  d.feed({ type: 'operator-switch', line: '1', slot: 'C' });
  assert.equal(d.line.binding, 'A', 'an operator switch to a marked slot goes to the strategy\'s choice');
  d.feed({ type: 'sim-bound', line: '1', slot: 'C', iccid: 'ICCID-C2' });
  assert.equal(d.line.slots.C.unusable, null);
});

test('the bound card turns out unusable: the line leaves it; with no other usable slot a hard mark unbinds', () => {
  const d = new Driver(cfg());
  d.start('A');
  const out = d.feed({ type: 'slot-unusable', line: '1', slot: 'A', reason: 'sim-failure' });
  assert.deepEqual(moves(out)[0], { type: 'switch', line: '1', from: 'A', to: 'B', reason: 'SIM unusable: the SIM does not answer (SIM failure)' });

  const e = new Driver(cfg(), { autoBind: false });
  for (const s of ['B', 'C', 'D'] as const) e.feed({ type: 'sim-card-changed', line: '1', slot: s, iccid: null });
  e.feed({ type: 'sim-bound', line: '1', slot: 'A', iccid: 'ICCID-A' });
  const r = e.feed({ type: 'slot-unusable', line: '1', slot: 'A', reason: 'puk-required' });
  assert.deepEqual(r.map((x) => x.type), ['unbind']);
  assert.equal(e.line.bound, null);
});

test('no network: the line moves on, but such a slot stays a last resort and a bind gives it a new chance', () => {
  const d = new Driver(cfg(), { autoBind: false });
  for (const s of ['C', 'D'] as const) d.feed({ type: 'sim-card-changed', line: '1', slot: s, iccid: null });
  d.feed({ type: 'sim-bound', line: '1', slot: 'A', iccid: 'ICCID-A' });
  let out = d.feed({ type: 'slot-unusable', line: '1', slot: 'A', reason: 'no-network' });
  assert.deepEqual(moves(out), [{ type: 'switch', line: '1', from: 'A', to: 'B', reason: 'SIM unusable: the SIM finds no network' }]);
  d.feed({ type: 'sim-bound', line: '1', slot: 'B', iccid: 'ICCID-B' });
  // B finds no network either: back to A (its mark may have passed), not stuck on nothing.
  out = d.feed({ type: 'slot-unusable', line: '1', slot: 'B', reason: 'no-network' });
  assert.deepEqual(moves(out), [{ type: 'switch', line: '1', from: 'B', to: 'A', reason: 'SIM unusable: the SIM finds no network' }]);
  d.feed({ type: 'sim-bound', line: '1', slot: 'A', iccid: 'ICCID-A' });
  assert.equal(d.line.slots.A.unusable, null);
  assert.equal(d.line.slots.B.unusable?.reason, 'no-network');
  // A slot with a no-network mark and nowhere to go stays bound (no unbind, no decisions).
  const e = new Driver(cfg(), { autoBind: false });
  for (const s of ['B', 'C', 'D'] as const) e.feed({ type: 'sim-card-changed', line: '1', slot: s, iccid: null });
  e.feed({ type: 'sim-bound', line: '1', slot: 'A', iccid: 'ICCID-A' });
  assert.deepEqual(e.feed({ type: 'slot-unusable', line: '1', slot: 'A', reason: 'no-network' }), []);
  assert.equal(e.line.bound, 'A');
  assert.equal(statistics(e.config, e.state, e.now, '1', 'A').status, 'unusable');
});

test('malformed slot-unusable events are ignored; a repeated report keeps the first time; old states read as unmarked', () => {
  const d = new Driver(cfg());
  d.start('A');
  assert.deepEqual(d.feed({ type: 'slot-unusable', line: '1', slot: 'E' as never, reason: 'pin-required' }), []);
  assert.deepEqual(d.feed({ type: 'slot-unusable', line: '1', slot: 'B', reason: 'bored' as never }), []);
  d.feed({ type: 'slot-unusable', line: '1', slot: 'C', reason: 'pin-required', iccid: 'X' });
  const since = d.line.slots.C.unusable!.since;
  d.now += 60_000;
  d.feed({ type: 'slot-unusable', line: '1', slot: 'C', reason: 'pin-required', iccid: 'X' });
  assert.equal(d.line.slots.C.unusable!.since, since);
  const old = structuredClone(d.state);
  delete old.lines['1']!.slots.D.unusable;
  assert.equal(statistics(d.config, old, d.now, '1', 'D').unusable, null);
  assert.equal(statistics(d.config, old, d.now, '1', 'D').status, 'standby');
});

test('network-found clears a no-network mark only', () => {
  const d = new Driver(cfg(), { autoBind: false });
  for (const s of ['B', 'C', 'D'] as const) d.feed({ type: 'sim-card-changed', line: '1', slot: s, iccid: null });
  d.feed({ type: 'sim-bound', line: '1', slot: 'A', iccid: 'ICCID-A' });
  d.feed({ type: 'slot-unusable', line: '1', slot: 'A', reason: 'no-network' });
  assert.equal(d.line.bound, 'A');
  d.feed({ type: 'network-found', line: '1', slot: 'A' });
  assert.equal(d.line.slots.A.unusable, null);
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').status, 'in-use');
  d.feed({ type: 'slot-unusable', line: '1', slot: 'A', reason: 'pin-refused' });
  d.feed({ type: 'network-found', line: '1', slot: 'A' });
  assert.equal(statistics(d.config, d.state, d.now, '1', 'A').unusable?.reason, 'pin-refused');
});
