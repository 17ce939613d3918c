/** "No network for N minutes" (docs/decisions/0017-unusable-slots.md). */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NoNetworkWatch, type WatchedLine } from '../../src/line/no-network-watch.js';
import type { Lifecycle, SlotId } from '../../src/line/types.js';

function setUp(t: import('node:test').TestContext, slots: readonly SlotId[] = ['A', 'B']) {
  t.mock.timers.enable({ apis: ['setTimeout', 'Date'] });
  const st: { lifecycle: Lifecycle; slot: SlotId | null } = { lifecycle: 'probe', slot: 'A' };
  const line: WatchedLine = { id: 1, status: () => st, availableSlots: () => slots };
  const reports: string[] = [];
  const watch = new NoNetworkWatch({
    afterMs: () => 5 * 60_000,
    now: () => Date.now(),
    noNetwork: (id, slot, ms) => reports.push(`${id}/${slot} no network ${ms / 60_000} min`),
    registered: (id, slot) => reports.push(`${id}/${slot} registered`),
  });
  const go = (lifecycle: Lifecycle, slot: SlotId | null = st.slot) => {
    st.lifecycle = lifecycle;
    st.slot = slot;
    watch.check(line);
  };
  t.after(() => watch.stop());
  return { go, reports, tick: (ms: number) => t.mock.timers.tick(ms) };
}

test('a ready card that does not register for N minutes is reported once; registering in time is not', (t) => {
  const { go, reports, tick } = setUp(t);
  go('sim-ready');
  tick(4 * 60_000);
  go('registered');
  tick(10 * 60_000);
  assert.deepEqual(reports, ['1/A registered']);
  go('sim-ready');
  tick(5 * 60_000);
  assert.deepEqual(reports, ['1/A registered', '1/A no network 5 min']);
  tick(10 * 60_000);
  assert.equal(reports.length, 2);
});

test('time while the modem reconnects counts, the report waits for sim-ready; another slot starts again', (t) => {
  const { go, reports, tick } = setUp(t);
  go('sim-ready');
  tick(2 * 60_000);
  go('probe');
  tick(4 * 60_000);
  assert.deepEqual(reports, []);
  go('sim-ready');
  assert.deepEqual(reports, ['1/A no network 6 min']);
  go('sim-ready', 'B');
  tick(4 * 60_000);
  go('sim-ready', 'A');
  tick(4 * 60_000);
  assert.equal(reports.length, 1);
});

test('a line with one slot is not watched', (t) => {
  const { go, reports, tick } = setUp(t, ['A']);
  go('sim-ready');
  tick(60 * 60_000);
  go('sim-ready');
  assert.deepEqual(reports, []);
});
