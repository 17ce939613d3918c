/**
 * One RTP session's RTCP side, pure: which report to send (RFC 3550 §6.4: an SR when we sent RTP since
 * the last report, an RR otherwise), with a report block on the peer's stream, the LSR/DLSR echo of its
 * last SR, our SDES CNAME (§6.5.1, required in every compound packet) and a BYE at the end (§6.6); the
 * randomised report interval (§6.2, A.7); and what the peer's reports say about our stream.
 */
import { buildRtcpCompound, ntpFromUnixMs, ntpMiddle32, SDES_CNAME, type ReportBlock, type RtcpPacket } from './rtcp-packet.js';
import type { ReceiveStats } from './receive-stats.js';

export interface RemoteReport {
  /** 0–1. */
  fractionLost: number;
  cumulativeLost: number;
  jitterMs: number;
}

export interface LocalSender {
  ssrc: number;
  packetCount: number;
  octetCount: number;
}

export class RtcpSession {
  private lastSr: { lsr: number; atMs: number } | null = null;
  private remote: RemoteReport | null = null;
  private packetsAtLastReport = 0;
  private reportsSent = 0;
  /** BYE seen from the peer for its stream. */
  peerBye = false;

  constructor(
    readonly cname: string,
    private readonly random01: () => number = Math.random,
  ) {}

  /**
   * The next report interval: RFC 3550 §6.2's 5 s minimum (the two-party session's bandwidth share
   * gives less than that) times a random factor in [0.5, 1.5) so that reports do not synchronise; the
   * first report comes after half the minimum (§6.2 "initial").
   */
  nextIntervalMs(baseMs: number): number {
    const base = this.reportsSent === 0 ? baseMs / 2 : baseMs;
    return base * (0.5 + this.random01());
  }

  get remoteReport(): RemoteReport | null {
    return this.remote;
  }

  /**
   * A compound report: SR or RR, SDES CNAME, and BYE when `bye` is given.
   * `wallMs` is wall-clock time for the NTP timestamp, `nowMs` the monotonic clock LSR receipt used.
   */
  build(o: { sender: LocalSender; rtpTimestamp: number; wallMs: number; nowMs: number; source: { ssrc: number; stats: ReceiveStats } | null; bye?: string }): Buffer {
    const reports: ReportBlock[] = [];
    if (o.source && o.source.stats.received > 0) {
      const dlsr = this.lastSr ? Math.round(((o.nowMs - this.lastSr.atMs) * 65536) / 1000) : 0;
      reports.push(o.source.stats.reportBlock(o.source.ssrc, this.lastSr?.lsr ?? 0, dlsr));
    }
    const packets: RtcpPacket[] = [];
    if (o.sender.packetCount !== this.packetsAtLastReport) {
      packets.push({ type: 'sr', ssrc: o.sender.ssrc, sender: { ...ntpFromUnixMs(o.wallMs), rtpTimestamp: o.rtpTimestamp, packetCount: o.sender.packetCount, octetCount: o.sender.octetCount }, reports });
    } else {
      packets.push({ type: 'rr', ssrc: o.sender.ssrc, reports });
    }
    this.packetsAtLastReport = o.sender.packetCount;
    packets.push({ type: 'sdes', chunks: [{ ssrc: o.sender.ssrc, items: [{ type: SDES_CNAME, text: this.cname }] }] });
    if (o.bye !== undefined) packets.push({ type: 'bye', ssrcs: [o.sender.ssrc], reason: o.bye || null });
    this.reportsSent++;
    return buildRtcpCompound(packets);
  }

  /** Takes in the peer's compound packet: its SR time for our LSR echo, its report block on our stream. */
  receive(packets: readonly RtcpPacket[], ourSsrc: number, nowMs: number): void {
    for (const p of packets) {
      if (p.type === 'sr') this.lastSr = { lsr: ntpMiddle32(p.sender.ntpSec, p.sender.ntpFrac), atMs: nowMs };
      if (p.type === 'sr' || p.type === 'rr') {
        const mine = p.reports.find((r) => r.ssrc === ourSsrc >>> 0);
        if (mine) this.remote = { fractionLost: mine.fractionLost / 256, cumulativeLost: mine.cumulativeLost, jitterMs: mine.jitter / 8 };
      }
      if (p.type === 'bye') this.peerBye = true;
    }
  }
}
