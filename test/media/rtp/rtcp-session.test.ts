import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseRtcpCompound, type RtcpPacket } from '../../../src/media/rtp/rtcp-packet.js';
import { RtcpSession } from '../../../src/media/rtp/rtcp-session.js';
import { ReceiveStats } from '../../../src/media/rtp/receive-stats.js';

function parsed(b: Buffer): RtcpPacket[] {
  const r = parseRtcpCompound(b);
  assert.ok(r.ok);
  return r.packets;
}

test('SR after sending, RR when nothing was sent since; CNAME always; BYE at the end', () => {
  const s = new RtcpSession('a@b');
  const sender = { ssrc: 5, packetCount: 10, octetCount: 1600 };
  const first = parsed(s.build({ sender, rtpTimestamp: 1600, wallMs: 0, nowMs: 0, source: null }));
  assert.deepEqual(first.map((p) => p.type), ['sr', 'sdes']);
  assert.deepEqual((first[1] as Extract<RtcpPacket, { type: 'sdes' }>).chunks[0]!.items, [{ type: 1, text: 'a@b' }]);
  const second = parsed(s.build({ sender, rtpTimestamp: 1600, wallMs: 0, nowMs: 0, source: null, bye: '' }));
  assert.deepEqual(second.map((p) => p.type), ['rr', 'sdes', 'bye']);
});

test('the report block carries loss from the receive statistics and echoes the peer SR as LSR/DLSR', () => {
  const s = new RtcpSession('x');
  const stats = new ReceiveStats();
  for (let q = 0; q < 20; q++) if (q % 4 !== 2) stats.updateSequence(q);
  s.receive([{ type: 'sr', ssrc: 9, sender: { ntpSec: 0x00010002, ntpFrac: 0x00030000, rtpTimestamp: 0, packetCount: 0, octetCount: 0 }, reports: [] }], 5, 1000);
  const out = parsed(s.build({ sender: { ssrc: 5, packetCount: 0, octetCount: 0 }, rtpTimestamp: 0, wallMs: 0, nowMs: 1500, source: { ssrc: 9, stats } }));
  const rr = out[0] as Extract<RtcpPacket, { type: 'rr' }>;
  assert.equal(rr.reports[0]!.ssrc, 9);
  assert.equal(rr.reports[0]!.cumulativeLost, stats.lost);
  assert.ok(rr.reports[0]!.fractionLost > 0);
  assert.equal(rr.reports[0]!.lsr, 0x00020003);
  assert.equal(rr.reports[0]!.dlsr, 32768);
});

test("the peer's block on our SSRC becomes the remote report; blocks on other sources are ignored", () => {
  const s = new RtcpSession('x');
  const block = { fractionLost: 64, cumulativeLost: 12, extendedHighestSeq: 0, jitter: 80, lsr: 0, dlsr: 0 };
  s.receive([{ type: 'rr', ssrc: 1, reports: [{ ...block, ssrc: 77 }] }], 5, 0);
  assert.equal(s.remoteReport, null);
  s.receive([{ type: 'rr', ssrc: 1, reports: [{ ...block, ssrc: 5 }] }, { type: 'bye', ssrcs: [1], reason: null }], 5, 0);
  assert.deepEqual(s.remoteReport, { fractionLost: 0.25, cumulativeLost: 12, jitterMs: 10 });
  assert.equal(s.peerBye, true);
});

test('report intervals: first about half the base, then base × [0.5, 1.5)', () => {
  const values = [0, 0.999, 0.5];
  const s = new RtcpSession('x', () => values.shift()!);
  assert.equal(s.nextIntervalMs(5000), 1250);
  s.build({ sender: { ssrc: 1, packetCount: 0, octetCount: 0 }, rtpTimestamp: 0, wallMs: 0, nowMs: 0, source: null });
  assert.ok(Math.abs(s.nextIntervalMs(5000) - 7495) < 1);
  assert.equal(s.nextIntervalMs(5000), 5000);
});
