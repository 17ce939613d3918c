/**
 * The line's lifecycle machine (src/line/lifecycle.ts): every edge of every phase, legal or not, checked
 * against the table written out again here; the health each phase allows; how the API's lifecycle field
 * derives from the phase.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { IllegalLineTransition, LINE_PHASES, LineLifecycle, canEnter, healthsOf, isConnected, lifecycleOf, type LinePhase } from '../../src/line/lifecycle.js';
import { HEALTH_VALUES, type Health, type Lifecycle } from '../../src/line/types.js';

/** The legal edges, as docs/decisions/0010-line-split.md draws them. */
const LEGAL: Record<LinePhase, LinePhase[]> = {
  closed: ['absent', 'probe', 'resetting', 'disabled'],
  absent: ['absent', 'probe', 'disabled'],
  probe: ['identify', 'closed', 'disabled'],
  identify: ['enable', 'closed', 'disabled'],
  enable: ['enable', 'sim-wait', 'sim-ready', 'closed', 'disabled'],
  'sim-wait': ['sim-wait', 'enable', 'closed', 'disabled'],
  'sim-ready': ['sim-ready', 'registered', 'closed', 'disabled'],
  registered: ['registered', 'sim-ready', 'closed', 'disabled'],
  resetting: ['probe', 'absent', 'disabled'],
  disabled: ['closed'],
};

const LIFECYCLE: Record<LinePhase, Lifecycle> = {
  closed: 'probe',
  absent: 'probe',
  probe: 'probe',
  identify: 'probe',
  enable: 'enable',
  'sim-wait': 'enable',
  'sim-ready': 'sim-ready',
  registered: 'registered',
  resetting: 'probe',
  disabled: 'probe',
};

/** A machine standing in `phase` (built by walking legal edges from where a line starts). */
function at(phase: LinePhase): LineLifecycle {
  const paths: Record<LinePhase, [LinePhase, Health][]> = {
    closed: [],
    absent: [['absent', 'absent']],
    probe: [['probe', 'starting']],
    identify: [['probe', 'starting'], ['identify', 'ok']],
    enable: [['probe', 'starting'], ['identify', 'ok'], ['enable', 'ok']],
    'sim-wait': [['probe', 'starting'], ['identify', 'ok'], ['enable', 'ok'], ['sim-wait', 'no-sim']],
    'sim-ready': [['probe', 'starting'], ['identify', 'ok'], ['enable', 'ok'], ['sim-ready', 'ok']],
    registered: [['probe', 'starting'], ['identify', 'ok'], ['enable', 'ok'], ['sim-ready', 'ok'], ['registered', 'ok']],
    resetting: [['resetting', 'resetting']],
    disabled: [['disabled', 'disabled']],
  };
  const m = new LineLifecycle('closed', 'starting');
  for (const [p, h] of paths[phase]) m.enter(p, h);
  assert.equal(m.phase, phase);
  return m;
}

test('every edge of the table: legal ones move the machine, every other one throws IllegalLineTransition', () => {
  let legal = 0;
  let illegal = 0;
  for (const from of LINE_PHASES) {
    for (const to of LINE_PHASES) {
      const expected = LEGAL[from].includes(to);
      assert.equal(canEnter(from, to), expected, `${from} → ${to}`);
      const m = at(from);
      if (expected) {
        m.enter(to, healthsOf(to)[0]);
        assert.equal(m.phase, to);
        legal++;
      } else {
        assert.throws(() => m.enter(to, healthsOf(to)[0]), (e: unknown) => e instanceof IllegalLineTransition && e.from === from && e.to === to, `${from} → ${to}`);
        assert.equal(m.phase, from, 'a refused edge leaves the machine where it was');
        illegal++;
      }
    }
  }
  assert.equal(legal + illegal, LINE_PHASES.length ** 2);
  assert.equal(legal, Object.values(LEGAL).flat().length);
});

test('each phase shows only its own health values; switching is never a phase of its own', () => {
  const own: Record<LinePhase, Health[]> = {
    closed: HEALTH_VALUES.filter((h) => h !== 'switching'),
    absent: ['absent'],
    probe: ['starting', 'unresponsive'],
    identify: ['ok'],
    enable: ['ok'],
    'sim-wait': ['no-sim', 'sim-locked'],
    'sim-ready': ['ok', 'searching', 'denied'],
    registered: ['ok'],
    resetting: ['resetting'],
    disabled: ['disabled'],
  };
  for (const phase of LINE_PHASES) {
    assert.deepEqual([...healthsOf(phase)].sort(), [...own[phase]].sort(), phase);
    assert.ok(!healthsOf(phase).includes('switching'), phase);
  }
  // Entering a phase with a health it does not allow is refused like an illegal edge.
  const m = at('registered');
  assert.throws(() => m.enter('sim-ready', 'no-sim'), (e: unknown) => e instanceof IllegalLineTransition && e.health === 'no-sim');
  assert.equal(m.phase, 'registered');
  assert.throws(() => new LineLifecycle('probe', 'ok'), IllegalLineTransition);
});

test('without a health the current one is kept when allowed, else the only one the phase allows', () => {
  const m = at('registered');
  m.enter('sim-ready');
  assert.equal(m.health, 'ok');
  m.enter('closed');
  assert.equal(m.health, 'ok', 'closed keeps what the line showed');
  m.enter('resetting');
  assert.equal(m.health, 'resetting');
  const w = at('sim-wait');
  assert.throws(() => w.enter('sim-wait', 'ok'), IllegalLineTransition);
  w.enter('sim-wait', 'sim-locked');
  assert.equal(w.health, 'sim-locked');
  const ready = at('sim-wait');
  ready.enter('enable');
  assert.equal(ready.health, 'ok', 'the card became ready: enable shows its only health');
  const reopened = at('registered');
  reopened.enter('closed');
  assert.throws(() => reopened.enter('probe'), IllegalLineTransition, 'ok is not a probe health and probe has two: one must be given');
});

test("the API's lifecycle field derives from the phase", () => {
  for (const phase of LINE_PHASES) {
    assert.equal(lifecycleOf(phase), LIFECYCLE[phase], phase);
    assert.equal(at(phase).lifecycle, LIFECYCLE[phase], phase);
  }
  assert.deepEqual(
    LINE_PHASES.filter((p) => isConnected(p)),
    ['probe', 'identify', 'enable', 'sim-wait', 'sim-ready', 'registered'],
  );
});
