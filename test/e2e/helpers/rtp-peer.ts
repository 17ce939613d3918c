/**
 * The far SIP side's RTP for end-to-end audio tests: a UDP socket that keeps every RTP packet it gets
 * (with its arrival time) and can send a paced G.711 stream, with test-injected loss, reordering and
 * jitter. Plus the signal checks the tests make: the audio of a stream in timestamp order, the lag and
 * normalised correlation between two signals, and the power of one frequency (Goertzel).
 */
import dgram from 'node:dgram';
import { g711Decode, g711Encode } from '../../../src/media/codec/g711.js';
import { parseRtp, serializeRtp, type RtpPacket } from '../../../src/media/rtp/index.js';
import { decodeTelephoneEvent } from '../../../src/media/rtp/index.js';
import { prng } from '../../helpers/prng.js';

export interface ReceivedRtp {
  readonly at: number;
  readonly packet: RtpPacket;
  readonly from: { address: string; port: number };
}

export interface SentSamples {
  /** When the packet carrying sample `index` (of the sent signal) left, ms (performance.now()). */
  readonly sentAt: (index: number) => number;
}

export interface StreamOptions {
  readonly payloadType?: number;
  readonly law?: 'alaw' | 'ulaw';
  readonly ptimeMs?: number;
  /** Drop this share of packets (0–1), from a seeded generator. */
  readonly loss?: number;
  /** Delay each packet by up to this many ms (uniform), so some arrive out of order. */
  readonly jitterMs?: number;
  readonly seed?: number;
}

/** The injected faults come from a seeded generator: the same on every run. */
export const seeded = prng;

export class RtpPeer {
  readonly received: ReceivedRtp[] = [];
  readonly rtcp: { at: number; bytes: Buffer }[] = [];
  private constructor(
    private readonly socket: dgram.Socket,
    private readonly rtcpSocket: dgram.Socket,
    readonly port: number,
  ) {
    socket.on('message', (msg, rinfo) => {
      const parsed = parseRtp(msg);
      if (parsed.ok) this.received.push({ at: performance.now(), packet: parsed.packet, from: { address: rinfo.address, port: rinfo.port } });
    });
    rtcpSocket.on('message', (msg) => this.rtcp.push({ at: performance.now(), bytes: Buffer.from(msg) }));
  }

  /** An RTP socket on an even port with its RTCP neighbour (RFC 3550 §11). */
  static async open(): Promise<RtpPeer> {
    for (let attempt = 0; attempt < 50; attempt++) {
      const port = 20000 + 2 * Math.floor(Math.random() * 10000);
      const rtp = await bind(port);
      if (!rtp) continue;
      const rtcp = await bind(port + 1);
      if (!rtcp) {
        rtp.close();
        continue;
      }
      return new RtpPeer(rtp, rtcp, port);
    }
    throw new Error('no free even UDP port pair for the test RTP peer');
  }

  /** Where the gateway sends from: the source of the first packet received. */
  get gateway(): { address: string; port: number } | null {
    return this.received[0]?.from ?? null;
  }

  /** The audio received, decoded, in timestamp order, gaps filled with silence; telephone-events left out. */
  audio(law: 'alaw' | 'ulaw' = 'alaw', payloadType = 8): Int16Array {
    const packets = this.received.map((r) => r.packet).filter((p) => p.payloadType === payloadType);
    if (packets.length === 0) return new Int16Array(0);
    packets.sort((a, b) => tsDiff(a.timestamp, packets[0]!.timestamp) - tsDiff(b.timestamp, packets[0]!.timestamp));
    const first = packets[0]!.timestamp;
    const last = packets.at(-1)!;
    const out = new Int16Array(tsDiff(last.timestamp, first) + last.payload.length);
    for (const p of packets) out.set(g711Decode(law === 'alaw' ? 'PCMA' : 'PCMU', p.payload), tsDiff(p.timestamp, first));
    return out;
  }

  /** The RFC 4733 digits received (one per event, by its timestamp). */
  digits(payloadType = 101): string[] {
    const seen = new Map<number, string>();
    for (const r of this.received) {
      if (r.packet.payloadType !== payloadType) continue;
      const ev = decodeTelephoneEvent(r.packet.payload);
      if (ev !== null && !seen.has(r.packet.timestamp)) seen.set(r.packet.timestamp, '0123456789*#ABCD'[ev.event] ?? '?');
    }
    return [...seen.values()];
  }

  /** Sends `signal` as paced G.711 RTP to `to`; resolves when the last packet left. */
  async send(to: { address: string; port: number }, signal: Int16Array, o: StreamOptions = {}): Promise<SentSamples> {
    const ptime = o.ptimeMs ?? 20;
    const samples = ptime * 8;
    const law = o.law ?? 'alaw';
    const pt = o.payloadType ?? (law === 'alaw' ? 8 : 0);
    const random = seeded(o.seed ?? 1);
    const ssrc = 0x1234abcd;
    const times: number[] = [];
    const start = performance.now();
    const count = Math.floor(signal.length / samples);
    for (let i = 0; i < count; i++) {
      const due = start + i * ptime;
      const wait = due - performance.now();
      if (wait > 0) await new Promise((r) => setTimeout(r, wait));
      times.push(performance.now());
      if (o.loss && random() < o.loss) continue;
      const payload = g711Encode(law === 'alaw' ? 'PCMA' : 'PCMU', signal.subarray(i * samples, (i + 1) * samples));
      const bytes = serializeRtp({ payloadType: pt, sequence: (1000 + i) & 0xffff, timestamp: (5000 + i * samples) >>> 0, ssrc, marker: i === 0, payload: Buffer.from(payload) });
      const delay = o.jitterMs ? random() * o.jitterMs : 0;
      if (delay > 0) setTimeout(() => this.socket.send(bytes, to.port, to.address), delay);
      else this.socket.send(bytes, to.port, to.address);
    }
    return { sentAt: (index) => times[Math.min(times.length - 1, Math.max(0, Math.floor(index / samples)))]! };
  }

  close(): void {
    this.socket.close();
    this.rtcpSocket.close();
  }
}

function bind(port: number): Promise<dgram.Socket | null> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4');
    s.once('error', () => s.close(() => resolve(null)));
    s.bind(port, '127.0.0.1', () => resolve(s));
  });
}

function tsDiff(a: number, b: number): number {
  return ((a - b) << 0) | 0;
}

/** The lag (in samples, `y` behind `x`) in [0, maxLag] where their normalised correlation peaks, and that correlation. */
export function bestLag(x: Int16Array, y: Int16Array, maxLag: number): { lag: number; correlation: number } {
  const at = (lag: number, step: number): number => {
    const n = Math.min(x.length, y.length - lag);
    let xy = 0;
    let xx = 0;
    let yy = 0;
    for (let i = 0; i < n; i += step) {
      const a = x[i]!;
      const b = y[i + lag]!;
      xy += a * b;
      xx += a * a;
      yy += b * b;
    }
    return xx === 0 || yy === 0 ? 0 : xy / Math.sqrt(xx * yy);
  };
  // Coarse on every 4th sample and lag, then exact around the best.
  let best = { lag: 0, correlation: -Infinity };
  for (let lag = 0; lag <= maxLag && lag < y.length; lag += 4) {
    const c = at(lag, 4);
    if (c > best.correlation) best = { lag, correlation: c };
  }
  const coarse = best.lag;
  best = { lag: coarse, correlation: -Infinity };
  for (let lag = Math.max(0, coarse - 8); lag <= coarse + 8 && lag < y.length; lag++) {
    const c = at(lag, 1);
    if (c > best.correlation) best = { lag, correlation: c };
  }
  return best;
}

/** Power of `hz` in `signal` (Goertzel), relative to the signal's total power: near 1 for a pure tone of that frequency, near 0 without it. */
export function toneShare(signal: Int16Array, hz: number, rate = 8000): number {
  const k = 2 * Math.cos((2 * Math.PI * hz) / rate);
  let s1 = 0;
  let s2 = 0;
  let energy = 0;
  for (const v of signal) {
    const s0 = v + k * s1 - s2;
    s2 = s1;
    s1 = s0;
    energy += v * v;
  }
  const power = s1 * s1 + s2 * s2 - k * s1 * s2;
  return energy === 0 ? 0 : (2 * power) / (signal.length * energy);
}

/**
 * Correlation segment by segment (1 s each), every segment at its own best lag near `lag`: an adaptive
 * jitter buffer may move the playout point by a frame or two during a call, which one lag for the
 * whole signal would count as a mismatch. Returns the median and the lowest segment correlation.
 */
export function segmentCorrelation(x: Int16Array, y: Int16Array, lag: number, segment = 8000, slack = 480): { median: number; min: number; segments: number; lags: { start: number; lag: number }[] } {
  const values: number[] = [];
  const lags: { start: number; lag: number }[] = [];
  for (let start = 0; start + segment <= x.length; start += segment) {
    const seg = x.subarray(start, start + segment);
    let energy = 0;
    for (const v of seg) energy += v * v;
    if (energy / segment < 100) continue; // silence says nothing about alignment
    let best = -Infinity;
    let bestLagHere = lag;
    for (let l = Math.max(0, lag - slack); l <= lag + slack; l++) {
      if (start + l + segment > y.length) break;
      let xy = 0;
      let yy = 0;
      for (let i = 0; i < segment; i++) {
        const b = y[start + l + i]!;
        xy += seg[i]! * b;
        yy += b * b;
      }
      const c = yy === 0 ? 0 : xy / Math.sqrt(energy * yy);
      if (c > best) {
        best = c;
        bestLagHere = l;
      }
    }
    values.push(best);
    lags.push({ start, lag: bestLagHere });
  }
  values.sort((a, b) => a - b);
  return { median: values[Math.floor(values.length / 2)] ?? 0, min: values[0] ?? 0, segments: values.length, lags };
}

/**
 * Correlation of `y` with `x` frame by frame (160 samples): each returned frame is compared at its own
 * best lag within `slack` of `lag`, then all are summed into one normalised correlation. A jitter buffer
 * that inserts or drops a frame to follow the network (or a starved test machine) moves the lag by a
 * frame; what this measures is whether the audio itself came back intact. Silent frames are left out.
 */
export function frameCorrelation(x: Int16Array, y: Int16Array, lag: number, slack = 480): number {
  let xy = 0;
  let xx = 0;
  let yy = 0;
  for (let start = lag; start + 160 <= y.length; start += 160) {
    let energyY = 0;
    for (let i = 0; i < 160; i++) energyY += y[start + i]! * y[start + i]!;
    if (energyY / 160 < 100) continue;
    let best = { c: -Infinity, xy: 0, xx: 0 };
    for (let l = Math.max(0, lag - slack); l <= lag + slack; l++) {
      const from = start - l;
      if (from < 0 || from + 160 > x.length) continue;
      let a = 0;
      let b = 0;
      for (let i = 0; i < 160; i++) {
        const v = x[from + i]!;
        a += v * y[start + i]!;
        b += v * v;
      }
      const c = b === 0 ? -Infinity : a / Math.sqrt(b * energyY);
      if (c > best.c) best = { c, xy: a, xx: b };
    }
    if (best.c === -Infinity) continue;
    xy += best.xy;
    xx += best.xx;
    yy += energyY;
  }
  return xx === 0 || yy === 0 ? 0 : xy / Math.sqrt(xx * yy);
}
