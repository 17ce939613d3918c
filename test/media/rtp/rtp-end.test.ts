import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { RtpPortPool, type RtpPortPair } from '../../../src/media/rtp-port-pool.js';
import { createRtpEnd, type UdpRtpEnd } from '../../../src/media/rtp/rtp-end.js';
import { parseRtp, serializeRtp, type RtpPacket } from '../../../src/media/rtp/rtp-packet.js';
import { buildRtcpCompound, parseRtcpCompound, type RtcpPacket } from '../../../src/media/rtp/rtcp-packet.js';
import { g711Decode, g711Encode } from '../../../src/media/codec/g711.js';
import type { NegotiatedAudio } from '../../../src/sip/sdp/sdp-negotiate.js';
import type { DtmfDigit } from '../../../src/media/audio-contract.js';
import { freePortRange } from '../free-port-range.js';
import { FakeRtpClock } from './fake-rtp-clock.js';

const HOST = '127.0.0.1';
const PCMU = { payloadType: 0, encoding: 'PCMU', clockRate: 8000 } as const;
const PCMA = { payloadType: 8, encoding: 'PCMA', clockRate: 8000 } as const;

function negotiated(port: number, o: Partial<NegotiatedAudio> = {}): NegotiatedAudio {
  return { codec: PCMU, codecs: [PCMU, PCMA], telephoneEvent: 101, remote: { address: HOST, port }, direction: 'sendrecv', ptime: 20, ...o };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 2000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

function tone(i: number): Int16Array {
  return Int16Array.from({ length: 160 }, (_, n) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * (i * 160 + n)) / 8000)));
}

/** A plain socket pair standing in for a peer: collects what arrives. */
async function rawPeer(): Promise<{ rtp: dgram.Socket; rtcp: dgram.Socket; port: number; rtpIn: RtpPacket[]; rtcpIn: RtcpPacket[][]; close(): void }> {
  const port = await freePortRange(1);
  const bind = (p: number) => new Promise<dgram.Socket>((res) => {
    const s = dgram.createSocket('udp4');
    s.bind(p, HOST, () => res(s));
  });
  const rtp = await bind(port);
  const rtcp = await bind(port + 1);
  const rtpIn: RtpPacket[] = [];
  const rtcpIn: RtcpPacket[][] = [];
  rtp.on('message', (m) => {
    const r = parseRtp(m);
    if (r.ok) rtpIn.push({ ...r.packet, payload: Uint8Array.from(r.packet.payload) });
  });
  rtcp.on('message', (m) => {
    const r = parseRtcpCompound(m);
    if (r.ok) rtcpIn.push(r.packets);
  });
  return { rtp, rtcp, port, rtpIn, rtcpIn, close: () => { rtp.close(); rtcp.close(); } };
}

async function withPairs(n: number, body: (pairs: RtpPortPair[]) => Promise<void>): Promise<void> {
  const base = await freePortRange(n + 1);
  const pool = new RtpPortPool({ min: base, max: base + 2 * (n + 1) - 1, bindAddress: HOST, spares: n });
  await pool.start();
  const pairs = Array.from({ length: n }, () => pool.take()!);
  try {
    await body(pairs);
  } finally {
    await pool.close();
  }
}

function send(sock: dgram.Socket, buf: Buffer, port: number): Promise<void> {
  return new Promise((r) => sock.send(buf, port, HOST, () => r()));
}

test('two RTP ends on localhost: audio both ways through encode, packets and jitter buffer; a digit as RFC 4733 events', async () => {
  await withPairs(2, async ([pa, pb]) => {
    const clock = new FakeRtpClock();
    const a = createRtpEnd({ pair: pa!, audio: negotiated(pb!.port), clock, cname: 'a@test' });
    const b = createRtpEnd({ pair: pb!, audio: negotiated(pa!.port, { codec: PCMA }), clock, cname: 'b@test' });
    const heardByB: Int16Array[] = [];
    const heardByA: Int16Array[] = [];
    for (let i = 0; i < 50; i++) {
      clock.advance(20);
      a.sendFrame(tone(i));
      b.sendFrame(tone(i));
      await until(() => b.stats().packetsReceived + 1 >= i + 1 && a.stats().packetsReceived + 1 >= i + 1, `frame ${i}`);
      // nextFrame reuses its array: keep copies.
      heardByB.push(b.nextFrame().slice());
      heardByA.push(a.nextFrame().slice());
    }
    // The first packet of each stream is RFC 3550 A.1 probation; from the second on, each frame plays the tick it arrived.
    assert.deepEqual(heardByB.slice(1), Array.from({ length: 49 }, (_, i) => g711Decode('PCMU', g711Encode('PCMU', tone(i + 1)))));
    assert.deepEqual(heardByA.slice(1), Array.from({ length: 49 }, (_, i) => g711Decode('PCMA', g711Encode('PCMA', tone(i + 1)))));
    assert.equal(a.stats().packetsSent, 50);
    assert.equal(b.stats().packetsLost, 0);
    assert.equal(b.stats().concealedFrames, 0);
    const digits: DtmfDigit[] = [];
    b.onDigit((d) => digits.push(d));
    assert.equal(a.sendsTelephoneEvents, true);
    assert.equal(a.sendDigit('5', 120), true);
    assert.equal(a.sendDigit('#', 120), true);
    for (let t = 0; t < 30; t++) {
      clock.advance(20);
      await new Promise((r) => setTimeout(r, 3));
    }
    await until(() => digits.length >= 2, 'digits');
    assert.deepEqual(digits, ['5', '#']);
    a.close();
    b.close();
  });
});

test('a re-INVITE (new codec, ptime and remote) keeps the SSRC and continues sequence and timestamp', async () => {
  await withPairs(1, async ([pa]) => {
    const p1 = await rawPeer();
    const p2 = await rawPeer();
    const clock = new FakeRtpClock();
    const a = createRtpEnd({ pair: pa!, audio: negotiated(p1.port), clock });
    for (let i = 0; i < 5; i++) {
      clock.advance(20);
      a.sendFrame(tone(i));
    }
    await until(() => p1.rtpIn.length === 5, 'first leg');
    a.update(negotiated(p2.port, { codec: PCMA, ptime: 40 }));
    for (let i = 5; i < 9; i++) {
      clock.advance(20);
      a.sendFrame(tone(i));
    }
    await until(() => p2.rtpIn.length === 2, 'second leg');
    const all = [...p1.rtpIn, ...p2.rtpIn];
    assert.ok(all.every((p) => p.ssrc === a.ssrc));
    for (let k = 1; k < all.length; k++) assert.equal(all[k]!.sequence, (all[k - 1]!.sequence + 1) & 0xffff);
    assert.deepEqual(all.map((p) => (p.timestamp - all[0]!.timestamp) >>> 0), [0, 160, 320, 480, 640, 800, 1120]);
    assert.deepEqual(p2.rtpIn.map((p) => [p.payloadType, p.payload.length]), [[8, 320], [8, 320]]);
    assert.deepEqual(all.map((p) => p.marker), [true, false, false, false, false, false, false]);
    a.close();
    p1.close();
    p2.close();
  });
});

test('RTP timeout fires once when the peer goes quiet, not while it sends, not while it holds the call', async () => {
  await withPairs(1, async ([pa]) => {
    const peer = await rawPeer();
    const clock = new FakeRtpClock();
    const a = createRtpEnd({ pair: pa!, audio: negotiated(peer.port), clock, rtpTimeoutSec: 2 });
    let fired = 0;
    a.onTimeout(() => fired++);
    for (let i = 0; i < 150; i++) {
      if (i % 10 === 0) {
        await send(peer.rtp, serializeRtp({ payloadType: 0, sequence: i / 10, timestamp: i * 160, ssrc: 42, payload: new Uint8Array(160) }), pa!.port);
        await until(() => a.stats().packetsReceived >= i / 10, 'packet');
      }
      clock.advance(20);
    }
    assert.equal(fired, 0, 'packets every 200 ms keep the stream alive');
    clock.advance(2500);
    assert.equal(fired, 1);
    clock.advance(5000);
    assert.equal(fired, 1, 'reported once');
    a.update(negotiated(peer.port, { direction: 'sendonly' }));
    clock.advance(10_000);
    assert.equal(fired, 1, 'no timeout while we hold the call');
    a.close();
    peer.close();
  });
});

test('symmetric RTP: after valid packets from another address we send there, and ignore a third source', async () => {
  await withPairs(1, async ([pa]) => {
    const sdpPeer = await rawPeer();
    const natPeer = await rawPeer();
    const intruder = await rawPeer();
    const clock = new FakeRtpClock();
    const a = createRtpEnd({ pair: pa!, audio: negotiated(sdpPeer.port), clock });
    clock.advance(20);
    a.sendFrame(tone(0));
    await until(() => sdpPeer.rtpIn.length === 1, 'to the SDP address before latching');
    for (let i = 0; i < 3; i++) await send(natPeer.rtp, serializeRtp({ payloadType: 0, sequence: 100 + i, timestamp: i * 160, ssrc: 7, payload: new Uint8Array(160) }), pa!.port);
    await until(() => a.stats().packetsReceived === 2, 'validated NAT packets');
    await send(intruder.rtp, serializeRtp({ payloadType: 0, sequence: 5, timestamp: 0, ssrc: 9, payload: new Uint8Array(160) }), pa!.port);
    await send(intruder.rtp, serializeRtp({ payloadType: 0, sequence: 6, timestamp: 160, ssrc: 9, payload: new Uint8Array(160) }), pa!.port);
    clock.advance(20);
    a.sendFrame(tone(1));
    await until(() => natPeer.rtpIn.length === 1, 'to the latched address');
    assert.equal(sdpPeer.rtpIn.length, 1);
    await until(() => a.stats().droppedPackets >= 2, 'intruder packets dropped');
    assert.equal(a.stats().packetsReceived, 2);
    // A re-INVITE with a new remote opens learning again; one with the same remote keeps the latch.
    a.update(negotiated(sdpPeer.port, { codec: PCMA }));
    clock.advance(20);
    a.sendFrame(tone(2));
    await until(() => natPeer.rtpIn.length === 2, 'still to the latched address');
    const moved = await rawPeer();
    a.update(negotiated(moved.port));
    clock.advance(20);
    a.sendFrame(tone(3));
    await until(() => moved.rtpIn.length === 1, 'to the new SDP address after update');
    a.close();
    for (const p of [sdpPeer, natPeer, intruder, moved]) p.close();
  });
});

test('RTCP: receiver reports carry injected loss; the peer report becomes remoteReport; BYE at close', async () => {
  await withPairs(2, async ([pa, pb]) => {
    // A relay between A and B drops every 10th RTP packet from A.
    const relay = await rawPeer();
    let fromA = 0;
    relay.rtp.removeAllListeners('message');
    relay.rtcp.removeAllListeners('message');
    relay.rtp.on('message', (m, r) => {
      if (r.port === pa!.port) {
        if (++fromA % 10 !== 0) relay.rtp.send(m, pb!.port, HOST);
      } else relay.rtp.send(m, pa!.port, HOST);
    });
    relay.rtcp.on('message', (m, r) => relay.rtcp.send(m, r.port === pa!.port + 1 ? pb!.port + 1 : pa!.port + 1, HOST));
    const clock = new FakeRtpClock();
    const a = createRtpEnd({ pair: pa!, audio: negotiated(relay.port), clock, rtcpIntervalMs: 1000 });
    const b = createRtpEnd({ pair: pb!, audio: negotiated(relay.port), clock, rtcpIntervalMs: 1000 });
    // 8 s of audio both ways with reports every ~1 s (randomised); each report covers the packets since the last.
    for (let i = 0; i < 400; i++) {
      clock.advance(20);
      a.sendFrame(tone(i));
      b.sendFrame(tone(i));
      await until(() => fromA >= i + 1 && b.stats().packetsReceived + b.stats().packetsLost >= i - 1, 'relay');
      b.nextFrame();
    }
    await until(() => a.stats().remoteReport !== null, 'remote report at A');
    const rr = a.stats().remoteReport!;
    assert.ok(rr.fractionLost > 0.05 && rr.fractionLost < 0.15, `fraction lost ${rr.fractionLost}`);
    assert.ok(rr.cumulativeLost >= 25 && rr.cumulativeLost <= 40, `cumulative ${rr.cumulativeLost}`);
    assert.ok(b.stats().packetsLost >= 39, `B lost ${b.stats().packetsLost}`);
    assert.ok(b.stats().concealedFrames >= 35, `concealed ${b.stats().concealedFrames}`);
    assert.equal(b.stats().remoteReport?.cumulativeLost, 0, 'nothing was lost towards B');
    // BYE at close, seen by a peer watching B's RTCP.
    const watcher = await rawPeer();
    b.update(negotiated(watcher.port));
    b.close();
    await until(() => watcher.rtcpIn.some((c) => c.some((p) => p.type === 'bye')), 'BYE');
    const last = watcher.rtcpIn.at(-1)!;
    assert.deepEqual(last.map((p) => p.type), ['sr', 'sdes', 'bye']);
    a.close();
    relay.close();
    watcher.close();
  });
});

test('RTCP reports from the peer about our SSRC are recorded; unparseable RTCP is ignored', async () => {
  await withPairs(1, async ([pa]) => {
    const peer = await rawPeer();
    const clock = new FakeRtpClock();
    const a = createRtpEnd({ pair: pa!, audio: negotiated(peer.port), clock });
    await send(peer.rtcp, Buffer.from('garbage!'), pa!.port + 1);
    await send(peer.rtcp, buildRtcpCompound([{ type: 'rr', ssrc: 3, reports: [{ ssrc: a.ssrc, fractionLost: 128, cumulativeLost: 50, extendedHighestSeq: 0, jitter: 160, lsr: 0, dlsr: 0 }] }]), pa!.port + 1);
    await until(() => a.stats().remoteReport !== null, 'report');
    assert.deepEqual(a.stats().remoteReport, { fractionLost: 0.5, cumulativeLost: 50, jitterMs: 20 });
    a.close();
    peer.close();
  });
});

test('a peer that restarts with a new SSRC is followed after A.1 probation; a packet transform wraps both directions', async () => {
  await withPairs(2, async ([pa, pb]) => {
    const clock = new FakeRtpClock();
    // A toy transform: one trailer byte, rejected when missing (what SRTP's auth check does).
    const transform = {
      protectRtp: (p: Buffer) => Buffer.concat([p, Buffer.of(0xa5)]),
      unprotectRtp: (p: Buffer) => (p.at(-1) === 0xa5 ? p.subarray(0, -1) : null),
      protectRtcp: (p: Buffer) => Buffer.concat([p, Buffer.of(0xa5)]),
      unprotectRtcp: (p: Buffer) => (p.at(-1) === 0xa5 ? p.subarray(0, -1) : null),
    };
    // Timestamp origins more than half the 32-bit space apart: the new source's events look older than the old one's.
    const a = createRtpEnd({ pair: pa!, audio: negotiated(pb!.port), clock, transform, random: () => 0x7fff0000 });
    const b = createRtpEnd({ pair: pb!, audio: negotiated(pa!.port), clock, transform });
    const digits: DtmfDigit[] = [];
    b.onDigit((d) => digits.push(d));
    const playDigit = async (end: UdpRtpEnd, d: DtmfDigit): Promise<void> => {
      end.sendDigit(d, 60);
      for (let t = 0; t < 15; t++) {
        clock.advance(20);
        await new Promise((r) => setTimeout(r, 2));
      }
    };
    for (let i = 0; i < 5; i++) {
      clock.advance(20);
      a.sendFrame(tone(i));
      await until(() => b.stats().packetsReceived >= i, 'protected packets');
    }
    assert.equal(b.stats().packetsReceived, 4);
    await playDigit(a, '1');
    await until(() => digits.length === 1, 'first digit');
    // The same address sends a plain (unprotected) packet: rejected by the transform, counted.
    const plain = serializeRtp({ payloadType: 0, sequence: 1, timestamp: 0, ssrc: a.ssrc, payload: new Uint8Array(160) });
    await send(pa!.rtp, plain, pb!.port);
    await until(() => b.stats().droppedPackets === 1, 'unprotected packet dropped');
    // The peer restarts its stream (new SSRC, new origins) from the same address.
    const before = b.stats().packetsReceived;
    const restarted = createRtpEnd({ pair: pa!, audio: negotiated(pb!.port), clock, transform, random: () => 0x1234 });
    a.close();
    for (let i = 0; i < 3; i++) {
      clock.advance(20);
      restarted.sendFrame(tone(100 + i));
      await until(() => b.stats().packetsReceived >= before + i, 'new source');
    }
    assert.equal(b.stats().packetsReceived, before + 2, 'the new SSRC passed probation after two in sequence');
    assert.deepEqual(b.nextFrame(), g711Decode('PCMU', g711Encode('PCMU', tone(101))));
    await playDigit(restarted, '2');
    await until(() => digits.length === 2, 'digit from the restarted source');
    assert.deepEqual(digits, ['1', '2']);
    restarted.close();
    b.close();
  });
});

test('sending after the port pair was released loses the packet but does not throw', async () => {
  const base = await freePortRange(2);
  const pool = new RtpPortPool({ min: base, max: base + 3, bindAddress: HOST, spares: 1 });
  await pool.start();
  const pair = pool.take()!;
  const clock = new FakeRtpClock();
  const a = createRtpEnd({ pair, audio: negotiated(base + 2), clock });
  pool.release(pair);
  await pool.settled();
  clock.advance(20);
  assert.doesNotThrow(() => a.sendFrame(tone(0)));
  assert.doesNotThrow(() => a.close());
  await pool.close();
});

test("SIPp's g711a.pcap (PCMA, 30 ms packets) replayed at its captured pace plays out sample for sample", async () => {
  const { readPcapUdp, SIPP_PCAP_DIR } = await import('../../helpers/pcap.js');
  const captured = readPcapUdp(`${SIPP_PCAP_DIR}/g711a.pcap`).slice(0, 120);
  await withPairs(1, async ([pa]) => {
    const peer = await rawPeer();
    const clock = new FakeRtpClock();
    const a = createRtpEnd({ pair: pa!, audio: negotiated(peer.port, { codec: PCMA, codecs: [PCMA], ptime: 30 }), clock });
    const t0 = captured[0]!.timeUs / 1000;
    const out: Int16Array[] = [];
    let tick = 5;
    for (const [k, d] of captured.entries()) {
      const at = d.timeUs / 1000 - t0;
      while (tick <= at) {
        clock.advance(tick - (clock.now() - 1000));
        const concealed = a.stats().concealedFrames;
        const f = a.nextFrame().slice();
        // Ticks that conceal (waiting for a frame's tail at the start) are not part of the stream.
        if (a.stats().concealedFrames === concealed) out.push(f);
        tick += 20;
      }
      clock.advance(Math.max(0, at - (clock.now() - 1000)));
      await send(peer.rtp, d.payload, pa!.port);
      // The first packet is A.1 probation; each later one is counted on arrival.
      await until(() => a.stats().packetsReceived >= k, `packet ${k}`);
    }
    const played = Int16Array.from(out.flatMap((f) => Array.from(f)));
    const expected = Int16Array.from(captured.slice(1).flatMap((d) => {
      const r = parseRtp(d.payload);
      assert.ok(r.ok);
      return Array.from(g711Decode('PCMA', r.packet.payload));
    }));
    // Playout starts with packet 1 (packet 0 was A.1 probation); before it, the buffer gave zeros.
    const stream = played;
    const start = stream.findIndex((v) => v !== 0);
    const n = Math.min(stream.length - start, expected.length) - 480;
    assert.ok(n > 20 * 240, `compared ${n} samples`);
    assert.deepEqual(Array.from(stream.subarray(start, start + n)), Array.from(expected.subarray(0, n)));
    assert.ok(a.stats().concealedFrames <= 3, `concealed ${a.stats().concealedFrames}`);
    a.close();
    peer.close();
  });
});

test('voice activity: silence is not sent; comfort noise (RFC 3389, PT 13) opens it and repeats every 200 ms; the next voice packet has the marker and the timestamp of its place', async () => {
  const peer = await rawPeer();
  try {
    await withPairs(1, async ([pa]) => {
      const clock = new FakeRtpClock();
      const a = createRtpEnd({ pair: pa!, audio: negotiated(peer.port, { comfortNoise: 13 }), clock, cname: 'a@test' });
      for (let i = 0; i < 5; i++) {
        clock.advance(20);
        a.sendFrame(tone(i));
      }
      for (let i = 0; i < 25; i++) {
        clock.advance(20);
        a.sendSilence(-60);
      }
      clock.advance(20);
      a.sendFrame(tone(30));
      await until(() => peer.rtpIn.length >= 5 + 3 + 1, 'voice, three CN packets and voice again');
      const cn = peer.rtpIn.filter((p) => p.payloadType === 13);
      assert.equal(cn.length, 3, 'CN at 0, 200 and 400 ms of the 500 ms silence');
      assert.deepEqual(Array.from(cn[0]!.payload), [60], 'noise level −60 dBov');
      const voice = peer.rtpIn.filter((p) => p.payloadType === 0);
      assert.equal(voice.length, 6);
      const last = voice.at(-1)!;
      assert.equal(last.marker, true, 'a new talkspurt');
      assert.equal((last.timestamp - voice[4]!.timestamp) >>> 0, 26 * 160, 'the timestamp kept the clock through the silence');
      const seqs = peer.rtpIn.map((p) => p.sequence);
      for (let i = 1; i < seqs.length; i++) assert.equal(seqs[i], (seqs[i - 1]! + 1) & 0xffff, 'no sequence gaps: CN packets are numbered');
      a.close();
    });
  } finally {
    peer.close();
  }
});

test('without negotiated comfort noise, silence sends nothing at all', async () => {
  const peer = await rawPeer();
  try {
    await withPairs(1, async ([pa]) => {
      const clock = new FakeRtpClock();
      const a = createRtpEnd({ pair: pa!, audio: negotiated(peer.port), clock, cname: 'a@test' });
      clock.advance(20);
      a.sendFrame(tone(0));
      for (let i = 0; i < 20; i++) {
        clock.advance(20);
        a.sendSilence(-60);
      }
      clock.advance(20);
      a.sendFrame(tone(21));
      await until(() => peer.rtpIn.length >= 2, 'two voice packets');
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(peer.rtpIn.length, 2);
      assert.equal((peer.rtpIn[1]!.timestamp - peer.rtpIn[0]!.timestamp) >>> 0, 21 * 160);
      a.close();
    });
  } finally {
    peer.close();
  }
});
