import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JitterBuffer, jitterBufferTransition } from '../../../src/media/rtp/jitter-buffer.js';
import { prng } from '../../helpers/prng.js';

/** Frame i carries the constant value i + 1, so played audio can be traced back to its frame. */
function frame(i: number, n = 160): Int16Array {
  return new Int16Array(n).fill((i % 30000) + 1);
}

/** The frame index a played frame came from, or null for concealment/silence (not one constant id). */
function idOf(f: Int16Array): number | null {
  const v = f[0]!;
  return v > 0 && f.every((x) => x === v) ? v - 1 : null;
}

interface Arrival { at: number; seq: number; ts: number; i: number }

function simulate(o: { frames: number; lossRate: number; jitterMs: number; seed: number; capMs?: number; baseDelayMs?: number; tsOrigin?: number; seqOrigin?: number; tailMs?: number; senderFrameMs?: number; popJitterMs?: number }) {
  const rnd = prng(o.seed);
  const arrivals: Arrival[] = [];
  let lost = 0;
  for (let i = 0; i < o.frames; i++) {
    if (rnd() < o.lossRate) {
      lost++;
      continue;
    }
    arrivals.push({ at: i * (o.senderFrameMs ?? 20) + (o.baseDelayMs ?? 10) + rnd() * o.jitterMs, seq: ((o.seqOrigin ?? 0) + i) & 0xffff, ts: ((o.tsOrigin ?? 0) + i * 160) >>> 0, i });
  }
  arrivals.sort((a, b) => a.at - b.at);
  const reordered = arrivals.filter((a, k) => k > 0 && a.i < arrivals[k - 1]!.i).length;
  const jb = new JitterBuffer({ capMs: o.capMs ?? 120 });
  const played: { popAt: number; id: number | null }[] = [];
  let maxDepth = 0;
  let next = 0;
  const end = o.frames * (o.senderFrameMs ?? 20) + (o.tailMs ?? 400);
  for (let tick = 7; tick < end; tick += 20) {
    // The clock's own lateness: a timer runs a little after its deadline.
    const popAt = tick + (o.popJitterMs ? rnd() * o.popJitterMs : 0);
    while (next < arrivals.length && arrivals[next]!.at <= popAt) {
      const a = arrivals[next++]!;
      jb.push(a.seq, a.ts, frame(a.i), a.at);
      maxDepth = Math.max(maxDepth, jb.depthMs);
    }
    const f = jb.pop(popAt);
    assert.equal(f.length, 160, 'one 20 ms frame per tick, always');
    maxDepth = Math.max(maxDepth, jb.depthMs);
    played.push({ popAt, id: idOf(f) });
  }
  return { jb, played, lost, reordered, maxDepth, arrivals };
}

test('5 % loss, reordering and 40 ms jitter: depth stays under the cap, output continuous, losses concealed, delay bounded', () => {
  const r = simulate({ frames: 3000, lossRate: 0.05, jitterMs: 40, seed: 20260, tsOrigin: 0xffff0000, seqOrigin: 65000 });
  assert.ok(r.reordered > 100, `the network reordered packets (${r.reordered})`);
  assert.ok(r.maxDepth <= 120, `depth ${r.maxDepth} ms within the 120 ms cap`);
  const s = r.jb.stats;
  assert.ok(s.concealedFrames >= r.lost, `concealed ${s.concealedFrames} ≥ lost ${r.lost}`);
  const ids = r.played.filter((p) => p.id !== null) as { popAt: number; id: number }[];
  // Played audio never goes back in time, and each frame plays at most once.
  for (let k = 1; k < ids.length; k++) assert.ok(ids[k]!.id > ids[k - 1]!.id, `frame ${ids[k]!.id} after ${ids[k - 1]!.id}`);
  // Each played frame's delay from its arrival stays within the cap.
  const arrivalOf = new Map(r.arrivals.map((a) => [a.i, a.at]));
  for (const p of ids) assert.ok(p.popAt - arrivalOf.get(p.id)! <= 120, `frame ${p.id} waited ${p.popAt - arrivalOf.get(p.id)!} ms`);
  // The buffer adapted: nearly all the audio that arrived was played (late drops are rare).
  assert.ok(ids.length >= 0.97 * r.arrivals.length, `played ${ids.length} of ${r.arrivals.length} arrived frames`);
  assert.ok(r.jb.targetMs >= 30 && r.jb.targetMs <= 100, `target ${r.jb.targetMs} ms tracks the 40 ms jitter`);
});

test('a clean stream plays every frame at the first tick after it arrives (no more than the one-frame minimum)', () => {
  const r = simulate({ frames: 500, lossRate: 0, jitterMs: 0, seed: 1, tailMs: 20 });
  const ids = r.played.filter((p) => p.id !== null) as { popAt: number; id: number }[];
  assert.equal(ids.length, 500);
  for (const p of ids) {
    const wait = p.popAt - (p.id * 20 + 10);
    assert.ok(wait >= 0 && wait < 20, `frame ${p.id} waited ${wait} ms`);
  }
  assert.equal(r.jb.stats.concealedFrames, 0);
  assert.equal(r.jb.stats.heldFrames, 0);
  assert.equal(r.jb.stats.droppedLate, 0);
});

test('a clean stream arriving right at the tick, with a clock that runs up to 4 ms late, loses no frame', () => {
  for (const seed of [1, 2, 3, 4, 5]) {
    const r = simulate({ frames: 3000, lossRate: 0, jitterMs: 2, baseDelayMs: 6, seed, tailMs: 60, popJitterMs: 4 });
    const ids = r.played.filter((p) => p.id !== null).map((p) => p.id!);
    assert.equal(r.jb.stats.skippedFrames, 0, `seed ${seed}: no frame skipped`);
    assert.equal(new Set(ids).size, 3000, `seed ${seed}: every frame played (${new Set(ids).size})`);
    const arrivalOf = new Map(r.arrivals.map((a) => [a.i, a.at]));
    const waits = r.played.filter((p) => p.id !== null).map((p) => p.popAt - arrivalOf.get(p.id!)!);
    assert.ok(Math.max(...waits) <= 46, `seed ${seed}: at most two ticks' wait and the clock's lateness (${Math.max(...waits).toFixed(1)} ms)`);
  }
});

test('a delay that went up with one late packet comes back down once the spike has left the window, though it is less than a frame and a half', () => {
  // A clean stream arriving 4 ms before each tick; packet 100 comes 35 ms late. Playout holds a tick
  // for it, so every later frame waits a frame longer: 24 ms instead of 4. Once the late transit has
  // left the 2 s window, a sustained excess of more than a frame brings the delay back.
  const jb = new JitterBuffer();
  const arrivalOf = (i: number) => i * 20 + 3 + (i === 100 ? 35 : 0);
  const order = Array.from({ length: 500 }, (_, i) => i).sort((a, b) => arrivalOf(a) - arrivalOf(b));
  const waits = new Map<number, number>();
  let next = 0;
  for (let tick = 7; tick < 500 * 20; tick += 20) {
    while (next < order.length && arrivalOf(order[next]!) <= tick) {
      const i = order[next++]!;
      jb.push(i, i * 160, frame(i), arrivalOf(i));
    }
    const id = idOf(jb.pop(tick));
    if (id !== null) waits.set(id, tick - arrivalOf(id));
  }
  assert.equal(waits.get(50), 4, 'before the spike: the first tick after arrival');
  assert.equal(waits.get(150), 24, 'after it, a frame more while the late transit is in the window');
  for (let i = 300; i < 500; i++) if (waits.has(i)) assert.equal(waits.get(i), 4, `frame ${i} back at the first tick after its arrival`);
  assert.equal(jb.stats.skippedFrames, 1);
});

test('such a skip waits for a quiet frame: speech is not cut, a pause is shortened', () => {
  // As above, but the stream is loud (speech) except every tenth frame.
  const jb = new JitterBuffer();
  const loud = (i: number) => i % 10 !== 0;
  const arrivalOf = (i: number) => i * 20 + 3 + (i === 100 ? 35 : 0);
  const order = Array.from({ length: 500 }, (_, i) => i).sort((a, b) => arrivalOf(a) - arrivalOf(b));
  const played = new Set<number>();
  let next = 0;
  for (let tick = 7; tick < 500 * 20; tick += 20) {
    while (next < order.length && arrivalOf(order[next]!) <= tick) {
      const i = order[next++]!;
      jb.push(i, i * 160, loud(i) ? new Int16Array(160).fill(20000 + i) : frame(i), arrivalOf(i));
    }
    const f = jb.pop(tick);
    const v = f[0]!;
    if (f.every((x) => x === v)) played.add(v >= 20000 ? v - 20000 : v - 1);
  }
  const skipped = Array.from({ length: 440 }, (_, i) => i + 50).filter((i) => i !== 100 && !played.has(i));
  assert.equal(jb.stats.skippedFrames, 1);
  assert.deepEqual(skipped.map((i) => loud(i)), [false], `the skipped frame (${skipped}) was a quiet one`);
});

test('concealment repeats the last frame with decreasing gain, then silence; only the faded frames are counted', () => {
  const jb = new JitterBuffer();
  jb.push(1, 0, frame(999), 0);
  assert.equal(idOf(jb.pop(1)), 999);
  const level = 1000;
  const outs = [jb.pop(21), jb.pop(41), jb.pop(61), jb.pop(81), jb.pop(101)];
  const peak = outs.map((f) => Math.max(...Array.from(f, Math.abs)));
  assert.equal(outs[0]![0], level, 'the first 10 ms repeat at full level');
  assert.ok(peak[0]! === level && peak[1]! < level && peak[2]! < peak[1]! && peak[2]! > 0, `fading ${peak}`);
  assert.deepEqual(peak.slice(3), [0, 0]);
  assert.equal(jb.stats.concealedFrames, 3);
});

test('duplicates and too-late packets are dropped and counted', () => {
  const jb = new JitterBuffer();
  jb.push(1, 0, frame(0), 0);
  jb.push(2, 160, frame(1), 20);
  jb.push(2, 160, frame(1), 21);
  assert.equal(jb.stats.droppedDuplicate, 1);
  jb.pop(25);
  jb.pop(45);
  jb.push(1, 0, frame(0), 50);
  assert.equal(jb.stats.droppedLate, 1);
});

test('a burst after a stall cannot push the buffer past its cap; the oldest audio goes', () => {
  const jb = new JitterBuffer({ capMs: 60 });
  jb.push(0, 0, frame(0), 0);
  jb.pop(5);
  // 300 ms of packets arrive at once.
  for (let i = 1; i <= 15; i++) {
    jb.push(i, i * 160, frame(i), 300);
    assert.ok(jb.depthMs <= 60, `depth ${jb.depthMs}`);
  }
  assert.ok(jb.stats.droppedOverCap >= 11);
  const f = jb.pop(305);
  assert.equal(idOf(f), 13, 'plays the newest 60 ms');
});

test('a timestamp jump (new timeline) resyncs; reset() starts over for a new SSRC', () => {
  const jb = new JitterBuffer();
  for (let i = 0; i < 5; i++) jb.push(i, i * 160, frame(i), i * 20);
  for (let t = 5; t < 100; t += 20) jb.pop(t);
  jb.push(100, 5_000_000, frame(42), 100);
  assert.equal(jb.stats.resyncs, 1);
  assert.equal(idOf(jb.pop(105)), 42);
  jb.reset();
  assert.equal(jb.currentState, 'idle');
  assert.equal(idOf(jb.pop(125)), null);
  jb.push(7, 123, frame(7), 130);
  assert.equal(idOf(jb.pop(145)), 7);
});

test('a sender that pauses with its timestamps running on (re-INVITE, hold): the buffer resyncs after three late packets instead of dropping the stream for seconds', () => {
  for (const pauseMs of [200, 400, 900]) {
    const jb = new JitterBuffer();
    // 300 frames sent every 20 ms; from frame 75 on they arrive pauseMs later, timestamps unchanged.
    const arrivals = Array.from({ length: 300 }, (_, i) => ({ i, at: i * 20 + 5 + (i >= 75 ? pauseMs : 0) }));
    let n = 0;
    const playedAfter: number[] = [];
    for (let t = 7; t < 300 * 20 + pauseMs + 200; t += 20) {
      while (n < arrivals.length && arrivals[n]!.at <= t) {
        const a = arrivals[n++]!;
        jb.push(a.i, a.i * 160, frame(a.i), a.at);
      }
      const id = idOf(jb.pop(t));
      if (id !== null && id >= 75) playedAfter.push(id);
    }
    assert.equal(jb.stats.resyncs, 1, `pause ${pauseMs} ms: one resync`);
    assert.ok(playedAfter.length >= 225 - 3, `pause ${pauseMs} ms: ${playedAfter.length} of the 225 frames after it played`);
    for (let k = 1; k < playedAfter.length; k++) assert.ok(playedAfter[k]! > playedAfter[k - 1]!, 'never back in time');
  }
});

test('late stragglers (reordered packets older than the newest) are dropped, never a resync', () => {
  const jb = new JitterBuffer();
  for (let i = 0; i < 20; i++) {
    if (i < 5 || i > 10) jb.push(i, i * 160, frame(i), i * 20 + 5);
    jb.pop(i * 20 + 7);
  }
  for (let i = 5; i <= 10; i++) jb.push(i, i * 160, frame(i), 400);
  assert.equal(jb.stats.droppedLate, 6);
  assert.equal(jb.stats.resyncs, 0);
});

test('30 ms packets are split across 20 ms frames', () => {
  const jb = new JitterBuffer();
  const p0 = new Int16Array(240).fill(5);
  const p1 = new Int16Array(240).fill(6);
  jb.push(0, 0, p0, 0);
  jb.push(1, 240, p1, 1);
  const a = jb.pop(2);
  const b = jb.pop(22);
  const c = jb.pop(42);
  assert.deepEqual([a.every((x) => x === 5), b.subarray(0, 80).every((x) => x === 5), b.subarray(80).every((x) => x === 6), c.every((x) => x === 6)], [true, true, true, true]);
});

test('state machine edges', () => {
  assert.equal(jitterBufferTransition('idle', 'playing'), 'playing');
});

test('jitter far beyond the cap (400 ms) still never buffers more than the cap, and output stays one frame per tick', () => {
  const r = simulate({ frames: 2000, lossRate: 0.02, jitterMs: 400, seed: 77 });
  assert.ok(r.maxDepth <= 120, `depth ${r.maxDepth}`);
  assert.ok(r.jb.targetMs <= 100);
  const arrivalOf = new Map(r.arrivals.map((a) => [a.i, a.at]));
  for (const p of r.played) if (p.id !== null) assert.ok(p.popAt - arrivalOf.get(p.id)! <= 120);
});

for (const [name, senderFrameMs] of [['fast', 19.9], ['slow', 20.1]] as const) {
  test(`a ${name} sender clock (0.5 % skew) over 10 minutes: delay does not creep, it is trimmed or grown a frame at a time`, () => {
    const r = simulate({ frames: 30_000, lossRate: 0, jitterMs: 10, seed: 5, senderFrameMs, tailMs: 0 });
    const arrivalOf = new Map(r.arrivals.map((a) => [a.i, a.at]));
    const waits = r.played.filter((p) => p.id !== null).map((p) => p.popAt - arrivalOf.get(p.id!)!);
    const lastMinute = waits.slice(-3000);
    assert.ok(Math.max(...lastMinute) <= 60, `wait in the last minute up to ${Math.max(...lastMinute)} ms`);
    assert.ok(r.maxDepth <= 120);
    if (name === 'fast') assert.ok(r.jb.stats.skippedFrames >= 100 && r.jb.stats.droppedOverCap === 0, `skipped ${r.jb.stats.skippedFrames}`);
    else assert.ok(r.jb.stats.heldFrames >= 100 && r.jb.stats.droppedLate === 0, `held ${r.jb.stats.heldFrames}, late ${r.jb.stats.droppedLate}`);
  });
}

for (const [ptime, phase] of [30, 40, 60].flatMap((p) => [1, 7, 13, 19].map((ph) => [p, ph] as const))) {
  test(`${ptime} ms packets on a clean network (ticks ${phase} ms into the period): frames straddling two packets play whole, no concealment, delay within a packet`, () => {
    const jb = new JitterBuffer();
    const n = ptime * 8;
    const packets = 300;
    let next = 0;
    const out: Int16Array[] = [];
    for (let popAt = phase; popAt < packets * ptime; popAt += 20) {
      while (next < packets && next * ptime + 10 <= popAt) {
        // Sample k of the stream carries the value (k mod 30000) + 1: output can be checked sample by sample.
        jb.push(next, next * n, Int16Array.from({ length: n }, (_, j) => ((next * n + j) % 30000) + 1), next * ptime + 10);
        next++;
      }
      const held = jb.stats.heldFrames;
      const f = jb.pop(popAt);
      // A held tick (waiting for a frame's tail at the start) outputs concealment: not part of the stream.
      if (jb.stats.heldFrames === held) out.push(f);
    }
    assert.equal(jb.stats.concealedFrames, jb.stats.heldFrames, 'no concealment but the holds');
    const all = Int16Array.from(out.flatMap((f) => Array.from(f)));
    const start = all.findIndex((v) => v === 1);
    const played = all.subarray(start, start + (packets - 2) * n);
    played.forEach((v, k) => assert.equal(v, (k % 30000) + 1, `sample ${k}`));
    assert.ok(jb.stats.heldFrames <= 3, `held ${jb.stats.heldFrames}`);
    assert.ok(start / 8 <= ptime + 20, `playout began ${start / 8} ms after the first pop`);
  });
}

test('recycled packet arrays come back through buffer() once played or dropped, never while still held; pop fills the caller frame', () => {
  const jb = new JitterBuffer();
  const out = new Int16Array(160);
  const pushed: Int16Array[] = [];
  const pushFrame = (i: number, at: number) => {
    const pcm = jb.buffer(160);
    pcm.fill(i + 1);
    pushed.push(pcm);
    jb.push(i, i * 160, pcm, at, true);
  };
  // Ten seconds of a clean stream: arrays go round, the samples played are each packet's own.
  for (let i = 0; i < 500; i++) {
    pushFrame(i, i * 20 + 5);
    assert.equal(jb.pop(i * 20 + 7, out), out);
    if (i > 0) assert.equal(idOf(out), i, `frame ${i}`);
  }
  assert.ok(new Set(pushed).size <= 3, `arrays in use: ${new Set(pushed).size}`);
  // A packet already played (too late) gives its array back at once; so does a duplicate.
  const late = jb.buffer(160);
  jb.push(498, 498 * 160, late.fill(7), 500 * 20, true);
  assert.equal(jb.stats.droppedLate, 1);
  assert.equal(jb.buffer(160), late);
  jb.push(700, 700 * 160, jb.buffer(160).fill(8), 500 * 20, true);
  const dup = jb.buffer(160);
  jb.push(700, 700 * 160, dup.fill(8), 500 * 20, true);
  assert.equal(jb.stats.droppedDuplicate, 1);
  assert.equal(jb.buffer(160), dup);
  jb.reset();
  // Held audio is never handed out: a burst of 4 packets ahead of playout keeps 4 arrays busy.
  const held = [500, 501, 502, 503].map((i) => {
    const pcm = jb.buffer(160).fill(i + 1);
    jb.push(i, i * 160, pcm, 500 * 20 + 5, true);
    return pcm;
  });
  const fresh = jb.buffer(160);
  assert.ok(!held.includes(fresh));
  for (let k = 0; k < 4; k++) {
    jb.pop(500 * 20 + 7 + k * 20, out);
    assert.equal(idOf(out), 500 + k);
  }
  // Arrays pushed without `recycle` stay the caller's: never handed out again.
  const mine = frame(600);
  jb.push(504, 504 * 160, mine, 504 * 20 + 5);
  jb.pop(504 * 20 + 7, out);
  for (let k = 0; k < 20; k++) assert.notEqual(jb.buffer(160), mine);
  // reset() gives held recycled arrays back too; an idle pop writes silence into the caller's frame.
  jb.reset();
  out.fill(9);
  jb.pop(0, out);
  assert.ok(out.every((v) => v === 0));
});
