import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { buildAnswer, buildOffer, parseSdp, readAnswer, type SdpDescription } from '../../../src/sip/sdp/index.js';

const dir = fileURLToPath(new URL('../../../../fixtures/sip/sdp/', import.meta.url));
function load(name: string): SdpDescription {
  const r = parseSdp(readFileSync(dir + name));
  assert.ok(r.ok, name);
  return r.sdp;
}
const local = { host: '203.0.113.1', port: 10000, sessId: '77', version: 1 };

test('our offer: PCMU, PCMA, telephone-event 101, ptime 20, sendrecv, CRLF lines, parses back', () => {
  const sdp = buildOffer(local);
  assert.match(sdp, /^v=0\r\no=cellgate 77 1 IN IP4 203.0.113.1\r\ns=cellgate\r\nc=IN IP4 203.0.113.1\r\nt=0 0\r\nm=audio 10000 RTP\/AVP 0 8 101\r\n/);
  for (const l of ['a=rtpmap:0 PCMU/8000', 'a=rtpmap:8 PCMA/8000', 'a=rtpmap:101 telephone-event/8000', 'a=fmtp:101 0-16', 'a=ptime:20', 'a=sendrecv']) assert.ok(sdp.includes(l + '\r\n'), l);
  assert.ok(!/[^\r]\n/.test(sdp));
  assert.ok(parseSdp(sdp).ok);
  assert.match(buildOffer({ ...local, host: '2001:db8::1' }), /c=IN IP6 2001:db8::1\r\n/);
});

test('answering baresip: G.711 kept in the offer order (PCMU before PCMA), DTMF 101, video rejected with port 0', () => {
  const r = buildAnswer(load('baresip-audio-video.sdp'), local);
  assert.ok(r.ok);
  assert.ok(r.sdp.includes('m=audio 10000 RTP/AVP 0 8 101\r\n'));
  assert.ok(r.sdp.includes('m=video 0 RTP/AVP 100 101\r\n'));
  assert.ok(r.sdp.includes('a=sendrecv\r\n'));
  assert.deepEqual(r.audio.codec, { payloadType: 0, encoding: 'PCMU', clockRate: 8000 });
  assert.equal(r.audio.telephoneEvent, 101);
  assert.deepEqual(r.audio.remote, { address: '192.0.2.44', port: 10108 });
  const back = parseSdp(r.sdp);
  assert.ok(back.ok);
  assert.equal(back.sdp.media.length, 2);
});

test('answering Linphone: PCMA first as offered, the 8 kHz telephone-event (100) chosen among three rates', () => {
  const r = buildAnswer(load('linphone-multi-codec.sdp'), local);
  assert.ok(r.ok);
  assert.ok(r.sdp.includes('m=audio 10000 RTP/AVP 8 0 100\r\n'));
  assert.equal(r.audio.codec.encoding, 'PCMA');
  assert.equal(r.audio.telephoneEvent, 100);
  assert.ok(r.sdp.includes('m=video 0 RTP/AVP 102 103\r\n'));
});

test('answering a relay-forwarded offer uses the media-level c=; a hold re-offer (sendonly) is answered recvonly', () => {
  const first = buildAnswer(load('kamailio-rtpengine-forwarded.sdp'), local);
  assert.ok(first.ok);
  assert.deepEqual(first.audio.remote, { address: '203.0.113.5', port: 30012 });
  assert.equal(first.audio.codec.encoding, 'PCMA');
  const hold = buildAnswer(load('kamailio-hold-reoffer.sdp'), { ...local, version: 2 });
  assert.ok(hold.ok);
  assert.ok(hold.sdp.includes('a=recvonly\r\n'));
  assert.equal(hold.audio.direction, 'recvonly');
});

test('every direction is mirrored (RFC 3264 §6.1)', () => {
  const base = readFileSync(dir + 'sipp-uac-offer.sdp', 'utf8');
  const expected: Record<string, string> = { sendrecv: 'sendrecv', sendonly: 'recvonly', recvonly: 'sendonly', inactive: 'inactive' };
  for (const [offered, answered] of Object.entries(expected)) {
    const p = parseSdp(base + `a=${offered}\r\n`);
    assert.ok(p.ok);
    const r = buildAnswer(p.sdp, local);
    assert.ok(r.ok);
    assert.ok(r.sdp.includes(`a=${answered}\r\n`), offered);
  }
  // Session-level direction applies to a media section without its own.
  const session = parseSdp(base.replace('t=0 0\r\n', 't=0 0\r\na=sendonly\r\n'));
  assert.ok(session.ok);
  const r = buildAnswer(session.sdp, local);
  assert.ok(r.ok && r.sdp.includes('a=recvonly\r\n'));
});

test('no common codec: SRTP-only and G.729-only offers are refused; a video-only offer has no audio', () => {
  assert.deepEqual(pick(buildAnswer(load('srtp-only-opus.sdp'), local)), 'no-audio');
  assert.deepEqual(pick(buildAnswer(load('g729-only.sdp'), local)), 'no-common-codec');
  const video = parseSdp('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=video 4000 RTP/AVP 96\r\na=rtpmap:96 VP8/90000\r\n');
  assert.ok(video.ok);
  assert.equal(pick(buildAnswer(video.sdp, local)), 'no-audio');
});

test('a dynamic payload type mapped to PCMU is used with the offer number', () => {
  const p = parseSdp('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 112 0\r\na=rtpmap:112 pcmu/8000\r\n');
  assert.ok(p.ok);
  const r = buildAnswer(p.sdp, local);
  assert.ok(r.ok);
  assert.deepEqual(r.audio.codecs.map((c) => c.payloadType), [112, 0]);
  assert.ok(r.sdp.includes('a=rtpmap:112 PCMU/8000\r\n'));
  assert.equal(r.audio.telephoneEvent, null);
});

test('reading answers to our offer: SIPp answer gives PCMU at 127.0.0.1:6000; a rejected stream is no-audio', () => {
  const r = readAnswer(load('sipp-uas-answer.sdp'));
  assert.ok(r.ok);
  assert.equal(r.audio.codec.encoding, 'PCMU');
  assert.deepEqual(r.audio.remote, { address: '127.0.0.1', port: 6000 });
  const rejected = parseSdp('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 0 RTP/AVP 0\r\n');
  assert.ok(rejected.ok);
  assert.equal(pick(readAnswer(rejected.sdp)), 'no-audio');
});

function pick(r: { ok: boolean; reason?: string }): string | undefined {
  return r.ok ? 'ok' : r.reason;
}
