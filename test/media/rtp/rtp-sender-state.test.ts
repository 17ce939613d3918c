import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RtpSenderState } from '../../../src/media/rtp/rtp-sender-state.js';
import { prng } from '../../helpers/prng.js';

const seeded = (seed: number) => {
  const r = prng(seed);
  return () => Math.floor(r() * 0x100000000);
};

test('SSRC, first sequence and first timestamp are random: two states differ', () => {
  const a = new RtpSenderState();
  const b = new RtpSenderState();
  assert.notDeepEqual([a.ssrc, a.peekTimestamp()], [b.ssrc, b.peekTimestamp()]);
});

test('sequence grows by one per packet and wraps at 16 bits; timestamp grows by samples and wraps at 32 bits', () => {
  const values = [0xcafebabe, 0xfffe, 0xffffff00];
  const s = new RtpSenderState(() => values.shift()!);
  assert.equal(s.ssrc, 0xcafebabe);
  const h = [s.nextMedia(160, 160), s.nextMedia(160, 160), s.nextMedia(240, 240), s.nextMedia(80, 80)];
  assert.deepEqual(h.map((x) => x.sequence), [0xfffe, 0xffff, 0, 1]);
  assert.deepEqual(h.map((x) => x.timestamp), [0xffffff00, 0xffffffa0 >>> 0, (0xffffff00 + 320) >>> 0, (0xffffff00 + 560) >>> 0]);
  assert.deepEqual(h.map((x) => x.marker), [true, false, false, false], 'marker on the first packet of the stream only');
  assert.equal(s.packetCount, 4);
  assert.equal(s.octetCount, 640);
});

test('a gap (skip) advances the timestamp and marks the next packet as a talkspurt start', () => {
  const s = new RtpSenderState(seeded(1));
  const a = s.nextMedia(160, 160);
  s.skip(800);
  const b = s.nextMedia(160, 160);
  assert.equal(b.timestamp, (a.timestamp + 160 + 800) >>> 0);
  assert.equal(b.sequence, (a.sequence + 1) & 0xffff);
  assert.equal(b.marker, true);
  assert.equal(s.nextMedia(160, 160).marker, false);
});

test('event packets take sequence numbers without moving the media timestamp', () => {
  const s = new RtpSenderState(seeded(2));
  s.nextMedia(160, 160);
  const ts = s.peekTimestamp();
  const seq = s.nextSequence(4);
  const next = s.nextMedia(160, 160);
  assert.equal(next.sequence, (seq + 1) & 0xffff);
  assert.equal(next.timestamp, ts);
});
