import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { REKEY_GRACE_MS, SrtpTransform, type SrtpMasterKey } from '../../../src/media/srtp/srtp-transform.js';
import { newKey, rtp } from './srtp-packets.js';

const ref = JSON.parse(readFileSync('fixtures/media/srtp-reference-packets.json', 'utf8')) as Record<string, string>;
const hex = (s: string) => Buffer.from(s, 'hex');
const refKey: SrtpMasterKey = { key: hex(ref.masterKey), salt: hex(ref.masterSalt) };
/** An empty receiver report (RTCP RR, RFC 3550 §6.4.2). */
function rr(ssrc = 0x11223344): Buffer {
  const b = Buffer.from('81c9000100000000', 'hex');
  b.writeUInt32BE(ssrc, 4);
  return b;
}

function clock(): { now: () => number; advance(ms: number): void } {
  let t = 1000;
  return { now: () => t, advance: (ms) => void (t += ms) };
}

test("the peer's new key (RFC 4568 §7.1.4) is a fresh context: libSRTP's reference packet opens under it at ROC 0", () => {
  const ours = newKey();
  const us = new SrtpTransform({ local: ours, remote: newKey() });
  assert.equal(us.unprotectRtp(hex(ref.srtp)), null, 'not yet: the old key does not open it');
  us.rekey({ local: ours, remote: refKey });
  assert.equal(us.unprotectRtp(hex(ref.srtp))?.toString('hex'), ref.rtpPlain);
  assert.equal(us.unprotectRtcp(hex(ref.srtcp))?.toString('hex'), ref.rtcpPlain);
  assert.deepEqual(us.keys, { local: ours, remote: refKey });
});

test('our own new key is a new send context: the reference packet comes out byte for byte (ROC 0, SRTCP index 1)', () => {
  const us = new SrtpTransform({ local: newKey(), remote: newKey() });
  // Use the first key long enough to wrap the sequence (ROC 1) and send a few SRTCP reports.
  for (let s = 0x1230; s < 0x1230 + 65536 + 10; s += 4096) us.protectRtp(rtp(s, 0xcafebabe));
  us.protectRtcp(hex(ref.rtcpPlain));
  us.rekey({ local: refKey, remote: newKey() });
  assert.equal(us.protectRtp(hex(ref.rtpPlain)).toString('hex'), ref.srtp);
  assert.equal(us.protectRtcp(hex(ref.rtcpPlain)).toString('hex'), ref.srtcp);
});

test('our key unchanged across a re-key of the peer: the send context keeps its ROC and SRTCP index', () => {
  const ours = newKey();
  const us = new SrtpTransform({ local: ours, remote: newKey() });
  const peer = new SrtpTransform({ local: newKey(), remote: ours });
  for (let s = 65530; s < 65536; s++) assert.ok(peer.unprotectRtp(us.protectRtp(rtp(s))));
  assert.ok(peer.unprotectRtcp(us.protectRtcp(rr())));
  us.rekey({ local: ours, remote: newKey() });
  // After the wrap the tag covers ROC 1; a send context started over would use 0 and fail the peer's check.
  for (let s = 65536; s < 65542; s++) assert.deepEqual(peer.unprotectRtp(us.protectRtp(rtp(s))), rtp(s), `seq ${s & 0xffff}`);
  // A restarted SRTCP index (1 again) would be a replay to the peer.
  assert.ok(peer.unprotectRtcp(us.protectRtcp(rr())));
  assert.deepEqual(peer.rejections, { malformed: 0, authentication: 0, replay: 0 });
});

test("the peer's old key is heard until the grace after its first packet under the new key has passed", () => {
  const c = clock();
  const ours = newKey();
  const oldKey = newKey();
  const newer = newKey();
  const us = new SrtpTransform({ local: ours, remote: oldKey }, { now: c.now });
  const peerOld = new SrtpTransform({ local: oldKey, remote: ours });
  const peerNew = new SrtpTransform({ local: newer, remote: ours });
  assert.ok(us.unprotectRtp(peerOld.protectRtp(rtp(1))));
  us.rekey({ local: ours, remote: newer });
  // The peer switches once our answer reaches it: until then (however long) its old key still plays.
  c.advance(10 * REKEY_GRACE_MS);
  assert.deepEqual(us.unprotectRtp(peerOld.protectRtp(rtp(2))), rtp(2));
  assert.ok(us.unprotectRtcp(peerOld.protectRtcp(rr())));
  assert.ok(us.hearsPreviousKey);
  // The first packet under the new key starts the grace; late old packets still arrive in it.
  assert.deepEqual(us.unprotectRtp(peerNew.protectRtp(rtp(4))), rtp(4));
  const late = peerOld.protectRtp(rtp(3));
  c.advance(REKEY_GRACE_MS - 1);
  assert.deepEqual(us.unprotectRtp(late), rtp(3), 'reordered, inside the grace');
  assert.equal(us.unprotectRtp(late), null, 'the old context keeps its replay window');
  assert.equal(us.rejections.replay, 1);
  c.advance(1);
  assert.equal(us.unprotectRtp(peerOld.protectRtp(rtp(5))), null, 'the old key is retired');
  assert.equal(us.hearsPreviousKey, false);
  assert.deepEqual(us.unprotectRtp(peerNew.protectRtp(rtp(6))), rtp(6));
  assert.deepEqual(us.rejections, { malformed: 0, authentication: 1, replay: 1 });
});

test('the same keys again (a re-INVITE that keeps a=crypto) change nothing: replays stay replays', () => {
  const ours = newKey();
  const theirs = newKey();
  const us = new SrtpTransform({ local: ours, remote: theirs });
  const peer = new SrtpTransform({ local: theirs, remote: ours });
  const wire = peer.protectRtp(rtp(9));
  assert.ok(us.unprotectRtp(wire));
  us.rekey({ local: { key: Buffer.from(ours.key), salt: Buffer.from(ours.salt) }, remote: { key: Buffer.from(theirs.key), salt: Buffer.from(theirs.salt) } });
  assert.equal(us.unprotectRtp(wire), null);
  assert.equal(us.rejections.replay, 1);
  assert.equal(us.hearsPreviousKey, false);
});

test('SRTP to plain RTP (optional mode): plain passes both ways; SRTP still in flight under the old key is decrypted, not played as noise', () => {
  const c = clock();
  const ours = newKey();
  const theirs = newKey();
  const us = new SrtpTransform({ local: ours, remote: theirs }, { now: c.now });
  const peer = new SrtpTransform({ local: theirs, remote: ours });
  const inFlight = peer.protectRtp(rtp(20));
  us.rekey(null);
  assert.equal(us.keys, null);
  assert.deepEqual(us.protectRtp(rtp(1)), rtp(1));
  assert.deepEqual(us.protectRtcp(rr()), rr());
  assert.deepEqual(us.unprotectRtp(rtp(21)), rtp(21), 'the peer plain');
  assert.deepEqual(us.unprotectRtp(inFlight), rtp(20), 'the old SRTP decrypted inside the grace');
  c.advance(REKEY_GRACE_MS);
  const after = peer.protectRtp(rtp(22));
  assert.deepEqual(us.unprotectRtp(after), after, 'after the grace every packet is plain RTP');
});

test('plain RTP to SRTP: a transform made without keys takes them at the re-INVITE; plain packets are refused from then on', () => {
  const us = new SrtpTransform(null);
  assert.deepEqual(us.unprotectRtp(rtp(1)), rtp(1));
  us.rekey({ local: newKey(), remote: refKey });
  assert.equal(us.unprotectRtp(hex(ref.srtp))?.toString('hex'), ref.rtpPlain);
  assert.equal(us.unprotectRtp(rtp(2)), null);
  assert.equal(us.rejections.authentication, 1);
  assert.throws(() => us.rekey({ local: { key: Buffer.alloc(16), salt: Buffer.alloc(13) }, remote: refKey }), /14-byte salt/);
});
