import { test } from 'node:test';
import assert from 'node:assert/strict';
import { normalisePtime, Packetizer } from '../../../src/media/rtp/packetizer.js';

const frame = (v: number) => new Int16Array(160).fill(v);

test('20 ms: one packet per frame, the frame itself (no copy); 10 ms: two per frame', () => {
  assert.deepEqual(new Packetizer(20).push(frame(1)).map((p) => p.length), [160]);
  const f = frame(2);
  assert.equal(new Packetizer(20).push(f)[0], f);
  const ten = new Packetizer(10).push(frame(1));
  assert.deepEqual(ten.map((p) => p.length), [80, 80]);
});

test('30 ms packs three frames into two packets, 60 ms one packet per three frames, samples in order', () => {
  const p = new Packetizer(30);
  const got = [frame(1), frame(2), frame(3), frame(4)].flatMap((f) => p.push(f));
  assert.deepEqual(got.map((x) => x.length), [240, 240]);
  assert.deepEqual([got[0]![0], got[0]![159], got[0]![160], got[1]![0], got[1]![79], got[1]![80]], [1, 1, 2, 2, 2, 3]);
  assert.equal(p.pendingSamples, 160);
  const s = new Packetizer(60);
  assert.deepEqual([s.push(frame(1)).length, s.push(frame(2)).length, s.push(frame(3)).map((x) => x.length)], [0, 0, [480]]);
});

test('ptime change mid-stream and bad ptimes', () => {
  const p = new Packetizer(40);
  p.push(frame(1));
  p.setPtime(20);
  assert.deepEqual(p.push(frame(2)).map((x) => x.length), [160, 160]);
  const q = new Packetizer(60);
  q.push(frame(1));
  q.push(frame(2));
  q.setPtime(10);
  const after = q.push(frame(3));
  assert.deepEqual(after.map((x) => x.length), [80, 80, 80, 80, 80, 80]);
  assert.deepEqual(after.map((x) => x[0]), [1, 1, 2, 2, 3, 3]);
  assert.equal(normalisePtime(25), 20);
  assert.equal(normalisePtime(120), 20);
  assert.equal(normalisePtime(50), 50);
  assert.equal(p.discard(), 0);
});
