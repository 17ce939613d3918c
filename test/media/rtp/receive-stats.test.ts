import { test } from 'node:test';
import assert from 'node:assert/strict';
import { MAX_DROPOUT, ReceiveStats } from '../../../src/media/rtp/receive-stats.js';

function feed(s: ReceiveStats, seqs: number[]): string[] {
  return seqs.map((q) => s.updateSequence(q & 0xffff));
}

test('A.1 probation: the first packet is held on probation, the second in sequence validates the source', () => {
  const s = new ReceiveStats();
  assert.deepEqual(feed(s, [100, 101, 102]), ['probation', 'valid', 'valid']);
  assert.equal(s.expected, 2);
  assert.equal(s.received, 2);
  const t = new ReceiveStats();
  assert.deepEqual(feed(t, [5, 9, 10]), ['probation', 'probation', 'valid'], 'an out-of-sequence packet restarts probation');
});

test('A.1 wraparound: the extended highest sequence counts cycles across 65535 → 0', () => {
  const s = new ReceiveStats();
  feed(s, [65533, 65534, 65535, 0, 1]);
  assert.equal(s.extendedHighestSeq, 65536 + 1);
  assert.equal(s.lost, 0);
  assert.equal(s.expected, 4);
});

test('A.1 a jump beyond MAX_DROPOUT is bad until the next packet confirms it, then the source restarts', () => {
  const s = new ReceiveStats();
  feed(s, [10, 11, 12]);
  const far = 12 + MAX_DROPOUT + 10;
  assert.equal(s.updateSequence(far), 'bad');
  assert.equal(s.extendedHighestSeq, 12);
  assert.equal(s.updateSequence(far + 1), 'valid');
  assert.equal(s.extendedHighestSeq, far + 1);
  assert.equal(s.expected, 1);
});

test('A.3 loss and fraction lost per interval; duplicates make lost negative', () => {
  const s = new ReceiveStats();
  // 0..99 with every 10th missing: 10 lost of 100 expected (first packet on probation counts as base).
  const seqs = Array.from({ length: 100 }, (_, i) => i).filter((i) => i === 0 || i % 10 !== 5);
  feed(s, seqs);
  assert.equal(s.lost, 10);
  const b1 = s.reportBlock(7);
  // Expected 99 from base 1 to 99 (packet 0 was the probation packet), 10 lost → 10*256/99 = 25.
  assert.equal(b1.fractionLost, Math.floor((10 * 256) / 99));
  assert.equal(b1.cumulativeLost, 10);
  assert.equal(b1.extendedHighestSeq, 99);
  feed(s, [100, 101, 102, 102, 102]);
  const b2 = s.reportBlock(7);
  assert.equal(b2.fractionLost, 0, 'duplicates in an interval give fraction 0, not negative');
  assert.equal(b2.cumulativeLost, 8);
});

test('A.8 jitter: steady 20 ms spacing gives 0; alternating ±10 ms converges towards 80 units (10 ms)', () => {
  const s = new ReceiveStats();
  for (let i = 0; i < 50; i++) s.updateJitter(i * 160, 1000 + i * 20);
  assert.equal(s.jitter, 0);
  const t = new ReceiveStats();
  for (let i = 0; i < 500; i++) t.updateJitter(i * 160, 1000 + i * 20 + (i % 2 ? 10 : 0));
  assert.ok(t.jitter >= 78 && t.jitter <= 80, `jitter ${t.jitter}`);
  assert.ok(Math.abs(t.jitterMs - 10) < 0.3);
});
