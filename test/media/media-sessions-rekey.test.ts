import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { createMediaSessions, type RtpMediaSession } from '../../src/media/media-sessions.js';
import { RtpPortPool } from '../../src/media/rtp-port-pool.js';
import type { CallAudioStarter } from '../../src/media/call-audio-link.js';
import type { NegotiatedAudio } from '../../src/sip/sdp/index.js';
import type { SrtpMode } from '../../src/sip/sdp/sdp-negotiate.js';
import { buildSdesCryptoLine, parseSdesCrypto } from '../../src/media/srtp/sdes-crypto.js';
import type { SrtpMasterKey } from '../../src/media/srtp/srtp-transform.js';
import { freePortRange } from './free-port-range.js';

const newKey = (): SrtpMasterKey => ({ key: randomBytes(16), salt: randomBytes(14) });

/** The peer's (re-)offer: RTP/SAVP with one key, or plain RTP/AVP; o= version `v`. */
function offer(v: number, crypto: { tag: number; key: SrtpMasterKey } | null): string {
  const m = crypto ? ['m=audio 4000 RTP/SAVP 0 101', buildSdesCryptoLine(crypto.tag, crypto.key)] : ['m=audio 4000 RTP/AVP 0 101'];
  return ['v=0', `o=peer 7 ${v} IN IP4 127.0.0.1`, 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', ...m, 'a=rtpmap:101 telephone-event/8000', ''].join('\r\n');
}

/** Our answer's a=crypto: its tag and key. */
function answered(sdp: string): { tag: number; key: SrtpMasterKey } | null {
  const line = sdp.split('\r\n').find((l) => l.startsWith('a=crypto:'));
  if (!line) return null;
  const parsed = parseSdesCrypto(line);
  assert.ok(parsed.ok);
  return { tag: parsed.crypto.tag, key: parsed.crypto.masterKey };
}

/** A port pool closed (with its sessions) when the test ends, pass or fail. */
async function testPool(t: { after(fn: () => Promise<void>): void }): Promise<RtpPortPool> {
  const base = await freePortRange(1);
  const pool = new RtpPortPool({ min: base, max: base + 1, bindAddress: '127.0.0.1', spares: 1 });
  await pool.start();
  t.after(() => pool.close());
  return pool;
}

async function setUp(t: { after(fn: () => Promise<void>): void }, mode: SrtpMode): Promise<{ session: RtpMediaSession; updates: NegotiatedAudio[] }> {
  const pool = await testPool(t);
  const updates: NegotiatedAudio[] = [];
  const audio: CallAudioStarter = async () => ({
    attachLine: () => undefined,
    keyToGsm: () => undefined,
    sendDigitToSip: () => undefined,
    update: (a) => void updates.push(a),
    close: async () => undefined,
  });
  const media = createMediaSessions({ pool, publicHost: '127.0.0.1', audio, settings: () => ({ codecs: ['PCMU'], ptimeMs: 20, srtp: mode }) });
  const first = media.answer(offer(1, { tag: 1, key: newKey() }));
  assert.ok(first.ok);
  const session = first.session as RtpMediaSession;
  session.startAudio(1, { sipDigit: () => undefined, gsmDigit: () => undefined, failed: () => undefined });
  t.after(async () => session.close());
  await new Promise((r) => setImmediate(r));
  return { session, updates };
}

test("a re-INVITE with the peer's new a=crypto (RFC 4568 §7.1.4): our answer keeps our key and takes the new tag; the call audio gets both keys", async (t) => {
  const { session, updates } = await setUp(t, 'required');
  const ours = answered(session.localSdp)!;
  assert.equal(ours.tag, 1);
  const newer = newKey();
  assert.ok(session.setRemote(offer(2, { tag: 5, key: newer })));
  const reanswer = answered(session.localSdp)!;
  assert.equal(reanswer.tag, 5, 'the answer echoes the chosen tag');
  assert.deepEqual(reanswer.key, ours.key, 'our key (and so our send context) stays');
  assert.match(session.localSdp, /^o=cellgate \d+ 2 /m, 'our SDP changed: its version grows');
  assert.equal(updates.length, 1);
  assert.deepEqual(updates[0]!.srtp, { local: ours.key, remote: newer });
  // The same offer again (o= unchanged) changes nothing.
  assert.ok(session.setRemote(offer(2, { tag: 5, key: newer })));
  assert.equal(updates.length, 1);
  // Required: a re-offer of plain RTP is refused (the caller answers 488) and the keys stay.
  assert.equal(session.setRemote(offer(3, null)), false);
  assert.equal(updates.length, 1);
  assert.deepEqual(session.audio?.srtp, { local: ours.key, remote: newer });
});

test('optional SRTP: a re-INVITE to plain RTP is followed, and one back to SRTP takes our same key again', async (t) => {
  const { session, updates } = await setUp(t, 'optional');
  const ours = answered(session.localSdp)!;
  assert.ok(session.setRemote(offer(2, null)));
  assert.match(session.localSdp, /^m=audio \d+ RTP\/AVP 0 101\r\n/m);
  assert.equal(answered(session.localSdp), null);
  assert.equal(updates.at(-1)!.srtp, null);
  const back = newKey();
  assert.ok(session.setRemote(offer(3, { tag: 2, key: back })));
  assert.deepEqual(answered(session.localSdp), { tag: 2, key: ours.key });
  assert.deepEqual(updates.at(-1)!.srtp, { local: ours.key, remote: back });
});

test('a re-INVITE answered while the call audio is still starting reaches the link once it is there', async (t) => {
  const pool = await testPool(t);
  const updates: NegotiatedAudio[] = [];
  let release: () => void = () => undefined;
  const audio: CallAudioStarter = () =>
    new Promise((resolve) => {
      release = () => resolve({ attachLine: () => undefined, keyToGsm: () => undefined, sendDigitToSip: () => undefined, update: (a) => void updates.push(a), close: async () => undefined });
    });
  const media = createMediaSessions({ pool, publicHost: '127.0.0.1', audio, settings: () => ({ codecs: ['PCMU'], ptimeMs: 20, srtp: 'required' }) });
  const first = media.answer(offer(1, { tag: 1, key: newKey() }));
  assert.ok(first.ok);
  const session = first.session as RtpMediaSession;
  t.after(async () => session.close());
  session.startAudio(1, { sipDigit: () => undefined, gsmDigit: () => undefined, failed: () => undefined });
  const newer = newKey();
  assert.ok(session.setRemote(offer(2, { tag: 1, key: newer })));
  release();
  await new Promise((r) => setImmediate(r));
  assert.equal(updates.length, 1);
  assert.deepEqual(updates[0]!.srtp?.remote, newer);
});
