/**
 * SRTP and SRTCP with AES_CM_128_HMAC_SHA1_80 (RFC 3711; RFC 4568 §6.2.1): payload encrypted with
 * AES counter mode (§4.1.1), packet authenticated with an HMAC-SHA1 tag cut to 80 bits (§4.2), session
 * keys derived from SDES master keys with a derivation rate of 0 (§4.3). One master key protects what
 * we send; the peer's, from its a=crypto line, unprotects what we receive.
 *
 * unprotect*() never throws: a packet that is short, malformed, fails authentication or is replayed
 * gives null (and is counted in `rejections`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { PacketTransform } from '../audio-contract.js';
import { aesCmIv, aesCmXor, deriveRtcpKeys, deriveRtpKeys, MASTER_KEY_BYTES, MASTER_SALT_BYTES, type SessionKeys } from './aes-cm.js';
import { ReplayWindow } from './replay-window.js';
import { commitRoc, estimateRoc, type RolloverState } from './rtp-index.js';

/** An SDES master key: 128-bit key and 112-bit salt (the 30 bytes of an `inline:` key-param). */
export interface SrtpMasterKey {
  key: Buffer;
  salt: Buffer;
}

export const AUTH_TAG_BYTES = 10;
const RTP_HEADER_BYTES = 12;
const RTCP_HEADER_BYTES = 8;
const SRTCP_INDEX_BYTES = 4;
/** §3.4: the E flag, the top bit of the 32-bit word before the SRTCP tag. */
const SRTCP_E_FLAG = 0x80000000;
const MAX_SRTCP_INDEX = 0x7fffffff;
/** Receive contexts kept (one per SSRC that authenticated); a call has one or two. */
const MAX_RECEIVE_STREAMS = 16;

export interface SrtpRejections {
  malformed: number;
  authentication: number;
  replay: number;
}

interface SendStream {
  roc: number;
  lastSeq: number;
  srtcpIndex: number;
}

interface ReceiveStream {
  /** Null until the first SRTP packet of this SSRC authenticates (an SRTCP packet may come first). */
  rollover: RolloverState | null;
  rtpWindow: ReplayWindow;
  rtcpWindow: ReplayWindow;
}

function checkMasterKey(which: string, m: SrtpMasterKey): void {
  if (m.key.length !== MASTER_KEY_BYTES || m.salt.length !== MASTER_SALT_BYTES) {
    throw new Error(`${which} SRTP master key must be ${MASTER_KEY_BYTES} bytes with a ${MASTER_SALT_BYTES}-byte salt`);
  }
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

function tag(authKey: Buffer, ...parts: Buffer[]): Buffer {
  const h = createHmac('sha1', authKey);
  for (const p of parts) h.update(p);
  return h.digest().subarray(0, AUTH_TAG_BYTES);
}

function uint32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0, 0);
  return b;
}

export class SrtpTransform implements PacketTransform {
  private readonly sendRtp: SessionKeys;
  private readonly sendRtcp: SessionKeys;
  private readonly receiveRtp: SessionKeys;
  private readonly receiveRtcp: SessionKeys;
  private readonly sendStreams = new Map<number, SendStream>();
  private readonly receiveStreams = new Map<number, ReceiveStream>();
  readonly rejections: SrtpRejections = { malformed: 0, authentication: 0, replay: 0 };

  /** `local`: the key we offered/answered (protects what we send); `remote`: the peer's. */
  constructor(keys: { local: SrtpMasterKey; remote: SrtpMasterKey }) {
    checkMasterKey('local', keys.local);
    checkMasterKey('remote', keys.remote);
    this.sendRtp = deriveRtpKeys(keys.local.key, keys.local.salt);
    this.sendRtcp = deriveRtcpKeys(keys.local.key, keys.local.salt);
    this.receiveRtp = deriveRtpKeys(keys.remote.key, keys.remote.salt);
    this.receiveRtcp = deriveRtcpKeys(keys.remote.key, keys.remote.salt);
  }

  /** §3.1: encrypts the payload and appends the tag over header, payload and ROC. Throws on a packet we built wrong. */
  protectRtp(packet: Buffer): Buffer {
    const headerLength = rtpHeaderLength(packet);
    if (headerLength < 0) throw new Error('protectRtp: not a whole RTP packet');
    const ssrc = packet.readUInt32BE(8);
    const seq = packet.readUInt16BE(2);
    const stream = this.sendStream(ssrc, seq);
    // The sender's ROC counts its own sequence wraps (§3.3.1).
    if (seq < stream.lastSeq && stream.lastSeq - seq > 32768) stream.roc = (stream.roc + 1) >>> 0;
    stream.lastSeq = seq;
    const index = stream.roc * 65536 + seq;
    const k = this.sendRtp;
    const payload = aesCmXor(k.encryptionKey, aesCmIv(k.salt, ssrc, index), packet.subarray(headerLength));
    const body = Buffer.concat([packet.subarray(0, headerLength), payload]);
    return Buffer.concat([body, tag(k.authenticationKey, body, uint32(stream.roc))]);
  }

  unprotectRtp(packet: Buffer): Buffer | null {
    try {
      return this.unprotectRtpOrNull(packet);
    } catch {
      this.rejections.malformed++;
      return null;
    }
  }

  /** §3.4: encrypts everything after the first 8 bytes, appends E‖index and the tag. */
  protectRtcp(packet: Buffer): Buffer {
    if (packet.length < RTCP_HEADER_BYTES || packet[0] >> 6 !== 2) throw new Error('protectRtcp: not an RTCP packet');
    const ssrc = packet.readUInt32BE(4);
    const stream = this.sendStream(ssrc, 0);
    // Counted from 1 as libsrtp does (its reference packets carry index 1 first); wraps within 31 bits.
    stream.srtcpIndex = stream.srtcpIndex >= MAX_SRTCP_INDEX ? 0 : stream.srtcpIndex + 1;
    const k = this.sendRtcp;
    const encrypted = aesCmXor(k.encryptionKey, aesCmIv(k.salt, ssrc, stream.srtcpIndex), packet.subarray(RTCP_HEADER_BYTES));
    const body = Buffer.concat([packet.subarray(0, RTCP_HEADER_BYTES), encrypted, uint32(SRTCP_E_FLAG | stream.srtcpIndex)]);
    return Buffer.concat([body, tag(k.authenticationKey, body)]);
  }

  unprotectRtcp(packet: Buffer): Buffer | null {
    try {
      return this.unprotectRtcpOrNull(packet);
    } catch {
      this.rejections.malformed++;
      return null;
    }
  }

  private unprotectRtpOrNull(packet: Buffer): Buffer | null {
    if (packet.length < RTP_HEADER_BYTES + AUTH_TAG_BYTES) return this.reject('malformed');
    const body = packet.subarray(0, packet.length - AUTH_TAG_BYTES);
    const headerLength = rtpHeaderLength(body);
    if (headerLength < 0) return this.reject('malformed');
    const ssrc = body.readUInt32BE(8);
    const seq = body.readUInt16BE(2);
    const known = this.receiveStreams.get(ssrc);
    // A new SSRC starts at ROC 0 with s_l = its first sequence number (§3.3.1).
    const rollover = known?.rollover ?? { roc: 0, highestSeq: seq };
    const v = estimateRoc(rollover, seq);
    if (v < 0 || v > 0xffffffff) return this.reject('replay');
    const index = v * 65536 + seq;
    if (known && known.rtpWindow.check(index) !== 'new') return this.reject('replay');
    const k = this.receiveRtp;
    const expected = tag(k.authenticationKey, body, uint32(v));
    if (!timingSafeEqual(expected, packet.subarray(packet.length - AUTH_TAG_BYTES))) return this.reject('authentication');
    const stream = known ?? this.newReceiveStream(ssrc);
    stream.rollover = commitRoc(rollover, v, seq);
    stream.rtpWindow.accept(index);
    const payload = aesCmXor(k.encryptionKey, aesCmIv(k.salt, ssrc, index), body.subarray(headerLength));
    return Buffer.concat([body.subarray(0, headerLength), payload]);
  }

  private unprotectRtcpOrNull(packet: Buffer): Buffer | null {
    if (packet.length < RTCP_HEADER_BYTES + SRTCP_INDEX_BYTES + AUTH_TAG_BYTES || packet[0] >> 6 !== 2) return this.reject('malformed');
    const body = packet.subarray(0, packet.length - AUTH_TAG_BYTES);
    const k = this.receiveRtcp;
    if (!timingSafeEqual(tag(k.authenticationKey, body), packet.subarray(packet.length - AUTH_TAG_BYTES))) return this.reject('authentication');
    const word = body.readUInt32BE(body.length - SRTCP_INDEX_BYTES);
    const encrypted = (word & SRTCP_E_FLAG) !== 0;
    const index = word & MAX_SRTCP_INDEX;
    const ssrc = body.readUInt32BE(4);
    const stream = this.receiveStreams.get(ssrc) ?? this.newReceiveStream(ssrc);
    if (stream.rtcpWindow.check(index) !== 'new') return this.reject('replay');
    stream.rtcpWindow.accept(index);
    const content = body.subarray(RTCP_HEADER_BYTES, body.length - SRTCP_INDEX_BYTES);
    const clear = encrypted ? aesCmXor(k.encryptionKey, aesCmIv(k.salt, ssrc, index), content) : content;
    return Buffer.concat([body.subarray(0, RTCP_HEADER_BYTES), clear]);
  }

  private reject(kind: keyof SrtpRejections): null {
    this.rejections[kind]++;
    return null;
  }

  private sendStream(ssrc: number, firstSeq: number): SendStream {
    let s = this.sendStreams.get(ssrc);
    if (!s) {
      s = { roc: 0, lastSeq: firstSeq, srtcpIndex: 0 };
      this.sendStreams.set(ssrc, s);
    }
    return s;
  }

  /** Only authenticated packets create a stream, so a flood of forged SSRCs cannot grow the map. */
  private newReceiveStream(ssrc: number): ReceiveStream {
    if (this.receiveStreams.size >= MAX_RECEIVE_STREAMS) {
      const oldest = this.receiveStreams.keys().next().value as number;
      this.receiveStreams.delete(oldest);
    }
    const stream: ReceiveStream = {
      rollover: null,
      rtpWindow: new ReplayWindow(),
      rtcpWindow: new ReplayWindow(),
    };
    this.receiveStreams.set(ssrc, stream);
    return stream;
  }
}
