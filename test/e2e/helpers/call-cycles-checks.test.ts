/**
 * The call-cycle checks fail on what they are there to catch: a run whose calls carried no audio, a
 * writer clock that drifts, under/overruns that grow, descriptors that leak.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { lagOf, type CallRecord, type CycleResult } from '../../../bench/helpers/call-cycles.js';
import { cycleChecks } from '../../../bench/helpers/call-cycles-checks.js';

const MB = 2 ** 20;

function call(k: number, over: Partial<CallRecord> = {}): CallRecord {
  return { k, line: (k % 4) + 1, setupMs: 150, retries: 0, sentFrames: 20, toneHeard: 21, echoFrames: 21, heard: 29, lagFrames: 0.1, discarded: 1, portFramesIn: 29, pcmAfterAnswerMs: 60, daemon: { framesOut: 30, framesIn: 29, underruns: 1, overruns: 0, recoveries: 0, skippedTicks: 0 }, ...over };
}

function run(calls: CallRecord[], over: Partial<CycleResult> = {}): CycleResult {
  return {
    options: { calls: calls.length, lines: 4, audioMs: 400, tailMs: 200 },
    calls,
    endedInOrder: calls.map((c) => c.daemon!),
    fd: { start: 41, afterFirstCalls: 40, half: 40, end: 40, maxDuring: 52 },
    rss: { start: 90 * MB, half: 100 * MB, end: 100 * MB, hwm: 104 * MB },
    elapsedMs: 10_000,
    ...over,
  };
}

const failed = (r: CycleResult) => cycleChecks(r).filter((c) => !c.ok).map((c) => c.name);
const clean = Array.from({ length: 200 }, (_, k) => call(k));

test('a clean run passes every check', () => {
  assert.deepEqual(failed(run(clean)), []);
});

test('a call with no echo back, or whose tone never reached the outside party, fails the audio check', () => {
  assert.match(failed(run(clean.map((c) => (c.k === 7 ? { ...c, echoFrames: 0 } : c)))).join(), /carried audio/);
  assert.match(failed(run(clean.map((c) => (c.k === 7 ? { ...c, toneHeard: 3 } : c)))).join(), /carried audio/);
  assert.match(failed(run(clean.map((c) => ({ ...c, echoFrames: 15 })))).join(), /carried audio/, 'a quarter of the echo missing in every call');
});

test('frames behind or ahead of the clock by more than 2, none at all, or a daemon count far from them, fail the drift checks', () => {
  assert.match(failed(run(clean.map((c) => (c.k === 9 ? { ...c, lagFrames: 2.6 } : c)))).join(), /no frame drift/);
  assert.match(failed(run(clean.map((c) => (c.k === 9 ? { ...c, lagFrames: -2.6 } : c)))).join(), /no frame drift/);
  assert.match(failed(run(clean.map((c) => (c.k === 9 ? { ...c, heard: 0 } : c)))).join(), /no frame drift/);
  assert.match(failed(run(clean.map((c) => (c.k === 9 ? { ...c, daemon: { ...c.daemon!, framesOut: 40 } } : c)))).join(), /frames written/);
  assert.match(failed(run(clean.map((c) => (c.k === 9 ? { ...c, discarded: 6 } : c)))).join(), /frames written/);
  assert.match(failed(run(clean.map((c) => (c.k === 9 ? { ...c, portFramesIn: 25 } : c)))).join(), /frames written/, 'the port passed fewer than the daemon wrote');
});

test("the daemon's count is held against the port's: the outside party's count does not enter it", () => {
  assert.doesNotMatch(failed(run(clean.map((c) => (c.k === 9 ? { ...c, heard: 26 } : c)))).join(), /frames written/);
});

test('frames missing in a call where the daemon counted as many skipped ticks (a stall) are not drift; more missing are', () => {
  const stall = (missing: number) => clean.map((c) => (c.k === 9 ? { ...c, heard: 29 - missing, portFramesIn: 29 - missing, lagFrames: missing, daemon: { ...c.daemon!, framesOut: 30 - missing, skippedTicks: 10 } } : c));
  assert.deepEqual(failed(run(stall(12))), []);
  assert.match(failed(run(stall(13))).join(), /no frame drift/);
});

test('under/overruns that grow over the run fail; those of calls with a stall are left out of the comparison', () => {
  const growing = clean.map((c) => ({ ...c, daemon: { ...c.daemon!, overruns: Math.floor(c.k / 20) } }));
  assert.match(failed(run(growing)).join(), /do not grow/);
  const stalledAtEnd = clean.map((c) => (c.k > 180 ? { ...c, daemon: { ...c.daemon!, overruns: 10, skippedTicks: 8 } } : c));
  assert.doesNotMatch(failed(run(stalledAtEnd)).join(), /do not grow/);
});

test('descriptors above their level after the first calls fail', () => {
  assert.match(failed(run(clean, { fd: { start: 41, afterFirstCalls: 40, half: 45, end: 50, maxDuring: 60 } })).join(), /file descriptors/);
});

test('lag over a call: frames held up on the way do not count; a slow clock and missing frames do', () => {
  const offsets = (arrivals: number[]) => arrivals.map((t, i) => t - 20 * i);
  const onTime = Array.from({ length: 30 }, (_, i) => 1000 + 20 * i + (i % 3));
  assert.ok(Math.abs(lagOf(offsets(onTime))) < 0.2);
  // The last 6 frames held up 150 ms and then delivered at once (the measuring process busy).
  const heldUp = onTime.map((t, i) => (i >= 24 ? Math.max(t, onTime[29]! + 150) : t));
  assert.ok(Math.abs(lagOf(offsets(heldUp))) < 0.2);
  // A writer clock 15 % slow: 30 frames over 870 ms; measured from the first quarter to the last.
  assert.ok(lagOf(offsets(Array.from({ length: 30 }, (_, i) => 1000 + 23 * i))) > 3);
  // 5 frames never written half-way.
  assert.equal(Math.round(lagOf(offsets(onTime.map((t, i) => (i >= 15 ? t + 100 : t))))), 5);
});
