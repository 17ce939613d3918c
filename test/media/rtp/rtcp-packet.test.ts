import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildRtcpCompound, ntpFromUnixMs, ntpMiddle32, parseRtcpCompound, type RtcpPacket } from '../../../src/media/rtp/rtcp-packet.js';
import { prng } from '../../helpers/prng.js';

const block = { ssrc: 0x11223344, fractionLost: 64, cumulativeLost: -3, extendedHighestSeq: 0x1_0005, jitter: 37, lsr: 0xabcd1234, dlsr: 65536 * 2 };
const compound: RtcpPacket[] = [
  { type: 'sr', ssrc: 0xdeadbeef, sender: { ntpSec: 3_900_000_000, ntpFrac: 0x80000000, rtpTimestamp: 160_000, packetCount: 1000, octetCount: 160_000 }, reports: [block] },
  { type: 'sdes', chunks: [{ ssrc: 0xdeadbeef, items: [{ type: 1, text: 'line1@cellgate' }] }] },
  { type: 'bye', ssrcs: [0xdeadbeef], reason: 'call ended' },
];

test('SR with a report block, SDES CNAME and BYE with a reason round-trip as one compound packet', () => {
  const wire = buildRtcpCompound(compound);
  assert.equal(wire.length % 4, 0);
  // SR: header 4 + sender info 24 + one 24-byte report block.
  assert.deepEqual([wire[0], wire[1], wire.readUInt16BE(2)], [0x81, 200, 12]);
  assert.deepEqual(parseRtcpCompound(wire), { ok: true, packets: compound });
});

test('RR without blocks and fixed bytes of a known receiver report (RFC 3550 §6.4.2 layout)', () => {
  const rr: RtcpPacket = { type: 'rr', ssrc: 1, reports: [{ ssrc: 2, fractionLost: 255, cumulativeLost: 0x7fffff, extendedHighestSeq: 3, jitter: 4, lsr: 5, dlsr: 6 }] };
  const wire = buildRtcpCompound([rr, { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, text: 'abc' }] }] }]);
  assert.equal(wire.subarray(0, 32).toString('hex'), '81c90007' + '00000001' + '00000002' + 'ff7fffff' + '00000003' + '00000004' + '00000005' + '00000006');
  // SDES chunk: ssrc, CNAME len 3 "abc", null, pad to 4.
  assert.equal(wire.subarray(32).toString('hex'), '81ca0003' + '00000001' + '0103616263000000'.slice(0, 16));
  assert.deepEqual(parseRtcpCompound(buildRtcpCompound([{ type: 'rr', ssrc: 9, reports: [] }])), { ok: true, packets: [{ type: 'rr', ssrc: 9, reports: [] }] });
});

test('A.2 checks: version, lengths, report first, padding only on the last; every truncation parses without throwing', () => {
  const wire = buildRtcpCompound(compound);
  const v = Buffer.from(wire);
  v[0] = 0x41;
  assert.deepEqual(parseRtcpCompound(v), { ok: false, reason: 'bad-version' });
  assert.deepEqual(parseRtcpCompound(buildRtcpCompound([compound[1]!])), { ok: false, reason: 'not-report-first' });
  const padFirst = Buffer.from(wire);
  padFirst[0] |= 0x20;
  assert.deepEqual(parseRtcpCompound(padFirst), { ok: false, reason: 'bad-padding' });
  for (let n = 0; n < wire.length; n++) {
    const r = parseRtcpCompound(wire.subarray(0, n));
    if (r.ok) assert.ok(r.packets.length < 3, `a prefix of ${n} bytes cannot hold all three packets`);
  }
  const rnd = prng(6);
  for (let i = 0; i < 5000; i++) {
    const d = Uint8Array.from({ length: 4 + Math.floor(rnd() * 80) }, () => Math.floor(rnd() * 256));
    d[0] = 0x80 | (d[0]! & 0x3f);
    d[1] = 200 + (d[1]! % 5);
    parseRtcpCompound(d);
  }
});

test('NTP helpers: Unix epoch maps to 2208988800 s; LSR is the middle 32 bits', () => {
  assert.deepEqual(ntpFromUnixMs(500), { ntpSec: 2208988800, ntpFrac: 0x80000000 });
  assert.equal(ntpMiddle32(0x12345678, 0x9abcdef0), 0x56789abc);
});
