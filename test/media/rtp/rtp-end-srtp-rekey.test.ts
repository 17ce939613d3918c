import { test } from 'node:test';
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { randomBytes } from 'node:crypto';
import { RtpPortPool } from '../../../src/media/rtp-port-pool.js';
import { createRtpEnd } from '../../../src/media/rtp/rtp-end.js';
import { parseRtp, serializeRtp, type RtpPacket } from '../../../src/media/rtp/rtp-packet.js';
import { REKEY_GRACE_MS, SrtpTransform, type SrtpMasterKey } from '../../../src/media/srtp/srtp-transform.js';
import type { NegotiatedAudio } from '../../../src/sip/sdp/sdp-negotiate.js';
import { freePortRange } from '../free-port-range.js';
import { FakeRtpClock } from './fake-rtp-clock.js';

const HOST = '127.0.0.1';
const PCMU = { payloadType: 0, encoding: 'PCMU', clockRate: 8000 } as const;
const PCMA = { payloadType: 8, encoding: 'PCMA', clockRate: 8000 } as const;
const newKey = (): SrtpMasterKey => ({ key: randomBytes(16), salt: randomBytes(14) });

function negotiated(port: number, srtp: NegotiatedAudio['srtp'], o: Partial<NegotiatedAudio> = {}): NegotiatedAudio {
  return { codec: PCMU, codecs: [PCMU, PCMA], telephoneEvent: 101, remote: { address: HOST, port }, direction: 'sendrecv', ptime: 20, srtp, ...o };
}

async function until(cond: () => boolean, what: string): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > 2000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const frame = (i: number) => Int16Array.from({ length: 160 }, (_, n) => Math.round(6000 * Math.sin((i * 160 + n) / 5)));

/** A peer's RTP socket keeping the raw datagrams that arrive. */
async function peerSocket(): Promise<{ sock: dgram.Socket; port: number; wire: Buffer[]; close(): void }> {
  const port = await freePortRange(1);
  const sock = dgram.createSocket('udp4');
  await new Promise<void>((r) => sock.bind(port, HOST, () => r()));
  const wire: Buffer[] = [];
  sock.on('message', (m) => wire.push(m));
  return { sock, port, wire, close: () => sock.close() };
}

function peerPacket(seq: number): Buffer {
  return serializeRtp({ marker: false, payloadType: 0, sequence: seq, timestamp: seq * 160, ssrc: 0x5eed, payload: new Uint8Array(160).fill(0xff) });
}

test("a re-INVITE with the peer's new key: the RTP end follows it (old key heard for the grace), and our SSRC, sequence, timestamp and SRTP context carry on", async () => {
  const base = await freePortRange(2);
  const pool = new RtpPortPool({ min: base, max: base + 3, bindAddress: HOST, spares: 1 });
  await pool.start();
  const peer = await peerSocket();
  try {
    const pair = pool.take()!;
    const clock = new FakeRtpClock();
    const ours = newKey();
    const first = newKey();
    const second = newKey();
    const end = createRtpEnd({ pair, audio: negotiated(peer.port, { local: ours, remote: first }), clock });
    // The peer: one receive context for our key all call long; one send context per key it offered.
    const peerRx = new SrtpTransform({ local: first, remote: ours });
    const peerTxFirst = new SrtpTransform({ local: first, remote: ours });
    const peerTxSecond = new SrtpTransform({ local: second, remote: ours });
    const toUs = (wire: Buffer) => new Promise<void>((r) => peer.sock.send(wire, pair.port, HOST, () => r()));
    // RFC 3550 A.1: the peer's first packet is on probation, the next ones count.
    const received = () => end.stats().packetsReceived + 1;

    for (let i = 0; i < 3; i++) {
      clock.advance(20);
      end.sendFrame(frame(i));
      await toUs(peerTxFirst.protectRtp(peerPacket(100 + i)));
    }
    await until(() => peer.wire.length === 3 && received() === 3, 'the first key both ways');

    // The re-INVITE: the peer offers a new key, our answer keeps ours; the codec changes too.
    end.update(negotiated(peer.port, { local: ours, remote: second }, { codec: PCMA }));
    await toUs(peerTxFirst.protectRtp(peerPacket(103)));
    await until(() => received() === 4, 'the old key before the peer switched');
    await toUs(peerTxSecond.protectRtp(peerPacket(105)));
    await until(() => received() === 5, 'the new key');
    await toUs(peerTxFirst.protectRtp(peerPacket(104)));
    await until(() => received() === 6, 'a late packet under the old key, inside the grace');
    clock.advance(REKEY_GRACE_MS);
    const droppedBefore = end.stats().droppedPackets;
    await toUs(peerTxFirst.protectRtp(peerPacket(106)));
    await until(() => end.stats().droppedPackets === droppedBefore + 1, 'the old key refused after the grace');
    await toUs(peerTxSecond.protectRtp(peerPacket(107)));
    await until(() => received() === 7, 'the new key after the grace');

    for (let i = 3; i < 6; i++) {
      clock.advance(20);
      end.sendFrame(frame(i));
    }
    await until(() => peer.wire.length >= 6, 'our packets after the re-INVITE');
    const ours6: RtpPacket[] = peer.wire.map((w) => {
      const plain = peerRx.unprotectRtp(w);
      assert.ok(plain, 'decryptable under our one key');
      const p = parseRtp(plain);
      assert.ok(p.ok);
      return p.packet;
    });
    assert.equal(ours6.length, 6);
    assert.ok(ours6.every((p) => p.ssrc === end.ssrc));
    for (let k = 1; k < 6; k++) assert.equal(ours6[k]!.sequence, (ours6[k - 1]!.sequence + 1) & 0xffff);
    // Monotonic across the codec change (RFC 3264 §8), keeping pace with the 2 s the grace took.
    assert.deepEqual(ours6.slice(1).map((p, k) => (p.timestamp - ours6[k]!.timestamp) >>> 0), [160, 160, 160 + REKEY_GRACE_MS * 8, 160, 160]);
    assert.deepEqual(ours6.map((p) => p.payloadType), [0, 0, 0, 8, 8, 8]);

    // Optional SRTP: a re-INVITE to plain RTP/AVP; both ways plain from then on.
    end.update(negotiated(peer.port, null));
    clock.advance(20);
    end.sendFrame(frame(6));
    await until(() => peer.wire.length >= 7, 'a plain packet');
    const plain = parseRtp(peer.wire.at(-1)!);
    assert.ok(plain.ok && plain.packet.payload.length === 160, 'no SRTP tag');
    assert.equal(plain.packet.sequence, (ours6[5]!.sequence + 1) & 0xffff);
    await toUs(peerPacket(108));
    await until(() => received() === 8, 'the peer plain');
    end.close();
  } finally {
    peer.close();
    await pool.close();
  }
});
