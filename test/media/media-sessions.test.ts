import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { createMediaSessions, type RtpMediaSession } from '../../src/media/media-sessions.js';
import { nextMediaSessionState } from '../../src/media/media-session-state.js';
import { RtpPortPool } from '../../src/media/rtp-port-pool.js';
import { parseSdp } from '../../src/sip/sdp/index.js';
import { freePortRange } from './free-port-range.js';

const dir = fileURLToPath(new URL('../../../fixtures/sip/sdp/', import.meta.url));
const fixture = (name: string): string => readFileSync(dir + name, 'utf8');

async function pool(pairs: number): Promise<RtpPortPool> {
  const base = await freePortRange(pairs);
  const p = new RtpPortPool({ min: base, max: base + 2 * pairs - 1, bindAddress: '127.0.0.1', spares: pairs });
  await p.start();
  return p;
}

test('offer → answer: our offer carries the pair port; the SIPp answer settles PCMU and the peer address', async () => {
  const p = await pool(2);
  const media = createMediaSessions({ pool: p, publicHost: '198.51.100.1' });
  const s = media.offer() as RtpMediaSession;
  assert.ok(s);
  assert.ok(s.localSdp.includes(`m=audio ${s.ports.port} RTP/AVP 0 8 101\r\n`));
  assert.ok(s.localSdp.includes('c=IN IP4 198.51.100.1\r\n'));
  const before = s.audio;
  assert.ok(before === null);
  assert.equal(s.setRemote('not sdp'), false);
  assert.equal(s.state, 'offering');
  assert.equal(s.setRemote(fixture('sipp-uas-answer.sdp')), true);
  assert.equal(s.state, 'negotiated');
  assert.equal(s.audio?.codec.encoding, 'PCMU');
  assert.deepEqual(s.audio?.remote, { address: '127.0.0.1', port: 6000 });
  s.close();
  s.close();
  assert.equal(p.inUse, 0);
  assert.equal(s.setRemote(fixture('sipp-uas-answer.sdp')), false);
  await p.close();
});

test('answering: 488 for no common codec or garbage (no port taken), 503 when the range is used up', async () => {
  const p = await pool(1);
  const media = createMediaSessions({ pool: p, publicHost: '198.51.100.1' });
  const g729 = media.answer(fixture('g729-only.sdp'));
  assert.deepEqual(g729.ok ? null : g729.status, 488);
  const junk = media.answer('v=0\r\nhello');
  assert.deepEqual(junk.ok ? null : junk.status, 488);
  assert.equal(p.inUse, 0);
  const first = media.answer(fixture('baresip-audio-video.sdp'));
  assert.ok(first.ok);
  await p.settled();
  const second = media.answer(fixture('sipp-uac-offer.sdp'));
  assert.deepEqual(second.ok ? null : second.status, 503);
  assert.equal(media.offer(), null);
  first.session.close();
  await p.close();
});

test('a hold re-offer is answered recvonly with o= version + 1; a repeat changes nothing', async () => {
  const p = await pool(1);
  const media = createMediaSessions({ pool: p, publicHost: '198.51.100.1' });
  const r = media.answer(fixture('kamailio-rtpengine-forwarded.sdp'));
  assert.ok(r.ok);
  const s = r.session as RtpMediaSession;
  const v1 = parseSdp(s.localSdp);
  assert.ok(v1.ok);
  assert.equal(s.audio?.codec.encoding, 'PCMA');
  assert.equal(s.setRemote(fixture('kamailio-rtpengine-forwarded.sdp')), true);
  assert.equal(parseSdp(s.localSdp).ok && (parseSdp(s.localSdp) as { sdp: { origin: { sessVersion: string } } }).sdp.origin.sessVersion, v1.sdp.origin.sessVersion);
  assert.equal(s.setRemote(fixture('kamailio-hold-reoffer.sdp')), true);
  const v2 = parseSdp(s.localSdp);
  assert.ok(v2.ok);
  assert.equal(v2.sdp.origin.sessId, v1.sdp.origin.sessId);
  assert.equal(Number(v2.sdp.origin.sessVersion), Number(v1.sdp.origin.sessVersion) + 1);
  assert.equal(v2.sdp.media[0]!.direction, 'recvonly');
  assert.equal(s.audio?.direction, 'recvonly');
  // A re-offer with nothing in common is refused and the call keeps what it had.
  assert.equal(s.setRemote(fixture('g729-only.sdp')), false);
  assert.equal(s.audio?.codec.encoding, 'PCMA');
  s.close();
  await p.close();
});

test('the state machine refuses an illegal edge', () => {
  assert.equal(nextMediaSessionState('offering', 'answer-accepted'), 'negotiated');
  assert.equal(nextMediaSessionState('negotiated', 'close'), 'closed');
  assert.throws(() => nextMediaSessionState('negotiated', 'answer-accepted'));
});

test('sip.media.codecs and ptimeMs shape our offer and what we accept', async () => {
  const p = await pool(2);
  const media = createMediaSessions({ pool: p, publicHost: '127.0.0.1', settings: () => ({ codecs: ['PCMA'], ptimeMs: 30 }) });
  const s = media.offer() as RtpMediaSession;
  assert.ok(s.localSdp.includes(`m=audio ${s.ports.port} RTP/AVP 8 101\r\n`), s.localSdp);
  assert.ok(s.localSdp.includes('a=ptime:30\r\n'));
  s.close();
  const pcmuOnly = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', ''].join('\r\n');
  const refused = media.answer(pcmuOnly);
  assert.equal(refused.ok, false, 'PCMU is not among our codecs');
  assert.equal(refused.ok === false && refused.status, 488);
  const both = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0 8', 'a=ptime:40', ''].join('\r\n');
  const answered = media.answer(both);
  assert.ok(answered.ok);
  const a = answered.session as RtpMediaSession;
  assert.equal(a.audio?.codec.encoding, 'PCMA');
  assert.equal(a.audio?.ptime, 40, 'we send what the peer asked to receive (RFC 4566 §6)');
  assert.ok(a.localSdp.includes('a=ptime:30\r\n'), 'and ask for ours');
  a.close();
  await p.close();
});

test('SRTP by SDES (RFC 4568): a "required" offer and an "optional" answer exchange keys, and the two RTP ends talk SRTP', async () => {
  const { createRtpEnd } = await import('../../src/media/rtp/index.js');
  const { SrtpTransform } = await import('../../src/media/srtp/srtp-transform.js');
  const p = await pool(4);
  const offerer = createMediaSessions({ pool: p, publicHost: '127.0.0.1', settings: () => ({ codecs: ['PCMU', 'PCMA'], ptimeMs: 20, srtp: 'required' }) });
  const answerer = createMediaSessions({ pool: p, publicHost: '127.0.0.1', settings: () => ({ codecs: ['PCMU', 'PCMA'], ptimeMs: 20, srtp: 'optional' }) });
  const plain = createMediaSessions({ pool: p, publicHost: '127.0.0.1', settings: () => ({ codecs: ['PCMU'], ptimeMs: 20, srtp: 'off' }) });
  const a = offerer.offer() as RtpMediaSession;
  assert.match(a.localSdp, /^m=audio \d+ RTP\/SAVP 0 8 101\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:[A-Za-z0-9+/]{40}\r\n/m);
  const refused = plain.answer(a.localSdp);
  assert.equal(refused.ok === false && refused.status, 488, 'SRTP off: an RTP/SAVP offer is refused');
  const answered = answerer.answer(a.localSdp);
  assert.ok(answered.ok);
  const b = answered.session as RtpMediaSession;
  assert.match(b.localSdp, /^m=audio \d+ RTP\/SAVP 0 8 101\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:/m, 'the answer echoes the tag with its own key');
  assert.ok(a.setRemote(b.localSdp));
  assert.ok(a.audio?.srtp && b.audio?.srtp);
  assert.deepEqual(a.audio.srtp.remote, b.audio.srtp.local);
  assert.deepEqual(b.audio.srtp.remote, a.audio.srtp.local);
  assert.notDeepEqual(a.audio.srtp.local, b.audio.srtp.local, 'each side its own key');
  const plainOffer = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', ''].join('\r\n');
  const required = offerer.answer(plainOffer);
  assert.equal(required.ok === false && required.status, 488, 'SRTP required: a plain offer is refused');
  const optionalPlain = answerer.answer(plainOffer);
  assert.ok(optionalPlain.ok, 'SRTP optional: a plain offer is answered plain');
  assert.equal((optionalPlain.session as RtpMediaSession).audio?.srtp ?? null, null);
  optionalPlain.session.close();

  const endA = createRtpEnd({ pair: a.ports, audio: a.audio, transform: new SrtpTransform(a.audio.srtp) });
  const endB = createRtpEnd({ pair: b.ports, audio: b.audio, transform: new SrtpTransform(b.audio.srtp) });
  const sent = new Int16Array(160).map((_, i) => Math.round(8000 * Math.sin(i / 3)));
  for (let i = 0; i < 10; i++) {
    endA.sendFrame(sent);
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.ok(endB.stats().packetsReceived >= 5, `B decrypted A's packets (${endB.stats().packetsReceived})`);
  endA.close();
  endB.close();
  a.close();
  b.close();
  await p.close();
});

test('sip.media.vad offers comfort noise (RFC 3389 CN, payload type 13) and takes it where the peer lists it', async () => {
  const p = await pool(3);
  const media = createMediaSessions({ pool: p, publicHost: '127.0.0.1', settings: () => ({ codecs: ['PCMU'], ptimeMs: 20, vad: true }) });
  const s = media.offer() as RtpMediaSession;
  assert.ok(s.localSdp.includes(`m=audio ${s.ports.port} RTP/AVP 0 13 101\r\n`), s.localSdp);
  assert.ok(s.localSdp.includes('a=rtpmap:13 CN/8000\r\n'));
  s.close();
  const withCn = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0 13', ''].join('\r\n');
  const a = media.answer(withCn);
  assert.ok(a.ok);
  assert.equal((a.session as RtpMediaSession).audio?.comfortNoise, 13);
  assert.match(a.session.localSdp, /m=audio \d+ RTP\/AVP 0 13\r\n/);
  a.session.close();
  const noCn = ['v=0', 'o=- 1 1 IN IP4 127.0.0.1', 's=-', 'c=IN IP4 127.0.0.1', 't=0 0', 'm=audio 4000 RTP/AVP 0', ''].join('\r\n');
  const b = media.answer(noCn);
  assert.ok(b.ok);
  assert.equal((b.session as RtpMediaSession).audio?.comfortNoise, null);
  b.session.close();
  await p.close();
});
