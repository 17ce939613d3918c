/**
 * The chart series the status pages build: signal history with gaps, per-SIM cumulative use over
 * the day from call records and the outbox, and the limit level (used today + remaining).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cumulativeOverDay, dayPoints, limitLevel, minuteEvents, smsEvents } from '../../web/src/charts/day-series.js';
import type { CallRecord } from '../../web/src/charts/records.js';
import { hourlyMeans, signalSeries, signalSummary } from '../../web/src/charts/signal-series.js';

const H = 3_600_000;
const DAY = Date.UTC(2026, 0, 1);

test('signal series: a gap longer than 1.5 steps breaks the line with a null', () => {
  const [xs, ys] = signalSeries(
    [
      { t: 1000, dbm: -80, bars: 3, rat: '4G' },
      { t: 1060, dbm: null, bars: null, rat: 'N' },
      { t: 1300, dbm: -90, bars: 2, rat: '4G' },
    ],
    60,
  );
  assert.deepEqual(xs, [1000, 1060, 1120, 1300]);
  assert.deepEqual(ys, [-80, null, null, -90]);
  assert.deepEqual(signalSeries([], 60), [[], []]);
});

test('signal summary and hourly means use known samples only', () => {
  const samples = [
    { t: 3600, dbm: -70, bars: 4, rat: '4G' },
    { t: 3660, dbm: -80, bars: 3, rat: '4G' },
    { t: 7200, dbm: null, bars: null, rat: 'N' },
    { t: 7260, dbm: -101, bars: 1, rat: '2G' },
  ];
  assert.deepEqual(signalSummary(samples), { count: 4, known: 3, min: -101, max: -70, mean: -84, last: -101 });
  assert.deepEqual(hourlyMeans(samples), [
    { t: 3600, dbm: -75 },
    { t: 7200, dbm: -101 },
  ]);
  assert.equal(signalSummary([{ t: 1, dbm: null, bars: null, rat: 'N' }]).mean, null);
});

test('day points: midnight, each full hour, and now', () => {
  assert.deepEqual(dayPoints(DAY, DAY + 2.5 * H), [DAY, DAY + H, DAY + 2 * H, DAY + 2.5 * H]);
  assert.deepEqual(dayPoints(DAY, DAY + 2 * H), [DAY, DAY + H, DAY + 2 * H]);
});

function call(p: Partial<CallRecord>): CallRecord {
  return {
    id: 'x', direction: 'out', origin: null, active: false, state: null, outcome: 'answered', line: 1, slot: 'A', iccid: null, number: '1',
    setupAt: null, alertingAt: null, answerAt: null, endAt: new Date(DAY + H / 2).toISOString(), durationSec: 60, billedSec: 120, cause: 'normal',
    ...p,
  };
}

test('minutes over the day: charged minutes of outgoing calls, cumulative from the hour the call ended', () => {
  const events = minuteEvents([
    call({}),
    call({ endAt: new Date(DAY + 1.5 * H).toISOString(), billedSec: 60 }),
    call({ slot: 'B', endAt: new Date(DAY + 2.2 * H).toISOString(), billedSec: 30 }),
    call({ direction: 'in', billedSec: 0 }),
    call({ active: true, endAt: null, billedSec: null }),
    call({ endAt: new Date(DAY - H).toISOString() }), // yesterday
  ]);
  assert.equal(events.length, 4);
  const day = cumulativeOverDay(events, DAY, DAY + 3 * H);
  assert.deepEqual(day.xs, [0, 1, 2, 3].map((h) => (DAY + h * H) / 1000));
  assert.deepEqual(day.bySim.get('1A'), [0, 2, 3, 3]);
  assert.deepEqual(day.bySim.get('1B'), [0, 0, 0, 0.5]);
  assert.equal(day.bySim.size, 2);
});

test('SMS over the day: sent and delivered messages, by parts', () => {
  const at = new Date(DAY + 10 * 60_000).toISOString();
  const events = smsEvents([
    { line: 2, slot: 'C', status: 'delivered', parts: 2, createdAt: at },
    { line: 2, slot: 'C', status: 'sent', parts: 1, createdAt: at },
    { line: 2, slot: 'C', status: 'failed', parts: 1, createdAt: at },
    { line: null, slot: null, status: 'queued', parts: 1, createdAt: at },
  ]);
  const day = cumulativeOverDay(events, DAY, DAY + H);
  assert.deepEqual(day.bySim.get('2C'), [0, 3]);
});

test('limit level: used today plus what remains; none without a limit', () => {
  assert.equal(limitLevel(12, 88), 100);
  assert.equal(limitLevel(12, 'NO LIMIT'), null);
  assert.equal(limitLevel(5, { remaining: 0, reason: 'time-untrusted' }), 5);
});
