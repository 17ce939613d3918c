import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { parseSdp, SDP_LIMITS } from '../../../src/sip/sdp/index.js';

const dir = fileURLToPath(new URL('../../../../fixtures/sip/sdp/', import.meta.url));
const fixture = (name: string): Buffer => readFileSync(dir + name);
const fixtures = readdirSync(dir).filter((f) => f.endsWith('.sdp'));

test('every fixture parses, as bytes and as text, to the same description', () => {
  assert.ok(fixtures.length >= 10);
  for (const name of fixtures) {
    const bytes = parseSdp(fixture(name));
    const text = parseSdp(fixture(name).toString('utf8'));
    assert.ok(bytes.ok, `${name}: ${JSON.stringify(!bytes.ok && bytes.error)}`);
    assert.deepEqual(text, bytes, name);
    assert.ok(bytes.sdp.media.length >= 1, name);
  }
});

test('the baresip offer: audio with six formats and rtpmaps, video second, session c= used', () => {
  const r = parseSdp(fixture('baresip-audio-video.sdp'));
  assert.ok(r.ok);
  const [audio, video] = r.sdp.media;
  assert.equal(audio!.type, 'audio');
  assert.equal(audio!.port, 10108);
  assert.deepEqual(audio!.formats, ['96', '97', '9', '0', '8', '101']);
  assert.deepEqual(audio!.rtpmaps.get('96'), { encoding: 'opus', clockRate: 48000, channels: 2 });
  assert.equal(audio!.fmtps.get('101'), '0-15');
  assert.equal(audio!.direction, 'sendrecv');
  assert.equal(video!.type, 'video');
  assert.equal(r.sdp.connection?.address, '192.0.2.44');
  assert.equal(audio!.connection, null);
});

test('the kamailio offer: media-level c= and an origin version kept as digits', () => {
  const r = parseSdp(fixture('kamailio-rtpengine-forwarded.sdp'));
  assert.ok(r.ok);
  assert.equal(r.sdp.connection, null);
  assert.deepEqual(r.sdp.media[0]!.connection, { addrType: 'IP4', address: '203.0.113.5' });
  assert.equal(r.sdp.origin.sessVersion, '3906342157');
});

test('IPv6 and LF-only bodies parse', () => {
  const v6 = parseSdp(fixture('asterisk-ipv6-alaw.sdp'));
  assert.ok(v6.ok);
  assert.deepEqual(v6.sdp.connection, { addrType: 'IP6', address: '2001:db8::15' });
  assert.equal(v6.sdp.media[0]!.ptime, 20);
  const lf = parseSdp(fixture('lf-only-pcmu.sdp'));
  assert.ok(lf.ok);
  assert.deepEqual(lf.sdp.media[0]!.formats, ['0']);
});

test('garbled bodies come back as typed errors', () => {
  const base = fixture('sipp-uac-offer.sdp').toString();
  const cases: Array<[string, string]> = [
    ['', 'empty'],
    ['\r\n\r\n', 'empty'],
    ['v=1\r\no=- 1 1 IN IP4 1.2.3.4\r\n', 'bad-version'],
    [base.replace('o=user1 53655765 2353687637 IN IP4 127.0.0.1', 'o=user1 x y'), 'bad-origin'],
    [base.replace(/^o=.*\r\n/m, ''), 'bad-origin'],
    [base.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 host.example'), 'bad-connection'],
    [base.replace('c=IN IP4 127.0.0.1', 'c=IN IP4 300.1.1.1'), 'bad-connection'],
    [base.replace(/^c=.*\r\n/m, ''), 'missing-connection'],
    [base.replace('m=audio 6000 RTP/AVP 0', 'm=audio 99999 RTP/AVP 0'), 'bad-media'],
    [base.replace('m=audio 6000 RTP/AVP 0', 'm=audio'), 'bad-media'],
    [base + 'garbage line\r\n', 'bad-line'],
    [base + 'A=upper\r\n', 'bad-line'],
    ['v=0\r\n' + 'a=x\r\n'.repeat(SDP_LIMITS.maxLines + 1), 'too-large'],
    ['v=0\r\n' + 'x'.repeat(SDP_LIMITS.maxBytes), 'too-large'],
    [base + 'm=audio 0 RTP/AVP 0\r\n'.repeat(SDP_LIMITS.maxMedia), 'too-many-media'],
  ];
  for (const [body, code] of cases) {
    const r = parseSdp(body);
    assert.ok(!r.ok, `${code}: parsed ${JSON.stringify(body.slice(0, 80))}`);
    assert.equal(r.error.code, code, JSON.stringify(body.slice(0, 80)));
  }
});

test('a body split anywhere, truncated or byte-flipped never throws', () => {
  for (const name of fixtures) {
    const bytes = fixture(name);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const head = parseSdp(bytes.subarray(0, cut));
      assert.equal(typeof head.ok, 'boolean');
    }
  }
  const all = fixtures.map(fixture);
  fc.assert(
    fc.property(fc.nat(all.length - 1), fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 8 }), (i, flips) => {
      const b = Buffer.from(all[i]!);
      for (const [at, v] of flips) b[at % b.length] = v;
      const r = parseSdp(b);
      assert.equal(typeof r.ok, 'boolean');
    }),
    { numRuns: 500 },
  );
  fc.assert(fc.property(fc.uint8Array({ maxLength: 600 }), (b) => typeof parseSdp(b).ok === 'boolean'), { numRuns: 300 });
  assert.equal(parseSdp(42 as unknown as string).ok, false);
});
