/**
 * RTCP compound packets (RFC 3550 §6), pure: sender reports (§6.4.1), receiver reports (§6.4.2) with
 * their report blocks, source descriptions (§6.5, CNAME and the other items) and BYE (§6.6). Parsing
 * checks a compound packet as RFC 3550 A.2 does and never throws; packet types we do not know (APP,
 * feedback) are kept opaque.
 */
export interface ReportBlock {
  /** The source this block reports on. */
  ssrc: number;
  /** Fraction lost since the last report, as a fixed-point number over 256 (§6.4.1). */
  fractionLost: number;
  /** Cumulative packets lost, signed 24 bits (duplicates can make it negative). */
  cumulativeLost: number;
  extendedHighestSeq: number;
  /** Interarrival jitter in timestamp units. */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received, 0 if none. */
  lsr: number;
  /** Delay since that SR in 1/65536 s. */
  dlsr: number;
}

export interface SenderInfo {
  /** NTP timestamp: seconds since 1900 and the fraction, each 32 bits. */
  ntpSec: number;
  ntpFrac: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export interface SdesItem {
  /** §6.5: 1 CNAME, 2 NAME, … 8 PRIV. */
  type: number;
  text: string;
}

export type RtcpPacket =
  | { type: 'sr'; ssrc: number; sender: SenderInfo; reports: ReportBlock[] }
  | { type: 'rr'; ssrc: number; reports: ReportBlock[] }
  | { type: 'sdes'; chunks: { ssrc: number; items: SdesItem[] }[] }
  | { type: 'bye'; ssrcs: number[]; reason: string | null }
  | { type: 'other'; packetType: number; count: number; body: Uint8Array };

export type RtcpParseFailure = 'too-short' | 'bad-version' | 'bad-length' | 'bad-padding' | 'not-report-first' | 'bad-body';
export type RtcpParseResult = { ok: true; packets: RtcpPacket[] } | { ok: false; reason: RtcpParseFailure };

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const SDES_CNAME = 1;
const REPORT_BLOCK_BYTES = 24;
const SENDER_INFO_BYTES = 20;

export function parseRtcpCompound(d: Uint8Array): RtcpParseResult {
  if (d.length < 4) return { ok: false, reason: 'too-short' };
  const packets: RtcpPacket[] = [];
  for (let off = 0; off < d.length; ) {
    if (off + 4 > d.length) return { ok: false, reason: 'bad-length' };
    const b0 = d[off]!;
    if (b0 >> 6 !== 2) return { ok: false, reason: 'bad-version' };
    const count = b0 & 0x1f;
    const packetType = d[off + 1]!;
    const end = off + 4 * (((d[off + 2]! << 8) | d[off + 3]!) + 1);
    if (end > d.length) return { ok: false, reason: 'bad-length' };
    let bodyEnd = end;
    if (b0 & 0x20) {
      // A.2: only the last packet of a compound may be padded.
      const pad = d[end - 1]!;
      if (end !== d.length || pad === 0 || off + 4 + pad > end) return { ok: false, reason: 'bad-padding' };
      bodyEnd -= pad;
    }
    if (packets.length === 0 && packetType !== RTCP_SR && packetType !== RTCP_RR) return { ok: false, reason: 'not-report-first' };
    const p = parseOne(packetType, count, d.subarray(off + 4, bodyEnd));
    if (!p) return { ok: false, reason: 'bad-body' };
    packets.push(p);
    off = end;
  }
  return { ok: true, packets };
}

function parseOne(packetType: number, count: number, body: Uint8Array): RtcpPacket | null {
  switch (packetType) {
    case RTCP_SR: {
      if (body.length < 4 + SENDER_INFO_BYTES + count * REPORT_BLOCK_BYTES) return null;
      const sender: SenderInfo = { ntpSec: u32(body, 4), ntpFrac: u32(body, 8), rtpTimestamp: u32(body, 12), packetCount: u32(body, 16), octetCount: u32(body, 20) };
      return { type: 'sr', ssrc: u32(body, 0), sender, reports: reportBlocks(body, 4 + SENDER_INFO_BYTES, count) };
    }
    case RTCP_RR:
      if (body.length < 4 + count * REPORT_BLOCK_BYTES) return null;
      return { type: 'rr', ssrc: u32(body, 0), reports: reportBlocks(body, 4, count) };
    case RTCP_SDES:
      return parseSdes(body, count);
    case RTCP_BYE: {
      if (body.length < 4 * count) return null;
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(u32(body, 4 * i));
      let reason: string | null = null;
      const at = 4 * count;
      if (at < body.length) {
        const len = body[at]!;
        if (at + 1 + len > body.length) return null;
        reason = Buffer.from(body.subarray(at + 1, at + 1 + len)).toString('utf8');
      }
      return { type: 'bye', ssrcs, reason };
    }
    default:
      return { type: 'other', packetType, count, body };
  }
}

function reportBlocks(body: Uint8Array, start: number, count: number): ReportBlock[] {
  const out: ReportBlock[] = [];
  for (let i = 0; i < count; i++) {
    const o = start + i * REPORT_BLOCK_BYTES;
    const lost24 = (body[o + 5]! << 16) | (body[o + 6]! << 8) | body[o + 7]!;
    out.push({
      ssrc: u32(body, o),
      fractionLost: body[o + 4]!,
      cumulativeLost: lost24 & 0x800000 ? lost24 - 0x1000000 : lost24,
      extendedHighestSeq: u32(body, o + 8),
      jitter: u32(body, o + 12),
      lsr: u32(body, o + 16),
      dlsr: u32(body, o + 20),
    });
  }
  return out;
}

function parseSdes(body: Uint8Array, count: number): RtcpPacket | null {
  const chunks: { ssrc: number; items: SdesItem[] }[] = [];
  let o = 0;
  for (let c = 0; c < count; c++) {
    if (o + 4 > body.length) return null;
    const ssrc = u32(body, o);
    o += 4;
    const items: SdesItem[] = [];
    // §6.5: items end with a null octet, then padding to the next 32-bit boundary.
    for (;;) {
      if (o >= body.length) return null;
      const type = body[o]!;
      if (type === 0) break;
      if (o + 2 > body.length) return null;
      const len = body[o + 1]!;
      if (o + 2 + len > body.length) return null;
      items.push({ type, text: Buffer.from(body.subarray(o + 2, o + 2 + len)).toString('utf8') });
      o += 2 + len;
    }
    o = (o + 4) & ~3;
    chunks.push({ ssrc, items });
  }
  return { type: 'sdes', chunks };
}

/** Builds a compound packet; RFC 3550 §6.1 wants it to start with an SR or RR and carry an SDES CNAME. */
export function buildRtcpCompound(packets: readonly RtcpPacket[]): Buffer {
  return Buffer.concat(packets.map(buildOne));
}

function header(count: number, packetType: number, body: Buffer): Buffer {
  const h = Buffer.allocUnsafe(4);
  h[0] = 0x80 | (count & 0x1f);
  h[1] = packetType;
  h.writeUInt16BE(body.length / 4, 2);
  return Buffer.concat([h, body]);
}

function buildOne(p: RtcpPacket): Buffer {
  switch (p.type) {
    case 'sr': {
      const b = Buffer.alloc(4 + SENDER_INFO_BYTES + p.reports.length * REPORT_BLOCK_BYTES);
      b.writeUInt32BE(p.ssrc >>> 0, 0);
      const s = p.sender;
      b.writeUInt32BE(s.ntpSec >>> 0, 4);
      b.writeUInt32BE(s.ntpFrac >>> 0, 8);
      b.writeUInt32BE(s.rtpTimestamp >>> 0, 12);
      b.writeUInt32BE(s.packetCount >>> 0, 16);
      b.writeUInt32BE(s.octetCount >>> 0, 20);
      writeReports(b, 4 + SENDER_INFO_BYTES, p.reports);
      return header(p.reports.length, RTCP_SR, b);
    }
    case 'rr': {
      const b = Buffer.alloc(4 + p.reports.length * REPORT_BLOCK_BYTES);
      b.writeUInt32BE(p.ssrc >>> 0, 0);
      writeReports(b, 4, p.reports);
      return header(p.reports.length, RTCP_RR, b);
    }
    case 'sdes': {
      const parts: Buffer[] = [];
      for (const c of p.chunks) {
        const items = c.items.map((i) => {
          const t = Buffer.from(i.text, 'utf8').subarray(0, 255);
          return Buffer.concat([Buffer.of(i.type, t.length), t]);
        });
        const raw = Buffer.concat([Buffer.alloc(4), ...items]);
        raw.writeUInt32BE(c.ssrc >>> 0, 0);
        // At least one null octet, up to the next 32-bit boundary.
        parts.push(Buffer.concat([raw, Buffer.alloc(4 - (raw.length % 4))]));
      }
      return header(p.chunks.length, RTCP_SDES, Buffer.concat(parts));
    }
    case 'bye': {
      const ids = Buffer.alloc(4 * p.ssrcs.length);
      p.ssrcs.forEach((s, i) => ids.writeUInt32BE(s >>> 0, 4 * i));
      let body = ids;
      if (p.reason !== null) {
        const r = Buffer.from(p.reason, 'utf8').subarray(0, 255);
        const withLen = Buffer.concat([ids, Buffer.of(r.length), r]);
        body = Buffer.concat([withLen, Buffer.alloc((4 - (withLen.length % 4)) % 4)]);
      }
      return header(p.ssrcs.length, RTCP_BYE, body);
    }
    case 'other': {
      const body = Buffer.concat([Buffer.from(p.body), Buffer.alloc((4 - (p.body.length % 4)) % 4)]);
      return header(p.count, p.packetType, body);
    }
  }
}

function writeReports(b: Buffer, start: number, reports: readonly ReportBlock[]): void {
  reports.forEach((r, i) => {
    const o = start + i * REPORT_BLOCK_BYTES;
    b.writeUInt32BE(r.ssrc >>> 0, o);
    b[o + 4] = Math.max(0, Math.min(255, r.fractionLost));
    // Signed 24 bits, clamped (§6.4.1: the field saturates).
    const lost = Math.max(-0x800000, Math.min(0x7fffff, r.cumulativeLost)) & 0xffffff;
    b[o + 5] = lost >> 16;
    b[o + 6] = (lost >> 8) & 0xff;
    b[o + 7] = lost & 0xff;
    b.writeUInt32BE(r.extendedHighestSeq >>> 0, o + 8);
    b.writeUInt32BE(r.jitter >>> 0, o + 12);
    b.writeUInt32BE(r.lsr >>> 0, o + 16);
    b.writeUInt32BE(r.dlsr >>> 0, o + 20);
  });
}

/** The middle 32 bits of an NTP timestamp, as LSR carries it (§6.4.1). */
export function ntpMiddle32(ntpSec: number, ntpFrac: number): number {
  return (((ntpSec & 0xffff) << 16) | (ntpFrac >>> 16)) >>> 0;
}

/** Unix milliseconds as an NTP timestamp (seconds since 1900 and a 32-bit fraction). */
export function ntpFromUnixMs(ms: number): { ntpSec: number; ntpFrac: number } {
  const NTP_UNIX_OFFSET = 2208988800;
  const sec = Math.floor(ms / 1000);
  return { ntpSec: (sec + NTP_UNIX_OFFSET) >>> 0, ntpFrac: Math.floor(((ms - sec * 1000) / 1000) * 0x100000000) >>> 0 };
}

function u32(d: Uint8Array, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}
