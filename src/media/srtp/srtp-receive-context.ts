/**
 * One receiving SRTP/SRTCP crypto context (RFC 3711 §3.2.3): the session keys derived from one of the
 * peer's master keys and, per SSRC, the rollover counter and replay windows. A new master key is a new
 * context (§3.3.1: its ROC starts at 0), so a re-keyed stream gets a fresh one of these.
 *
 * Nothing here throws on a packet: a rejection says why, and the state changes only once a packet has
 * authenticated.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import { aesCmIv, aesCmXor, deriveRtcpKeys, deriveRtpKeys, type SessionKeys } from './aes-cm.js';
import { ReplayWindow } from './replay-window.js';
import { commitRoc, estimateRoc, type RolloverState } from './rtp-index.js';

/** An SDES master key: 128-bit key and 112-bit salt (the 30 bytes of an `inline:` key-param). */
export interface SrtpMasterKey {
  key: Buffer;
  salt: Buffer;
}

export type SrtpRejection = 'malformed' | 'authentication' | 'replay';

export const AUTH_TAG_BYTES = 10;
export const RTP_HEADER_BYTES = 12;
export const RTCP_HEADER_BYTES = 8;
export const SRTCP_INDEX_BYTES = 4;
/** §3.4: the E flag, the top bit of the 32-bit word before the SRTCP tag. */
export const SRTCP_E_FLAG = 0x80000000;
export const MAX_SRTCP_INDEX = 0x7fffffff;
/** Receive streams kept (one per SSRC that authenticated); a call has one or two. */
const MAX_RECEIVE_STREAMS = 16;

interface ReceiveStream {
  /** Null until the first SRTP packet of this SSRC authenticates (an SRTCP packet may come first). */
  rollover: RolloverState | null;
  rtpWindow: ReplayWindow;
  rtcpWindow: ReplayWindow;
}

/** RFC 3550 §5.1: the length of the fixed header, CSRCs and any header extension; −1 if it runs past the packet. */
export function rtpHeaderLength(packet: Buffer): number {
  if (packet.length < RTP_HEADER_BYTES || packet[0] >> 6 !== 2) return -1;
  let length = RTP_HEADER_BYTES + 4 * (packet[0] & 0x0f);
  if (packet[0] & 0x10) {
    if (packet.length < length + 4) return -1;
    length += 4 + 4 * packet.readUInt16BE(length + 2);
  }
  return length <= packet.length ? length : -1;
}

export function srtpTag(authKey: Buffer, ...parts: Buffer[]): Buffer {
  const h = createHmac('sha1', authKey);
  for (const p of parts) h.update(p);
  return h.digest().subarray(0, AUTH_TAG_BYTES);
}

export function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

export function sameMasterKey(a: SrtpMasterKey, b: SrtpMasterKey): boolean {
  return a.key.equals(b.key) && a.salt.equals(b.salt);
}

export class SrtpReceiveContext {
  private readonly rtpKeys: SessionKeys;
  private readonly rtcpKeys: SessionKeys;
  private readonly streams = new Map<number, ReceiveStream>();

  constructor(readonly masterKey: SrtpMasterKey) {
    this.rtpKeys = deriveRtpKeys(masterKey.key, masterKey.salt);
    this.rtcpKeys = deriveRtcpKeys(masterKey.key, masterKey.salt);
  }

  /** §3.3: the plain RTP packet, or why it was refused. */
  unprotectRtp(packet: Buffer): Buffer | SrtpRejection {
    if (packet.length < RTP_HEADER_BYTES + AUTH_TAG_BYTES) return 'malformed';
    const body = packet.subarray(0, packet.length - AUTH_TAG_BYTES);
    const headerLength = rtpHeaderLength(body);
    if (headerLength < 0) return 'malformed';
    const ssrc = body.readUInt32BE(8);
    const seq = body.readUInt16BE(2);
    const known = this.streams.get(ssrc);
    // A new SSRC starts at ROC 0 with s_l = its first sequence number (§3.3.1).
    const rollover = known?.rollover ?? { roc: 0, highestSeq: seq };
    const v = estimateRoc(rollover, seq);
    if (v < 0 || v > 0xffffffff) return 'replay';
    const index = v * 65536 + seq;
    if (known && known.rtpWindow.check(index) !== 'new') return 'replay';
    const k = this.rtpKeys;
    const expected = srtpTag(k.authenticationKey, body, uint32(v));
    if (!timingSafeEqual(expected, packet.subarray(packet.length - AUTH_TAG_BYTES))) return 'authentication';
    const stream = known ?? this.newStream(ssrc);
    stream.rollover = commitRoc(rollover, v, seq);
    stream.rtpWindow.accept(index);
    const payload = aesCmXor(k.encryptionKey, aesCmIv(k.salt, ssrc, index), body.subarray(headerLength));
    return Buffer.concat([body.subarray(0, headerLength), payload]);
  }

  /** §3.4: the plain RTCP compound, or why it was refused. */
  unprotectRtcp(packet: Buffer): Buffer | SrtpRejection {
    if (packet.length < RTCP_HEADER_BYTES + SRTCP_INDEX_BYTES + AUTH_TAG_BYTES || packet[0] >> 6 !== 2) return 'malformed';
    const body = packet.subarray(0, packet.length - AUTH_TAG_BYTES);
    const k = this.rtcpKeys;
    if (!timingSafeEqual(srtpTag(k.authenticationKey, body), packet.subarray(packet.length - AUTH_TAG_BYTES))) return 'authentication';
    const word = body.readUInt32BE(body.length - SRTCP_INDEX_BYTES);
    const encrypted = (word & SRTCP_E_FLAG) !== 0;
    const index = word & MAX_SRTCP_INDEX;
    const ssrc = body.readUInt32BE(4);
    const stream = this.streams.get(ssrc) ?? this.newStream(ssrc);
    if (stream.rtcpWindow.check(index) !== 'new') return 'replay';
    stream.rtcpWindow.accept(index);
    const content = body.subarray(RTCP_HEADER_BYTES, body.length - SRTCP_INDEX_BYTES);
    const clear = encrypted ? aesCmXor(k.encryptionKey, aesCmIv(k.salt, ssrc, index), content) : content;
    return Buffer.concat([body.subarray(0, RTCP_HEADER_BYTES), clear]);
  }

  /** Only authenticated packets create a stream, so a flood of forged SSRCs cannot grow the map. */
  private newStream(ssrc: number): ReceiveStream {
    if (this.streams.size >= MAX_RECEIVE_STREAMS) {
      const oldest = this.streams.keys().next().value as number;
      this.streams.delete(oldest);
    }
    const stream: ReceiveStream = { rollover: null, rtpWindow: new ReplayWindow(), rtcpWindow: new ReplayWindow() };
    this.streams.set(ssrc, stream);
    return stream;
  }
}
