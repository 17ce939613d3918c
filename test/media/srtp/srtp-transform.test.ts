import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { SrtpTransform, type SrtpMasterKey } from '../../../src/media/srtp/srtp-transform.js';
import { estimateRoc, commitRoc } from '../../../src/media/srtp/rtp-index.js';
import { ReplayWindow } from '../../../src/media/srtp/replay-window.js';
import { newKey, rtp } from './srtp-packets.js';

const ref = JSON.parse(readFileSync('fixtures/media/srtp-reference-packets.json', 'utf8')) as Record<string, string>;
const hex = (s: string) => Buffer.from(s, 'hex');
const refKey: SrtpMasterKey = { key: hex(ref.masterKey), salt: hex(ref.masterSalt) };
/** Two ends with each other's keys. */
function pair(): { a: SrtpTransform; b: SrtpTransform; ka: SrtpMasterKey } {
  const ka = newKey();
  const kb = newKey();
  return { a: new SrtpTransform({ local: ka, remote: kb }), b: new SrtpTransform({ local: kb, remote: ka }), ka };
}

test("libSRTP's reference SRTP packet: protect gives it byte for byte, unprotect gives the plain packet back", () => {
  const sender = new SrtpTransform({ local: refKey, remote: refKey });
  assert.equal(sender.protectRtp(hex(ref.rtpPlain)).toString('hex'), ref.srtp);
  const receiver = new SrtpTransform({ local: newKey(), remote: refKey });
  assert.equal(receiver.unprotectRtp(hex(ref.srtp))?.toString('hex'), ref.rtpPlain);
});

test("libSRTP's reference SRTCP packet (E=1, index 1) both ways", () => {
  const sender = new SrtpTransform({ local: refKey, remote: refKey });
  assert.equal(sender.protectRtcp(hex(ref.rtcpPlain)).toString('hex'), ref.srtcp);
  const receiver = new SrtpTransform({ local: newKey(), remote: refKey });
  assert.equal(receiver.unprotectRtcp(hex(ref.srtcp))?.toString('hex'), ref.rtcpPlain);
  assert.equal(receiver.unprotectRtcp(hex(ref.srtcp)), null, 'the same index again is a replay');
  assert.equal(receiver.rejections.replay, 1);
});

test('round trip: the payload is encrypted on the wire and comes back intact; header, CSRC and extension stay clear', () => {
  const { a, b } = pair();
  const plain = rtp(1000);
  const wire = a.protectRtp(plain);
  assert.equal(wire.length, plain.length + 10);
  assert.deepEqual(wire.subarray(0, 12), plain.subarray(0, 12));
  assert.notDeepEqual(wire.subarray(12, 172), plain.subarray(12));
  assert.deepEqual(b.unprotectRtp(wire), plain);
  // One CSRC and a one-word header extension.
  const withExtension = Buffer.concat([Buffer.from([0x91, 0x08, 0x03, 0xe9]), Buffer.alloc(4, 1), Buffer.from([0x11, 0x22, 0x33, 0x44]), Buffer.alloc(4, 7), Buffer.from([0xbe, 0xde, 0x00, 0x01]), Buffer.alloc(4, 9), Buffer.alloc(20, 5)]);
  const w2 = a.protectRtp(withExtension);
  assert.deepEqual(w2.subarray(0, 24), withExtension.subarray(0, 24));
  assert.deepEqual(b.unprotectRtp(w2), withExtension);
});

test('tampered packets, wrong keys and garbage are refused with null, never a throw', () => {
  const { a, b } = pair();
  const wire = a.protectRtp(rtp(5));
  for (const at of [1, 3, 8, 12, 100, wire.length - 1]) {
    const bad = Buffer.from(wire);
    bad[at] ^= 0x01;
    assert.equal(b.unprotectRtp(bad), null, `bit flipped at ${at}`);
  }
  assert.deepEqual(b.unprotectRtp(wire), rtp(5), 'the untouched packet still passes');
  const stranger = new SrtpTransform({ local: newKey(), remote: newKey() });
  assert.equal(stranger.unprotectRtp(a.protectRtp(rtp(6))), null);
  for (const junk of [Buffer.alloc(0), Buffer.alloc(5), Buffer.alloc(21, 0x80), Buffer.from([0x9f, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]), randomBytes(200)]) {
    assert.equal(b.unprotectRtp(junk), null);
    assert.equal(b.unprotectRtcp(junk), null);
  }
  const rtcp = a.protectRtcp(Buffer.from('81c90001' + '11223344', 'hex'));
  const badRtcp = Buffer.from(rtcp);
  badRtcp[9] ^= 0x40;
  assert.equal(b.unprotectRtcp(badRtcp), null);
  assert.deepEqual(b.unprotectRtcp(rtcp), Buffer.from('81c90001' + '11223344', 'hex'));
  assert.ok(b.rejections.authentication >= 8);
  assert.ok(b.rejections.malformed >= 4);
});

test('replays are refused; reordered packets inside the window are accepted once; packets older than the window are refused', () => {
  const { a, b } = pair();
  const wires = Array.from({ length: 300 }, (_, i) => a.protectRtp(rtp(i)));
  assert.ok(b.unprotectRtp(wires[10]));
  assert.equal(b.unprotectRtp(wires[10]), null);
  assert.ok(b.unprotectRtp(wires[250]));
  assert.ok(b.unprotectRtp(wires[200]), 'late but inside the 128-packet window');
  assert.equal(b.unprotectRtp(wires[200]), null);
  assert.equal(b.unprotectRtp(wires[100]), null, 'older than the window');
  assert.ok(b.unprotectRtp(wires[251]));
  assert.equal(b.rejections.replay, 3);
});

test('the sequence number wraps: both ends step the ROC and the stream carries on, including a reordered packet across the wrap', () => {
  const { a, b, ka } = pair();
  const seqs = Array.from({ length: 40 }, (_, i) => 65530 + i); // 65530 … 65569 → wraps to 0 … 33
  const wires = seqs.map((s) => a.protectRtp(rtp(s)));
  // Deliver in order except two swapped around the wrap.
  const order = seqs.map((_, i) => i);
  [order[5], order[6]] = [order[6], order[5]];
  for (const i of order) assert.deepEqual(b.unprotectRtp(wires[i]), rtp(seqs[i]), `seq ${seqs[i] & 0xffff}`);
  // The sender used ROC 1 after the wrap: a receiver meeting that packet first guesses ROC 0, and the
  // tag (which covers the ROC) fails.
  const fresh = new SrtpTransform({ local: newKey(), remote: ka });
  assert.equal(fresh.unprotectRtp(wires[20]), null);
  assert.equal(fresh.rejections.authentication, 1);
  assert.equal(b.unprotectRtp(wires[20]), null, 'a replay after the wrap');
});

test('ROC estimation follows RFC 3711 appendix A', () => {
  assert.equal(estimateRoc({ roc: 3, highestSeq: 100 }, 65500), 2);
  assert.equal(estimateRoc({ roc: 3, highestSeq: 100 }, 200), 3);
  assert.equal(estimateRoc({ roc: 3, highestSeq: 65500 }, 5), 4);
  assert.equal(estimateRoc({ roc: 3, highestSeq: 65500 }, 40000), 3);
  assert.deepEqual(commitRoc({ roc: 3, highestSeq: 65500 }, 4, 5), { roc: 4, highestSeq: 5 });
  assert.deepEqual(commitRoc({ roc: 4, highestSeq: 5 }, 3, 65534), { roc: 4, highestSeq: 5 });
  assert.deepEqual(commitRoc({ roc: 4, highestSeq: 5 }, 4, 9), { roc: 4, highestSeq: 9 });
});

test('the replay window slides without clearing', () => {
  const w = new ReplayWindow();
  w.accept(5);
  assert.equal(w.check(5), 'replayed');
  w.accept(5 + 128);
  assert.equal(w.check(5), 'too-old');
  assert.equal(w.check(6), 'new');
  assert.equal(w.check(5 + 128), 'replayed');
});

test('master keys of the wrong size are refused at construction', () => {
  assert.throws(() => new SrtpTransform({ local: { key: Buffer.alloc(15), salt: Buffer.alloc(14) }, remote: newKey() }), /16 bytes/);
});

test('every truncation and random bytes: unprotect returns null and never throws', () => {
  const { a, b } = pair();
  const wire = a.protectRtp(rtp(77));
  const rtcp = a.protectRtcp(Buffer.from('80c8000611223344' + '00'.repeat(20), 'hex'));
  for (let n = 0; n < wire.length; n++) assert.equal(b.unprotectRtp(wire.subarray(0, n)), null, `RTP cut at ${n}`);
  for (let n = 0; n < rtcp.length; n++) assert.equal(b.unprotectRtcp(rtcp.subarray(0, n)), null, `RTCP cut at ${n}`);
  for (let i = 0; i < 2000; i++) {
    const junk = randomBytes(i % 300);
    if (junk.length) junk[0] = 0x80 | (junk[0] & 0x3f);
    assert.equal(b.unprotectRtp(junk), null);
    assert.equal(b.unprotectRtcp(junk), null);
  }
  assert.deepEqual(b.unprotectRtp(wire), rtp(77));
  assert.ok(b.unprotectRtcp(rtcp));
});
