import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { parseRtp, serializeRtp, type RtpPacket } from '../../../src/media/rtp/rtp-packet.js';
import { readPcapUdp, SIPP_PCAP_DIR } from '../../helpers/pcap.js';
import { prng } from '../../helpers/prng.js';

function mustParse(d: Uint8Array): RtpPacket {
  const r = parseRtp(d);
  assert.ok(r.ok, `parse failed: ${r.ok ? '' : r.reason}`);
  return r.packet;
}

test('g711a.pcap: every captured packet parses as PCMA 30 ms (240 samples) with continuous sequence and timestamp, and re-serialises byte for byte', () => {
  const datagrams = readPcapUdp(join(SIPP_PCAP_DIR, 'g711a.pcap'));
  assert.ok(datagrams.length > 100);
  let prev: RtpPacket | null = null;
  for (const d of datagrams) {
    const p = mustParse(d.payload);
    assert.equal(p.payloadType, 8);
    assert.equal(p.payload.length, 240);
    assert.equal(p.csrcs.length, 0);
    assert.equal(p.extension, null);
    if (prev) {
      assert.equal(p.sequence, (prev.sequence + 1) & 0xffff);
      assert.equal(p.timestamp, (prev.timestamp + 240) >>> 0);
      assert.equal(p.ssrc, prev.ssrc);
      assert.equal(p.marker, false);
    } else assert.equal(p.marker, true, 'the first packet of the talkspurt carries the marker');
    prev = p;
    assert.deepEqual(serializeRtp(p), d.payload);
  }
});

test('dtmf_2833_1.pcap: telephone-event packets (PT 101), marker on the first, 4-byte payloads', () => {
  const packets = readPcapUdp(join(SIPP_PCAP_DIR, 'dtmf_2833_1.pcap')).map((d) => mustParse(d.payload));
  assert.ok(packets.length >= 3);
  assert.ok(packets.every((p) => p.payloadType === 101 && p.payload.length === 4));
  assert.equal(packets[0]!.marker, true);
  assert.ok(packets.slice(1).every((p) => !p.marker));
});

test('CSRC list, header extension, padding and marker survive a round trip', () => {
  const init = {
    marker: true,
    payloadType: 0,
    sequence: 65535,
    timestamp: 0xfffffff0,
    ssrc: 0xdeadbeef,
    csrcs: [1, 0xffffffff, 3],
    extension: { profile: 0xbede, data: Uint8Array.of(1, 2, 3, 4, 5, 6, 7, 8) },
    payload: Uint8Array.of(9, 8, 7),
    padding: 5,
  };
  const wire = serializeRtp(init);
  assert.equal(wire.length, 12 + 12 + 4 + 8 + 3 + 5);
  assert.equal(wire[0], 0x80 | 0x20 | 0x10 | 3);
  const p = mustParse(wire);
  assert.deepEqual({ ...p, payload: Array.from(p.payload), extension: { profile: p.extension!.profile, data: Array.from(p.extension!.data) } }, {
    ...init,
    payload: [9, 8, 7],
    extension: { profile: 0xbede, data: [1, 2, 3, 4, 5, 6, 7, 8] },
  });
});

test('bad datagrams come back as reasons: short, version, truncated CSRC/extension, bad padding', () => {
  const good = serializeRtp({ payloadType: 8, sequence: 1, timestamp: 2, ssrc: 3, payload: new Uint8Array(4) });
  assert.deepEqual(parseRtp(good.subarray(0, 11)), { ok: false, reason: 'too-short' });
  const v1 = Buffer.from(good);
  v1[0] = 0x40;
  assert.deepEqual(parseRtp(v1), { ok: false, reason: 'bad-version' });
  const cc = Buffer.from(good);
  cc[0] = 0x80 | 2;
  assert.deepEqual(parseRtp(cc), { ok: false, reason: 'truncated-csrc' });
  const x = Buffer.from(good);
  x[0] = 0x90;
  x.writeUInt16BE(9, 14);
  assert.deepEqual(parseRtp(x), { ok: false, reason: 'truncated-extension' });
  const p0 = Buffer.from(good);
  p0[0] = 0xa0;
  p0[p0.length - 1] = 0;
  assert.deepEqual(parseRtp(p0), { ok: false, reason: 'bad-padding' });
  p0[p0.length - 1] = 200;
  assert.deepEqual(parseRtp(p0), { ok: false, reason: 'bad-padding' });
});

test('every truncation of a captured packet and random datagrams parse without throwing', () => {
  const wire = serializeRtp({ payloadType: 0, sequence: 1, timestamp: 2, ssrc: 3, csrcs: [4], extension: { profile: 1, data: new Uint8Array(4) }, payload: new Uint8Array(20), padding: 4 });
  for (let n = 0; n <= wire.length; n++) {
    const r = parseRtp(wire.subarray(0, n));
    if (r.ok) assert.ok(r.packet.payload.length + r.packet.padding <= n);
  }
  const rnd = prng(3550);
  for (let i = 0; i < 5000; i++) {
    const d = Uint8Array.from({ length: Math.floor(rnd() * 64) }, () => Math.floor(rnd() * 256));
    if (d.length) d[0] = (d[0]! & 0x3f) | 0x80;
    parseRtp(d);
  }
});
