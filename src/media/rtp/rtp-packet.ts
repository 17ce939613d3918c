/**
 * RTP packets (RFC 3550 §5.1), pure: parse a datagram into its header fields and payload, and build one.
 * Parsing never throws: a datagram that is not a valid RTP packet comes back as a reason.
 */
export interface RtpHeaderExtension {
  /** The 16 bits RFC 3550 §5.3.1 leaves to the profile. */
  profile: number;
  /** The extension words, a multiple of 4 bytes. */
  data: Uint8Array;
}

export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  /** 16-bit sequence number. */
  sequence: number;
  /** 32-bit timestamp (unsigned). */
  timestamp: number;
  ssrc: number;
  csrcs: number[];
  extension: RtpHeaderExtension | null;
  /** The payload without padding (a view into the datagram when parsed). */
  payload: Uint8Array;
  /** Padding octets after the payload (0 when the P bit is clear). */
  padding: number;
}

export type RtpParseFailure = 'too-short' | 'bad-version' | 'truncated-csrc' | 'truncated-extension' | 'bad-padding';
export type RtpParseResult = { ok: true; packet: RtpPacket } | { ok: false; reason: RtpParseFailure };

export const RTP_VERSION = 2;
export const RTP_FIXED_HEADER = 12;

export function parseRtp(d: Uint8Array): RtpParseResult {
  if (d.length < RTP_FIXED_HEADER) return { ok: false, reason: 'too-short' };
  const b0 = d[0]!;
  const b1 = d[1]!;
  if (b0 >> 6 !== RTP_VERSION) return { ok: false, reason: 'bad-version' };
  const csrcCount = b0 & 0x0f;
  let off = RTP_FIXED_HEADER + 4 * csrcCount;
  if (off > d.length) return { ok: false, reason: 'truncated-csrc' };
  const csrcs: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrcs.push(readU32(d, RTP_FIXED_HEADER + 4 * i));
  let extension: RtpHeaderExtension | null = null;
  if (b0 & 0x10) {
    // §5.3.1: 16-bit profile field, 16-bit length in 32-bit words excluding this 4-byte header.
    if (off + 4 > d.length) return { ok: false, reason: 'truncated-extension' };
    const words = (d[off + 2]! << 8) | d[off + 3]!;
    const end = off + 4 + 4 * words;
    if (end > d.length) return { ok: false, reason: 'truncated-extension' };
    extension = { profile: (d[off]! << 8) | d[off + 1]!, data: d.subarray(off + 4, end) };
    off = end;
  }
  let end = d.length;
  let padding = 0;
  if (b0 & 0x20) {
    // §5.1: the last octet counts the padding octets, itself included.
    padding = d[d.length - 1]!;
    if (padding === 0 || off + padding > d.length) return { ok: false, reason: 'bad-padding' };
    end -= padding;
  }
  return {
    ok: true,
    packet: {
      marker: (b1 & 0x80) !== 0,
      payloadType: b1 & 0x7f,
      sequence: (d[2]! << 8) | d[3]!,
      timestamp: readU32(d, 4),
      ssrc: readU32(d, 8),
      csrcs,
      extension,
      payload: d.subarray(off, end),
      padding,
    },
  };
}

export interface RtpPacketInit {
  marker?: boolean;
  payloadType: number;
  sequence: number;
  timestamp: number;
  ssrc: number;
  csrcs?: readonly number[];
  extension?: RtpHeaderExtension | null;
  payload: Uint8Array;
  /** Padding octets to append (1–255), e.g. to reach a cipher's block size; 0 for none. */
  padding?: number;
}

export function serializeRtp(p: RtpPacketInit): Buffer {
  const csrcs = p.csrcs ?? [];
  const ext = p.extension ?? null;
  const pad = p.padding ?? 0;
  if (csrcs.length > 15) throw new RangeError('RTP: at most 15 CSRCs (RFC 3550 §5.1 CC is 4 bits)');
  if (pad < 0 || pad > 255) throw new RangeError('RTP: padding is 0–255 octets');
  if (ext && ext.data.length % 4 !== 0) throw new RangeError('RTP: header extension data must be whole 32-bit words');
  const extLen = ext ? 4 + ext.data.length : 0;
  const headerLen = RTP_FIXED_HEADER + 4 * csrcs.length + extLen;
  const out = Buffer.allocUnsafe(headerLen + p.payload.length + pad);
  out[0] = (RTP_VERSION << 6) | (pad ? 0x20 : 0) | (ext ? 0x10 : 0) | csrcs.length;
  out[1] = (p.marker ? 0x80 : 0) | (p.payloadType & 0x7f);
  out.writeUInt16BE(p.sequence & 0xffff, 2);
  out.writeUInt32BE(p.timestamp >>> 0, 4);
  out.writeUInt32BE(p.ssrc >>> 0, 8);
  let off = RTP_FIXED_HEADER;
  for (const c of csrcs) {
    out.writeUInt32BE(c >>> 0, off);
    off += 4;
  }
  if (ext) {
    out.writeUInt16BE(ext.profile & 0xffff, off);
    out.writeUInt16BE(ext.data.length / 4, off + 2);
    out.set(ext.data, off + 4);
    off += extLen;
  }
  out.set(p.payload, off);
  off += p.payload.length;
  if (pad) {
    out.fill(0, off, off + pad - 1);
    out[off + pad - 1] = pad;
  }
  return out;
}

function readU32(d: Uint8Array, o: number): number {
  return ((d[o]! << 24) | (d[o + 1]! << 16) | (d[o + 2]! << 8) | d[o + 3]!) >>> 0;
}
