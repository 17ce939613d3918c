import { test } from 'node:test';
import assert from 'node:assert/strict';
import { barsOf, SignalHistory, SignalRing } from '../../src/line/signal-history.js';

test('bars from +CSQ rssi (TS 27.007 §8.5): 99 and out-of-range are unknown', () => {
  assert.deepEqual([0, 1, 2, 9, 10, 14, 15, 19, 20, 31].map(barsOf), [0, 0, 1, 1, 2, 2, 3, 3, 4, 4]);
  assert.equal(barsOf(99), null);
  assert.equal(barsOf(-1), null);
  assert.equal(barsOf(32), null);
  assert.equal(barsOf(1.5), null);
});

test('the ring keeps the newest `capacity` samples, oldest first, unknowns as null', () => {
  const ring = new SignalRing(3);
  ring.push({ t: 1, dbm: -90, bars: 2, rat: '4G' });
  ring.push({ t: 2, dbm: null, bars: null, rat: 'N' });
  assert.deepEqual(ring.since(0), [
    { t: 1, dbm: -90, bars: 2, rat: '4G' },
    { t: 2, dbm: null, bars: null, rat: 'N' },
  ]);
  ring.push({ t: 3, dbm: -70, bars: 4, rat: '3G' });
  ring.push({ t: 4, dbm: -60, bars: 4, rat: '5G' });
  ring.push({ t: 5, dbm: -80, bars: 3, rat: '2G' });
  assert.equal(ring.length, 3);
  assert.deepEqual(ring.since(0).map((s) => s.t), [3, 4, 5]);
  assert.deepEqual(ring.since(4).map((s) => s.rat), ['5G', '2G']);
  assert.throws(() => new SignalRing(0), RangeError);
});

test('24 h of one sample a minute: 1440 per line, memory fixed however long it runs; hours selects the window', () => {
  let now = Date.parse('2026-01-01T00:00:00Z');
  const h = new SignalHistory({ now: () => now });
  const lines = [
    { id: 1, signal: 20, signalDbm: -73, reg: '4G' as const },
    { id: 2, signal: 99, signalDbm: null, reg: 'N' as const },
  ];
  for (let m = 0; m < 3 * 1440; m++) {
    lines[0]!.signal = m % 32;
    lines[0]!.signalDbm = -113 + 2 * (m % 32);
    h.sample(lines);
    now += 60_000;
  }
  now -= 60_000; // "now" is the last sample's time
  const day = h.samples(1, 24);
  assert.equal(day.length, 1440);
  assert.equal(day.at(-1)!.t, now / 1000);
  assert.equal(day[0]!.t, now / 1000 - 1439 * 60);
  const last = (3 * 1440 - 1) % 32;
  assert.deepEqual(day.at(-1), { t: now / 1000, dbm: -113 + 2 * last, bars: barsOf(last), rat: '4G' });
  assert.equal(h.samples(1, 1).length, 61, 'samples at or after now − 1 h');
  assert.deepEqual(h.samples(2, 1)[0], { t: now / 1000 - 3600, dbm: null, bars: null, rat: 'N' });
  assert.deepEqual(h.samples(9, 24), []);
});

test('one unref\'d timer samples every line; stop() ends it; a throwing source costs a sample, not the process', async () => {
  const h = new SignalHistory({ stepMs: 20 });
  let calls = 0;
  h.start(() => {
    calls++;
    if (calls === 1) throw new Error('status unavailable');
    return [{ id: 1, signal: 10, signalDbm: -93, reg: '4G' }];
  });
  h.start(() => assert.fail('a second start is ignored'));
  assert.equal(h.running, true);
  await new Promise((r) => setTimeout(r, 110));
  h.stop();
  assert.equal(h.running, false);
  const n = h.samples(1, 1).length;
  assert.ok(n >= 2, `sampled ${n} times`);
  await new Promise((r) => setTimeout(r, 60));
  assert.equal(h.samples(1, 1).length, n, 'no sample after stop');
});
