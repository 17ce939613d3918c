/**
 * CPU per bridged call on the RTP side: every 20 ms one frame goes out (G.711 encode, RTP header,
 * serialise) and one comes in (parse, A.1/A.8 statistics, decode, jitter buffer push and pop).
 * Printed beside the call budget's share for RTP: ≤ 0.5 % of one core per bridged call.
 *
 * Part 1 is the pure pipeline (no sockets). Part 2 runs two RtpEnds over loopback UDP, so the figure
 * includes the sockets and event loop a real call pays.
 */
import { RtpPortPool } from '../src/media/rtp-port-pool.js';
import { g711Decode, g711Encode } from '../src/media/codec/g711.js';
import { JitterBuffer } from '../src/media/rtp/jitter-buffer.js';
import { ReceiveStats } from '../src/media/rtp/receive-stats.js';
import { parseRtp, serializeRtp } from '../src/media/rtp/rtp-packet.js';
import { RtpSenderState } from '../src/media/rtp/rtp-sender-state.js';
import { createRtpEnd } from '../src/media/rtp/rtp-end.js';
import { FakeRtpClock } from '../test/media/rtp/fake-rtp-clock.js';
import { freePortRange } from '../test/media/free-port-range.js';

const TARGET_PCT = 0.5;
const frame = Int16Array.from({ length: 160 }, (_, n) => Math.round(8000 * Math.sin((2 * Math.PI * 440 * n) / 8000)));

function cpuMs(f: () => void): number {
  const c0 = process.cpuUsage();
  f();
  const c = process.cpuUsage(c0);
  return (c.user + c.system) / 1000;
}

function purePipeline(frames: number): void {
  const sender = new RtpSenderState();
  const stats = new ReceiveStats();
  const jb = new JitterBuffer();
  const codes = new Uint8Array(160);
  for (let i = 0; i < frames; i++) {
    const now = i * 20;
    const h = sender.nextMedia(160, 160);
    const wire = serializeRtp({ marker: h.marker, payloadType: 8, sequence: h.sequence, timestamp: h.timestamp, ssrc: sender.ssrc, payload: g711Encode('PCMA', frame, codes) });
    const r = parseRtp(wire);
    if (!r.ok) throw new Error('bench: own packet did not parse');
    if (stats.updateSequence(r.packet.sequence) === 'valid') {
      stats.updateJitter(r.packet.timestamp, now + 5);
      jb.push(r.packet.sequence, r.packet.timestamp, g711Decode('PCMA', r.packet.payload), now + 5);
    }
    jb.pop(now + 10);
  }
}

purePipeline(20_000); // warm-up
const FRAMES = 150_000; // 50 minutes of one direction's audio
const pureMs = cpuMs(() => purePipeline(FRAMES));
const purePct = (pureMs / (FRAMES * 20)) * 100;
console.log(`RTP pipeline (pure: encode+packetise+parse+stats+jitter buffer+decode, 20 ms frames): ${((pureMs * 1000) / FRAMES).toFixed(2)} µs per frame, ${purePct.toFixed(4)} % of one core per bridged call  target ≤ ${TARGET_PCT} % ${purePct <= TARGET_PCT ? 'ok' : 'OVER'}`);

// Part 2: two RTP ends over loopback UDP, both directions; a bridged call is one end's send and receive.
const base = await freePortRange(3);
const pool = new RtpPortPool({ min: base, max: base + 5, bindAddress: '127.0.0.1', spares: 2 });
await pool.start();
const pa = pool.take()!;
const pb = pool.take()!;
const codec = { payloadType: 0, encoding: 'PCMU', clockRate: 8000 } as const;
const audio = (port: number) => ({ codec, codecs: [codec], telephoneEvent: 101, remote: { address: '127.0.0.1', port }, direction: 'sendrecv' as const, ptime: 20 });
const clock = new FakeRtpClock();
const a = createRtpEnd({ pair: pa, audio: audio(pb.port), clock });
const b = createRtpEnd({ pair: pb, audio: audio(pa.port), clock });
const UDP_FRAMES = 5000;
const tick = () => new Promise<void>((r) => setImmediate(r));
const c0 = process.cpuUsage();
for (let i = 0; i < UDP_FRAMES; i++) {
  clock.advance(20);
  a.sendFrame(frame);
  b.sendFrame(frame);
  while (b.stats().packetsReceived < i || a.stats().packetsReceived < i) await tick();
  a.nextFrame();
  b.nextFrame();
}
const c = process.cpuUsage(c0);
const udpMs = (c.user + c.system) / 1000;
// Two ends ran: each is one bridged call's RTP side.
const udpPct = (udpMs / 2 / (UDP_FRAMES * 20)) * 100;
console.log(`RTP end over loopback UDP (both ends in one process, sockets and event loop included): ${udpPct.toFixed(3)} % of one core per bridged call  target ≤ ${TARGET_PCT} % ${udpPct <= TARGET_PCT ? 'ok' : 'OVER'}`);
a.close();
b.close();
await pool.close();
